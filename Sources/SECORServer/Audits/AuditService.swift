import Fluent
import Foundation
import SECORCore
import Vapor

/// One audit with what every rule and page about it needs, loaded once per request.
struct LoadedAudit: Sendable {
    var audit: AuditModel
    var ref: EmployerRef
    var auditProtocol: AuditProtocol
    var id: UUID { audit.id! }
    var stage: AuditStage { AuditStage(rawValue: audit.stage) ?? .registered }
    var type: AuditType { AuditType(rawValue: audit.auditType) ?? .certification }
    var plannedStart: CalendarDay { (try? CalendarDay(iso: audit.plannedStart)) ?? .today }
    var lastDayOnSite: CalendarDay? { audit.lastDayOnSite.flatMap { try? CalendarDay(iso: $0) } }
    var isExternal: Bool { audit.auditorKind == AuditorKind.externalAuditor.rawValue }
    var scope: Policy.AuditScope { .init(employer: ref.scope, auditorUserId: audit.auditorUserId) }
    var worksites: [String] { JSONText.decode(audit.worksites) ?? [] }
    var wcbAccounts: [String] { JSONText.decode(audit.wcbAccounts) ?? [] }
    var link: String { "/audits/\(id.uuidString)" }
    var title: String { "\(audit.number.map { "Audit \($0)" } ?? "Audit registration") · \(ref.organisation.name)" }
}

extension Request {
    /// Loads audit `:auditId` if the policy allows `action`; 404 when it is not the user's to see.
    func loadedAudit(_ action: Policy.AuditAction) async throws -> LoadedAudit {
        guard let id = parameters.get("auditId", as: UUID.self) else { throw AppError.notFound("audit") }
        return try await loadedAudit(id, action)
    }

    func loadedAudit(_ id: UUID, _ action: Policy.AuditAction) async throws -> LoadedAudit {
        let loaded = try await AuditService(db: db).load(id, programs: programs)
        try Policy.authorize(auth.get(CurrentUser.self), .audit(loaded.scope, action), what: "audit")
        return loaded
    }
}

/// Registration, the partner's decision, changes, fees and extensions (R1-R7, D3).
struct AuditService {
    let db: Database

    func load(_ id: UUID, programs: ProgramCatalog) async throws -> LoadedAudit {
        guard let audit = try await AuditModel.find(id, on: db) else { throw AppError.notFound("audit") }
        let ref = try await EmployerRef.load(audit.$employer.id, on: db, programs: programs)
        let version = try await ProtocolService(db: db).version(audit.$protocolVersion.id)
        return LoadedAudit(audit: audit, ref: ref, auditProtocol: version.value)
    }

    // MARK: Registration (R1-R5)

    struct Registration: Sendable {
        var type: AuditType
        var plannedStart: CalendarDay
        var worksites: [String]
        var wcbAccounts: [String]
        /// Scope and sampling; nil takes what the roster and the profile's sampling rule propose.
        var breakdown: EmployeeBreakdown? = nil
        var visitedSites: [String]? = nil
        var plannedInterviews: Int? = nil
    }

    /// C1: the type the employer's cycle calls for, from its QA-passed audits.
    func proposal(_ ref: EmployerRef, today: CalendarDay = .today) async throws -> NextAudit {
        try await CycleService(db: db).status(ref, today: today)
    }

    /// Everything registration would be refused for, as of the start date (R5, T8).
    func refusals(_ ref: EmployerRef, _ input: Registration, today: CalendarDay = .today) async throws -> [String] {
        let records = try await EmployerRecords.load(employers: [ref.id], on: db)[ref.id]!
        let eligibility = records.eligibility(profile: ref.profile, on: input.plannedStart).report
        let qualification = try await AssessorCheck(db: db).qualification(ref, on: input.plannedStart)?.result
        let open = try await AuditModel.query(on: db).filter(\.$employer.$id == ref.id)
            .filter(\.$stage ~~ AuditStage.allCases.filter(\.isOpen).map(\.rawValue)).all()
        let facts = RegistrationFacts(
            type: input.type, proposedType: try await proposal(ref, today: today).type, plannedStart: input.plannedStart, today: today,
            worksites: input.worksites, wcbAccounts: input.wcbAccounts, employerAccounts: records.wcbAccounts.filter(\.active).map(\.number),
            eligibility: eligibility, qualification: qualification,
            openAudits: open.map { $0.number.map { "audit \($0)" } ?? "a registration of \($0.plannedStart)" })
        return AuditRegistration.refusals(facts)
    }

