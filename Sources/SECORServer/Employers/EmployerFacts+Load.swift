import Fluent
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
        // One row per employer: the day of its earliest field record.
        var firstRecords: [UUID: CalendarDay] = [:]
        for id in ids {
            if let first = try await FieldRecordModel.query(on: db).filter(\.$employer.$id == id).sort(\.$occurredOn).first() {
                firstRecords[id] = try? CalendarDay(iso: first.occurredOn)
            }
        }
        var result: [UUID: EmployerRecords] = [:]
        for id in ids {
            let mine = people.filter { $0.$employer.id == id }
            result[id] = EmployerRecords(
                people: mine.compactMap(\.person),
                jobRoles: Dictionary(uniqueKeysWithValues: mine.compactMap { p in p.id.map { ($0.uuidString, p.jobRole) } }),
                wcbAccounts: accounts.filter { $0.$employer.id == id }.map {
                    WCBAccount(number: $0.number, industryCode: $0.industryCode, active: $0.active)
                },
                completions: completions.filter { $0.$employer.id == id }.compactMap(\.completion),
                associatePaidUntil: employers.first { $0.id == id }?.associatePaidUntil.flatMap { try? CalendarDay(iso: $0) },
                firstFieldRecord: firstRecords[id])
        }
        return result
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
