import SECORCore

// Domain enums as the API's, by exhaustive switches: a case added to a domain enum and
// not here fails to compile, instead of crashing every request at `init(rawValue:)!`.
// `MappingTests` maps every case there and back.

extension Components.Schemas.Me.RolePayload {
    init(_ role: Role) {
        switch role {
        case .partnerAdmin: self = .partnerAdmin
        case .qaReviewer: self = .qaReviewer
        case .externalAuditor: self = .externalAuditor
        case .employerOwner: self = .employerOwner
        case .supervisor: self = .supervisor
        case .worker: self = .worker
        case .contractor: self = .contractor
        }
    }
}

extension Components.Schemas.User.RolePayload {
    init(_ role: Role) {
        switch role {
        case .partnerAdmin: self = .partnerAdmin
        case .qaReviewer: self = .qaReviewer
        case .externalAuditor: self = .externalAuditor
        case .employerOwner: self = .employerOwner
        case .supervisor: self = .supervisor
        case .worker: self = .worker
        case .contractor: self = .contractor
        }
    }
}

extension Components.Schemas.Invitation.RolePayload {
    init(_ role: Role) {
        switch role {
        case .partnerAdmin: self = .partnerAdmin
        case .qaReviewer: self = .qaReviewer
        case .externalAuditor: self = .externalAuditor
        case .employerOwner: self = .employerOwner
        case .supervisor: self = .supervisor
        case .worker: self = .worker
        case .contractor: self = .contractor
        }
    }
}

extension Components.Schemas.Organisation.KindPayload {
    init(_ kind: OrganisationKind) {
        switch kind {
        case .partner: self = .partner
        case .employer: self = .employer
        case .contractor: self = .contractor
        }
    }
}

extension Components.Schemas.Health.DatabasePayload {
    init(_ database: AppConfig.DatabaseChoice) {
        switch database {
        case .sqlite: self = .sqlite
        case .postgres: self = .postgres
        }
    }
}
