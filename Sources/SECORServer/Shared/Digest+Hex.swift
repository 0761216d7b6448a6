import Crypto

extension Digest {
    /// Lower-case hex, the one spelling of a hash everywhere (files, versions, log, tokens).
    /// Built from a table: `String(format:)` per byte cost more than the hash itself.
    var hex: String {
        let digits = Array("0123456789abcdef".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Self.byteCount * 2)
        for byte in self {
            bytes.append(digits[Int(byte >> 4)])
            bytes.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