    /// R4: the worksites a registration names: at most 50, each 1-200 characters of text.
    static func worksites(_ list: [String]) throws -> [String] {
        let clean = list.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
        guard clean.count <= 50 else { throw AppError.invalid("worksites", "Name at most 50 worksites.") }
        // One line per site: the same site twice would count twice in the sample.
        var seen = Set<String>()
        for site in clean where !seen.insert(site.lowercased()).inserted {
            throw AppError.invalid("worksites", "The worksite \"\(site.prefix(60))\" is named twice.")
        }
        for site in clean {
            guard site.count <= 200 else { throw AppError.invalid("worksites", "A worksite is at most 200 characters; \"\(site.prefix(40))…\" has \(site.count).") }
            guard !site.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
                throw AppError.invalid("worksites", "A worksite holds no control characters.")
            }
        }
        return clean
    }

    func register(_ ref: EmployerRef, _ input: Registration, by user: CurrentUser) async throws -> UUID {
        var input = input
        input.worksites = try Self.worksites(input.worksites)
        // Bad input (400) before the rules' refusals (422).
        let records = try await EmployerRecords.load(employers: [ref.id], on: db)[ref.id]!
        let scope = try SamplingScope.validated(input, roster: records.people, profile: ref.profile)
        let reasons = try await refusals(ref, input)
        guard reasons.isEmpty else {
            throw AppError(status: .unprocessableEntity, message: "The registration is refused:\n" + reasons.map { "• " + $0 }.joined(separator: "\n"))
        }
        let version = try await ProtocolService(db: db).current(partner: ref.profile.id).row
        let audit = AuditModel()
        audit.$employer.id = ref.id
        audit.partnerId = try ref.partner.requireID()
        audit.$protocolVersion.id = try version.requireID()
        audit.registeredBy = user.id
        audit.auditorUserId = user.id
        audit.auditorName = user.name
        audit.auditorKind = (user.role == .externalAuditor ? AuditorKind.externalAuditor : .internalAssessor).rawValue
        audit.auditType = input.type.rawValue
        audit.plannedStart = input.plannedStart.iso
        audit.worksites = JSONText.encode(input.worksites.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
        audit.wcbAccounts = JSONText.encode(input.wcbAccounts)
        audit.stage = AuditStage.registered.rawValue
        audit.employeeBreakdown = JSONText.encode(scope.breakdown)
        audit.visitedSites = JSONText.encode(scope.visitedSites)
        audit.plannedInterviews = scope.plannedInterviews
        audit.reportFacts = JSONText.encode(initialFacts(ref, records: records, accounts: input.wcbAccounts, start: input.plannedStart, auditor: user,
                                                         breakdown: scope.breakdown))
        audit.strengths = "[]"
        audit.recommendations = "[]"
        audit.revision = 0
        let partnerId = audit.partnerId
        try await db.writeTransaction { [input] db in
            try await audit.create(on: db)
            let id = try audit.requireID()
            try await AuditLog.append(on: db, actor: user.id, action: "audit.register", entity: "audit", entityId: id.uuidString,
                                      detail: "\(input.type.rawValue) audit of \(ref.organisation.name) from \(input.plannedStart.iso), protocol \(version.protocolId) \(version.version)")
            try await Notices.send(.registrationSubmitted, NoticeSubject(partnerId: partnerId), title: "Audit registration: \(ref.organisation.name)",
                                   body: "\(user.name) registered a \(input.type.label.lowercased()) audit starting \(input.plannedStart.readable).",
                                   link: "/audits/\(id.uuidString)", on: db)
        }
        return try audit.requireID()
    }

    /// S1 as far as the platform already knows it; the auditor completes the rest.
    private func initialFacts(_ ref: EmployerRef, records: EmployerRecords, accounts: [String], start: CalendarDay, auditor: CurrentUser,
                              breakdown: EmployeeBreakdown) -> ReportFacts {
        var facts = ReportFacts()
        let e = ref.employer
        facts.employerName = e.legalName
        facts.employerAddress = e.address
        facts.contactName = e.contactName
        facts.contactPhone = e.phone
        facts.contactFax = e.fax
        // S1: the employer gave no fax when it enrolled; the report says so (the auditor may untick it).
        facts.noFax = e.fax.isEmpty ? true : nil
        facts.contactEmail = e.email
        facts.assessorName = auditor.name
        facts.assessorEmail = auditor.email
        facts.wcbAccounts = accounts
        facts.industryCodes = Array(Set(records.wcbAccounts.filter { accounts.contains($0.number) }.map(\.industryCode))).sorted()
        facts.dataGatheringStart = start
        facts.employeesByRole = breakdown.byRole.filter { $0.value > 0 }
        return facts
    }

    // MARK: The partner's decision (R2, R6)

    struct Decision: Sendable {
        var approve: Bool
        var reason: String?
        /// R2: the typed reasons of a rejection.
        var reasons: [RejectionReason] = []
        /// R1, R3: a new start date, needed once the planned start has passed.
        var newStart: CalendarDay?
    }

    func decide(_ loaded: LoadedAudit, _ decision: Decision, by admin: CurrentUser, today: CalendarDay = .today) async throws {
        let reason = try Validate.text(decision.reason ?? "", "reason", "Reason", max: 2000, optional: true)
        var start = loaded.plannedStart
        if decision.approve {
            switch AuditRegistration.approvalStart(planned: loaded.plannedStart, newStart: decision.newStart, today: today) {
            case .success(let day): start = day
            case .failure(let refusal): throw AppError.invalid(refusal.field, refusal.message)
            }
        } else {
            if decision.reasons.isEmpty { throw AppError.invalid("reasons", "Choose at least one reason for rejecting the registration (R2).") }
            if reason.isEmpty { throw AppError.invalid("reason", "Say what exactly is wrong, so the auditor can fix it (R2).") }
        }
        let moved = start != loaded.plannedStart
        let approvedStart = start
        let digits = loaded.ref.profile.auditNumberDigits
        let approve = decision.approve
        let typed = decision.reasons.map(\.label).joined(separator: "; ")
        // R6: a random number under a unique index; two approvals drawing the same number
        // at the same instant cannot both commit, and the loser draws again.
        for _ in 0..<20 {
            do {
                try await db.writeTransaction { db in
                    try await db.lockAudit(loaded.id, expecting: { $0 == .registered },
                                           otherwise: { "This registration was already decided (\($0.label))." })
                    guard let audit = try await AuditModel.find(loaded.id, on: db) else { throw AppError.notFound("audit") }
                    audit.stage = (approve ? AuditStage.approved : .rejected).rawValue
                    audit.number = approve ? AuditNumber.random(digits: digits) : nil
                    audit.decisionReason = reason.isEmpty ? nil : reason
                    audit.rejectionReasons = approve ? nil : JSONText.encode(decision.reasons)
                    audit.decidedBy = admin.id
                    audit.plannedStart = approvedStart.iso
                    try await audit.save(on: db)
                    if moved {
                        // R3: the new start is a change of the registration, kept with the others.
                        let change = AuditChangeModel()
                        change.$audit.id = loaded.id
                        change.userId = admin.id
                        change.userName = admin.name
                        change.what = "planned start \(loaded.plannedStart.readable) → \(approvedStart.readable)"
                        change.why = "Approved after the planned start had passed (R1)" + (reason.isEmpty ? "" : ": \(reason)")
                        try await change.create(on: db)
                    }
                    try await AuditLog.append(on: db, actor: admin.id, action: approve ? "audit.approve" : "audit.reject", entity: "audit",
                                              entityId: loaded.id.uuidString,
                                              detail: approve ? "number \(audit.number!)" + (moved ? ", start moved to \(approvedStart.iso)" : "") : "\(typed): \(reason)")
                    let body = approve ? "Audit number \(audit.number!). The audit may start on \(approvedStart.readable)." + (moved ? " (The start date was moved from \(loaded.plannedStart.readable).)" : "")
                                       : "Rejected — \(typed): \(reason)"
                    try await Notices.send(approve ? .registrationApproved : .registrationRejected, .audit(audit),
                                           title: approve ? "Audit registration approved" : "Audit registration rejected",
                                           body: body, link: loaded.link, except: admin.id, on: db)
                }
                return
            } catch let error as any DatabaseError where error.isConstraintFailure {
                continue
            }
        }
        throw AppError(status: .serviceUnavailable, message: "No free audit number was found; try again.")
    }

    // MARK: Changes and cancellation (R3)

    func change(_ loaded: LoadedAudit, plannedStart: CalendarDay?, worksites: [String]?, why: String, by user: CurrentUser) async throws {
        let why = try Validate.text(why, "why", "Why", max: 1000)
        guard loaded.stage.registrationChangeable else { throw AppError(status: .conflict, message: "A \(loaded.stage.label.lowercased()) audit cannot be changed.") }
        var what: [String] = []
        if let plannedStart, plannedStart < .today {
            throw AppError.invalid("plannedStart", "R1: the audit cannot be moved to start on \(plannedStart.readable), a day already passed; choose today or a later day.")
        }
        if let plannedStart, plannedStart != loaded.plannedStart {
            what.append("planned start \(loaded.plannedStart.readable) → \(plannedStart.readable)")
            // S1: data gathering still starting on the old day moves with the audit.
            if var facts = JSONText.decode(loaded.audit.reportFacts, as: ReportFacts.self), facts.dataGatheringStart == loaded.plannedStart {
                facts.dataGatheringStart = plannedStart
                loaded.audit.reportFacts = JSONText.encode(facts)
            }
            loaded.audit.plannedStart = plannedStart.iso
        }
        if let worksites {
            let clean = try Self.worksites(worksites)
            guard !clean.isEmpty else { throw AppError.invalid("worksites", "Name at least one worksite (R4).") }
            if clean != loaded.worksites {
                what.append("worksites \(loaded.worksites.joined(separator: ", ")) → \(clean.joined(separator: ", "))")
                loaded.audit.worksites = JSONText.encode(clean)
                // The sites to visit stay among the worksites; none left, the rule's first ones.
                if loaded.audit.visitedSites != nil {
                    let kept = loaded.visitedSites.filter(clean.contains)
                    let visits = loaded.breakdown.map { SamplePlan.proposed(loaded.ref.profile.sampling, breakdown: $0, sites: clean.count).visits } ?? clean.count
                    loaded.audit.visitedSites = JSONText.encode(kept.isEmpty ? Array(clean.prefix(visits)) : kept)
                }
            }
        }
        guard !what.isEmpty else { throw AppError.invalid("plannedStart", "Nothing changed.") }
        try await record(loaded, what: what.joined(separator: "; "), why: why, by: user)
    }

    func cancel(_ loaded: LoadedAudit, why: String, by user: CurrentUser) async throws {
        let why = try Validate.text(why, "why", "Why", max: 1000)
        guard loaded.stage.registrationChangeable else { throw AppError(status: .conflict, message: "A \(loaded.stage.label.lowercased()) audit cannot be cancelled.") }
        loaded.audit.stage = AuditStage.cancelled.rawValue
        try await record(loaded, what: "cancelled", why: why, by: user)
    }

    private func record(_ loaded: LoadedAudit, what: String, why: String, by user: CurrentUser) async throws {
        let audit = loaded.audit
        try await db.writeTransaction { db in
            try await db.lockAudit(loaded.id, expecting: { $0.registrationChangeable },
                                   otherwise: { "A \($0.label.lowercased()) audit cannot be changed or cancelled." })
            try await audit.save(on: db)
            let change = AuditChangeModel()
            change.$audit.id = loaded.id
            change.userId = user.id
            change.userName = user.name
            change.what = what
            change.why = why
            try await change.create(on: db)
            try await AuditLog.append(on: db, actor: user.id, action: "audit.change", entity: "audit", entityId: loaded.id.uuidString, detail: "\(what): \(why)")
            try await Notices.send(.registrationChanged, .audit(audit), title: "Audit changed: \(loaded.ref.organisation.name)",
                                   body: "\(user.name): \(what) — \(why)", link: loaded.link, except: user.id, on: db)
        }
    }

    // MARK: Review fees (R7)

    func setFee(_ loaded: LoadedAudit, cents: Int?, paidOn: CalendarDay?, by admin: CurrentUser, today: CalendarDay = .today) async throws {
        guard loaded.ref.profile.reviewFeesTracked else {
            throw AppError(status: .conflict, message: "\(loaded.ref.profile.partnerShortName) does not track review fees (R7).")
        }
        do {
            if let cents { try ReviewFee.check(cents: cents) }
            try ReviewFee.check(paidOn: paidOn, today: today)
            // A fee is paid for a registered audit: not before it was registered.
            if let paidOn, let registered = loaded.audit.createdAt.map({ CalendarDay($0) }), paidOn < registered {
                throw FieldRefusal(field: "paidOn", message: "The fee cannot be paid on \(paidOn.readable), before the audit was registered (\(registered.readable)).")
            }
        } catch let problem as FieldRefusal { throw AppError.invalid(problem.field, problem.message) }
        if paidOn != nil && cents == nil { throw AppError.invalid("paidOn", "Record the invoiced amount before the day it was paid.") }
        let audit = loaded.audit
        audit.feeCents = cents
        audit.feePaidOn = paidOn?.iso
        try await db.writeTransaction { db in
            // Paid is the fee's last state: once recorded, a payment changes no more.
            let paidCents = try await db.lockedColumn(AuditModel.schema, loaded.id, "fee_cents", as: Int.self)
            if let paid = try await db.lockedColumn(AuditModel.schema, loaded.id, "fee_paid_on", as: String.self), paid != paidOn?.iso || cents != paidCents {
                throw AppError(status: .conflict, message: "The fee was already recorded paid on \((try? CalendarDay(iso: paid))?.readable ?? paid); a paid fee no longer changes.", field: "paidOn")
            }
            try await audit.save(on: db)
            try await AuditLog.append(on: db, actor: admin.id, action: "audit.fee", entity: "audit", entityId: loaded.id.uuidString,
                                      detail: "fee \(cents.map(String.init) ?? "none") cents, paid \(paidOn?.iso ?? "no")")
        }
    }

    // MARK: Extensions (D3)

    func requestExtension(_ loaded: LoadedAudit, deadline: String, days: Int, reason: String, by user: CurrentUser, today: CalendarDay = .today) async throws {
        guard deadline == "D1" || deadline == "D2" else { throw AppError.invalid("deadline", "Choose the deadline to extend: D1 (last day on site) or D2 (submission).") }
        guard (1...90).contains(days) else { throw AppError.invalid("days", "Ask for 1 to 90 days.") }
        let reason = try Validate.text(reason, "reason", "Reason", max: 1000)
        guard loaded.stage == .approved else { throw AppError(status: .conflict, message: "Extensions are for an approved audit under way.") }
        let deadlines = try await AuditDeadlines(db: db).compute(loaded)
        let due = deadline == "D1" ? deadlines.onSite.due : deadlines.submission?.due
        if let due, today > due {
            throw AppError.invalid("deadline", "The \(deadline) deadline (\(due.readable)) has passed; more time needs approval before it (D3).")
        }
        let row = AuditExtensionModel()
        row.$audit.id = loaded.id
        row.deadline = deadline
        row.days = days
        row.reason = reason
        row.requestedBy = user.id
        row.requestedOn = today.iso
        row.status = "requested"
        try await db.writeTransaction { db in
            try await row.create(on: db)
            try await AuditLog.append(on: db, actor: user.id, action: "audit.extension.request", entity: "audit", entityId: loaded.id.uuidString,
                                      detail: "\(deadline) +\(days) days: \(reason)")
            try await Notices.send(.extensionRequested, .audit(loaded.audit), title: "Extension requested: \(loaded.ref.organisation.name)",
                                   body: "\(deadline) +\(days) days — \(reason)", link: loaded.link, except: user.id, on: db)
        }
    }

    func decideExtension(_ loaded: LoadedAudit, extensionId: UUID, approve: Bool, reason: String?, by admin: CurrentUser, today: CalendarDay = .today) async throws {
        guard let row = try await AuditExtensionModel.query(on: db).filter(\.$id == extensionId).filter(\.$audit.$id == loaded.id).first() else {
            throw AppError.notFound("extension request")
        }
        guard row.status == "requested" else { throw AppError(status: .conflict, message: "This request was already decided.") }
        let reason = reason?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        if !approve && reason.isEmpty { throw AppError.invalid("reason", "Give the reason for refusing.") }
        row.status = approve ? "approved" : "refused"
        row.decidedBy = admin.id
        row.decidedOn = today.iso
        row.decisionReason = reason.isEmpty ? nil : reason
        try await db.writeTransaction { db in
            guard try await db.lockedColumn(AuditExtensionModel.schema, extensionId, "status", as: String.self) == "requested" else {
                throw AppError(status: .conflict, message: "This request was already decided.")
            }
            try await row.save(on: db)
            try await AuditLog.append(on: db, actor: admin.id, action: approve ? "audit.extension.approve" : "audit.extension.refuse",
                                      entity: "audit", entityId: loaded.id.uuidString, detail: "\(row.deadline) +\(row.days) days \(reason)")
            try await Notices.send(.extensionDecided, .audit(loaded.audit), title: approve ? "Extension approved" : "Extension refused",
                                   body: "\(row.deadline) +\(row.days) days\(reason.isEmpty ? "" : ": \(reason)")", link: loaded.link, except: admin.id, on: db)
        }
    }
}

