import Foundation
import Vapor

/// The one place that decides access. Deny by default: a case not listed here is refused.
enum Policy {
    enum Decision: Equatable {
        case allow
        /// The role never may (403).
        case forbidden
        /// Not the caller's to see; answered as if it did not exist (404).
        case notFound
    }

    enum Action {
        /// The partner's staff pages (employer list, program administration).
        case partnerArea
        /// One employer's data.
        case viewEmployer(employerId: UUID, partnerId: UUID?)
        /// The own account (password change, tokens).
        case ownAccount
        /// The published program profiles.
        case viewPrograms
    }

    static func decide(_ user: CurrentUser?, _ action: Action) -> Decision {
        switch action {
        case .viewPrograms:
            // Published rules; anyone may read them (an employer reads them before applying).
            return .allow
        case .ownAccount:
            return user == nil ? .forbidden : .allow
        case .partnerArea:
            guard let user else { return .forbidden }
            return user.role.isPartnerStaff ? .allow : .forbidden
        case .viewEmployer(let employerId, let partnerId):
            guard let user else { return .notFound }
            if user.role.isEmployerSide && user.organisationId == employerId { return .allow }
            if user.role.isPartnerStaff && partnerId == user.organisationId { return .allow }
            // External auditors see an employer through an audit of theirs (audits issue).
            return .notFound
        }
    }

    /// Throws the decision's error unless allowed.
    static func authorize(_ user: CurrentUser?, _ action: Action, what: String = "record") throws {
        switch decide(user, action) {
        case .allow: return
        case .forbidden: throw user == nil ? AppError.unauthorized : AppError.forbidden
        case .notFound: throw AppError.notFound(what)
        }
    }
}
