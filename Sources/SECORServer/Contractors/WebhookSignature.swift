import Crypto
import Foundation
import Vapor

/// V3: how a webhook delivery proves it came from SECOR. The receiver computes
/// HMAC-SHA-256 under its secret over "<t>.<body>" and compares it with `v1` in
/// `X-SECOR-Signature: t=<unix seconds>,v1=<hex>`; `t` lets it refuse old replays.
enum WebhookSignature {
    static let header = "X-SECOR-Signature"

    static func newSecret() -> String { SecretToken.make(prefix: "whsec_") }

    static func sign(body: String, secret: String, at timestamp: Int) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: Data("\(timestamp).\(body)".utf8), using: SymmetricKey(data: Data(secret.utf8)))
        return "t=\(timestamp),v1=" + Data(code).map { String(format: "%02x", $0) }.joined()
    }

    /// What a receiver does (and the tests): the header's signature is this body's, under `secret`.
    static func verify(header value: String, body: String, secret: String) -> Bool {
        let parts = Dictionary(value.split(separator: ",").compactMap { part -> (String, String)? in
            let kv = part.split(separator: "=", maxSplits: 1).map(String.init)
            return kv.count == 2 ? (kv[0], kv[1]) : nil
        }, uniquingKeysWith: { first, _ in first })
        guard let t = parts["t"].flatMap(Int.init), let v1 = parts["v1"] else { return false }
        let expected = sign(body: body, secret: secret, at: t)
        // Constant time: compare every byte whatever the first difference.
        let a = Array(expected.utf8), b = Array("t=\(t),v1=\(v1)".utf8)
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

/// V3: where a contractor's webhook may point. Public `https` only, unless the server
/// allows local receivers (`SECOR_WEBHOOK_ALLOW_LOCAL`): a webhook must not make the
/// server call into its own network. Refused as 422: the document says only "a string".
enum WebhookAddress {
    static func check(_ raw: String?, allowLocal: Bool) throws -> String {
        let text = try Validate.text(raw, "url", "The webhook's address", max: 500)
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), let host = url.host?.lowercased(), !host.isEmpty else {
            throw AppError.refused("url", "Give the whole address, starting with https://.")
        }
        guard url.user == nil && url.password == nil else {
            throw AppError.refused("url", "The address cannot hold a user name or password; the signature proves the sender.")
        }
        guard scheme == "https" || (scheme == "http" && allowLocal) else {
            throw AppError.refused("url", "The address must start with https:// (deliveries carry your subcontractors' names).")
        }
        if !allowLocal && isLocal(host) {
            throw AppError.refused("url", "\(host) is a local or private address; give your receiver's public address.")
        }
        return text
    }

    /// Loopback, private, link-local and unnamed hosts, written as names or addresses.
    static func isLocal(_ host: String) -> Bool {
        let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        if bare == "localhost" || bare.hasSuffix(".localhost") || bare.hasSuffix(".local") || bare.hasSuffix(".internal") || !bare.contains(where: { $0 == "." || $0 == ":" }) {
            return true
        }
        let octets = bare.split(separator: ".").compactMap { UInt8($0) }
        if octets.count == 4 {
            switch (octets[0], octets[1]) {
            case (0, _), (10, _), (127, _), (169, 254), (192, 168): return true
            case (172, let b) where (16...31).contains(b): return true
            case (100, let b) where (64...127).contains(b): return true
            default: return false
            }
        }
        if bare.contains(":") {
            return bare == "::1" || bare == "::" || bare.hasPrefix("fc") || bare.hasPrefix("fd") || bare.hasPrefix("fe80") || bare.hasPrefix("::ffff:")
        }
        return false
    }
}
