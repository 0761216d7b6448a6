import Crypto

extension Digest {
    /// Lower-case hex, the one spelling of a hash everywhere (files, versions, log, tokens).
    var hex: String { map { String(format: "%02x", $0) }.joined() }
}
