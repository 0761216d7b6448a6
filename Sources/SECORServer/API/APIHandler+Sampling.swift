import Foundation
import SECORCore
import Vapor

/// Sampling sheets and carry-over: the same service calls as the audit tool's pages.
extension APIHandler {
    func listSheetRows(_ input: Operations.ListSheetRows.Input) async throws -> Operations.ListSheetRows.Output {
        let (request, _, loaded) = try await Self.audit(input.path.auditId, .readConfidential)
        let service = AuditWorkService(db: request.db)
        // A question answered directly has an empty sheet; an unknown one is not found.
        guard loaded.auditProtocol.question(input.path.questionId) != nil else { throw AppError.notFound("question") }
        return .ok(.init(body: .json(try await service.sheetRows(loaded, questionId: input.path.questionId).map(Components.Schemas.SheetRow.init))))
    }

    func addSheetRow(_ input: Operations.AddSheetRow.Input) async throws -> Operations.AddSheetRow.Output {
        let (request, user, loaded) = try await Self.audit(input.path.auditId, .work)
        guard case .json(let body) = input.body else { throw AppError.invalid("body", "Send the row as JSON.") }
        let row = try await AuditWorkService(db: request.db).addSheetRow(loaded, questionId: input.path.questionId, .init(
            site: body.site, role: try Validate.choice(body.role.rawValue, "role", "Role", as: StaffRole.self),
            on: try Validate.day(body.on, "on", "Day"), positive: body.positive, subject: body.subject ?? "", note: body.note ?? ""), by: user)
        return .created(.init(body: .json(try .init(row))))
    }

    func deleteSheetRow(_ input: Operations.DeleteSheetRow.Input) async throws -> Operations.DeleteSheetRow.Output {
        let (request, user, loaded) = try await Self.audit(input.path.auditId, .work)
        guard let rowId = UUID(uuidString: input.path.rowId) else { throw AppError.notFound("sheet row") }
        try await AuditWorkService(db: request.db).removeSheetRow(loaded, rowId: rowId, by: user)
        return .noContent(.init())
    }

    func getCarryOver(_ input: Operations.GetCarryOver.Input) async throws -> Operations.GetCarryOver.Output {
        let (request, _, loaded) = try await Self.audit(input.path.auditId, .view)
        let proposal = try await AuditWorkService(db: request.db).carryOver(loaded, programs: request.programs)
        return .ok(.init(body: .json(.init(limit: proposal.limit, fromAudit: proposal.source?.number ?? "", candidates: proposal.candidates.map {
            .init(questionId: $0.id, text: $0.text, carried: proposal.carried.contains($0.id))
        }))))
    }

    func carryOverAnswer(_ input: Operations.CarryOverAnswer.Input) async throws -> Operations.CarryOverAnswer.Output {
        let (request, user, loaded) = try await Self.audit(input.path.auditId, .work)
        try await AuditWorkService(db: request.db).confirmCarryOver(loaded, questionId: input.path.questionId, programs: request.programs, by: user)
        return .ok(.init(body: .json(try await Self.reloaded(request, loaded))))
    }
}

extension Components.Schemas.SheetRow {
    init(_ row: AuditSheetRowModel) throws {
        self.init(id: try row.requireID().uuidString, questionId: row.questionId, site: row.site, role: row.role, on: row.onDay,
                  positive: row.positive, subject: row.subject, note: row.note)
    }
}

extension Components.Schemas.EmployeeBreakdown {
    init(_ b: EmployeeBreakdown) {
        self.init(owner: b.count(.owner), manager: b.count(.manager), supervisor: b.count(.supervisor), worker: b.count(.worker),
                  contractor: b.count(.contractor))
    }

    var domain: EmployeeBreakdown {
        EmployeeBreakdown(["owner": owner ?? 0, "manager": manager ?? 0, "supervisor": supervisor ?? 0, "worker": worker ?? 0,
                           "contractor": contractor ?? 0])
    }
}

/// The CSV exports, as the records and cycle pages offer them.
extension APIHandler {
    func exportRecords(_ input: Operations.ExportRecords.Input) async throws -> Operations.ExportRecords.Output {
        let (request, _, ref) = try await Self.context(input.path.employerId, .view)
        return .ok(.init(body: .csv(.init(try await Exports.records(ref, on: request.db)))))
    }

    func exportCycle(_ input: Operations.ExportCycle.Input) async throws -> Operations.ExportCycle.Output {
        let request = try RequestContext.request()
        let user = try request.requireUser()
        try Policy.authorize(user, .partnerArea)
        return .ok(.init(body: .csv(.init(Exports.cycle(try await CycleService(db: request.db).partnerStatuses(user, profiles: request.programs))))))
    }
}
