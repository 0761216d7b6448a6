import SECORCore
import Vapor

/// V3: the contractor's watch list (`/watch`), its CSV and its webhook with the delivery
/// log (`/watch/webhook`). Same service as the API (`WatchListService`).
struct WatchPages: RouteCollection {
    func boot(routes: RoutesBuilder) throws {
        routes.get("watch", use: list)
        routes.post("watch", use: add)
        routes.get("watch.csv", use: csv)
        routes.post("watch", ":watchEntry", "remove", use: remove)
        routes.get("watch", "webhook", use: webhook)
        routes.post("watch", "webhook", use: setWebhook)
        routes.post("watch", "webhook", "secret", use: rotateSecret)
        routes.post("watch", "webhook", "remove", use: removeWebhook)
        routes.post("watch", "webhook", "test", use: sendTest)
    }

    struct Form: Content {
        var kind: String?
        var value: String?
        var label: String?
    }

    struct Entry: Encodable {
        var id: String
        var label: String
        var watchedBy: String
        var value: String
        var found: Bool
        var legalName: String
        var tradeName: String
        var partner: String
        var certificate: String
        var href: String
        var state: String
        var tone: String
        var expires: String
        var since: String
    }

    struct Context: Encodable {
        var layout: LayoutContext
        var entries: [Entry]
        var form: Form
        /// Certificates not in good standing (overdue, lapsed, expired, cancelled).
        var problems: Int
        /// Entries with no certificate anyone may see yet.
        var unlisted: Int
        var hasWebhook: Bool
        var error: FormError?
    }

    static func entry(_ row: WatchListService.Row) -> Entry {
        let f = row.facts
        return Entry(id: row.entry.id?.uuidString ?? "", label: row.entry.label, watchedBy: row.kind.label, value: row.entry.value,
                     found: f != nil, legalName: f?.legalName ?? "", tradeName: f?.tradeName == f?.legalName ? "" : f?.tradeName ?? "",
                     partner: f?.partner ?? "", certificate: f?.certificateNumber ?? "", href: f.map { "/verify/\($0.certificateNumber)" } ?? "",
                     state: f?.stateLabel ?? "No listed certificate", tone: f.map { VerificationPages.tone($0.state) } ?? "none",
                     expires: f.flatMap { try? CalendarDay(iso: $0.expiresOn).readable } ?? "",
                     since: row.entry.changedAt.map { CalendarDay($0).readable } ?? "")
    }

    private func render(_ req: Request, form: Form = Form(), error: FormError? = nil) async throws -> View {
        let user = try req.requireUser()
        let rows = try await req.watchList.list(for: user)
        let entries = rows.map(Self.entry)
        return try await req.view.render("watch", Context(layout: req.layoutContext(title: "Watch list"), entries: entries,
            form: form, problems: rows.filter { row in row.facts.flatMap { PublicState(rawValue: $0.state) }.map { !$0.inGoodStanding } ?? false }.count,
            unlisted: rows.filter { $0.facts == nil }.count,
            hasWebhook: try await req.watchList.endpoint(for: user) != nil, error: error))
    }

    func list(req: Request) async throws -> View { try await render(req) }

    func add(req: Request) async throws -> Response {
        let form = try req.content.decode(Form.self)
        return try await req.submitForm({
            let row = try await req.watchList.add(.init(kind: form.kind, value: form.value, label: form.label), by: try req.requireUser())
            req.flash("Watching \(row.facts?.legalName ?? row.entry.value): \(row.facts?.stateLabel ?? "no listed certificate yet").")
            return req.redirect(to: "/watch")
        }, orRender: { error in try await render(req, form: form, error: error) })
    }

    func remove(req: Request) async throws -> Response {
        let removed = try await req.watchList.remove(req.parameters.get("watchEntry").flatMap(UUID.init(uuidString:)), by: try req.requireUser())
        req.flash("\(removed.label.isEmpty ? removed.value : "\(removed.label) (\(removed.value))") is no longer watched.")
        return req.redirect(to: "/watch")
    }

