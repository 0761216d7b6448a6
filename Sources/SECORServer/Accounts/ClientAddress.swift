import Vapor

extension Request {
    /// The client's address for throttling: the peer, unless the peer is a proxy named in
    /// `SECOR_TRUSTED_PROXIES`; then the last address in `X-Forwarded-For` that is not one
    /// of those proxies. Anyone else's `X-Forwarded-For` is ignored, so it cannot be forged.
    var clientAddress: String {
        let peer = remoteAddress?.ipAddress ?? "local"
        let trusted = application.secorConfig.trustedProxies
        guard trusted.contains(peer), let header = headers.first(name: .xForwardedFor) else { return peer }
        let hops = header.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return hops.last { !trusted.contains($0) } ?? peer
    }
}
