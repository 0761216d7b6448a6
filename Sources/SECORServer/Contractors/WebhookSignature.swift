import Crypto
#if canImport(Glibc)
import Glibc
#endif
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
/// server call into its own network. The host is judged by the addresses it resolves to
/// (so `127.1`, `0x7f.0.0.1` or a name pointing at 127.0.0.1 count as loopback), when the
/// address is set and again before every delivery. Refused as 422: the document says only
/// "a string".
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
        if let port = url.port, !(1...65535).contains(port) {
            throw AppError.refused("url", "\(port) is not a port number (1 to 65535).")
        }
        if !allowLocal && isLocal(host: host) {
            throw AppError.refused("url", "\(host) is a local or private address; give your receiver's public address.")
        }
        return text
    }

    /// Whether `host` names this machine or a private network, by its name or by any address
    /// it resolves to now. A name that does not resolve is judged again when sending.
    static func isLocal(host: String) -> Bool {
        let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")).lowercased()
        if bare == "localhost" || bare.hasSuffix(".localhost") || bare.hasSuffix(".local") || bare.hasSuffix(".internal")
            || !bare.contains(where: { $0 == "." || $0 == ":" }) {
            return true
        }
        return ([bare] + resolve(bare)).contains(where: isLocal(address:))
    }

    /// The numeric addresses a host resolves to (empty when it does not).
    static func resolve(_ host: String) -> [String] {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &result) == 0, let first = result else { return [] }
        defer { freeaddrinfo(first) }
        var out: [String] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let info = cursor {
            var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
            if info.pointee.ai_family == AF_INET, let address = info.pointee.ai_addr {
                var v4 = address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr }
                if inet_ntop(AF_INET, &v4, &buffer, socklen_t(buffer.count)) != nil { out.append(String(cString: buffer)) }
            } else if info.pointee.ai_family == AF_INET6, let address = info.pointee.ai_addr {
                var v6 = address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee.sin6_addr }
                if inet_ntop(AF_INET6, &v6, &buffer, socklen_t(buffer.count)) != nil { out.append(String(cString: buffer)) }
            }
            cursor = info.pointee.ai_next
        }
        return out
    }

    /// Loopback, private, shared, link-local, benchmark, documentation, multicast and reserved
    /// addresses, IPv4 and IPv6 (with IPv4 inside IPv6 judged as IPv4).
    static func isLocal(address: String) -> Bool {
        let octets = address.split(separator: ".", omittingEmptySubsequences: false).compactMap { UInt8($0) }
        if octets.count == 4 && address.split(separator: ".").count == 4 {
            switch (octets[0], octets[1], octets[2]) {
            case (0, _, _), (10, _, _), (127, _, _), (169, 254, _), (192, 168, _), (192, 0, 0), (192, 0, 2), (198, 51, 100), (203, 0, 113): return true
            case (172, let b, _) where (16...31).contains(b): return true
            case (100, let b, _) where (64...127).contains(b): return true
            case (198, let b, _) where b == 18 || b == 19: return true
            case (let a, _, _) where a >= 224: return true
            default: return false
            }
        }
        guard address.contains(":") else { return false }
        let v6 = address.lowercased()
        if let last = v6.split(separator: ":").last, last.contains(".") { return true }  // IPv4 inside IPv6 (mapped, compatible, NAT64)
        return v6 == "::1" || v6 == "::" || v6.hasPrefix("::") || v6.hasPrefix("fc") || v6.hasPrefix("fd") || v6.hasPrefix("fe8")
            || v6.hasPrefix("fe9") || v6.hasPrefix("fea") || v6.hasPrefix("feb") || v6.hasPrefix("ff") || v6.hasPrefix("2001:db8") || v6.hasPrefix("64:ff9b")
    }
}
