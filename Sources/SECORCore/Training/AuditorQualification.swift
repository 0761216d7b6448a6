import Foundation

/// Standing of a certified external auditor on the partner's register (T3).
public enum AuditorStanding: String, Codable, Sendable, Equatable, CaseIterable {
    case goodStanding, suspended, lapsed

    public var label: String {
        switch self {
        case .goodStanding: return "In good standing"
        case .suspended: return "Suspended"
        case .lapsed: return "Lapsed"
        }
    }
}

/// Who would audit the employer.
public enum AuditorCandidate: Sendable, Equatable {
    /// The employer's own person, with the courses they hold.
    case internalAssessor(Person, completions: [CourseCompletion])
    /// An external auditor: the partner's certification (if any) and their courses.
    case externalAuditor(name: String, certification: AuditorCertification?, completions: [CourseCompletion])
}

public struct AuditorCertification: Sendable, Equatable, Codable {
    public var number: String
    public var partner: String
    public var standing: AuditorStanding
    public var validUntil: CalendarDay

    public init(number: String, partner: String, standing: AuditorStanding, validUntil: CalendarDay) {
        self.number = number
        self.partner = partner
        self.standing = standing
        self.validUntil = validUntil
    }
}

public struct QualificationResult: Sendable, Equatable {
    public var qualified: Bool
    /// Every reason, met or not, in plain words.
    public var reasons: [String]
}

public enum AuditorQualification {
    /// T3, T4, T7 as of `day`. `employerTraining` is the employer's T-status on that day:
    /// an internal ESC assessor must meet it personally; an external assessor for ACSA
    /// needs a full-time employee who holds it (T7).
    public static func check(_ candidate: AuditorCandidate, profile: ProgramProfile, employerTraining: TrainingStatus,
                             on day: CalendarDay) -> QualificationResult {
        let rules = profile.auditors
        var problems: [String] = []
        var met: [String] = []
        switch candidate {
        case .internalAssessor(let person, let completions):
            guard rules.allowedKinds.contains(.internalAssessor) else {
                return .init(qualified: false, reasons: ["\(profile.partnerShortName) does not accept the employer's own assessor."])
            }
            if !person.isOnAccount(on: day) {
                problems.append("\(person.name) is not with the employer on \(day.readable).")
            }
            if rules.internalMustBeSeniorPerson && !person.isSeniorPerson {
                problems.append("T4: \(person.name) is a \(person.category.label), not the owner, the most senior operational person or an employee familiar with the whole operation.")
            }
            checkCourses(rules.assessorCourses, holder: person.name, completions: completions, profile: profile, on: day,
                         problems: &problems, met: &met)
            if rules.internalMustBeSeniorPerson && !employerTraining.isMet {
                problems += employerTraining.unmet.map { "\($0.rule): \($0.detail)" }
            }
        case .externalAuditor(let name, let certification, let completions):
            guard rules.allowedKinds.contains(.externalAuditor) else {
                return .init(qualified: false, reasons: ["\(profile.partnerShortName) does not accept external auditors."])
            }
            if rules.externalMustBeCertified {
                if let c = certification, c.partner == profile.id {
                    if c.standing != .goodStanding {
                        problems.append("T3: \(name)'s certification \(c.number) is \(c.standing == .suspended ? "suspended" : "lapsed").")
                    } else if day > c.validUntil {
                        problems.append("T3: \(name)'s certification \(c.number) was valid until \(c.validUntil.readable).")
                    } else {
                        met.append("T3: \(name) is a certified external auditor in good standing (\(c.number), valid until \(c.validUntil.readable)).")
                    }
                } else {
                    problems.append("T3: \(name) is not on the \(profile.partnerShortName) register of certified external auditors.")
                }
            } else {
                checkCourses(rules.assessorCourses, holder: name, completions: completions, profile: profile, on: day,
                             problems: &problems, met: &met)
                // T7: with an external assessor, a full-time employee still holds the training.
                if !employerTraining.isMet {
                    problems += employerTraining.unmet.map { "\($0.rule): \($0.detail)" }
                }
            }
        }
        return .init(qualified: problems.isEmpty, reasons: problems.isEmpty ? met : problems)
    }

    private static func checkCourses(_ courses: [String], holder: String, completions: [CourseCompletion],
                                     profile: ProgramProfile, on day: CalendarDay,
                                     problems: inout [String], met: inout [String]) {
        for id in courses {
            let name = profile.course(id)?.name ?? id
            if completions.contains(where: { $0.courseId == id && $0.isValid(on: day, course: profile.course(id)) }) {
                met.append("\(holder) holds \(name).")
            } else {
                problems.append("\(holder) does not hold \(name) on \(day.readable).")
            }
        }
    }
}
