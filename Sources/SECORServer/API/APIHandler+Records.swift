import Fluent
import Foundation
import SECORCore
import Vapor

/// Field records, search and readiness.
extension APIHandler {
    func listRecords(_ input: Operations.ListRecords.Input) async throws -> Operations.ListRecords.Output {
        let (request, _, ref) = try await Self.context(input.path.employerId, .view)
        let q = input.query
        let records = try await request.records.search(ref, .init(
            text: q.q, kind: q.kind.flatMap { FieldRecordKind(rawValue: $0.rawValue) },
            from: try Validate.optionalDay(q.from, "from", "From"), to: try Validate.optionalDay(q.to, "to", "To"),
            site: q.site, person: q.person))
        return .ok(.init(body: .json(records.map {
            .init(id: $0.id!.uuidString, kind: $0.kind, occurredOn: $0.occurredOn, occurredTime: $0.occurredTime, site: $0.site, version: $0.currentVersion)
        })))
    }

    func createRecord(_ input: Operations.CreateRecord.Input) async throws -> Operations.CreateRecord.Output {
        let (request, user, ref) = try await Self.context(input.path.employerId, .view)
        guard case .json(let body) = input.body else { throw AppError.invalid("body", "Send the record as JSON.") }
        let when = try FieldRecordService.when(day: body.occurredOn, time: body.occurredTime)
        let (detail, created) = try await request.records.create(ref, try Self.content(body), when: when,
                                                                 idempotencyKey: body.idempotencyKey,
                                                                 attachments: try Self.attachments(body), by: user)
        let record = try await Self.record(detail, on: request.db)
        return created ? .created(.init(body: .json(record))) : .ok(.init(body: .json(record)))
    }

    func getRecord(_ input: Operations.GetRecord.Input) async throws -> Operations.GetRecord.Output {
        let (request, _, ref) = try await Self.context(input.path.employerId, .view)
        let detail = try await request.records.detail(ref, try Validate.uuid(input.path.recordId, "recordId", "Record"))
        return .ok(.init(body: .json(try await Self.record(detail, on: request.db))))
    }

    func amendRecord(_ input: Operations.AmendRecord.Input) async throws -> Operations.AmendRecord.Output {
        let (request, user, ref) = try await Self.context(input.path.employerId, .view)
        guard case .json(let body) = input.body else { throw AppError.invalid("body", "Send the amended record as JSON.") }
        let when = try FieldRecordService.when(day: body.occurredOn, time: body.occurredTime)
        let detail = try await request.records.amend(ref, try Validate.uuid(input.path.recordId, "recordId", "Record"),
                                                     try Self.content(body), when: when, reason: body.reason,
                                                     attachments: try Self.attachments(body), by: user)
        return .ok(.init(body: .json(try await Self.record(detail, on: request.db))))
    }

    func getReadiness(_ input: Operations.GetReadiness.Input) async throws -> Operations.GetReadiness.Output {
        let (request, _, ref) = try await Self.context(input.path.employerId, .view)
        let day = try Validate.optionalDay(input.query.asOf, "asOf", "As of") ?? .today
        let report = try await ReadinessService(db: request.db).report(ref, on: day)
        return .ok(.init(body: .json(.init(
            asOf: day.iso, windowFrom: report.windowFrom.iso,
            deductions: report.deductions.map { d in
                .init(kind: d.kind.rawValue, title: d.kind.title, findings: d.findings.map { .init(recordId: $0.recordId, reason: $0.reason) })
            },
            elements: zip(report.coverage, report.predictions).map { e, p in
                .init(number: e.number, title: e.title, count: e.count, months: e.months.map { .init(month: $0.month, count: $0.count) },
                      gaps: e.gaps, proves: e.proves,
                      predicted: .init(earned: p.points.earned, possible: p.points.possible,
                                       questions: p.questions.map { .init(questionId: $0.questionId, points: $0.points, maxPoints: $0.maxPoints, reasons: $0.reasons) },
                                       unpredictable: p.unpredictable))
            },
            _protocol: .init(title: report.protocolTitle, version: report.protocolVersion)))))
    }

