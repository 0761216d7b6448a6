import Crypto
import Fluent
import Foundation
import SECORCore
import Vapor

/// `secor demo --scale N`: N more employers, each with a roster, training, three years of
/// daily field records and an audit in one of every stage, written in bulk (one
/// transaction per employer, multi-row inserts) for benchmarks and load tests. Their
/// owners sign in as `scale-0001@secor.test`, ... with the demo accounts' password.
/// Employers 1, 2 and 3 record one, two and four FLHAs a day (1×, 2×, 4× the records).
/// Running it again adds only the employers that are missing.
enum ScaleData {
    struct Summary: Sendable {
        var employers: Int
        var records: Int
        var audits: Int
    }

    /// The stage of employer i's audit cycles through these (passed most often, as in life).
    static let stages: [AuditStage] = [.passed, .approved, .passed, .submitted, .registered, .passed, .corrections,
                                       .invalid, .passed, .cancelled, .submitted, .rejected, .passed, .invalid]

    static func email(_ index: Int) -> String { "scale-\(String(format: "%04d", index))@secor.test" }
    static func name(_ index: Int) -> String { "Scale Employer \(String(format: "%04d", index)) Ltd." }
    static func flhasPerDay(_ index: Int) -> Int { index == 2 ? 2 : index == 3 ? 4 : 1 }

    static func load(on app: Application, employers count: Int, years: Int = 3) async throws -> Summary {
        try await DemoData.load(on: app)
        // The scale owners share the demo accounts' password (whatever it was made with).
        guard let template = try await UserModel.query(on: app.db).filter(\.$email == "owner@secor.test").first() else {
            throw CommandFailure("The demo accounts are missing.")
        }
        var partners: [(id: UUID, profile: String, protocolId: UUID, value: AuditProtocol)] = []
        for (name, profile) in DemoData.partners {
            let partner = try await OrganisationModel.query(on: app.db).filter(\.$name == name).first()!
            let current = try await ProtocolService(db: app.db).current(partner: profile)
            partners.append((try partner.requireID(), profile, try current.row.requireID(), current.value))
        }
        var summary = Summary(employers: 0, records: 0, audits: 0)
        let started = Date()
        var missing: [Int] = []
        for index in 1...max(1, count) where try await UserModel.query(on: app.db).filter(\.$email == email(index)).first() == nil {
            missing.append(index)
        }
        let hash = template.passwordHash, postgres = !app.db.isSQLite
        let build = { (index: Int) in
            let partnerId = partners[(index - 1) % partners.count].id
            return Task.detached { try generate(index, partnerId: partnerId, passwordHash: hash, years: years, postgres: postgres) }
        }
        // The next employer is built on the other core while this one is written.
        var next = missing.first.map(build)
        for (position, index) in missing.enumerated() {
            let partner = partners[(index - 1) % partners.count]
            let generated = try await next!.value
            next = position + 1 < missing.count ? build(missing[position + 1]) : nil
            try await app.db.writeTransaction { db in
                try await store(generated, on: db)
            }
            summary.employers += 1
            summary.records += generated.records.count
            let stage = stages[(index - 1) % stages.count]
            try await addAudit(index, stage: stage, employer: generated.organisation, owner: generated.owner, partner: partner,
                               wcb: generated.wcb.number, app: app)
            summary.audits += 1
            if index % 50 == 0 {
                app.logger.notice("Scale data: \(index) of \(count) employers (\(Int(Date().timeIntervalSince(started))) s)")
            }
        }
        return summary
    }

    /// Everything one employer holds, built in memory first.
    struct Generated {
        var organisation: OrganisationModel
        var employer: EmployerModel
        var wcb: WCBAccountModel
        var owner: UserModel
        var people: [PersonModel]
        var completions: [CompletionModel]
        var matrix: [MatrixRequirementModel]
        var records: BulkRows
        var versions: BulkRows
        var signOffs: BulkRows
        var searchEntries: [(id: UUID, employer: UUID, text: String)]
    }

