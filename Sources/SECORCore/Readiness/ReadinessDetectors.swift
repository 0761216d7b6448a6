import Foundation

/// The seven common point deductions of rule F2.
public enum DeductionKind: String, Sendable, Equatable, CaseIterable, Codable {
    case genericFLHA, matrixAsRequired, noNearMiss, policyUndatedOrSignerLeft
    case preStartDefectOpen, investigationNoRootCause, toolboxTalkRepeats

    public var title: String {
        switch self {
        case .genericFLHA: return "Generic FLHAs"
        case .matrixAsRequired: return "Training matrix does not name certifications"
        case .noNearMiss: return "No near-miss reports"
        case .policyUndatedOrSignerLeft: return "Safety policy undated or signed by someone who left"
        case .preStartDefectOpen: return "Pre-start defects with no follow-up"
        case .investigationNoRootCause: return "Investigations with no root cause"
        case .toolboxTalkRepeats: return "Toolbox talks repeating the same topic"
        }
    }
}

/// One record (or none, for an absence) and why it loses points.
public struct DeductionFinding: Sendable, Equatable {
    public var recordId: String?
    public var reason: String
}

public struct Deduction: Sendable, Equatable {
    public var kind: DeductionKind
    public var findings: [DeductionFinding]
    public var recordIds: [String] { findings.compactMap(\.recordId) }
}

/// Rule F2, detected on the records of the evidence window (A7).
public enum Readiness {
    /// Toolbox talks on the same topic within this many days count as repeats.
    public static let repeatTopicDays = 90
    /// A site or location named with fewer characters than this is no detail at all.
    static let minimumSiteDetail = 3

    public static func deductions(_ file: AuditFileEvidence, windowMonths: Int, today: CalendarDay) -> [Deduction] {
        let from = today.adding(months: -windowMonths).adding(days: 1)
        let inWindow = { (day: CalendarDay) in from <= day && day <= today }
        let checks: [(DeductionKind, [DeductionFinding])] = [
            (.genericFLHA, genericFLHAs(file.flhas.filter { inWindow($0.day) })),
            (.matrixAsRequired, matrixGaps(file, today: today)),
            (.noNearMiss, file.incidents.contains { $0.isNearMiss && inWindow($0.day) } ? [] :
                [DeductionFinding(recordId: nil, reason: "No near-miss report since \(from.readable): near misses count as incidents worth reporting.")]),
            (.policyUndatedOrSignerLeft, policyProblems(file, today: today)),
            (.preStartDefectOpen, file.preStartDefects.filter { inWindow($0.day) && $0.correctiveAction != .verified }.map {
                DeductionFinding(recordId: $0.inspectionId, reason: "\($0.equipment) pre-start on \($0.day.readable): defect \"\($0.defect)\" "
                                 + ($0.correctiveAction.map { "has a corrective action still \($0.rawValue), not verified." } ?? "has no corrective action."))
            }),
            (.investigationNoRootCause, file.investigations.filter { inWindow($0.day) && $0.rootCauses.allSatisfy { clean($0).isEmpty } }.map {
                DeductionFinding(recordId: $0.id, reason: "Investigation of \($0.day.readable) names no root cause.")
            }),
            (.toolboxTalkRepeats, repeatedTopics(file.toolboxTalks.filter { inWindow($0.day) })),
        ]
        return checks.filter { !$0.1.isEmpty }.map { Deduction(kind: $0.0, findings: $0.1) }
    }

    /// Lower-cased words only: "Fall  Protection!" and "fall protection" are one text.
    static func clean(_ text: String) -> String {
        text.lowercased().split { !$0.isLetter && !$0.isNumber }.joined(separator: " ")
    }

