import Foundation

/// What a user does on the platform; stored as a string, validated here.
enum Role: String, Codable, CaseIterable, Sendable {
    case partnerAdmin
    case qaReviewer
    case externalAuditor
    /// The employer's owner; may also be its assessor (`UserModel.isAssessor`).
    case employerOwner
    case supervisor
    case worker
    /// A prime contractor's staff: they watch the certificates of the subcontractors they
    /// hire (V3) and see nothing of an employer beyond its public facts.
    case contractor

    var label: String {
        switch self {
        case .partnerAdmin: return "Partner administrator"
        case .qaReviewer: return "QA reviewer"
        case .externalAuditor: return "External auditor"
        case .employerOwner: return "Owner"
        case .supervisor: return "Supervisor"
        case .worker: return "Worker"
        case .contractor: return "Contractor"
        }
    }

    /// Partner staff work for the certifying partner.
    var isPartnerStaff: Bool { self == .partnerAdmin || self == .qaReviewer }
    var isEmployerSide: Bool { self == .employerOwner || self == .supervisor || self == .worker }
}

/// Certifying partners and employers are both organisations.
enum OrganisationKind: String, Codable, Sendable {
    case partner
    case employer
    /// A prime contractor that signed up to watch its subcontractors' certificates (V3).
    case contractor
}
