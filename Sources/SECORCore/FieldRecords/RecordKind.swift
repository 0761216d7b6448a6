import Foundation

/// The name of a kind of everyday record (F1): "flha", "toolboxTalk", ... Each kind is
/// described once, by its content type's `descriptor`, and listed in `RecordKinds.all`;
/// the rest of the code asks that description instead of switching on the kind.
public struct FieldRecordKind: RawRepresentable, Hashable, Codable, Sendable, CustomStringConvertible {
    public let rawValue: String

    /// Only a registered kind: an unknown name is nil.
    public init?(rawValue: String) {
        guard RecordKinds.all.contains(where: { $0.kind.rawValue == rawValue }) else { return nil }
        self.rawValue = rawValue
    }

    /// For the kinds' own declarations (`static let flha = FieldRecordKind(declared: "flha")`).
    init(declared: String) { rawValue = declared }

    public static var allCases: [FieldRecordKind] { RecordKinds.all.map(\.kind) }

    public var descriptor: RecordKindDescriptor { RecordKinds.all.first { $0.kind == self }! }
    public var title: String { descriptor.title }
    public var evidenceKinds: [EvidenceKind] { descriptor.evidenceKinds }
    /// A document in force until replaced (EvidenceKind.isStanding): the policy, the register.
    public var isStanding: Bool { evidenceKinds.allSatisfy(\.isStanding) }
    public var description: String { rawValue }
}

/// Who may create and amend a record of a kind.
public enum RecordAuthors: String, Sendable {
    /// Everyone who works for the employer.
    case crew
    /// Only the owner or a senior manager (the safety policy).
    case seniorManagement
}

/// Everything about one kind of record, in one place.
public struct RecordKindDescriptor: Sendable {
    public let kind: FieldRecordKind
    public let title: String
    /// The evidence kinds it shows; the protocol's questions name the kinds they accept,
    /// which ties each record to its elements (F1).
    public let evidenceKinds: [EvidenceKind]
    public let authors: RecordAuthors
    /// The sign-offs a version of this kind asks for.
    public let signOffRoles: [SignOffRole]
    /// The Leaf partial with the kind's own fields, under `Views/records/`.
    public let formPartial: String
    /// The crew home's button for starting one, if the crew starts it from there.
    public let startLabel: String?
    /// Whoever records it is usually among the people it names (an FLHA, a toolbox talk):
    /// a new one starts with its author ticked, who may record and sign in one step.
    public let namesItsAuthor: Bool
    public let contentType: any RecordKindContent.Type

    public init(kind: FieldRecordKind, title: String, evidenceKinds: [EvidenceKind], authors: RecordAuthors = .crew,
                signOffRoles: [SignOffRole], formPartial: String, startLabel: String? = nil, namesItsAuthor: Bool = false,
                contentType: any RecordKindContent.Type) {
        self.kind = kind
        self.title = title
        self.evidenceKinds = evidenceKinds
        self.authors = authors
        self.signOffRoles = signOffRoles
        self.formPartial = formPartial
        self.startLabel = startLabel
        self.namesItsAuthor = namesItsAuthor
        self.contentType = contentType
    }

    /// Reads stored or sent JSON into the kind's content.
    public func decode(_ data: Data) throws -> RecordContent {
        RecordContent(try JSONDecoder().decode(contentType, from: data))
    }

    /// The content a phone form posted.
    public func content(form: RecordForm) -> RecordContent { RecordContent(contentType.init(form: form)) }

    /// An empty form of the kind, as a new record starts.
    public var blankForm: RecordForm { contentType.init(form: RecordForm()).form }
}

/// The registry: every kind of record, in the order pages list them.
public enum RecordKinds {
    public static let all: [RecordKindDescriptor] = [
        FLHAContent.descriptor, PreStartContent.descriptor, IncidentContent.descriptor, ToolboxTalkContent.descriptor,
        WorkplaceInspectionContent.descriptor, HazardRegisterContent.descriptor, CorrectiveActionContent.descriptor,
        SafetyPolicyContent.descriptor,
    ]
}