/// D1, D2 with approved D3 extensions, for one audit.
struct AuditDeadlines {
    let db: Database

    struct Result: Sendable {
        var onSite: Deadline
        /// Known once the last day on site is recorded.
        var submission: Deadline?
        var extensions: [AuditExtensionModel]
    }

    func compute(_ loaded: LoadedAudit) async throws -> Result {
        let rows = try await AuditExtensionModel.query(on: db).filter(\.$audit.$id == loaded.id).all()
        func approved(_ deadline: String) -> [DeadlineExtension] {
            rows.filter { $0.deadline == deadline }.map {
                DeadlineExtension(days: $0.days, reason: $0.reason, requestedOn: (try? CalendarDay(iso: $0.requestedOn)) ?? .today,
                                  approvedOn: $0.status == "approved" ? $0.decidedOn.flatMap { try? CalendarDay(iso: $0) } : nil)
            }
        }
        let timeline = AuditTimeline(loaded.ref.profile.timelines)
        let onSite = timeline.lastDayOnSite(start: loaded.plannedStart, extensions: approved("D1"))
        let submission = loaded.lastDayOnSite.map { timeline.submission(lastDayOnSite: $0, extensions: approved("D2")) }
        return Result(onSite: onSite, submission: submission, extensions: rows)
    }
}
