import Foundation

extension FieldRecordKind {
    public static let safetyPolicy = FieldRecordKind(declared: "safetyPolicy")
}

/// The safety policy: written and amended by the owner or a senior manager, and signed by
/// the signer it names, from their own account (F2: undated or signed by someone who left).
public struct SafetyPolicyContent: RecordKindContent, Equatable {
    public static let descriptor = RecordKindDescriptor(
        kind: .safetyPolicy, title: "Safety policy", evidenceKinds: [.safetyPolicy], authors: .seniorManagement,
        signOffRoles: [.signer], formPartial: "records/safety-policy", contentType: SafetyPolicyContent.self)

    public var version: String
    public var signerPersonId: String?
    public var signerName: String
    public var text: String
    /// The date typed into policies before they were signed from the signer's account.
    public var signedOn: String?

    public init(version: String, signerPersonId: String?, signerName: String, text: String, signedOn: String? = nil) {
        self.version = version
        self.signerPersonId = signerPersonId
        self.signerName = signerName
        self.text = text
        self.signedOn = signedOn
    }

    enum CodingKeys: String, CodingKey { case version, signerPersonId, signerName, text, signedOn }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        version = try c.decodeIfPresent(String.self, forKey: .version) ?? ""
        signerPersonId = try c.decodeIfPresent(String.self, forKey: .signerPersonId)
        signerName = try c.decodeIfPresent(String.self, forKey: .signerName) ?? ""
        text = try c.decodeIfPresent(String.self, forKey: .text) ?? ""
        signedOn = try c.decodeIfPresent(String.self, forKey: .signedOn)
    }

    public init(form: RecordForm) {
        self.init(version: form["version"], signerPersonId: form["signerPersonId"].nilIfBlank, signerName: form["signerName"], text: form["text"])
    }

    public var form: RecordForm {
        RecordForm(values: ["version": version, "signerPersonId": signerPersonId ?? "", "signerName": signerName, "text": text])
    }

    public func validated() throws -> SafetyPolicyContent {
        var check = RecordChecker()
        var clean = self
        clean.version = check.text(version, "version", "The version", max: 40)
        clean.signerPersonId = signerPersonId?.trimmingCharacters(in: .whitespaces).nilIfBlank
        if clean.signerPersonId == nil { check.fail("signerPersonId", "Choose who signs the policy (the owner or a senior manager).") }
        clean.signerName = check.text(signerName, "signerName", "The signer's name", max: 120, required: false)
        clean.text = check.text(text, "text", "The policy's text", max: 20000, multiline: true)
        clean.signedOn = nil
        try check.finish()
        return clean
    }

    public var site: String { "" }
    public var searchText: String { [version, signerName, text].joined(separator: " ") }

    public var lines: [String] { ["Version \(version), to be signed by \(signerName.isEmpty ? "its signer" : signerName)", text] }

    public var designatedSigner: NamedPerson? { signerPersonId.map { NamedPerson(name: signerName, personId: $0) } }

    public func addEvidence(to file: inout AuditFileEvidence, id: String, day: CalendarDay, signOffs: [SignOffFact]) {
        // Signed when its signer signed the newest version; a policy typed with a date
        // before personal sign-offs keeps that date.
        let signed = signOffs.filter { $0.role == .signer && ($0.personId == signerPersonId || $0.personId == nil) }.map(\.day).min()
        file.policies.append(PolicyEvidence(id: id, version: version, signedOn: signed ?? signedOn.flatMap { try? CalendarDay(iso: $0) },
                                            signerPersonId: signerPersonId, signerName: signerName))
    }

    public var pickValues: [String: [String]] { [:] }

    public func resolvingPeople(_ resolve: (NamedPerson, String) -> NamedPerson) -> SafetyPolicyContent {
        guard let signer = designatedSigner else { return self }
        var copy = self
        let resolved = resolve(signer, "signer")
        copy.signerName = resolved.name
        copy.signerPersonId = resolved.personId
        return copy
    }
}
