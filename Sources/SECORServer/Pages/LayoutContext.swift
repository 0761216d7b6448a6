import Fluent
import Vapor

/// What the shared layout needs: the page title, who is signed in, the navigation for
/// their role, and the CSRF token for the sign-out form.
struct LayoutContext: Encodable {
    struct NavItem: Encodable {
        var href: String
        var label: String
        var current: Bool
    }

    struct SignedIn: Encodable {
        /// The user's id: the phone's outbox sends what each person queued only as them.
        var id: String
        var name: String
        var role: String
        var organisation: String
    }

    var title: String
    var signedIn: SignedIn?
    /// Unread in-app notifications, shown beside the bell.
    var unread: Int
    var nav: [NavItem]
    var csrf: String
    /// The confirmation of the last save, and anything it asks the person to look at.
    var flash: String? = nil
    var flashWarnings: [String] = []
}

extension Request {
    func layoutContext(title: String) async throws -> LayoutContext {
        var signedIn: LayoutContext.SignedIn?
        var items: [(String, String)] = []
        var unread = 0
        if let user = auth.get(CurrentUser.self) {
            let organisation = try await OrganisationModel.find(user.organisationId, on: db)
            signedIn = .init(id: user.id.uuidString, name: user.name, role: user.role.label + (user.isAssessor ? " and assessor" : ""),
                             organisation: (user.role == .externalAuditor ? "certified by " : "") + (organisation?.name ?? ""))
            items = Self.navigation(for: user)
            unread = try await NotificationModel.query(on: db).filter(\.$user.$id == user.id).filter(\.$readAt == nil).count()
        }
        let path = url.path
        let nav = items.map { href, label in
            LayoutContext.NavItem(href: href, label: label, current: path == href || (path.hasPrefix(href + "/") && !items.contains { $0.0 != href && $0.0.hasPrefix(href + "/") && path.hasPrefix($0.0) }))
        }
        // Error pages outside the page routes have no session (and need no form token).
        let flash: (message: String?, warnings: [String]) = isPageRequest && signedIn != nil ? takeFlash() : (nil, [])
        return LayoutContext(title: title, signedIn: signedIn, unread: unread, nav: nav, csrf: isPageRequest ? csrfToken() : "",
                             flash: flash.message, flashWarnings: flash.warnings)
    }

    /// Each role sees only the parts of the product that are theirs.
    static func navigation(for user: CurrentUser) -> [(String, String)] {
        var items = [("/home", "Home")]
        let employer = "/employers/\(user.organisationId.uuidString)"
        switch user.role {
        case .partnerAdmin:
            items += [("/partner/dashboard", "Dashboard"), ("/partner/employers", "Employers"), ("/partner/applications", "Applications"),
                      ("/qa", "QA queue"), ("/audits", "Audits"), ("/partner/cycle", "Cycle"), ("/partner/auditors", "Auditors")]
        case .qaReviewer:
            items += [("/partner/dashboard", "Dashboard"), ("/partner/employers", "Employers"), ("/qa", "QA queue"), ("/audits", "Audits"), ("/partner/cycle", "Cycle")]
        case .employerOwner, .supervisor, .worker:
            items += [(employer, "Company"), ("\(employer)/records", "Records"), ("\(employer)/readiness", "Readiness"),
                      ("\(employer)/people", "People"), ("\(employer)/training", "Training"), ("\(employer)/matrix", "Matrix")]
            if user.role == .employerOwner { items.append(("/audits", "Audits")) }
        case .externalAuditor:
            items.append(("/audits", "Audits"))
        case .contractor:
            // A contractor's work is its watch list; the registry checks anyone else.
            items = [("/watch", "Watch list"), ("/watch/webhook", "Webhook"), ("/verify", "Check a SECOR")]
        }
        if !Policy.invitableRoles(by: user.role).isEmpty { items.append(("/users", "Accounts")) }
        if user.role != .contractor { items.append(("/programs", "Programs")) }
        items.append(("/account", "Account"))
        return items
    }
}
