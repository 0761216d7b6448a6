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

    static func load(employers ids: [UUID], on db: Database) async throws -> [UUID: EmployerRecords] {
        guard !ids.isEmpty else { return [:] }
        let people = try await PersonModel.query(on: db).filter(\.$employer.$id ~~ ids).sort(\.$name).all()
        let accounts = try await WCBAccountModel.query(on: db).filter(\.$employer.$id ~~ ids).sort(\.$number).all()
        let completions = try await CompletionModel.query(on: db).filter(\.$employer.$id ~~ ids).all()
        let employers = try await EmployerModel.query(on: db).filter(\.$id ~~ ids).all()
        let firstRecords = try await firstFieldRecords(of: ids, on: db)
        // Grouped once, so a partner's thousand employers cost no more than a scan each.
        let peopleOf = Dictionary(grouping: people, by: { $0.$employer.id })
        let accountsOf = Dictionary(grouping: accounts, by: { $0.$employer.id })
        let completionsOf = Dictionary(grouping: completions, by: { $0.$employer.id })
        let employerOf = Dictionary(employers.compactMap { e in e.id.map { ($0, e) } }, uniquingKeysWith: { a, _ in a })
        var result: [UUID: EmployerRecords] = [:]
        for id in ids {
            let mine = peopleOf[id] ?? []
            result[id] = EmployerRecords(
                people: mine.compactMap(\.person),
                jobRoles: Dictionary(uniqueKeysWithValues: mine.compactMap { p in p.id.map { ($0.uuidString, p.jobRole) } }),
                wcbAccounts: (accountsOf[id] ?? []).map {
                    WCBAccount(number: $0.number, industryCode: $0.industryCode, active: $0.active)
                },
                completions: (completionsOf[id] ?? []).compactMap(\.completion),
                associatePaidUntil: employerOf[id]?.associatePaidUntil.flatMap { try? CalendarDay(iso: $0) },
                firstFieldRecord: firstRecords[id])
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

extension CompletionModel {
    var completion: CourseCompletion? {
        guard let completed = try? CalendarDay(iso: completedOn) else { return nil }
        return CourseCompletion(personId: $person.id.uuidString, courseId: courseId, completedOn: completed,
                                expiresOn: expiresOn.flatMap { try? CalendarDay(iso: $0) })
    }
}
