import Fluent
import Foundation
import SECORCore
import Vapor

/// Field records, search and readiness.
extension APIHandler {
    func listRecords(_ input: Operations.ListRecords.Input) async throws -> Operations.ListRecords.Output {
        let (request, _, ref) = try await Self.context(input.path.employerId, .view)
        let q = input.query
        let limit = try Validate.pageSize(q.limit)
        // One more than a page, to know whether a further page exists.
        var records = try await request.records.search(ref, .init(
            text: q.q, kind: q.kind.flatMap { FieldRecordKind(rawValue: $0.rawValue) },
            from: try Validate.optionalDay(q.from, "from", "From"), to: try Validate.optionalDay(q.to, "to", "To"),
            site: q.site, person: q.person, after: try q.cursor.map(RecordCursor.init(text:))), limit: limit + 1)
        let next = records.count > limit ? try RecordCursor(after: records[limit - 1]).text : nil
        records = Array(records.prefix(limit))
        return .ok(.init(headers: .init(xNextCursor: next), body: .json(try records.map {
            .init(id: try $0.requireID().uuidString, kind: $0.kind, occurredOn: $0.occurredOn, occurredTime: $0.occurredTime, site: $0.site, version: $0.currentVersion)
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
                                                     attachments: try Self.attachments(body), expectedVersion: body.expectedVersion, by: user)
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

    func signRecord(_ input: Operations.SignRecord.Input) async throws -> Operations.SignRecord.Output {
        let (request, user, ref) = try await Self.context(input.path.employerId, .view)
        guard case .json(let body) = input.body else { throw AppError.invalid("body", "Send the sign-off as JSON.") }
        var png: [UInt8]?
        if let text = body.signaturePng {
            guard let data = Data(base64Encoded: text) else { throw AppError.refused("signaturePng", "The signature is a PNG in base64.") }
            png = Array(data)
        }
        let signOff = try await request.signOffs.sign(ref, recordId: try Validate.uuid(input.path.recordId, "recordId", "Record"), .init(
            role: SignOffRole(rawValue: body.role.rawValue) ?? .worker, method: SignOffMethod(rawValue: body.method.rawValue) ?? .self,
            personId: try body.personId.map { try Validate.uuid($0, "personId", "Person") }, version: body.version, note: body.note,
            signaturePNG: png), by: user)
        return .created(.init(body: .json(try Components.Schemas.RecordSignOff(signOff))))
    }

    /// The API's content to the rules' content, through JSON: the schema of each kind is
    /// the content type's own Codable shape, so no kind needs code here.
    static func content(_ body: Components.Schemas.RecordInput) throws -> RecordContent {
        guard let kind = FieldRecordKind(rawValue: body.kind.rawValue) else { throw AppError.invalid("kind", "'\(body.kind.rawValue)' is not a kind of record.") }
        let object = try JSONSerialization.jsonObject(with: JSONEncoder().encode(body)) as? [String: Any]
        guard let part = object?[kind.rawValue] else {
            throw AppError.refused(kind.rawValue, "A \(kind.title.lowercased()) needs its content in '\(kind.rawValue)'.")
        }
        return try RecordContent.read(kind: kind, json: String(decoding: try JSONSerialization.data(withJSONObject: part), as: UTF8.self))
    }

    static func attachments(_ body: Components.Schemas.RecordInput) throws -> FieldRecordService.Attachments {
        guard let ids = body.fileIds, !ids.isEmpty else { return .none }
        return .stored(try ids.map { try Validate.uuid($0, "fileIds", "File") })
    }

    static func record(_ detail: RecordDetail, on db: Database) async throws -> Components.Schemas.Record {
        let r = detail.record
        let fileIds = detail.versions.flatMap(\.attachmentIds)
        let files = fileIds.isEmpty ? [] : try await StoredFileModel.query(on: db).filter(\.$id ~~ fileIds).all()
        let versions = try detail.versions.map { v -> Components.Schemas.RecordVersion in
            let plain = Components.Schemas.RecordVersion(
                version: v.version, occurredOn: v.occurredOn, occurredTime: v.occurredTime, contentHash: v.contentHash,
                authorId: v.authorId.uuidString, reason: v.reason,
                attachments: try v.attachmentIds.compactMap { id in files.first { $0.id == id } }.map {
                    .init(id: try $0.requireID().uuidString, name: $0.originalName, contentType: $0.contentType, size: $0.size, sha256: $0.sha256)
                },
                signOffs: try detail.signOffs.filter { $0.version == v.version }.map(Components.Schemas.RecordSignOff.init))
            // The kind's content goes under its name, as stored (the schema is its Codable shape).
            var object = try JSONSerialization.jsonObject(with: JSONEncoder().encode(plain)) as? [String: Any] ?? [:]
            object[r.kind] = try JSONSerialization.jsonObject(with: Data(v.content.utf8))
            return try JSONDecoder().decode(Components.Schemas.RecordVersion.self, from: JSONSerialization.data(withJSONObject: object))
        }
        return .init(id: try r.requireID().uuidString, kind: r.kind, occurredOn: r.occurredOn, occurredTime: r.occurredTime, site: r.site,
                     version: r.currentVersion, versions: versions,
                     waitingFor: detail.waitingFor.map { .init(name: $0.name, personId: $0.personId) })
    }
}

extension Components.Schemas.RecordSignOff {
    init(_ s: SignOffModel) throws {
        guard let role = RolePayload(rawValue: s.role), let method = MethodPayload(rawValue: s.method) else {
            throw AppError(status: .internalServerError, message: "A sign-off's role or method is not in the API document.")
        }
        self.init(id: try s.requireID().uuidString, name: s.signerName, personId: s.personId?.uuidString, role: role, method: method,
                  recordedBy: s.recordedBy?.uuidString, version: s.version, signedAt: s.signedAt, contentHash: s.contentHash,
                  note: s.note, signatureFileId: s.signatureFileId?.uuidString, seal: s.seal)
    }
}
