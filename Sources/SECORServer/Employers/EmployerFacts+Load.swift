import Fluent
import SQLKit
import SECORCore
import Vapor

/// The rule inputs of one or many employers, read in a few queries.
struct EmployerRecords: Sendable {
    var people: [Person]
    var jobRoles: [String: String]
    var wcbAccounts: [WCBAccount]
    var completions: [CourseCompletion]
    var associatePaidUntil: CalendarDay?
    /// The day of the employer's earliest field record (FLHA, inspection, ...), if any.
    var firstFieldRecord: CalendarDay?
    /// The enrollment status (`pending`, `approved`, ...).
    var enrollment: String

    /// E5 counts field records only: a course certificate is not a health and safety record.
    var facts: EmployerFacts {
        EmployerFacts(people: people, wcbAccounts: wcbAccounts, associateMembershipPaidUntil: associatePaidUntil,
                      firstRecordDate: firstFieldRecord)
    }

    /// Eligibility (E1-E5) with the training rules (T1, T2, T5, T6) as of `day`.
    func eligibility(profile: ProgramProfile, on day: CalendarDay) -> (report: EligibilityReport, training: TrainingStatus) {
        let training = TrainingRules.status(people: people, completions: completions, profile: profile, on: day)
        return (Eligibility.check(facts, profile: profile, today: day).including(training: training), training)
    }

    /// Read as plain rows, not Fluent models: at a partner's thousand employers that is ten
    /// thousand people and their completions, and hydrating each through Fluent's reflection
    /// was 40% of a partner home's CPU (perf, BENCHMARKS.md).
    static func load(employers ids: [UUID], on db: Database) async throws -> [UUID: EmployerRecords] {
        guard !ids.isEmpty else { return [:] }
        let sql = db.sql
        let people = try await sql.select()
            .columns("id", "employer_id", "name", "category", "full_time", "familiar_with_operation", "job_role", "start_date", "end_date")
            .from(PersonModel.schema).where(SQLColumn("employer_id"), .in, SQLBind.group(ids)).orderBy("name").all()
        let accounts = try await sql.select().columns("employer_id", "number", "industry_code", "active")
            .from(WCBAccountModel.schema).where(SQLColumn("employer_id"), .in, SQLBind.group(ids)).orderBy("number").all()
        let completions = try await sql.select().columns("employer_id", "person_id", "course_id", "completed_on", "expires_on")
            .from(CompletionModel.schema).where(SQLColumn("employer_id"), .in, SQLBind.group(ids)).all()
        let employers = try await sql.select().columns("id", "status", "associate_paid_until")
            .from(EmployerModel.schema).where(SQLColumn("id"), .in, SQLBind.group(ids)).all()
        let firstRecords = try await firstFieldRecords(of: ids, on: db)
        var result: [UUID: EmployerRecords] = [:]
        for id in ids {
            result[id] = EmployerRecords(people: [], jobRoles: [:], wcbAccounts: [], completions: [], associatePaidUntil: nil,
                                         firstFieldRecord: firstRecords[id], enrollment: EnrollmentStatus.pending.rawValue)
        }
        for row in employers {
            let id = try row.decode(column: "id", as: UUID.self)
            result[id]?.associatePaidUntil = try row.decode(column: "associate_paid_until", as: String?.self).flatMap { try? CalendarDay(iso: $0) }
            result[id]?.enrollment = try row.decode(column: "status", as: String.self)
        }
        // Grouped once, so a partner's thousand employers cost no more than a scan each.
        for row in people {
            let employer = try row.decode(column: "employer_id", as: UUID.self)
            let id = try row.decode(column: "id", as: UUID.self)
            // A row with unreadable dates or category is left out, as the rules cannot read it.
            guard let category = PersonCategory(rawValue: try row.decode(column: "category", as: String.self)),
                  let start = try? CalendarDay(iso: try row.decode(column: "start_date", as: String.self)) else { continue }
            result[employer]?.people.append(Person(
                id: id.uuidString, name: try row.decode(column: "name", as: String.self), category: category,
                fullTime: try row.decode(column: "full_time", as: Bool.self),
                familiarWithWholeOperation: try row.decode(column: "familiar_with_operation", as: Bool.self), startDate: start,
                endDate: try row.decode(column: "end_date", as: String?.self).flatMap { try? CalendarDay(iso: $0) }))
            result[employer]?.jobRoles[id.uuidString] = try row.decode(column: "job_role", as: String.self)
        }
        for row in accounts {
            result[try row.decode(column: "employer_id", as: UUID.self)]?.wcbAccounts.append(WCBAccount(
                number: try row.decode(column: "number", as: String.self), industryCode: try row.decode(column: "industry_code", as: String.self),
                active: try row.decode(column: "active", as: Bool.self)))
        }
        for row in completions {
            guard let completed = try? CalendarDay(iso: try row.decode(column: "completed_on", as: String.self)) else { continue }
            result[try row.decode(column: "employer_id", as: UUID.self)]?.completions.append(CourseCompletion(
                personId: try row.decode(column: "person_id", as: UUID.self).uuidString, courseId: try row.decode(column: "course_id", as: String.self),
                completedOn: completed, expiresOn: try row.decode(column: "expires_on", as: String?.self).flatMap { try? CalendarDay(iso: $0) }))
        }
        return result
    }

    /// The day of each employer's earliest field record, in one statement whatever the
    /// number of employers (it was one query per employer: 500 on a partner's home at 1,000).
    private static func firstFieldRecords(of ids: [UUID], on db: Database) async throws -> [UUID: CalendarDay] {
        let rows = try await db.sql.select()
            .column(SQLColumn("employer_id"))
            .column(SQLFunction("MIN", args: SQLColumn("occurred_on")), as: "first")
            .from(FieldRecordModel.schema)
            .where(SQLColumn("employer_id"), .in, SQLBind.group(ids))
            .groupBy("employer_id")
            .all()
        var first: [UUID: CalendarDay] = [:]
        for row in rows {
            if let id = try? row.decode(column: "employer_id", as: UUID.self),
               let day = (try? row.decode(column: "first", as: String?.self)).flatMap({ $0 }).flatMap({ try? CalendarDay(iso: $0) }) {
                first[id] = day
            }
        }
        return first
    }
}

extension PersonModel {
    /// The rules' view of this person; nil only for a row with unreadable dates.
    var person: Person? {
        guard let id, let category = PersonCategory(rawValue: category), let start = try? CalendarDay(iso: startDate) else { return nil }
        return Person(id: id.uuidString, name: name, category: category, fullTime: fullTime,
                      familiarWithWholeOperation: familiarWithOperation, startDate: start,
                      endDate: endDate.flatMap { try? CalendarDay(iso: $0) })
    }
}
