import Foundation

/// A course a person completed.
public struct CourseCompletion: Sendable, Equatable, Codable {
    public var personId: String
    public var courseId: String
    public var completedOn: CalendarDay
    /// Set when the certificate names an expiry; otherwise the course's validity applies.
    public var expiresOn: CalendarDay?

    public init(personId: String, courseId: String, completedOn: CalendarDay, expiresOn: CalendarDay? = nil) {
        self.personId = personId
        self.courseId = courseId
        self.completedOn = completedOn
        self.expiresOn = expiresOn
    }

    /// The last day the completion counts, if it expires.
    public func lastValidDay(course: Course?) -> CalendarDay? {
        if let expiresOn { return expiresOn }
        return course?.validityYears.map { completedOn.adding(years: $0).adding(days: -1) }
    }

    /// Completed by `day` and not expired on it.
    public func isValid(on day: CalendarDay, course: Course?) -> Bool {
        completedOn <= day && (lastValidDay(course: course).map { day <= $0 } ?? true)
    }
}

public struct TrainingFinding: Sendable, Equatable, Codable {
    public var rule: String
    public var requirement: String
    public var met: Bool
    /// Plain words: who holds it, or what is missing.
    public var detail: String
}

public struct TrainingStatus: Sendable, Equatable {
    public var asOf: CalendarDay
    public var findings: [TrainingFinding]
    public var isMet: Bool { findings.allSatisfy(\.met) }
    public var unmet: [TrainingFinding] { findings.filter { !$0.met } }
}

public enum TrainingRules {
    /// T1, T2, T5, T6 as of `day` (T8: call it with the registration and the submission
    /// dates). People count only while on the account that day.
    public static func status(people: [Person], completions: [CourseCompletion], profile: ProgramProfile,
                              on day: CalendarDay) -> TrainingStatus {
        var findings: [TrainingFinding] = []
        for requirement in profile.requiredTraining {
            let holders = eligibleHolders(requirement.heldBy, people: people, on: day)
            let held = completions.filter { c in
                requirement.anyOf.contains(c.courseId) && holders.contains { $0.id == c.personId }
                    && c.isValid(on: day, course: profile.course(c.courseId))
            }
            if let first = held.first, let person = people.first(where: { $0.id == first.personId }) {
                findings.append(.init(rule: requirement.rule, requirement: requirement.title, met: true,
                                      detail: "\(person.name) holds \(profile.course(first.courseId)?.name ?? first.courseId) (\(first.completedOn.readable))."))
            } else {
                findings.append(.init(rule: requirement.rule, requirement: requirement.title, met: false,
                                      detail: missing(requirement.title, holder: requirement.heldBy, completions: completions,
                                                      anyOf: requirement.anyOf, profile: profile, on: day)))
            }
        }
        findings.append(continuing(people: people, completions: completions, profile: profile, on: day))
        return TrainingStatus(asOf: day, findings: findings)
    }

    static func eligibleHolders(_ holder: TrainingHolder, people: [Person], on day: CalendarDay) -> [Person] {
        people.filter { person in
            guard person.isOnAccount(on: day) else { return false }
            switch holder {
            case .seniorPerson: return person.isSeniorPerson
            case .anyFullTimeEmployee: return person.fullTime && person.category != .contractor
            }
        }
    }

    static func holderWords(_ holder: TrainingHolder) -> String {
        switch holder {
        case .seniorPerson: return "the owner, the most senior operational person or an employee familiar with the whole operation"
        case .anyFullTimeEmployee: return "a full-time employee"
        }
    }

    private static func missing(_ title: String, holder: TrainingHolder, completions: [CourseCompletion],
                                anyOf: [String], profile: ProgramProfile, on day: CalendarDay) -> String {
        let expired = completions.filter { anyOf.contains($0.courseId) && $0.completedOn <= day }
            .compactMap { $0.lastValidDay(course: profile.course($0.courseId)) }
            .filter { $0 < day }.max()
        var text = "No \(title) held by \(holderWords(holder)) on \(day.readable)."
        if let expired { text += " The last one expired on \(expired.readable)." }
        return text
    }

    /// T2 / T6: a counting course completed within the period before `day`.
    static func continuing(people: [Person], completions: [CourseCompletion], profile: ProgramProfile,
                           on day: CalendarDay) -> TrainingFinding {
        let rule = profile.continuingEducation
        let holders = eligibleHolders(rule.heldBy, people: people, on: day)
        // Counts through day `periodDays` after its completion.
        let earliest = day.adding(days: -rule.periodDays)
        let counting = completions.filter { c in
            holders.contains { $0.id == c.personId } && c.completedOn <= day && c.completedOn >= earliest
                && (rule.anyOf.contains(c.courseId) || (rule.anyAccreditedCourse && profile.course(c.courseId)?.accredited == true))
        }.sorted { $0.completedOn > $1.completedOn }
        if let latest = counting.first, let person = people.first(where: { $0.id == latest.personId }) {
            let renewBy = latest.completedOn.adding(days: rule.periodDays)
            return .init(rule: rule.rule, requirement: rule.title, met: true,
                         detail: "\(person.name) completed \(profile.course(latest.courseId)?.name ?? latest.courseId) on \(latest.completedOn.readable); next one due by \(renewBy.readable).")
        }
        return .init(rule: rule.rule, requirement: rule.title, met: false,
                     detail: "No qualifying course completed by \(holderWords(rule.heldBy)) between \(earliest.readable) and \(day.readable).")
    }
}