    static func generate(_ index: Int, partnerId: UUID, passwordHash: String, years: Int, postgres: Bool) throws -> Generated {
        let today = CalendarDay.today
        let organisation = OrganisationModel(id: UUID(), kind: .employer, name: name(index), partnerId: partnerId)
        let id = organisation.id!
        let employer = EmployerModel()
        employer.id = id
        employer.status = EnrollmentStatus.approved.rawValue
        employer.channel = ApplicationChannel.online.rawValue
        employer.legalName = name(index)
        employer.tradeName = ""
        employer.address = "\(100 + index) Industrial Way, Nisku AB T9E 0A\(index % 10)"
        employer.contactName = "Owner \(index)"
        employer.phone = "780-555-\(String(format: "%04d", index % 10_000))"
        employer.fax = ""
        employer.email = "office\(index)@scale.test"
        let wcb = WCBAccountModel(employerId: id, number: String(60_000_000 + index), industryCode: "06103", active: true)
        let owner = UserModel(id: UUID(), organisationId: id, email: email(index), name: "Owner \(index)", passwordHash: passwordHash,
                              role: .employerOwner, isAssessor: true)
        let roster: [(String, PersonCategory, String)] = [("Owner \(index)", .owner, "Owner"), ("Supervisor \(index)", .supervisor, "Supervisor"),
                                                          ("Operator A\(index)", .worker, "Operator"), ("Operator B\(index)", .worker, "Operator"),
                                                          ("Swamper \(index)", .partTime, "Swamper")]
        let people = roster.map { person -> PersonModel in
            let model = PersonModel()
            model.id = UUID()
            model.$employer.id = id
            model.name = person.0
            model.category = person.1.rawValue
            model.fullTime = person.1 != .partTime
            model.familiarWithOperation = person.1 == .owner || person.1 == .supervisor
            model.jobRole = person.2
            model.startDate = today.adding(years: -(years + 1)).iso
            model.userId = person.1 == .owner ? owner.id : nil
            return model
        }
        employer.assessorPersonId = people[0].id
        let completions = people.enumerated().map { offset, person -> CompletionModel in
            let completion = CompletionModel()
            completion.$employer.id = id
            completion.$person.id = person.id!
            completion.courseId = offset == 0 ? "spd" : "standard-first-aid"
            let done = today.adding(days: -(200 + offset * 90))
            completion.completedOn = done.iso
            completion.expiresOn = offset == 0 ? nil : done.adding(years: 3).adding(days: -1).iso
            completion.provider = offset == 0 ? "Energy Safety Canada" : "Red Cross"
            completion.certificateNumber = "S-\(index)-\(offset)"
            return completion
        }
        let requirement = MatrixRequirementModel()
        requirement.$employer.id = id
        requirement.jobRole = "Operator"
        requirement.courseId = "standard-first-aid"

        var records = BulkRows(table: "field_records", columns: ["id", "employer_id", "recorded_by", "kind", "occurred_on", "occurred_time",
                                                                 "site", "search_text", "current_version", "idempotency_key", "created_at"]
                                                                 + (postgres ? ["search_words"] : []))
        var versions = BulkRows(table: "field_record_versions", columns: ["id", "record_id", "version", "content", "content_hash", "author_id",
                                                                         "reason", "occurred_on", "occurred_time", "created_at", "attachments"])
        var signOffs = BulkRows(table: "record_signoffs", columns: ["id", "record_id", "version", "signer_name", "person_id", "signed_at", "content_hash",
                                                                   "role", "method", "recorded_by"])
        var searchEntries: [(id: UUID, employer: UUID, text: String)] = []
        let crew = people.prefix(4).map { NamedPerson(name: $0.name, personId: $0.id?.uuidString) }
        let now = Date()
        // The same rows FieldRecordService.create writes (version 1, its hash and sign-offs).
        func add(_ content: RecordContent, on day: CalendarDay, at time: String) throws {
            let recordId = UUID(), json = try content.jsonText()
            let hash = FieldRecordService.contentHash(when: .init(day: day, time: time), json: json, fileHashes: [])
            var values: [(any Encodable & Sendable)?] = [recordId, id, owner.id!, content.kind.rawValue, day.iso, time, content.site,
                                                         content.searchText, 1, nil as String?, now]
            if postgres { values.append(SearchIndex.body(content.searchText, employer: id)) }
            records.add(values)
            versions.add(UUID(), recordId, 1, json, hash, owner.id!, "", day.iso, time, now, nil as String?)
            // Each person the record asks signs it; the generated crew signs as the owner recorded it (a tick).
            for signer in SignOffRules.outstanding(content, signedPersonIds: []) {
                let role: SignOffRole = content.descriptor.signOffRoles.contains(.signer) ? .signer : .worker
                signOffs.add(UUID(), recordId, 1, signer.name, signer.personId.flatMap(UUID.init(uuidString:)), now, hash,
                             role.rawValue, SignOffMethod.ticked.rawValue, owner.id!)
            }
            searchEntries.append((recordId, id, content.searchText))
        }
        let first = today.adding(years: -years)
        try add(RecordContent(SafetyPolicyContent(version: "1", signerPersonId: people[0].id?.uuidString, signerName: people[0].name,
                                                  text: "\(name(index)) puts the health and safety of every worker first.", signedOn: first.iso)), on: first, at: "08:00")
        try add(RecordContent(HazardRegisterContent(hazard: "H2S release", taskOrArea: "Wellhead work", likelihood: 2, severity: 5,
                                                      controls: ["Personal monitors", "Upwind approach"])), on: first, at: "08:30")
        let tasks = DemoRecords.rigTasks, sites = DemoRecords.rigSites, topics = DemoRecords.topics
        var day = first, n = 0
        while day < today {
            for k in 0..<flhasPerDay(index) {
                let task = tasks[(n + k) % tasks.count], place = sites[(n + k) % sites.count]
                try add(RecordContent(FLHAContent(site: place.site, location: place.location, task: task.task, hazards: task.hazards + [place.hazard],
                                                  ppe: ["FR coveralls", "hard hat", "H2S monitor"], workers: crew, notes: "")),
                        on: day, at: String(format: "07:%02d", 10 + k * 10))
            }
            if n % 7 == 0 {
                let topic = topics[(n / 7) % topics.count]
                try add(RecordContent(ToolboxTalkContent(site: sites[n % sites.count].site, topic: topic, attendees: crew,
                                                        notes: "Talked through \(topic.lowercased()) before the shift.")), on: day, at: "06:45")
            }
            if n % 7 == 3 {
                try add(RecordContent(PreStartContent(equipment: "Truck \(n % 3 + 1)", site: sites[n % sites.count].site, items: [
                    ChecklistItem(item: "Brakes", result: .pass), ChecklistItem(item: "Lights and signals", result: .pass), ChecklistItem(item: "Tires", result: .pass)])),
                        on: day, at: "06:30")
            }
            if n % 30 == 15 {
                try add(RecordContent(WorkplaceInspectionContent(area: "Shop and yard", site: sites[0].site, items: [
                    ChecklistItem(item: "Housekeeping", result: .pass), ChecklistItem(item: "First aid kit stocked", result: .pass)],
                    notes: "Walked the yard with the supervisor.")), on: day, at: "15:30")
            }
            if n % 180 == 90 {
                try add(RecordContent(IncidentContent(isNearMiss: true, site: sites[n % sites.count].site, whatHappened: "Pipe rolled off the rack toward the walkway.",
                                                  harm: IncidentHarm.none, potentialSeverity: 3,
                                                  immediateActions: "Area taped off.", rootCauses: ["Rack stops missing"], contributingFactors: ["Uneven ground"],
                                                  correctiveActions: "Stops welded on every rack.", findingsToldTo: crew.map(\.name),
                                                  findingsToldOn: day.adding(days: 2).iso)), on: day, at: "11:00")
            }
            day = day.adding(days: 1)
            n += 1
        }
        return Generated(organisation: organisation, employer: employer, wcb: wcb, owner: owner, people: people, completions: completions,
                         matrix: [requirement], records: records, versions: versions, signOffs: signOffs, searchEntries: searchEntries)
    }

