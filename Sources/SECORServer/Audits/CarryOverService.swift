import Fluent
import Foundation
import SECORCore

/// Carry-over in maintenance years (profile `carryOver`): the tool proposes the questions
/// that scored full marks in the cycle's certification audit, as QA left them (Q5); the
/// auditor confirms each; the report says which answers were carried over.
extension AuditWorkService {
    struct CarryOverProposal: Sendable {
        var limit: Int
        /// The certification audit answers come from; nil when there is none (or no rule).
        var source: AuditModel?
        var candidates: [ProtocolQuestion]
        var carried: Set<String>
        var answers: [String: Answer]
        var notes: [String: String]
        var methods: [String: [ValidationMethod]]
    }

    func carryOver(_ loaded: LoadedAudit, programs: ProgramCatalog) async throws -> CarryOverProposal {
        var proposal = CarryOverProposal(limit: 0, source: nil, candidates: [], carried: [], answers: [:], notes: [:], methods: [:])
        // Only a maintenance audit carries answers over: nothing else needs reading.
        guard loaded.type == .maintenance, let rule = loaded.ref.profile.carryOver else { return proposal }
        let work = try await work(loaded)
        proposal.carried = Set(work.answers.values.filter { $0.carriedFrom != nil }.map(\.questionId))
        proposal.limit = rule.limit(questions: loaded.auditProtocol.questions.count)
        // The cycle's certification audit: the employer's latest passed one before this audit.
        guard let source = try await AuditModel.query(on: db).filter(\.$employer.$id == loaded.ref.id)
            .filter(\.$auditType == AuditType.certification.rawValue).filter(\.$stage == AuditStage.passed.rawValue)
            .filter(\.$plannedStart <= loaded.audit.plannedStart).sort(\.$plannedStart, .descending).first() else { return proposal }
        let certification = try await AuditService(db: db).load(try source.requireID(), programs: programs)
        let frozen = try await AuditRevisionModel.query(on: db).filter(\.$audit.$id == certification.id).sort(\.$revision, .descending).first()
            .flatMap { JSONText.decode($0.content, as: ReportContent.self) }
        var answers: [String: Answer] = [:]
        for q in frozen?.questions ?? [] {
            if let a = q.answer { answers[q.id] = a }
            proposal.notes[q.id] = q.notes
            proposal.methods[q.id] = q.methods
        }
        answers = QAReview.combined(auditor: answers, reviewer: try await QAService(db: db).review(certification).answers)
        // A question changed between protocol versions is not the same question.
        let same = loaded.auditProtocol.questions.filter { certification.auditProtocol.question($0.id) == $0 }.map(\.id)
        let qualifying = Set(rule.candidates(loaded.auditProtocol, certification: answers)).intersection(same)
        proposal.source = source
        proposal.candidates = loaded.auditProtocol.questions.filter { qualifying.contains($0.id) }
        proposal.answers = answers
        return proposal
    }

    /// Copies the certification answer of `questionId` with its notes and methods, marked as
    /// carried over; its evidence stays with the certification audit (A7 dates this year's).
    func confirmCarryOver(_ loaded: LoadedAudit, questionId: String, programs: ProgramCatalog, by user: CurrentUser) async throws {
        try requireEditable(loaded)
        guard loaded.auditProtocol.question(questionId) != nil else { throw AppError.notFound("question") }
        let proposal = try await carryOver(loaded, programs: programs)
        guard let source = proposal.source, let number = source.number else {
            throw AppError.refused("questionId", "Only a maintenance audit with a passed certification audit in its cycle carries answers over.")
        }
        guard !proposal.carried.contains(questionId) else {
            throw AppError(status: .conflict, message: "Question \(questionId) is already carried over.")
        }
        guard proposal.candidates.contains(where: { $0.id == questionId }), let answer = proposal.answers[questionId] else {
            throw AppError.refused("questionId", "Question \(questionId) does not qualify: it must be validated by \(loaded.ref.profile.carryOver?.methods.map(\.rawValue).joined(separator: ", ") ?? "") only and have scored full marks in audit \(number).")
        }
        guard proposal.carried.count < proposal.limit else {
            throw AppError.refused("questionId", "\(proposal.carried.count) of the \(proposal.limit) questions the profile allows are carried over already (\(loaded.ref.profile.carryOver?.maxShare.text ?? "") of the protocol).")
        }
        let existing = try await AuditAnswerModel.query(on: db).filter(\.$audit.$id == loaded.id).filter(\.$questionId == questionId).first()
        let row = existing ?? AuditAnswerModel()
        row.$audit.id = loaded.id
        row.questionId = questionId
        row.answer = JSONText.encode(answer)
        row.methods = JSONText.encode(proposal.methods[questionId] ?? [])
        let notes = proposal.notes[questionId] ?? ""
        row.notes = "Carried over from certification audit \(number)." + (notes.isEmpty ? "" : " " + notes)
        row.recommendation = ""
        row.documents = "[]"
        row.carriedFrom = number
        row.updatedBy = user.id
        let id = loaded.id
        try await changed(loaded, by: user, what: "carried question \(questionId) over from audit \(number)") { db in
            // Compare-and-set: a second confirmation racing this one finds the row carried.
            if let carried = try await AuditAnswerModel.query(on: db).filter(\.$audit.$id == id).filter(\.$carriedFrom != nil).count() as Int?,
               carried >= proposal.limit {
                throw AppError.refused("questionId", "The carry-over limit of \(proposal.limit) questions is reached.")
            }
            try await row.save(on: db)
        }
    }
}