    func csv(req: Request) async throws -> Response {
        Exports.response(try await req.watchList.csv(for: try req.requireUser()), filename: "watch-list-\(CalendarDay.today.iso).csv")
    }

    // MARK: The webhook

    struct Attempt: Encodable {
        var at: String
        var status: String
        var ok: Bool
        var response: String
        var milliseconds: Int
    }

    struct Delivery: Encodable {
        var id: String
        var event: String
        var created: String
        var state: String
        var tone: String
        var attempts: [Attempt]
        var next: String
    }

    struct WebhookContext: Encodable {
        var layout: LayoutContext
        var url: String
        var secret: String?
        var deliveries: [Delivery]
        var retries: String
        var error: FormError?
    }

    static func time(_ date: Date) -> String { AlbertaTime.readable(date, seconds: true) }

    private func renderWebhook(_ req: Request, url: String? = nil, error: FormError? = nil) async throws -> View {
        let user = try req.requireUser()
        let endpoint = try await req.watchList.endpoint(for: user)
        let deliveries = try await req.watchList.deliveries(for: user).map { d in
            let state = d.delivery.deliveredAt != nil ? "Delivered" : d.delivery.gaveUpAt != nil ? "Given up" : d.delivery.attempts == 0 ? "Waiting" : "Retrying"
            return Delivery(id: d.delivery.id?.uuidString ?? "", event: d.delivery.event, created: Self.time(d.delivery.createdAt ?? Date()), state: state,
                            tone: state == "Delivered" ? "ok" : state == "Given up" ? "late" : "due",
                            attempts: d.attempts.map { a in Attempt(at: Self.time(a.attemptedAt), status: a.statusCode.map(String.init) ?? "not reached",
                                                                    ok: a.statusCode.map { (200..<300).contains($0) } ?? false,
                                                                    response: a.response, milliseconds: a.milliseconds) },
                            next: state == "Retrying" || state == "Waiting" ? Self.time(d.delivery.nextAttemptAt) : "")
        }
        let retries = WebhookSender.retryDelays.map { $0 < 3600 ? "\(Int($0 / 60)) min" : "\(Int($0 / 3600)) h" }.joined(separator: ", ")
        return try await req.view.render("watch-webhook", WebhookContext(layout: req.layoutContext(title: "Webhook"), url: url ?? endpoint?.url ?? "",
                                                                         secret: endpoint?.secret, deliveries: deliveries, retries: retries, error: error))
    }

    func webhook(req: Request) async throws -> View { try await renderWebhook(req) }

    struct WebhookForm: Content { var url: String? }

    func setWebhook(req: Request) async throws -> Response {
        let form = try req.content.decode(WebhookForm.self)
        return try await req.submitForm({
            _ = try await req.watchList.setWebhook(url: form.url, by: try req.requireUser())
            req.flash("Saved: changes are sent to this address, signed with the secret below.")
            return req.redirect(to: "/watch/webhook")
        }, orRender: { error in try await renderWebhook(req, url: form.url, error: error) })
    }

    func rotateSecret(req: Request) async throws -> Response {
        _ = try await req.watchList.rotateSecret(by: try req.requireUser())
        req.flash("A new secret signs every delivery from now on; give it to your receiver.")
        return req.redirect(to: "/watch/webhook")
    }

    func removeWebhook(req: Request) async throws -> Response {
        try await req.watchList.removeWebhook(by: try req.requireUser())
        req.flash("The webhook is removed; notices still come in SECOR and by email.")
        return req.redirect(to: "/watch/webhook")
    }

    func sendTest(req: Request) async throws -> Response {
        return try await req.submitForm({
            _ = try await req.watchList.sendTest(by: try req.requireUser())
            req.flash("A test event (ping) is queued; it goes out within 30 seconds and shows below.")
            return req.redirect(to: "/watch/webhook")
        }, orRender: { error in try await renderWebhook(req, error: error) })
    }
}
