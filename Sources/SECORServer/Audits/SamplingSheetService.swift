import Fluent
import Foundation
import SECORCore

/// Sampling sheets (A2): one row per interview or observation on a question with a
/// `sheet`; the question's answer is the share of positive rows, recomputed in the same
/// transaction as every row change so the score never disagrees with the sheet.
extension AuditWorkService {
    struct SheetInput: Sendable {
        var site: String
        var role: StaffRole
        var on: CalendarDay
        var positive: Bool
        var subject: String
        var note: String
    }

    func sheetRows(_ loaded: LoadedAudit, questionId: String? = nil) async throws -> [AuditSheetRowModel] {
        var query = AuditSheetRowModel.query(on: db).filter(\.$audit.$id == loaded.id)
        if let questionId { query = query.filter(\.$questionId == questionId) }
        return try await query.sort(\.$createdAt).sort(\.$id).all()
    }

    func sheetQuestion(_ loaded: LoadedAudit, _ questionId: String) throws -> ProtocolQuestion {
        guard let question = loaded.auditProtocol.question(questionId) else { throw AppError.notFound("question") }
        guard question.sheet != nil else {
            throw AppError.refused("questionId", "Question \(questionId) is answered directly; it has no sampling sheet.")
        }
        return question
    }

    @discardableResult
    func addSheetRow(_ loaded: LoadedAudit, questionId: String, _ input: SheetInput, by user: CurrentUser, today: CalendarDay = .today) async throws -> AuditSheetRowModel {
        try requireEditable(loaded)
        let question = try sheetQuestion(loaded, questionId)
        let site = input.site.trimmingCharacters(in: .whitespaces)
        guard loaded.worksites.contains(site) else {
            throw AppError.refused("site", "\"\(site.prefix(60))\" is not one of the audit's worksites (\(loaded.worksites.joined(separator: ", "))).")
        }
        guard input.on >= loaded.plannedStart, input.on <= today else {
            throw AppError.refused("on", "The \(question.sheet!.rawValue) is dated between the audit's start (\(loaded.plannedStart.readable)) and today.")
        }
        let row = AuditSheetRowModel()
        row.$audit.id = loaded.id
        row.questionId = questionId
        row.site = site
        row.role = input.role.rawValue
        row.onDay = input.on.iso
        row.positive = input.positive
        row.subject = try Validate.text(input.subject, "subject", "Who or what", optional: true)
        row.note = try Validate.text(input.note, "note", "Confidential note", max: 2000, optional: true)
        row.recordedBy = user.id
        try await changed(loaded, by: user, what: "recorded an \(question.sheet!.rawValue) on the sheet of \(questionId)") { db in
            try await row.create(on: db)
            try await Self.recompute(loaded, question, by: user.id, on: db)
        }
        return row
    }

    func removeSheetRow(_ loaded: LoadedAudit, rowId: UUID, by user: CurrentUser) async throws {
        try requireEditable(loaded)
        guard let row = try await AuditSheetRowModel.query(on: db).filter(\.$id == rowId).filter(\.$audit.$id == loaded.id).first(),
              let question = loaded.auditProtocol.question(row.questionId) else { throw AppError.notFound("sheet row") }
        try await changed(loaded, by: user, what: "removed a row from the sheet of \(row.questionId)") { db in
            try await row.delete(on: db)
            try await Self.recompute(loaded, question, by: user.id, on: db)
        }
    }

    /// The sheet's answer, unless the auditor marked the question N/A.
    static func recompute(_ loaded: LoadedAudit, _ question: ProtocolQuestion, by userId: UUID, on db: Database) async throws {
        let rows = try await AuditSheetRowModel.query(on: db).filter(\.$audit.$id == loaded.id).filter(\.$questionId == question.id).all()
        let existing = try await AuditAnswerModel.query(on: db).filter(\.$audit.$id == loaded.id).filter(\.$questionId == question.id).first()
        if let stored = existing?.answer.flatMap({ JSONText.decode($0, as: Answer.self) }), case .notApplicable = stored { return }
        let answer = SamplingSheet.answer(question, rows: rows.map(\.core))
        let row = existing ?? AuditAnswerModel()
        if existing == nil {
            row.$audit.id = loaded.id
            row.questionId = question.id
            row.methods = JSONText.encode([question.sheet!.method])
            row.notes = ""
            row.recommendation = ""
            row.documents = "[]"
        }
        row.answer = answer.map(JSONText.encode)
        row.updatedBy = userId
        try await row.save(on: db)
    }
}
