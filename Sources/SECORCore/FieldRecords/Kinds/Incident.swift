import Foundation

extension FieldRecordKind {
    public static let incident = FieldRecordKind(declared: "incident")
}

/// What an incident did: the harm an investigation classifies it by.
public enum IncidentHarm: String, Codable, Sendable, CaseIterable {
    case none, injury, illness, damage, environment

    public var label: String {
        switch self {
        case .none: return "No harm (near miss)"
        case .injury: return "Injury"
        case .illness: return "Illness"
        case .damage: return "Equipment or property damage"
        case .environment: return "Spill or release"
        }
    }
}

/// An incident or near-miss report with its investigation (F1, element 6).
public struct IncidentContent: RecordKindContent, Equatable {
    public static let descriptor = RecordKindDescriptor(
        kind: .incident, title: "Incident or near-miss report", evidenceKinds: [.incidentReport, .investigation],
        signOffRoles: [.worker, .reviewer], formPartial: "records/incident", startLabel: "Near miss or incident",
        contentType: IncidentContent.self)

    /// 1 to 5, as the hazard register rates severity.
    public static let severityLabels = ["1 — first aid or none", "2 — medical aid", "3 — lost time", "4 — serious injury or major damage", "5 — fatal"]

    public var isNearMiss: Bool
    public var site: String
    public var whatHappened: String
    public var harm: IncidentHarm?
    /// 1 (minor) to 5 (fatal): what did happen, and what could have happened.
    public var actualSeverity: Int?
    public var potentialSeverity: Int?
    /// People hurt or directly involved, and those who saw it: they sign their part.
    public var peopleInvolved: [NamedPerson]
    public var witnesses: [NamedPerson]
    /// Serious injuries and dangerous occurrences must be reported to Alberta OHS.
    public var reportableToOHS: Bool
    public var immediateActions: String
    public var rootCauses: [String]
    public var contributingFactors: [String]
    public var correctiveActions: String
    /// Who the findings were told to, and when (Q4: findings go back to the crew).
    public var findingsToldTo: [String]
    public var findingsToldOn: String?

    public init(isNearMiss: Bool, site: String, whatHappened: String, harm: IncidentHarm? = nil, actualSeverity: Int? = nil,
                potentialSeverity: Int? = nil, peopleInvolved: [NamedPerson] = [], witnesses: [NamedPerson] = [],
                reportableToOHS: Bool = false, immediateActions: String, rootCauses: [String], contributingFactors: [String],
                correctiveActions: String, findingsToldTo: [String], findingsToldOn: String?) {
        self.isNearMiss = isNearMiss
        self.site = site
        self.whatHappened = whatHappened
        self.harm = harm
        self.actualSeverity = actualSeverity
        self.potentialSeverity = potentialSeverity
        self.peopleInvolved = peopleInvolved
        self.witnesses = witnesses
        self.reportableToOHS = reportableToOHS
        self.immediateActions = immediateActions
        self.rootCauses = rootCauses
        self.contributingFactors = contributingFactors
        self.correctiveActions = correctiveActions
        self.findingsToldTo = findingsToldTo
        self.findingsToldOn = findingsToldOn
    }

    enum CodingKeys: String, CodingKey {
        case isNearMiss, site, whatHappened, harm, actualSeverity, potentialSeverity, peopleInvolved, witnesses, reportableToOHS,
             immediateActions, rootCauses, contributingFactors, correctiveActions, findingsToldTo, findingsToldOn
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        isNearMiss = try c.decodeIfPresent(Bool.self, forKey: .isNearMiss) ?? false
        site = try c.decodeIfPresent(String.self, forKey: .site) ?? ""
        whatHappened = try c.decodeIfPresent(String.self, forKey: .whatHappened) ?? ""
        harm = try c.decodeIfPresent(IncidentHarm.self, forKey: .harm)
        actualSeverity = try c.decodeIfPresent(Int.self, forKey: .actualSeverity)
        potentialSeverity = try c.decodeIfPresent(Int.self, forKey: .potentialSeverity)
        peopleInvolved = try c.decodeIfPresent([NamedPerson].self, forKey: .peopleInvolved) ?? []
        witnesses = try c.decodeIfPresent([NamedPerson].self, forKey: .witnesses) ?? []
        reportableToOHS = try c.decodeIfPresent(Bool.self, forKey: .reportableToOHS) ?? false
        immediateActions = try c.decodeIfPresent(String.self, forKey: .immediateActions) ?? ""
        rootCauses = try c.decodeIfPresent([String].self, forKey: .rootCauses) ?? []
        contributingFactors = try c.decodeIfPresent([String].self, forKey: .contributingFactors) ?? []
        correctiveActions = try c.decodeIfPresent(String.self, forKey: .correctiveActions) ?? ""
        findingsToldTo = try c.decodeIfPresent([String].self, forKey: .findingsToldTo) ?? []
        findingsToldOn = try c.decodeIfPresent(String.self, forKey: .findingsToldOn)
    }

