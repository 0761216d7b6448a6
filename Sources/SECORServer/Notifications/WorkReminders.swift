import Fluent
import Foundation
import SECORCore
import SQLKit

/// The reminders the deadline job sends about the crew's own work: corrective actions past
/// their due date, and tickets expiring in 90, 60 and 30 days (C6's thresholds). Each is
/// keyed in `deadline_events`, so it goes out once however often the job runs.
struct WorkReminders {
    let db: Database
    let programs: ProgramCatalog

    func run(today: CalendarDay) async throws -> Int {
        try await overdueActions(today: today) + (try await expiringTickets(today: today))
    }

    private func overdueActions(today: CalendarDay) async throws -> Int {
        let rows = try await db.sql.raw("""
            SELECT r.id, r.employer_id, r.recorded_by, v.content
            FROM field_records r JOIN field_record_versions v ON v.record_id = r.id AND v.version = r.current_version
            WHERE r.kind = \(bind: FieldRecordKind.correctiveAction.rawValue)
            """).all()
        struct Overdue { var id: UUID; var employer: UUID; var recorder: UUID?; var action: CorrectiveActionContent; var due: CalendarDay
            var key: String { "ca-overdue:\(id.uuidString):\(action.dueOn)" } }
        let overdue: [Overdue] = rows.compactMap { row in
            guard let id = try? row.decode(column: "id", as: UUID.self), let employer = try? row.decode(column: "employer_id", as: UUID.self),
                  let json = try? row.decode(column: "content", as: String.self),
                  let action = try? JSONDecoder().decode(CorrectiveActionContent.self, from: Data(json.utf8)),
                  action.status != .verified, let due = try? CalendarDay(iso: action.dueOn), due < today else { return nil }
            return Overdue(id: id, employer: employer, recorder: try? row.decode(column: "recorded_by", as: UUID.self), action: action, due: due)
        }
        let done = try await DeadlineEventModel.existing(overdue.map(\.key), on: db)
        var sent = 0
        for item in overdue where !done.contains(item.key) {
            let (id, employer, recorder, action, due) = (item.id, item.employer, item.recorder, item.action, item.due)
            let assignee = try await Self.user(named: action.owner, employer: employer, on: db) ?? recorder
            sent += try await once(item.key) { db in
                try await Notices.send(.correctiveActionOverdue, NoticeSubject(employerId: employer, assigneeUserId: assignee),
                                       title: "Corrective action overdue: \(String(action.description.prefix(80)))",
                                       body: "It was due on \(due.readable) and is \(action.status.label). Owner: \(action.owner).",
                                       link: "/employers/\(employer.uuidString)/records/\(id.uuidString)", on: db)
            }
        }
        return sent
    }

    private func expiringTickets(today: CalendarDay) async throws -> Int {
        let completions = try await CompletionModel.query(on: db).filter(\.$expiresOn != nil).with(\.$person).all()
        // The newest completion of a course by a person is the one that matters: an old,
        // renewed ticket warns of nothing.
        var newest: [String: CompletionModel] = [:]
        for c in completions {
            let key = "\(c.$person.id.uuidString):\(c.courseId)"
            if (newest[key]?.expiresOn ?? "") < (c.expiresOn ?? "") { newest[key] = c }
        }
        let employers = Set(newest.values.map { $0.$employer.id })
        let organisations = try await OrganisationModel.query(on: db).filter(\.$id ~~ Array(employers)).with(\.$partner).all()
        let profiles = Dictionary(organisations.compactMap { o in o.id.map { ($0, programs.profile(o.partner?.profileId)) } }, uniquingKeysWith: { a, _ in a })
        let due = newest.values.sorted(by: { ($0.expiresOn ?? "") < ($1.expiresOn ?? "") }).compactMap { c -> (CompletionModel, CalendarDay, Int, String)? in
            guard let id = c.id, let expiry = c.expiresOn.flatMap({ try? CalendarDay(iso: $0) }), let threshold = Reminder.threshold(for: expiry, today: today),
                  c.person.person?.isOnAccount(on: today) ?? false else { return nil }
            return (c, expiry, threshold, "ticket:\(id.uuidString):\(threshold)")
        }
        let done = try await DeadlineEventModel.existing(due.map(\.3), on: db)
        var sent = 0
        for (c, expiry, _, key) in due where !done.contains(key) {
            let employer = c.$employer.id
            let course = profiles[employer]??.course(c.courseId)?.name ?? c.courseId
            sent += try await once(key) { db in
                try await Notices.send(.trainingExpiring, NoticeSubject(employerId: employer, namedUserId: c.person.userId),
                                       title: "\(c.person.name)'s \(course) expires on \(expiry.readable)",
                                       body: "\(today.days(until: expiry)) days left. Book the course before then so the training matrix stays complete.",
                                       link: "/employers/\(employer.uuidString)/training", on: db)
            }
        }
        return sent
    }

    /// Runs `send` once for `key`, in one transaction with the key.
    private func once(_ key: String, _ send: @escaping @Sendable (Database) async throws -> Void) async throws -> Int {
        do {
            try await db.writeTransaction { db in
                try await DeadlineEventModel(key: key, detail: "").create(on: db)
                try await send(db)
            }
            return 1
        } catch let error as any DatabaseError where error.isConstraintFailure {
            return 0
        }
    }

    /// The account of the one roster person with this name, if exactly one has an account.
    static func user(named name: String, employer: UUID, on db: Database) async throws -> UUID? {
        let typed = name.trimmingCharacters(in: .whitespaces)
        guard !typed.isEmpty else { return nil }
        let named = try await PersonModel.query(on: db).filter(\.$employer.$id == employer).all()
            .filter { $0.name.caseInsensitiveCompare(typed) == .orderedSame }.compactMap(\.userId)
        return named.count == 1 ? named[0] : nil
    }
}
