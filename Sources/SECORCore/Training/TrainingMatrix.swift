import Foundation

/// One line of an employer's training matrix: a job role requires a named course or
/// ticket from the profile's catalogue (rule F2: never "as required").
public struct MatrixRequirement: Sendable, Equatable, Codable {
    public var jobRole: String
    public var courseId: String

    public init(jobRole: String, courseId: String) {
        self.jobRole = jobRole
        self.courseId = courseId
    }
}

/// What a person holds of one required certification on a day.
public enum HoldingState: Sendable, Equatable {
    case held(until: CalendarDay?)
    /// Valid, but expiring within the warning window (90 days).
    case expiring(on: CalendarDay, daysLeft: Int)
    case expired(on: CalendarDay)
    case missing

    public var label: String {
        switch self {
        case .held(let until): return until.map { "Held, valid until \($0.readable)" } ?? "Held"
        case .expiring(let on, let left): return "Expires \(on.readable) (\(left) day\(left == 1 ? "" : "s"))"
        case .expired(let on): return "Expired \(on.readable)"
        case .missing: return "Missing"
        }
    }

    public var key: String {
        switch self {
        case .held: return "held"
        case .expiring: return "expiring"
        case .expired: return "expired"
        case .missing: return "missing"
        }
    }
}

public struct MatrixCell: Sendable, Equatable {
    public var courseId: String
    public var courseName: String
    public var state: HoldingState
}

public struct MatrixRow: Sendable, Equatable {
    public var personId: String
    public var personName: String
    public var jobRole: String
    public var cells: [MatrixCell]
}

public enum TrainingMatrix {
    /// Warnings start this many days before an expiry (the largest of C6's 90/60/30).
    public static let warningDays = Reminder.warningDays.max() ?? 90

    /// Phrases that name no certification (F2).
    static let vaguePhrases = ["as required", "as needed", "if required", "when required", "various", "tbd", "n/a", "none", "other"]

    public static func isVague(_ courseId: String) -> Bool {
        vaguePhrases.contains(courseId.trimmingCharacters(in: .whitespaces).lowercased())
    }

    /// Rule F2: a required certification names a course or ticket; phrases that name
    /// nothing are refused with the reason.
    public static func validateRequirement(jobRole: String, courseId: String, profile: ProgramProfile) throws {
        let role = jobRole.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !role.isEmpty, role.count <= 80 else {
            throw MatrixError(field: "jobRole", message: "Name the job role (1-80 characters).")
        }
        if isVague(courseId) {
            throw MatrixError(field: "courseId", message: "\"\(courseId)\" names no certification; a training matrix that says \"as required\" loses points in the audit (F2). Choose a named course or ticket.")
        }
        guard profile.course(courseId) != nil else {
            throw MatrixError(field: "courseId", message: "'\(courseId)' is not a course or ticket of the \(profile.partnerShortName) program.")
        }
    }

    /// Per person on the account `on` day, what they hold of each certification their
    /// job role requires.
    public static func evaluate(people: [Person], jobRoles: [String: String], requirements: [MatrixRequirement],
                                completions: [CourseCompletion], profile: ProgramProfile, on day: CalendarDay) -> [MatrixRow] {
        people.filter { $0.isOnAccount(on: day) }.compactMap { person in
            guard let role = jobRoles[person.id], !role.isEmpty else { return nil }
            let needed = requirements.filter { $0.jobRole.caseInsensitiveCompare(role) == .orderedSame }
            let cells = needed.map { requirement -> MatrixCell in
                let course = profile.course(requirement.courseId)
                let mine = completions.filter { $0.personId == person.id && $0.courseId == requirement.courseId && $0.completedOn <= day }
                return MatrixCell(courseId: requirement.courseId, courseName: course?.name ?? requirement.courseId,
                                  state: state(of: mine, course: course, on: day))
            }
            return MatrixRow(personId: person.id, personName: person.name, jobRole: role, cells: cells)
        }
    }

    /// The best of a person's completions of one course on `day`.
    public static func state(of completions: [CourseCompletion], course: Course?, on day: CalendarDay) -> HoldingState {
        guard !completions.isEmpty else { return .missing }
        let ends = completions.map { $0.lastValidDay(course: course) }
        if ends.contains(where: { $0 == nil }) { return .held(until: nil) }
        let last = ends.compactMap { $0 }.max()!
        if last < day { return .expired(on: last) }
        let left = day.days(until: last)
        return left <= warningDays ? .expiring(on: last, daysLeft: left) : .held(until: last)
    }
}

public struct MatrixError: Error, Equatable, CustomStringConvertible {
    public var field: String
    public var message: String
    public var description: String { message }
}
