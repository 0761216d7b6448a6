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
        var name: String
        var role: String
        var organisation: String
    }

    var title: String
    var signedIn: SignedIn?
    var nav: [NavItem]
    var csrf: String
}

extension Request {
    func layoutContext(title: String) async throws -> LayoutContext {
        var signedIn: LayoutContext.SignedIn?
        var items: [(String, String)] = []
        if let user = auth.get(CurrentUser.self) {
            let organisation = try await OrganisationModel.find(user.organisationId, on: db)
            signedIn = .init(name: user.name, role: user.role.label + (user.isAssessor ? " and assessor" : ""),
                             organisation: (user.role == .externalAuditor ? "certified by " : "") + (organisation?.name ?? ""))
            items = Self.navigation(for: user)
        }
        let path = url.path
        let nav = items.map { href, label in
            LayoutContext.NavItem(href: href, label: label, current: href == "/home" ? path == "/home" : path.hasPrefix(href))
        }
        // Error pages outside the page routes have no session (and need no form token).
        return LayoutContext(title: title, signedIn: signedIn, nav: nav, csrf: isPageRequest ? csrfToken() : "")
    }

    /// Each role sees only the parts of the product that are theirs.
    static func navigation(for user: CurrentUser) -> [(String, String)] {
        var items = [("/home", "Home")]
        switch user.role {
        case .partnerAdmin, .qaReviewer:
            items.append(("/partner/employers", "Employers"))
        case .employerOwner, .supervisor, .worker:
            items.append(("/employers/\(user.organisationId.uuidString)", "Our company"))
        case .externalAuditor:
            break
        }
        items += [("/programs", "Programs"), ("/account", "Account")]
        return items
    }
}