    /// The API's typed content to the rules' content; the kind picks which part is read.
    static func content(_ body: Components.Schemas.RecordInput) throws -> RecordContent {
        switch body.kind {
        case .flha:
            guard let c = body.flha else { throw AppError.invalid("flha", "An FLHA needs its content in 'flha'.") }
            return .flha(FLHAContent(site: c.site, location: c.location, task: c.task,
                                     hazards: c.hazards.map { HazardControl(hazard: $0.hazard, control: $0.control) },
                                     ppe: c.ppe ?? [], workers: c.workers.map(signOff), supervisorReview: c.supervisorReview, notes: c.notes ?? ""))
        case .toolboxTalk:
            guard let c = body.toolboxTalk else { throw AppError.invalid("toolboxTalk", "A toolbox talk needs its content in 'toolboxTalk'.") }
            return .toolboxTalk(ToolboxTalkContent(site: c.site ?? "", topic: c.topic, attendees: c.attendees.map(signOff), notes: c.notes ?? ""))
        case .preStartInspection:
            guard let c = body.preStartInspection else { throw AppError.invalid("preStartInspection", "A pre-start needs its content in 'preStartInspection'.") }
            return .preStartInspection(PreStartContent(equipment: c.equipment, site: c.site ?? "",
                                                       items: c.items.map { ChecklistItem(item: $0.item, pass: $0.pass, defect: $0.defect ?? "") },
                                                       notes: c.notes ?? ""))
        case .workplaceInspection:
            guard let c = body.workplaceInspection else { throw AppError.invalid("workplaceInspection", "A workplace inspection needs its content in 'workplaceInspection'.") }
            return .workplaceInspection(WorkplaceInspectionContent(area: c.area, site: c.site ?? "",
                                                                   items: c.items.map { ChecklistItem(item: $0.item, pass: $0.pass, defect: $0.defect ?? "") },
                                                                   notes: c.notes ?? ""))
        case .hazardRegister:
            guard let c = body.hazardRegister else { throw AppError.invalid("hazardRegister", "A hazard register entry needs its content in 'hazardRegister'.") }
            return .hazardRegister(HazardRegisterContent(hazard: c.hazard, taskOrArea: c.taskOrArea, likelihood: c.likelihood,
                                                         severity: c.severity, controls: c.controls))
        case .correctiveAction:
            guard let c = body.correctiveAction else { throw AppError.invalid("correctiveAction", "A corrective action needs its content in 'correctiveAction'.") }
            return .correctiveAction(CorrectiveActionContent(sourceRecordId: c.sourceRecordId, sourceItem: c.sourceItem, description: c.description,
                                                             owner: c.owner, dueOn: c.dueOn, status: CorrectiveActionStatus(rawValue: c.status.rawValue)!,
                                                             verification: c.verification ?? ""))
        case .incident:
            guard let c = body.incident else { throw AppError.invalid("incident", "An incident needs its content in 'incident'.") }
            return .incident(IncidentContent(isNearMiss: c.isNearMiss, site: c.site, whatHappened: c.whatHappened,
                                             immediateActions: c.immediateActions ?? "", rootCauses: c.rootCauses ?? [],
                                             contributingFactors: c.contributingFactors ?? [], correctiveActions: c.correctiveActions ?? "",
                                             findingsToldTo: c.findingsToldTo ?? [], findingsToldOn: c.findingsToldOn))
        case .safetyPolicy:
            guard let c = body.safetyPolicy else { throw AppError.invalid("safetyPolicy", "A safety policy needs its content in 'safetyPolicy'.") }
            return .safetyPolicy(SafetyPolicyContent(version: c.version, signedOn: c.signedOn, signerPersonId: c.signerPersonId,
                                                     signerName: c.signerName, text: c.text))
        }
    }

    static func attachments(_ body: Components.Schemas.RecordInput) throws -> FieldRecordService.Attachments {
        guard let ids = body.fileIds, !ids.isEmpty else { return .none }
        return .stored(try ids.map { try Validate.uuid($0, "fileIds", "File") })
    }

    static func signOff(_ s: Components.Schemas.SignOff) -> WorkerSignOff {
        WorkerSignOff(name: s.name, personId: s.personId, signed: s.signed)
    }

