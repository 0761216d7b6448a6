import SECORCore
import Vapor

/// V1: the public verification page by number and the registry search; no sign-in.
/// `/.well-known/jwks.json` publishes the keys that sign the API's answers (V2).
struct VerificationPages: RouteCollection {
    func boot(routes: RoutesBuilder) throws {
        routes.get("verify", use: search)
        routes.get("verify", ":certificateNumber", use: show)
        routes.get(".well-known", "jwks.json", use: jwks)
    }

    struct Row: Encodable {
        var href: String
        var facts: PublicCertificate
        var tone: String
        var expires: String
    }

    struct Context: Encodable {
        var layout: LayoutContext
        var number: String
        var found: Bool
        var certificate: PublicCertificate?
        var tone: String
        var issued: String
        var expires: String
        var dueBy: String
        var cancelled: String
        var years: String
        var today: String
        var address: String
        var qr: String?
    }

    struct SearchContext: Encodable {
        var layout: LayoutContext
        var q: String
        var searched: Bool
        var rows: [Row]
        var error: FormError?
    }

    /// The colour a state reads in: good, due, late.
    static func tone(_ state: String) -> String {
        switch PublicState(rawValue: state) {
        case .active: return "ok"
        case .maintenanceDue, .maintenanceOverdue: return "due"
        default: return "late"
        }
    }

    /// 404 for an unknown number, after the same lookups a known one takes.
    func show(req: Request) async throws -> Response {
        // What is echoed back holds no control character (a path may carry %00 or CR LF).
        let number = String((req.parameters.get("certificateNumber") ?? "").unicodeScalars
            .filter { $0.properties.generalCategory != .control }.prefix(60))
        let facts = try await VerificationService(db: req.db, programs: req.programs).certificate(number: number)
        let address = req.linkBase + "/verify/" + (facts?.certificateNumber ?? number)
        func day(_ iso: String?) -> String { iso.flatMap { try? CalendarDay(iso: $0).readable } ?? "" }
        let view = try await req.view.render("verify", Context(
            layout: req.layoutContext(title: facts.map { "Certificate \($0.certificateNumber)" } ?? "Certificate not found"),
            number: String(number.prefix(60)), found: facts != nil, certificate: facts, tone: facts.map { Self.tone($0.state) } ?? "late",
            issued: day(facts?.issuedOn), expires: day(facts?.expiresOn), dueBy: day(facts?.maintenanceDueBy), cancelled: day(facts?.cancelledOn),
            years: facts.map { $0.yearsPassed.map { "year \($0)" }.joined(separator: ", ") } ?? "", today: CalendarDay.today.readable,
            address: address, qr: facts == nil ? nil : await QRCode.svgDataURL(for: address, public: true)))
        let response = try await view.encodeResponse(for: req)
        if facts == nil { response.status = .notFound }
        return response
    }

    func search(req: Request) async throws -> Response {
        let q = (req.query[String.self, at: "q"] ?? "").trimmingCharacters(in: .whitespaces)
        var rows: [Row] = []
        var error: FormError?
        if !q.isEmpty {
            do {
                _ = try VerificationService.query(q)
                try await req.spend(.registrySearch)
                rows = try await VerificationService(db: req.db, programs: req.programs).search(q).map {
                    Row(href: "/verify/\($0.certificateNumber)", facts: $0, tone: Self.tone($0.state),
                        expires: (try? CalendarDay(iso: $0.expiresOn).readable) ?? $0.expiresOn)
                }
            } catch let e as AppError {
                error = FormError(e)
                let view = try await req.view.render("verify-search", SearchContext(layout: req.layoutContext(title: "Check a SECOR"), q: String(q.prefix(100)),
                                                                                     searched: false, rows: [], error: error))
                let response = try await view.encodeResponse(for: req)
                response.status = e.status
                for (name, value) in e.headers { response.headers.replaceOrAdd(name: name, value: value) }
                return response
            }
        }
        return try await req.view.render("verify-search", SearchContext(layout: req.layoutContext(title: "Check a SECOR"), q: q,
                                                                         searched: !q.isEmpty, rows: rows, error: error)).encodeResponse(for: req)
    }

    func jwks(req: Request) async throws -> Response {
        let keys = VerificationKeys.jwks(try await VerificationKeys.all(on: req.db))
        let response = Response(status: .ok, body: .init(data: try JSONEncoder().encode(keys)))
        response.headers.contentType = .json
        response.headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=300")
        return response
    }
}
