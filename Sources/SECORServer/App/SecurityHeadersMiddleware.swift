import Vapor

/// Headers every response carries: the pages load scripts, styles and images from this
/// origin only (no inline script anywhere), no other site may frame them, browsers must
/// not guess content types, and the address of a page is not sent to other sites.
struct SecurityHeadersMiddleware: AsyncMiddleware {
    /// The print pages carry their own `<style>` (WeasyPrint reads the same page), so
    /// they allow inline style — still no script.
    static let contentPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
        + "connect-src 'self'; worker-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    static let printPolicy = contentPolicy.replacingOccurrences(of: "style-src 'self'", with: "style-src 'self' 'unsafe-inline'")

    let strictTransport: Bool

    /// What no browser or proxy may keep: every API answer, every page of a signed-in
    /// user, and the pages whose address carries a secret (invitations, resets).
    static func isPrivate(_ request: Request) -> Bool {
        let path = request.url.path
        return path.hasPrefix("/api/") || request.auth.has(CurrentUser.self) || path.hasPrefix("/invitations/")
            || path.hasPrefix("/password-reset") || path.hasPrefix("/calendar/") || path.hasPrefix("/contractors/confirm/")
    }

    /// V1, V2: the public facts and the keys that sign them may be read from any web page
    /// (a contractor's own portal checking a certificate); they carry no cookie and no secret.
    static func isOpenToEveryOrigin(_ request: Request) -> Bool {
        let path = request.url.path
        return request.method == .GET && (path.hasPrefix("/api/v1/public/certificates") || path == "/.well-known/jwks.json")
    }

    func respond(to request: Request, chainingTo next: AsyncResponder) async throws -> Response {
        let response = try await next.respond(to: request)
        let headers = [
            ("Content-Security-Policy", request.url.path.contains("/print/") ? Self.printPolicy : Self.contentPolicy),
            ("X-Frame-Options", "DENY"),
            ("X-Content-Type-Options", "nosniff"),
            ("Referrer-Policy", "same-origin"),
            ("Cross-Origin-Opener-Policy", "same-origin"),
            ("Permissions-Policy", "geolocation=(), microphone=(), payment=()"),
        ] + (strictTransport ? [("Strict-Transport-Security", "max-age=31536000")] : [])
            + (Self.isPrivate(request) ? [("Cache-Control", "no-store")] : [])
            + (Self.isOpenToEveryOrigin(request) ? [("Access-Control-Allow-Origin", "*")] : [])
        for (name, value) in headers where !response.headers.contains(name: name) {
            response.headers.replaceOrAdd(name: name, value: value)
        }
        return response
    }
}
