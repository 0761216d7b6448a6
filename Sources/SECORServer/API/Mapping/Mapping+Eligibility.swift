import SECORCore

extension Components.Schemas.EligibilityReason.KindPayload {
    init(_ kind: EligibilityIssue.Kind) {
        switch kind {
        case .headcount: self = .headcount
        case .wcbAccount: self = .wcbAccount
        case .membership: self = .membership
        case .training: self = .training
        case .recordsHistory: self = .recordsHistory
        }
    }
}

extension Components.Schemas.Matrix.WorkersPayloadPayload.CertificationsPayloadPayload.StatePayload {
    init(_ state: HoldingState) {
        switch state {
        case .held: self = .held
        case .expiring: self = .expiring
        case .expired: self = .expired
        case .missing: self = .missing
        }
    }
}
