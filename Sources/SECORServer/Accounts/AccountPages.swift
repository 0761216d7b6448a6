import Fluent
import Vapor

/// The own account: who I am and changing my password.
struct AccountPages: RouteCollection {
    func boot(routes: RoutesBuilder) throws {
        routes.get("account", use: show)
        routes.post("account", "password", use: changePassword)
        routes.post("account", "email", use: setEmail)
    }

    struct EmailForm: Content {
        /// "daily" for the digest, "each" for one email per notice.
        var email: String?
    }

    func setEmail(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let form = try req.content.decode(EmailForm.self)
        return try await req.submitForm({
            guard let choice = form.email, ["daily", "each"].contains(choice) else {
                throw AppError.invalid("email", "Choose one email per notice or a daily digest.")
            }
            try await NoticePreferences(db: req.db).setEmailDigest(choice == "daily", for: user)
            req.flash(choice == "daily" ? "You get one email a day with your notices." : "You get an email for each notice.")
            return req.redirect(to: "/account#email")
        }, orRender: { error in try await render(req, error: AppError.invalid(error.field ?? "email", error.message)) })
    }

    struct Context: Encodable {
        var layout: LayoutContext
        var email: String
        var name: String
        var role: String
        var organisation: String
        var error: String?
        var field: String?
        var changed: Bool
        /// The calendar link just made, shown once.
        var calendarLink: String?
        var hasCalendar: Bool
        var emailDigest: Bool
    }

    struct Form: Content {
        var currentPassword: String?
        var newPassword: String?
        var confirmPassword: String?
    }

    func show(req: Request) async throws -> View {
        try await render(req, changed: (try? req.query.get(String.self, at: "changed")) == "1")
    }

    func changePassword(req: Request) async throws -> Response {
        let user = try req.requireUser()
        try Policy.authorize(user, .ownAccount)
        let form = try req.content.decode(Form.self)
        do {
            let changedAt = try await req.accounts.changePassword(user: user, current: form.currentPassword ?? "",
                                                                  new: form.newPassword ?? "", confirmation: form.confirmPassword ?? "")
            // Every other session ended at `changedAt`; this one goes on, with a new form token.
            req.session.data["signedInAt"] = String(changedAt.timeIntervalSince1970 + 0.001)
            req.session.data["csrf"] = nil
            return req.redirect(to: "/account?changed=1")
        } catch let error as AppError where error.status == .badRequest {
            let response = try await render(req, error: error).encodeResponse(for: req)
            response.status = .badRequest
            return response
        }
    }

    private func render(_ req: Request, error: AppError? = nil, changed: Bool = false) async throws -> View {
        let profile = try await req.userProfile()
        let token = req.session.data["calendarToken"]
        req.session.data["calendarToken"] = nil
        let userId = try req.requireUser().id
        let hasCalendar = try await CalendarFeedModel.query(on: req.db).filter(\.$userId == userId).first() != nil
        return try await req.view.render("account", Context(
            layout: req.layoutContext(title: "Account"), email: profile.user.email, name: profile.user.name,
            role: profile.user.role.label, organisation: profile.organisation.name,
            error: error?.message, field: error?.field, changed: changed,
            calendarLink: token.map { "\(req.linkBase)/calendar/\($0).ics" }, hasCalendar: hasCalendar,
            emailDigest: try await NoticePreferences(db: req.db).emailDigest(of: try req.requireUser())))
    }
}