    public init(form: RecordForm) {
        func people(_ name: String) -> [NamedPerson] { form.rows(name).map { NamedPerson(name: $0["name"] ?? "", personId: $0["personId"]) } }
        self.init(isNearMiss: form.flag("isNearMiss"), site: form["site"], whatHappened: form["whatHappened"],
                  harm: IncidentHarm(rawValue: form["harm"]), actualSeverity: Int(form["actualSeverity"]),
                  potentialSeverity: Int(form["potentialSeverity"]), peopleInvolved: people("peopleInvolved"), witnesses: people("witnesses"),
                  reportableToOHS: form.flag("reportableToOHS"), immediateActions: form["immediateActions"],
                  rootCauses: form.lines("rootCauses"), contributingFactors: form.lines("contributingFactors"),
                  correctiveActions: form["correctiveActions"], findingsToldTo: form.commas("findingsToldTo"), findingsToldOn: form["findingsToldOn"].nilIfBlank)
    }

    public var form: RecordForm {
        func rows(_ people: [NamedPerson]) -> [[String: String]] { people.map { ["name": $0.name, "personId": $0.personId ?? ""] } }
        return RecordForm(values: ["isNearMiss": isNearMiss ? "on" : "", "site": site, "whatHappened": whatHappened, "harm": harm?.rawValue ?? "",
                                   "actualSeverity": actualSeverity.map(String.init) ?? "", "potentialSeverity": potentialSeverity.map(String.init) ?? "",
                                   "reportableToOHS": reportableToOHS ? "on" : "", "immediateActions": immediateActions,
                                   "rootCauses": rootCauses.joined(separator: "\n"), "contributingFactors": contributingFactors.joined(separator: "\n"),
                                   "correctiveActions": correctiveActions, "findingsToldTo": findingsToldTo.joined(separator: ", "),
                                   "findingsToldOn": findingsToldOn ?? ""],
                          rows: ["peopleInvolved": rows(peopleInvolved), "witnesses": rows(witnesses)])
    }

    public func validated() throws -> IncidentContent {
        var check = RecordChecker()
        var clean = self
        clean.site = check.text(site, "site", "The site", max: 120)
        clean.whatHappened = check.text(whatHappened, "whatHappened", "What happened", max: 4000, multiline: true)
        if harm == nil { check.fail("harm", "Say what harm it did (no harm for a near miss).") }
        if isNearMiss, let harm, harm != .none { check.fail("harm", "A near miss did no harm; untick near miss or choose no harm.") }
        for (value, field, label) in [(actualSeverity, "actualSeverity", "The actual severity"), (potentialSeverity, "potentialSeverity", "The potential severity")] {
            if let value, !(1...5).contains(value) { check.fail(field, "\(label) is 1 (first aid or none) to 5 (fatal).") }
        }
        if potentialSeverity == nil { check.fail("potentialSeverity", "Rate how bad it could have been (1 to 5).") }
        if let actual = actualSeverity, let potential = potentialSeverity, actual > potential {
            check.fail("potentialSeverity", "What could have happened is at least as bad as what did.")
        }
        // Alberta OHS is told of a fatality and of a serious injury (OHS Act s. 40): the report says so.
        if !reportableToOHS, let actual = actualSeverity, actual == 5 || (actual >= 4 && (harm == .injury || harm == .illness)) {
            check.fail("reportableToOHS", "A fatality or a serious injury is reported to Alberta OHS: tick \"Reportable to Alberta OHS\".")
        }
        clean.peopleInvolved = check.people(peopleInvolved, "peopleInvolved", "Person involved", maxItems: 30)
        clean.witnesses = check.people(witnesses, "witnesses", "Witness", maxItems: 30)
        clean.immediateActions = check.text(immediateActions, "immediateActions", "Immediate actions", max: 2000, required: false, multiline: true)
        clean.rootCauses = check.list(rootCauses, "rootCauses", "Root cause", max: 500, maxItems: 20)
        clean.contributingFactors = check.list(contributingFactors, "contributingFactors", "Contributing factor", max: 500, maxItems: 20)
        clean.correctiveActions = check.text(correctiveActions, "correctiveActions", "Corrective actions", max: 2000, required: false, multiline: true)
        clean.findingsToldTo = check.list(findingsToldTo, "findingsToldTo", "Told to", max: 120, maxItems: 50)
        clean.findingsToldOn = check.day(findingsToldOn, "findingsToldOn", "The day the findings were told", required: false)
        if !clean.findingsToldTo.isEmpty && clean.findingsToldOn == nil && findingsToldOn?.isEmpty ?? true {
            check.fail("findingsToldOn", "Say when the findings were told to the crew.")
        }
        try check.finish()
        return clean
    }

