import Fluent
import Foundation
import NIOConcurrencyHelpers
import SECORCore
import Vapor

/// The deadline job (D4, D5, Q11): marks invalid the assessments whose correction or QA
/// process ran out of time, and tells the employer. Idempotent: each action is keyed in
/// `deadline_events` under a unique index, so two instances sweeping at once act once.
struct DeadlineSweep {
    let db: Database
    let programs: ProgramCatalog

    struct Result: Sendable, Equatable {
        var invalidated: [String] = []
        /// C6 warnings sent this run.
        var warned: Int = 0
        /// Overdue corrective actions and expiring tickets reminded of this run.
        var reminded: Int = 0
        /// V3: changes of watched certificates told to their contractors this run.
        var watchChanges: Int = 0
    }

    func run(today: CalendarDay = .today) async throws -> Result {
        var result = Result()
        let audits = try await AuditModel.query(on: db).filter(\.$stage == AuditStage.corrections.rawValue).all()
        // Their reviews in one statement; only an audit past its deadline reads more.
        let reviews = try await QAReviewModel.query(on: db).filter(\.$audit.$id ~~ audits.compactMap(\.id)).all()
        let reviewOf = Dictionary(reviews.map { ($0.$audit.id, $0) }, uniquingKeysWith: { a, _ in a })
        let partners = try await OrganisationModel.query(on: db).filter(\.$id ~~ Array(Set(audits.map(\.partnerId)))).all()
        let profileOf = Dictionary(partners.compactMap { p in p.id.map { ($0, programs.profile(p.profileId)) } }, uniquingKeysWith: { a, _ in a })
        for audit in audits {
            let id = try audit.requireID()
            guard let review = reviewOf[id], let profile = profileOf[audit.partnerId] ?? nil,
                  let first = review.firstFeedbackOn.flatMap({ try? CalendarDay(iso: $0) }) else { continue }
            let state = CorrectionClock.state(firstFeedbackOn: first, lastFeedbackOn: review.openFeedbackOn.flatMap { try? CalendarDay(iso: $0) },
                                              today: today, timelines: profile.timelines)
            let why: String
            switch state {
            case .onTime: continue
            case .correctionLate(let due): why = "D4: the correction was due by \(due.readable) and was not returned."
            case .processExpired(let due): why = "D5: the QA correction process had to end by \(due.readable)."
            }
            let loaded = try await AuditService(db: db).load(id, programs: programs)
            do {
                try await db.writeTransaction { db in
                    try await DeadlineEventModel(key: "invalid:\(id.uuidString)", detail: why).create(on: db)
                    guard try await db.lockedAuditStage(id) == .corrections, let fresh = try await AuditModel.find(id, on: db) else { return }
                    fresh.stage = AuditStage.invalid.rawValue
                    try await fresh.save(on: db)
                    review.outcome = QAOutcome.fail.rawValue
                    review.outcomeReason = why
                    review.decidedOn = today.iso
                    try await review.save(on: db)
                    try await AuditLog.append(on: db, actor: nil, action: "audit.invalid", entity: "audit", entityId: id.uuidString, detail: why)
                    try await Notices.send(.auditInvalid, .audit(fresh), title: "Audit \(fresh.number ?? "") is invalid",
                                           body: "\(why) The assessment is invalid (Q11); a new audit is needed.", link: loaded.link, on: db)
                }
                result.invalidated.append(audit.number ?? id.uuidString)
            } catch let error as any DatabaseError where error.isConstraintFailure {
                continue  // another instance did it
            }
        }
        result.warned = try await warn(today: today)
        result.reminded = try await WorkReminders(db: db, programs: programs).run(today: today)
        result.watchChanges = try await WatchSweep(db: db, programs: programs).run(today: today)
        return result
    }

    private static func warningKey(_ status: CycleService.Status, _ warning: String) -> String {
        "c6:\(status.employerId.uuidString):\(warning)"
    }

    /// C6: each warning (90, 60, 30 days before an expiry or a maintenance due date) is
    /// sent to the employer once.
    private func warn(today: CalendarDay) async throws -> Int {
        let employers = try await OrganisationModel.query(on: db).filter(\.$kind == OrganisationKind.employer.rawValue).with(\.$partner).all()
        let statuses = try await CycleService(db: db).statuses(employers, profiles: programs, today: today)
        let done = try await DeadlineEventModel.existing(statuses.flatMap { s in s.warnings.map { Self.warningKey(s, $0) } }, on: db)
        var sent = 0
        for status in statuses {
            for warning in status.warnings where !done.contains(Self.warningKey(status, warning)) {
                do {
                    try await db.writeTransaction { db in
                        try await DeadlineEventModel(key: Self.warningKey(status, warning), detail: warning).create(on: db)
                        // C6: the owner, and the auditor of the certificate's audit (who is
                        // likely to do the next one).
                        var auditor: UUID?
                        if let certificate = status.certificate { auditor = try await AuditModel.find(certificate.$audit.id, on: db)?.auditorUserId }
                        try await Notices.send(.certificateWarning, NoticeSubject(employerId: status.employerId, auditorUserId: auditor),
                                               title: "SECOR deadline ahead", body: warning, link: "/audits", on: db)
                    }
                    sent += 1
                } catch let error as any DatabaseError where error.isConstraintFailure {
                    continue
                }
            }
        }
        return sent
    }
}

/// `secor sweep`: runs the deadline job once, now.
struct SweepCommand: AsyncCommand {
    struct Signature: CommandSignature {}
    var help: String { "Runs the deadline job (D4, D5) once; safe to run any time, and twice." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await app.migrateAndPrepare()
        let result = try await DeadlineSweep(db: app.db, programs: app.programs).run()
        context.console.print(result.invalidated.isEmpty ? "Nothing past its deadline." : "Marked invalid: \(result.invalidated.joined(separator: ", ")).")
        context.console.print("Warnings sent (C6): \(result.warned).")
        context.console.print("Reminders sent (overdue actions, expiring tickets): \(result.reminded).")
        context.console.print("Watched certificates changed (V3): \(result.watchChanges).")
        let webhooks = try await WebhookSender(db: app.db, client: app.client, allowLocal: app.secorConfig.allowLocalWebhooks).run()
        context.console.print("Webhooks delivered: \(webhooks.delivered); failed, kept for retry: \(webhooks.failed).")
        context.console.print("Daily digests sent: \(try await DigestJob(db: app.db, linkBase: app.linkBase).run()).")
    }
}

extension PeriodicJob {
    /// The deadline job inside the server: at start, then every six hours (a day is never
    /// missed, and running more often than daily changes nothing).
    static func deadlineSweep() -> PeriodicJob { PeriodicJob("deadline job", every: .seconds(6 * 3600)) { app in
        // The catalog as it is now: profiles imported since start count.
        let result = try await DeadlineSweep(db: app.db, programs: app.programs).run()
        if !result.invalidated.isEmpty { app.logger.info("deadline job: invalid \(result.invalidated)") }
    } }

    /// Sends the email outbox every 30 seconds while a sendmail command is configured.
    static func outbox(_ app: Application) -> PeriodicJob? {
        guard let command = app.secorConfig.sendmail else {
            app.logger.notice("SECOR_SENDMAIL is not set: email waits in the outbox; in-app notifications work.")
            return nil
        }
        return PeriodicJob("email outbox", every: .seconds(30)) { app in
            let result = try await OutboxSender(db: app.db, command: command).run()
            if result.failed > 0 { app.logger.warning("email outbox: \(result.failed) failed, kept for retry") }
        }
    }
}
