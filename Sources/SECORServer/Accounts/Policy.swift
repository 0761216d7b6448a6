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

    /// Who an employer's data belongs to.
    struct EmployerScope: Equatable {
        var employerId: UUID
        var partnerId: UUID
        var designatedAuditorUserId: UUID?
    }

    enum EmployerAction: Equatable {
        /// Details, roster, training, matrix, files, eligibility.
        case view
        /// Record people, training and the matrix: the owner and supervisors.
        case editRecords
        /// Details, WCB accounts, membership, the assessor: the owner, or partner admins.
        case editSettings
        /// Everyday field records (FLHAs, toolbox talks): everyone who works there.
        case recordFieldWork
        /// Register an audit: the designated external auditor or the employer's own assessor.
        case registerAudit
    }

    /// One audit: its employer, and the user who audits it.
    struct AuditScope: Equatable {
        var employer: EmployerScope
        var auditorUserId: UUID
    }

    enum AuditAction: Equatable {
        /// The employer's people, the partner's staff and the audit's auditor.
        case view
        /// Answer questions, write the report, sign as auditor, submit: the auditor only.
        case work
        /// S1/S2: the employer's representative signs (the owner).
        case signForEmployer
        /// Approve or reject, fees, extensions, binders: the partner's admins.
        case administer
        /// R3: change or cancel a registration: the auditor or the partner's admins.
        case changeRegistration
        /// Q1-Q11: the QA review: the partner's QA reviewers and admins.
        case review
        /// The sampling sheets' confidential notes and interviewees: the auditor and the
        /// partner's staff, never the rest of the employer (the customer copy leaves them out).
        case readConfidential
    }

    enum Action: Equatable {
        /// The partner's staff pages (employer list).
        case partnerArea
        /// The partner admin's work: the application queue, the auditor register.
        case partnerAdmin(partnerId: UUID)
        case employer(EmployerScope, EmployerAction)
        case audit(AuditScope, AuditAction)
        /// The own account (password change, notifications).
        case ownAccount
        /// The published program profiles; applying to a program.
        case viewPrograms
        /// Invite someone into an organisation with a role: partner admins invite partner
        /// staff; an employer's owner invites supervisors and workers, a supervisor workers.
        case invite(organisationId: UUID, role: Role)
        /// See an organisation's accounts and invitations (`change`: roles, deactivation,
        /// withdrawing invitations): the owner and the partner admins; supervisors see them.
        case users(organisationId: UUID, change: Bool)
        /// V3: the contractor's own watch list, its webhook and its deliveries: the
        /// contractor's staff, always of their own organisation (the list is found by it).
        case watchList
        /// The audits list (and finding one by number): everyone with a part in audits, each
        /// seeing their own; a contractor has none and sees only public facts.
        case auditList
    }

    /// The roles each role may invite into its own organisation.
    static func invitableRoles(by role: Role) -> [Role] {
        switch role {
        case .partnerAdmin: return [.partnerAdmin, .qaReviewer]
        case .employerOwner: return [.supervisor, .worker]
        case .supervisor: return [.worker]
        case .contractor: return [.contractor]
        case .qaReviewer, .externalAuditor, .worker: return []
        }
    }

    /// The roles each role may give an account of its own organisation.
    static func grantableRoles(by role: Role) -> [Role] {
        switch role {
        case .partnerAdmin: return [.partnerAdmin, .qaReviewer]
        case .employerOwner: return [.employerOwner, .supervisor, .worker]
        case .contractor: return [.contractor]
        case .qaReviewer, .externalAuditor, .supervisor, .worker: return []
        }
    }

    static func decide(_ user: CurrentUser?, _ action: Action) -> Decision {
        switch action {
        case .viewPrograms:
            // Published rules; anyone may read them (an employer reads them before applying).
            return .allow
        case .ownAccount:
            return user == nil ? .forbidden : .allow
        case .invite(let organisationId, let role):
            guard let user else { return .forbidden }
            guard !invitableRoles(by: user.role).isEmpty else { return .forbidden }
            guard user.organisationId == organisationId else { return .notFound }
            return invitableRoles(by: user.role).contains(role) ? .allow : .forbidden
        case .users(let organisationId, let change):
            guard let user else { return .forbidden }
            let allowed = change ? !grantableRoles(by: user.role).isEmpty : !invitableRoles(by: user.role).isEmpty
            guard allowed else { return .forbidden }
            return user.organisationId == organisationId ? .allow : .notFound
        case .watchList:
            guard let user else { return .forbidden }
            return user.role == .contractor ? .allow : .forbidden
        case .auditList:
            guard let user else { return .forbidden }
            return user.role == .contractor ? .forbidden : .allow
        case .partnerArea:
            guard let user else { return .forbidden }
            return user.role.isPartnerStaff ? .allow : .forbidden
        case .partnerAdmin(let partnerId):
            guard let user, user.role == .partnerAdmin else { return .forbidden }
            return user.organisationId == partnerId ? .allow : .notFound
        case .employer(let scope, let action):
            guard let user else { return .notFound }
            let ownEmployer = user.role.isEmployerSide && user.organisationId == scope.employerId
            let ownPartner = user.role.isPartnerStaff && user.organisationId == scope.partnerId
            let designated = user.role == .externalAuditor && scope.designatedAuditorUserId == user.id
            guard ownEmployer || ownPartner || designated else { return .notFound }
            switch action {
            case .view:
                return .allow
            case .editRecords:
                return ownEmployer && (user.role == .employerOwner || user.role == .supervisor) ? .allow : .forbidden
            case .editSettings:
                return (ownEmployer && user.role == .employerOwner) || (ownPartner && user.role == .partnerAdmin) ? .allow : .forbidden
            case .recordFieldWork:
                return ownEmployer ? .allow : .forbidden
            case .registerAudit:
                return designated || (ownEmployer && user.role == .employerOwner && user.isAssessor) ? .allow : .forbidden
            }
        case .audit(let scope, let action):
            guard let user else { return .notFound }
            let ownEmployer = user.role.isEmployerSide && user.organisationId == scope.employer.employerId
            let ownPartner = user.role.isPartnerStaff && user.organisationId == scope.employer.partnerId
            let auditor = user.id == scope.auditorUserId
            guard ownEmployer || ownPartner || auditor else { return .notFound }
            switch action {
            case .view:
                return .allow
            case .work:
                return auditor ? .allow : .forbidden
            case .signForEmployer:
                return ownEmployer && user.role == .employerOwner ? .allow : .forbidden
            case .administer:
                return ownPartner && user.role == .partnerAdmin ? .allow : .forbidden
            case .changeRegistration:
                return auditor || (ownPartner && user.role == .partnerAdmin) ? .allow : .forbidden
            case .review:
                return ownPartner ? .allow : .forbidden
            case .readConfidential:
                return auditor || ownPartner ? .allow : .forbidden
            }
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