    static func genericFLHAs(_ flhas: [FLHAEvidence]) -> [DeductionFinding] {
        var findings: [DeductionFinding] = []
        // Three years of FLHAs repeat the same few sites, tasks and hazards: clean each text once.
        var cleaned: [String: String] = [:]
        func clean(_ text: String) -> String {
            if let known = cleaned[text] { return known }
            let value = Self.clean(text)
            cleaned[text] = value
            return value
        }
        // The same task and hazards at different sites: copied, not assessed on site.
        var bySameText: [String: [FLHAEvidence]] = [:]
        for flha in flhas where !flha.hazards.isEmpty {
            let text = clean(flha.task) + "|" + flha.hazards.map { clean($0.hazard) + ">" + clean($0.control) }.sorted().joined(separator: "|")
            bySameText[text, default: []].append(flha)
        }
        let copied = Set(bySameText.values.filter { Set($0.map { clean($0.site) }).count > 1 }.flatMap { $0.map(\.id) })
        for flha in flhas.sorted(by: { $0.day < $1.day }) {
            var reasons: [String] = []
            if clean(flha.site).count < minimumSiteDetail || clean(flha.location).count < minimumSiteDetail {
                reasons.append("no site detail")
            }
            if flha.hazards.isEmpty {
                reasons.append("no hazards listed")
            } else if flha.hazards.contains(where: { clean($0.control).isEmpty }) {
                reasons.append("a hazard without its control")
            }
            if flha.workerSignOffs == 0 {
                reasons.append("no worker signed it")
            } else if flha.workerSignOffs < flha.workersPresent {
                reasons.append("\(flha.workersPresent - flha.workerSignOffs) of \(flha.workersPresent) workers did not sign")
            }
            if copied.contains(flha.id) { reasons.append("the same task and hazards as FLHAs at other sites") }
            if !reasons.isEmpty {
                findings.append(.init(recordId: flha.id, reason: "FLHA of \(flha.day.readable) at \(flha.site.isEmpty ? "no site" : flha.site): \(reasons.joined(separator: "; "))."))
            }
        }
        return findings
    }

    static func matrixGaps(_ file: AuditFileEvidence, today: CalendarDay) -> [DeductionFinding] {
        let vague = file.matrix.filter { TrainingMatrix.isVague($0.courseId) }
        var findings = vague.map { DeductionFinding(recordId: nil, reason: "The matrix says \"\($0.courseId)\" for \($0.jobRole) instead of naming a certification.") }
        let named = Set(file.matrix.filter { !TrainingMatrix.isVague($0.courseId) }.map { $0.jobRole.lowercased() })
        let roles = Set(file.people.filter { $0.isOnAccount(on: today) }.compactMap { file.jobRoles[$0.id] }
            .filter { !$0.isEmpty }.map { $0 })
        if file.matrix.isEmpty && !roles.isEmpty {
            return [DeductionFinding(recordId: nil, reason: "There is no training matrix: no job role names the certifications it requires.")]
        }
        for role in roles.sorted() where !named.contains(role.lowercased()) {
            findings.append(.init(recordId: nil, reason: "The matrix names no certification for the job role \(role)."))
        }
        return findings
    }

    static func policyProblems(_ file: AuditFileEvidence, today: CalendarDay) -> [DeductionFinding] {
        guard let policy = file.policies.max(by: { ($0.signedOn ?? CalendarDay(1, 1, 1)) < ($1.signedOn ?? CalendarDay(1, 1, 1)) }) else {
            return [DeductionFinding(recordId: nil, reason: "No signed safety policy is on file.")]
        }
        var findings: [DeductionFinding] = []
        if policy.signedOn == nil {
            findings.append(.init(recordId: policy.id, reason: "Safety policy version \(policy.version) is not dated."))
        }
        let signer = policy.signerPersonId.flatMap { id in file.people.first { $0.id == id } }
        if let signer, !signer.isOnAccount(on: today) {
            let left = signer.endDate.map { " on \($0.readable)" } ?? ""
            findings.append(.init(recordId: policy.id, reason: "Safety policy version \(policy.version) is signed by \(signer.name), who left\(left)."))
        } else if signer == nil {
            findings.append(.init(recordId: policy.id, reason: "Safety policy version \(policy.version) is signed by \(policy.signerName.isEmpty ? "no one" : policy.signerName), who is not on the roster."))
        }
        return findings
    }

    static func repeatedTopics(_ talks: [ToolboxTalkEvidence]) -> [DeductionFinding] {
        var findings: [DeductionFinding] = []
        for (_, same) in Dictionary(grouping: talks, by: { clean($0.topic) }) where same.count > 1 {
            let ordered = same.sorted { $0.day < $1.day }
            for (earlier, later) in zip(ordered, ordered.dropFirst()) where earlier.day.days(until: later.day) <= repeatTopicDays {
                findings.append(.init(recordId: later.id, reason: "Toolbox talk of \(later.day.readable) repeats \"\(later.topic)\" from \(earlier.day.readable)."))
            }
        }
        return findings.sorted { $0.reason < $1.reason }
    }
}