    static func store(_ g: Generated, on db: Database) async throws {
        try await g.organisation.create(on: db)
        try await g.employer.create(on: db)
        try await g.wcb.create(on: db)
        try await g.owner.create(on: db)
        try await g.people.create(on: db)
        try await g.completions.create(on: db)
        try await g.matrix.create(on: db)
        try await g.records.insert(on: db)
        try await g.versions.insert(on: db)
        try await g.signOffs.insert(on: db)
        try await SearchIndex.insert(g.searchEntries, on: db)
        try await AuditLog.append(on: db, actor: nil, action: "employer.seed", entity: "employer", entityId: g.organisation.id!.uuidString,
                                  detail: "scale demo: \(g.people.count) people, \(g.records.count) generated field records")
    }

    /// An audit in `stage`, as the workflow would have left it: registered by the owner (its
    /// own assessor), answered in full once approved, frozen as revision 1 once submitted,
    /// with the QA review and certificate the stage implies.
    static func addAudit(_ index: Int, stage: AuditStage, employer organisation: OrganisationModel, owner: UserModel,
                         partner: (id: UUID, profile: String, protocolId: UUID, value: AuditProtocol), wcb: String, app: Application) async throws {
        let today = CalendarDay.today
        let reached: @Sendable (AuditStage) -> Bool = { step in
            let order: [AuditStage] = [.registered, .approved, .submitted, .corrections, .passed]
            switch stage {
            case .rejected, .cancelled: return step == .registered
            case .invalid: return step != .corrections && step != .passed
            default: return (order.firstIndex(of: stage) ?? 0) >= (order.firstIndex(of: step) ?? 99)
            }
        }
        // Passed audits spread over the last three years, so certificates lapse all through the cycle.
        let start = stage == .passed ? today.adding(days: -(60 + (index * 37) % 1000)) : stage == .registered ? today.adding(days: 20) : today.adding(days: -30)
        let audit = AuditModel()
        audit.id = UUID()
        audit.$employer.id = try organisation.requireID()
        audit.partnerId = partner.id
        audit.$protocolVersion.id = partner.protocolId
        audit.registeredBy = owner.id!
        audit.auditorUserId = owner.id!
        audit.auditorName = owner.name
        audit.auditorKind = AuditorKind.internalAssessor.rawValue
        audit.auditType = AuditType.certification.rawValue
        audit.plannedStart = start.iso
        audit.lastDayOnSite = reached(.submitted) ? start.adding(days: 3).iso : nil
        audit.worksites = JSONText.encode(["Pad 14-22-047-09W5"])
        audit.wcbAccounts = JSONText.encode([wcb])
        audit.stage = stage.rawValue
        audit.number = stage == .registered || stage == .rejected ? nil : String(700_000_000 + index)
        audit.decisionReason = stage == .rejected ? "The WCB account does not match the registration." : nil
        var facts = ReportFacts()
        facts.employerName = organisation.name
        facts.assessorName = owner.name
        facts.assessorEmail = owner.email
        facts.wcbAccounts = [wcb]
        facts.dataGatheringStart = start
        facts.dataGatheringEnd = start.adding(days: 3)
        audit.reportFacts = JSONText.encode(facts)
        audit.strengths = JSONText.encode(reached(.submitted) ? ["Daily FLHAs signed by the whole crew"] : [String]())
        audit.recommendations = JSONText.encode(reached(.submitted) ? ["Rotate toolbox topics by season"] : [String]())
        audit.revision = reached(.submitted) ? 1 : 0
        // Noon UTC of the day: late morning in Alberta.
        audit.submittedAt = reached(.submitted) ? Date(timeIntervalSince1970: Double(start.adding(days: 5).dayNumber * 86_400 + 43_200)) : nil
        audit.submittedVia = reached(.submitted) ? "online" : nil
        try await app.db.writeTransaction { db in
            try await audit.create(on: db)
            if reached(.approved) && stage != .cancelled {
                let answers = try partner.value.questions.map { q -> AuditAnswerModel in
                    let row = AuditAnswerModel()
                    row.id = UUID()
                    row.$audit.id = audit.id!
                    row.questionId = q.id
                    // An audit that failed QA scored low on every question with points to give.
                    row.answer = JSONText.encode(q.plainAnswer(fullMarks: stage != .invalid, sites: ["Pad 14-22-047-09W5"]))
                    row.methods = JSONText.encode(q.methods)
                    row.notes = "Reviewed twelve months of records with the owner; each was signed and dated."
                    row.recommendation = ""
                    row.documents = "[]"
                    row.updatedBy = owner.id!
                    return row
                }
                try await answers.create(on: db)
                // A sheet question's answer is its rows': three interviews or observations each.
                let positive = stage != .invalid
                let rows = partner.value.questions.filter { $0.sheet != nil }.flatMap { q in
                    (1...3).map { n -> AuditSheetRowModel in
                        let row = AuditSheetRowModel()
                        row.$audit.id = audit.id!
                        row.questionId = q.id
                        row.site = "Pad 14-22-047-09W5"
                        row.role = StaffRole.worker.rawValue
                        row.onDay = start.iso
                        row.positive = positive
                        row.subject = "Crew member \(n)"
                        row.note = ""
                        row.recordedBy = owner.id!
                        return row
                    }
                }
                try await rows.create(on: db)
            }
            try await AuditLog.append(on: db, actor: nil, action: "audit.seed", entity: "audit", entityId: audit.id!.uuidString,
                                      detail: "scale demo: \(stage.rawValue) audit \(audit.number ?? "unnumbered")")
        }
        guard reached(.submitted) else { return }
        let ref = try await EmployerRef.load(try organisation.requireID(), on: app.db, programs: app.programs)
        let loaded = LoadedAudit(audit: audit, ref: ref, auditProtocol: partner.value)
        let service = AuditWorkService(db: app.db)
        let content = JSONText.encode(service.content(loaded, try await service.work(loaded)))
        try await app.db.writeTransaction { db in
            let revision = AuditRevisionModel()
            revision.$audit.id = audit.id!
            revision.revision = 1
            revision.content = content
            revision.contentHash = SHA256.hash(data: Data(content.utf8)).hex
            revision.submittedBy = owner.id!
            revision.submittedVia = "online"
            try await revision.create(on: db)
            // The row's timestamp is set on create; the QA turnaround counts from the real day.
            try await AuditRevisionModel.query(on: db).filter(\.$id == revision.requireID()).set(\.$submittedAt, to: audit.submittedAt).update()
            guard stage != .submitted else { return }
            let review = QAReviewModel()
            review.$audit.id = audit.id!
            review.checks = "[]"
            review.answers = "{}"
            review.deficiencies = "[]"
            let decided = start.adding(days: 40)
            switch stage {
            case .corrections:
                review.firstFeedbackOn = today.adding(days: -5).iso
                review.openFeedbackOn = today.adding(days: -5).iso
            case .passed:
                review.outcome = QAOutcome.pass.rawValue
                review.decidedOn = decided.iso
            default:
                review.outcome = QAOutcome.fail.rawValue
                review.outcomeReason = "The overall score is below the pass mark."
                review.decidedOn = decided.iso
            }
            try await review.create(on: db)
            if stage == .passed {
                let certificate = CertificateModel()
                certificate.$employer.id = try organisation.requireID()
                certificate.$audit.id = audit.id!
                certificate.number = "\(partner.profile.uppercased())-\(decided.year)-\(audit.number!)"
                certificate.issuedOn = decided.iso
                certificate.expiresOn = start.adding(years: 3).iso
                try await certificate.create(on: db)
            }
        }
    }
}