/// What a content type of a kind does; its `descriptor` says the rest.
public protocol RecordKindContent: Codable, Sendable {
    static var descriptor: RecordKindDescriptor { get }
    /// Trimmed and checked; throws `RecordContentErrors` naming every problem at once.
    func validated() throws -> Self
    /// The site the work happened at ("" when the kind has none).
    var site: String { get }
    /// The words search looks through.
    var searchText: String { get }
    /// The content as lines a person reads.
    var lines: [String] { get }
    /// The people the record names as present, who are asked to sign as workers.
    var namedPeople: [NamedPerson] { get }
    /// The person who alone signs it as `signer` (the policy's signer), if any.
    var designatedSigner: NamedPerson? { get }
    /// From a phone form (missing fields are empty) and back.
    init(form: RecordForm)
    var form: RecordForm { get }
    /// Adds what the readiness detectors read (F2) to the audit file.
    func addEvidence(to file: inout AuditFileEvidence, id: String, day: CalendarDay, signOffs: [SignOffFact])
    /// Texts already recorded that later forms offer as pick lists (field → values).
    var pickValues: [String: [String]] { get }
    /// The same content with every person it names passed through `resolve` (with the
    /// field that holds them, e.g. "workers[0]"), so the server can tie names to the roster.
    func resolvingPeople(_ resolve: (NamedPerson, String) -> NamedPerson) -> Self
    /// The notices recording it raises (the notice table says who is told).
    var raisedNotices: [RaisedNotice] { get }
}

/// A notice a record raises when it is recorded: an incident, a failed item, an action
/// assigned to someone.
public struct RaisedNotice: Sendable, Equatable {
    public var event: NoticeEvent
    public var title: String
    /// Who the work is assigned to, by name; nil when the recorder owns it.
    public var assignee: String?

    public init(event: NoticeEvent, title: String, assignee: String? = nil) {
        self.event = event
        self.title = title
        self.assignee = assignee
    }
}

extension RecordKindContent {
    public var namedPeople: [NamedPerson] { [] }
    public var designatedSigner: NamedPerson? { nil }
    public func addEvidence(to file: inout AuditFileEvidence, id: String, day: CalendarDay, signOffs: [SignOffFact]) {}
    public var pickValues: [String: [String]] { site.isEmpty ? [:] : ["site": [site]] }
    public func resolvingPeople(_ resolve: (NamedPerson, String) -> NamedPerson) -> Self { self }
    public var raisedNotices: [RaisedNotice] { [] }
}

extension Array where Element == NamedPerson {
    func resolved(_ field: String, _ resolve: (NamedPerson, String) -> NamedPerson) -> [NamedPerson] {
        enumerated().map { resolve($0.element, "\(field)[\($0.offset)]") }
    }
}

/// One record's content, of whichever kind.
public struct RecordContent: Sendable {
    public let value: any RecordKindContent

    public init(_ value: any RecordKindContent) { self.value = value }

    public var descriptor: RecordKindDescriptor { type(of: value).descriptor }
    public var kind: FieldRecordKind { descriptor.kind }
    public var site: String { value.site }
    public var searchText: String { value.searchText }
    public var lines: [String] { value.lines }
    public var namedPeople: [NamedPerson] { value.namedPeople }
    public var form: RecordForm { value.form }

    public func `as`<T: RecordKindContent>(_ type: T.Type) -> T? { value as? T }

    public func validated() throws -> RecordContent { RecordContent(try value.validated()) }

    /// The stored JSON: keys sorted, so the same content always hashes the same.
    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(value)
    }

    public static func decode(kind: FieldRecordKind, json: Data) throws -> RecordContent { try kind.descriptor.decode(json) }
}

/// A person a record names: the roster person when picked from it, else only the name.
public struct NamedPerson: Codable, Sendable, Equatable {
    public var name: String
    public var personId: String?

    public init(name: String, personId: String? = nil) {
        self.name = name
        self.personId = personId
    }
}