    public var searchText: String {
        ([site, whatHappened, immediateActions, correctiveActions] + rootCauses + contributingFactors + findingsToldTo
            + (peopleInvolved + witnesses).map(\.name)).joined(separator: " ")
    }

    public var raisedNotices: [RaisedNotice] {
        [RaisedNotice(event: .incidentReported, title: (isNearMiss ? "Near miss" : "Incident") + (site.isEmpty ? "" : " at \(site)") + ": " + String(whatHappened.prefix(80)))]
    }

    public var lines: [String] {
        var lines = [isNearMiss ? "Near miss" : "Incident", "Site: \(site)", "What happened: \(whatHappened)"]
        if let harm { lines.append("Harm: \(harm.label)") }
        let rate = { (n: Int?) in n.flatMap { (1...5).contains($0) ? Self.severityLabels[$0 - 1] : nil } ?? "not rated" }
        lines.append("Severity: actual \(rate(actualSeverity)); potential \(rate(potentialSeverity))")
        if !peopleInvolved.isEmpty { lines.append("People involved: " + peopleInvolved.map(\.name).joined(separator: ", ")) }
        if !witnesses.isEmpty { lines.append("Witnesses: " + witnesses.map(\.name).joined(separator: ", ")) }
        if reportableToOHS { lines.append("Reportable to Alberta OHS") }
        if !immediateActions.isEmpty { lines.append("Immediate actions: \(immediateActions)") }
        lines.append("Root causes: " + (rootCauses.isEmpty ? "none named" : rootCauses.joined(separator: "; ")))
        if !contributingFactors.isEmpty { lines.append("Contributing factors: " + contributingFactors.joined(separator: "; ")) }
        if !correctiveActions.isEmpty { lines.append("Corrective actions: \(correctiveActions)") }
        let told = findingsToldTo.joined(separator: ", ")
        lines.append(told.isEmpty ? "Findings not yet told to the crew" : "Findings told to \(told) on \(findingsToldOn ?? "")")
        return lines
    }

    /// The people involved and the witnesses confirm the report of what they saw.
    public var namedPeople: [NamedPerson] { peopleInvolved + witnesses.filter { w in !peopleInvolved.contains { $0.personId != nil && $0.personId == w.personId } } }

    public func addEvidence(to file: inout AuditFileEvidence, id: String, day: CalendarDay, signOffs: [SignOffFact]) {
        file.incidents.append(IncidentEvidence(id: id, day: day, isNearMiss: isNearMiss))
        // Every report carries its investigation, which needs a root cause.
        file.investigations.append(InvestigationEvidence(id: id, day: day, rootCauses: rootCauses))
    }

    public func resolvingPeople(_ resolve: (NamedPerson, String) -> NamedPerson) -> IncidentContent {
        var copy = self
        copy.peopleInvolved = peopleInvolved.resolved("peopleInvolved", resolve)
        copy.witnesses = witnesses.resolved("witnesses", resolve)
        return copy
    }
}
