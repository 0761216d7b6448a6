import Foundation

/// V3: what a watched certificate looks like to the one watching: the certificate the
/// holder has now (its latest) and that certificate's public state; both nil while the
/// holder has no certificate anyone may see.
public struct WatchedStanding: Equatable, Sendable, Codable {
    public var certificateNumber: String?
    public var state: PublicState?

    public init(certificateNumber: String?, state: PublicState?) {
        self.certificateNumber = state == nil ? nil : certificateNumber
        self.state = certificateNumber == nil ? nil : state
    }

    public static let none = WatchedStanding(certificateNumber: nil, state: nil)

    /// How the standing is kept between sweeps: "number:state", or "" for none.
    public var key: String { certificateNumber.map { "\($0):\(state?.rawValue ?? "")" } ?? "" }

    public init(key: String) {
        let parts = key.split(separator: ":", maxSplits: 1).map(String.init)
        self.init(certificateNumber: parts.first, state: parts.count == 2 ? PublicState(rawValue: parts[1]) : nil)
    }
}

/// V3: the changes a contractor is told of. A maintenance month starting, or ending with
/// the audit passed, is the cycle running as it should: the standing is kept but nobody is
/// told (it would be two notices a year per subcontractor for nothing).
public enum WatchEvent: String, Codable, Sendable, CaseIterable {
    /// A certificate appears where the holder had none.
    case certified
    /// The holder has a new certificate (the next cycle's), in good standing.
    case renewed
    case maintenanceOverdue
    case lapsed
    case expired
    case cancelled
    /// Good standing again on the same certificate, after being overdue or lapsed.
    case reinstated
    /// The certificate can no longer be seen (its partner stopped listing the holder).
    case noCertificate

    public var label: String {
        switch self {
        case .certified: return "Certified"
        case .renewed: return "Renewed"
        case .maintenanceOverdue: return "Maintenance audit overdue"
        case .lapsed: return "Lapsed"
        case .expired: return "Expired"
        case .cancelled: return "Cancelled"
        case .reinstated: return "Back in good standing"
        case .noCertificate: return "No certificate found"
        }
    }

    /// The event a change of standing is, or nil when nobody needs telling.
    public static func between(_ old: WatchedStanding, _ new: WatchedStanding) -> WatchEvent? {
        guard old != new else { return nil }
        guard let number = new.certificateNumber, let state = new.state else { return .noCertificate }
        let good = state.inGoodStanding
        guard let oldNumber = old.certificateNumber, let oldState = old.state else { return good ? .certified : problem(state) }
        if oldNumber != number { return good ? .renewed : problem(state) }
        if good { return oldState.inGoodStanding ? nil : .reinstated }
        return problem(state)
    }

    private static func problem(_ state: PublicState) -> WatchEvent? {
        switch state {
        case .maintenanceOverdue: return .maintenanceOverdue
        case .lapsed: return .lapsed
        case .expired: return .expired
        case .cancelled: return .cancelled
        case .active, .maintenanceDue: return nil
        }
    }
}
