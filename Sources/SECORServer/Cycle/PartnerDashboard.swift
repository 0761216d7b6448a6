import Fluent
import Foundation
import SECORCore
import SQLKit

/// The partner dashboard's figures, for the page and the API.
///
/// Counted in SQL: reading every audit, review, feedback and certificate of the partner's
/// employers as Fluent models, and the cycle of every employer, took 270 ms a request at
/// N = 1000 (scripts/bench). Only the few employers whose certificate lapses soon go
/// through the cycle rules.
struct PartnerDashboard {
    let db: Database
    let programs: ProgramCatalog

    struct Figures: Sendable {
        var stages: [(stage: AuditStage, count: Int)]
        /// Days from first submission to the QA decision, sorted.
        var turnaroundDays: [Int]
        var decided: Int
        var passed: Int
        var deficiencies: [(label: String, count: Int)]
        var lapsing: [CycleService.Status]
    }

    func compute(partnerId: UUID, today: CalendarDay = .today) async throws -> Figures {
        let counts = try await stageCounts(partnerId)
        let decided = [AuditStage.passed, .invalid].reduce(0) { $0 + counts[$1, default: 0] }
        return Figures(
            stages: AuditStage.allCases.map { ($0, counts[$0, default: 0]) },
            turnaroundDays: try await turnaroundDays(partnerId), decided: decided, passed: counts[.passed, default: 0],
            deficiencies: try await deficiencies(partnerId), lapsing: try await lapsing(partnerId, today: today))
    }

    private func stageCounts(_ partnerId: UUID) async throws -> [AuditStage: Int] {
        let rows = try await db.sql.raw("SELECT stage, COUNT(*) AS n FROM audits WHERE partner_id = \(bind: partnerId) GROUP BY stage").all()
        var counts: [AuditStage: Int] = [:]
        for row in rows {
            guard let stage = AuditStage(rawValue: try row.decode(column: "stage", as: String.self)) else { continue }
            counts[stage] = try row.decode(column: "n", as: Int.self)
        }
        return counts
    }

    /// From the first revision's submission to the day QA decided.
    private func turnaroundDays(_ partnerId: UUID) async throws -> [Int] {
        let rows = try await db.sql.raw("""
            SELECT q.decided_on, v.submitted_at FROM qa_reviews q
            JOIN audits a ON a.id = q.audit_id
            JOIN audit_revisions v ON v.audit_id = q.audit_id AND v.revision = 1
            WHERE a.partner_id = \(bind: partnerId) AND q.decided_on IS NOT NULL
            """).all()
        return rows.compactMap { row -> Int? in
            guard let decided = (try? row.decode(column: "decided_on", as: String.self)).flatMap({ try? CalendarDay(iso: $0) }),
                  let submitted = try? row.decode(column: "submitted_at", as: Date?.self) else { return nil }
            return CalendarDay(submitted).days(until: decided)
        }.sorted()
    }

    /// The ten most common deficiencies, by question, over every feedback sent.
    private func deficiencies(_ partnerId: UUID) async throws -> [(label: String, count: Int)] {
        let rows = try await db.sql.raw("""
            SELECT f.deficiencies FROM qa_feedback f JOIN audits a ON a.id = f.audit_id WHERE a.partner_id = \(bind: partnerId)
            """).all()
        var byQuestion: [String: Int] = [:]
        for row in rows {
            for line in (try? row.decode(column: "deficiencies", as: String.self)).flatMap({ JSONText.decode($0) as [String]? }) ?? [] {
                let key = line.range(of: #"on (\d+\.\d+)"#, options: .regularExpression).map { "Question " + line[$0].dropFirst(3) } ?? line
                byQuestion[key, default: 0] += 1
            }
        }
        return byQuestion.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(10).map { ($0.key, $0.value) }
    }

    /// C6: employers whose current certificate is inside the first reminder's window (90
    /// days). Any certificate of theirs in that window makes an employer a candidate; the
    /// cycle rules then read the current one.
    private func lapsing(_ partnerId: UUID, today: CalendarDay) async throws -> [CycleService.Status] {
        let last = today.adding(days: Reminder.warningDays.max() ?? 0)
        let rows = try await db.sql.raw("""
            SELECT DISTINCT c.employer_id FROM certificates c JOIN organisations o ON o.id = c.employer_id
            WHERE o.partner_id = \(bind: partnerId) AND c.expires_on >= \(bind: today.iso) AND c.expires_on <= \(bind: last.iso)
            """).all()
        let ids = try rows.map { try $0.decode(column: "employer_id", as: UUID.self) }
        guard !ids.isEmpty else { return [] }
        let employers = try await OrganisationModel.query(on: db).filter(\.$id ~~ ids)
            .filter(\.$kind == OrganisationKind.employer.rawValue).with(\.$partner).sort(\.$name).all()
        return try await CycleService(db: db).statuses(employers, profiles: programs, today: today)
            .filter { s in s.expiry.flatMap { Reminder.threshold(for: $0, today: today) } != nil }
    }
}