    static func record(_ detail: RecordDetail, on db: Database) async throws -> Components.Schemas.Record {
        let r = detail.record
        let files = try await StoredFileModel.query(on: db).filter(\.$id ~~ detail.versions.flatMap(\.attachmentIds)).all()
        let versions = try detail.versions.map { v -> Components.Schemas.RecordVersion in
            let content = try RecordContent.decode(kind: detail.content.kind, json: Data(v.content.utf8))
            var flha: Components.Schemas.FLHAContent?
            var talk: Components.Schemas.ToolboxTalkContent?
            var preStart: Components.Schemas.PreStartContent?
            var workplace: Components.Schemas.WorkplaceInspectionContent?
            var register: Components.Schemas.HazardRegisterContent?
            var action: Components.Schemas.CorrectiveActionContent?
            var incident: Components.Schemas.IncidentContent?
            var policy: Components.Schemas.SafetyPolicyContent?
            switch content {
            case .flha(let c):
                flha = .init(site: c.site, location: c.location, task: c.task, hazards: c.hazards.map { .init(hazard: $0.hazard, control: $0.control) },
                             ppe: c.ppe, workers: c.workers.map { .init(name: $0.name, personId: $0.personId, signed: $0.signed) },
                             supervisorReview: c.supervisorReview, notes: c.notes)
            case .toolboxTalk(let c):
                talk = .init(site: c.site, topic: c.topic, attendees: c.attendees.map { .init(name: $0.name, personId: $0.personId, signed: $0.signed) },
                             notes: c.notes)
            case .preStartInspection(let c):
                preStart = .init(equipment: c.equipment, site: c.site, items: c.items.map { .init(item: $0.item, pass: $0.pass, defect: $0.defect) }, notes: c.notes)
            case .workplaceInspection(let c):
                workplace = .init(area: c.area, site: c.site, items: c.items.map { .init(item: $0.item, pass: $0.pass, defect: $0.defect) }, notes: c.notes)
            case .hazardRegister(let c):
                register = .init(hazard: c.hazard, taskOrArea: c.taskOrArea, likelihood: c.likelihood, severity: c.severity,
                                 controls: c.controls, riskRating: c.riskRating)
            case .correctiveAction(let c):
                action = .init(sourceRecordId: c.sourceRecordId, sourceItem: c.sourceItem, description: c.description, owner: c.owner,
                               dueOn: c.dueOn, status: .init(rawValue: c.status.rawValue)!, verification: c.verification)
            case .incident(let c):
                incident = .init(isNearMiss: c.isNearMiss, site: c.site, whatHappened: c.whatHappened, immediateActions: c.immediateActions,
                                 rootCauses: c.rootCauses, contributingFactors: c.contributingFactors, correctiveActions: c.correctiveActions,
                                 findingsToldTo: c.findingsToldTo, findingsToldOn: c.findingsToldOn)
            case .safetyPolicy(let c):
                policy = .init(version: c.version, signedOn: c.signedOn, signerPersonId: c.signerPersonId, signerName: c.signerName, text: c.text)
            }
            return .init(version: v.version, occurredOn: v.occurredOn, occurredTime: v.occurredTime, contentHash: v.contentHash,
                         authorId: v.authorId.uuidString, reason: v.reason,
                         attachments: v.attachmentIds.compactMap { id in files.first { $0.id == id } }.map {
                             .init(id: $0.id!.uuidString, name: $0.originalName, contentType: $0.contentType, size: $0.size, sha256: $0.sha256)
                         },
                         flha: flha, toolboxTalk: talk,
                         preStartInspection: preStart, workplaceInspection: workplace, hazardRegister: register, correctiveAction: action, incident: incident, safetyPolicy: policy,
                         signOffs: detail.signOffs.filter { $0.version == v.version }.map { .init(name: $0.signerName, signedAt: $0.signedAt, contentHash: $0.contentHash) })
        }
        return .init(id: try r.requireID().uuidString, kind: r.kind, occurredOn: r.occurredOn, occurredTime: r.occurredTime, site: r.site,
                     version: r.currentVersion, versions: versions)
    }
}
