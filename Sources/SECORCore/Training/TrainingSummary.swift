import Foundation

/// One line that tells the truth about training on a day: the program's requirements
/// (T1, T2, T5, T6) and the employer's own matrix (F2) together, so "met" is never said
/// while the matrix shows missing tickets.
public struct TrainingSummary: Sendable, Equatable {
    public var programMet: Bool
    public var unmetRequirements: Int
    public var missing: Int
    public var expired: Int
    public var expiring: Int

    public init(status: TrainingStatus, matrix: [MatrixRow]) {
        programMet = status.isMet
        unmetRequirements = status.unmet.count
        let states = matrix.flatMap(\.cells).map(\.state.key)
        missing = states.filter { $0 == "missing" }.count
        expired = states.filter { $0 == "expired" }.count
        expiring = states.filter { $0 == "expiring" }.count
    }

    /// Everything met, and nothing missing or expired in the matrix.
    public var allMet: Bool { programMet && missing == 0 && expired == 0 }

    public var headline: String {
        if allMet {
            return expiring == 0 ? "Every program requirement is met and every ticket in the training matrix is held."
                : "Every program requirement is met and every ticket is held; \(Self.count(expiring, "ticket")) expiring soon."
        }
        var parts: [String] = []
        if !programMet { parts.append("\(Self.count(unmetRequirements, "program requirement")) not met") }
        if missing > 0 { parts.append("\(Self.count(missing, "ticket")) missing from the training matrix") }
        if expired > 0 { parts.append("\(Self.count(expired, "ticket")) expired") }
        if expiring > 0 { parts.append("\(Self.count(expiring, "ticket")) expiring soon") }
        let text = parts.joined(separator: ", ")
        return text.prefix(1).uppercased() + text.dropFirst() + "."
    }

    static func count(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }
}
