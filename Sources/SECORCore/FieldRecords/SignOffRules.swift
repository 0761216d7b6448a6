import Foundation

/// What a sign-off says its signer did.
public enum SignOffRole: String, Codable, Sendable, CaseIterable {
    /// A person named on the record as present: "I was told these hazards and controls".
    case worker
    /// A supervisor, manager or owner who reviewed the record, with a note.
    case reviewer
    /// The one person the record names as its signer (the safety policy's owner or senior manager).
    case signer

    public var label: String {
        switch self {
        case .worker: return "present"
        case .reviewer: return "review"
        case .signer: return "signer"
        }
    }
}

/// How a sign-off was made.
public enum SignOffMethod: String, Codable, Sendable, CaseIterable {
    /// The signer, signed in on their own phone or computer.
    case `self`
    /// Drawn by the signer's finger on the phone of the person who recorded it.
    case attested
    /// A tick made by whoever held the phone, before sign-offs were personal (records
    /// before December 2026): shown as a tick, never as a signature.
    case ticked
}

/// The facts of one sign-off the readiness detectors read.
public struct SignOffFact: Sendable, Equatable {
    public var personId: String?
    public var role: SignOffRole
    public var day: CalendarDay

    public init(personId: String?, role: SignOffRole, day: CalendarDay) {
        self.personId = personId
        self.role = role
        self.day = day
    }
}

/// Rule A7 (QA refuses altered or incomplete documents, seed 001 2.5) applied to field
/// records: a sign-off is made by the person it names, who was on the employer's roster
/// on the day of the work, in a role the kind asks for, on the record's newest version.
public enum SignOffRules {
    /// Categories that may review a record: they direct the work.
    public static let reviewerCategories: Set<PersonCategory> = [.owner, .manager, .supervisor]
    /// Categories that may sign (and so create) the safety policy: senior management.
    public static let seniorCategories: Set<PersonCategory> = [.owner, .manager]

    /// Nil when `person` may sign `content` (dated `day`) in `role` by `method`; else why not.
    public static func refusal(person: Person, role: SignOffRole, method: SignOffMethod, content: RecordContent,
                               day: CalendarDay) -> RecordContentError? {
        if method == .ticked { return .init(field: "method", message: "A sign-off is made by the signer, on their phone or on the author's.") }
        // A review and the policy's signature are made on the signer's own account, never handed over.
        if method == .attested && role != .worker {
            return .init(field: "method", message: "A \(role == .reviewer ? "review" : "signer's signature") is made on the signer's own account, not on someone else's phone.")
        }
        guard content.descriptor.signOffRoles.contains(role) else {
            return .init(field: "role", message: "A \(content.kind.title.lowercased()) is not signed as \(role.rawValue).")
        }
        guard person.isOnAccount(on: day) else {
            return .init(field: "personId", message: "\(person.name) was not on the roster on \(day.readable), the day of the work.")
        }
        switch role {
        case .worker:
            guard content.namedPeople.contains(where: { $0.personId == person.id }) else {
                return .init(field: "personId", message: "\(person.name) is not named on this record; add them (amend) before they sign.")
            }
        case .reviewer:
            guard reviewerCategories.contains(person.category) else {
                return .init(field: "personId", message: "A review is signed by a supervisor, manager or owner; \(person.name) is a \(person.category.label).")
            }
        case .signer:
            guard content.value.designatedSigner?.personId == person.id else {
                return .init(field: "personId", message: "Only the signer the record names signs it as signer.")
            }
            guard method == .self else {
                return .init(field: "method", message: "The signer signs from their own account, not on someone else's phone.")
            }
        }
        return nil
    }

    /// Who still has to sign the newest version: the named people and the designated
    /// signer who have not signed it.
    /// Who still has to sign, from the sign-offs of the newest version (a review signs
    /// for nobody named).
    public static func outstanding(_ content: RecordContent, signOffs: [SignOffFact]) -> [NamedPerson] {
        outstanding(content, signedPersonIds: Set(signOffs.filter { $0.role != .reviewer }.compactMap(\.personId)))
    }

    public static func outstanding(_ content: RecordContent, signedPersonIds: Set<String>) -> [NamedPerson] {
        var wanted: [NamedPerson] = []
        if content.descriptor.signOffRoles.contains(.worker) { wanted += content.namedPeople.filter { $0.personId != nil } }
        if content.descriptor.signOffRoles.contains(.signer), let signer = content.value.designatedSigner,
           !wanted.contains(where: { $0.personId == signer.personId }) {
            wanted.append(signer)
        }
        return wanted.filter { !signedPersonIds.contains($0.personId ?? "") }
    }
}
