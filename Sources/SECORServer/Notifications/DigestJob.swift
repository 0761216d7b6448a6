import Fluent
import Foundation
import SECORCore
import Vapor

/// The daily digest: one email per person who chose it, with every notice since the last
/// one. Each digest is queued in the same transaction that marks its notices digested,
/// keyed by person and day, so running it twice (or on two instances) sends it once.
struct DigestJob {
    let db: Database
    /// The start of the links (`Application.linkBase`): an email's links must be whole.
    var linkBase = ""

    func run(today: CalendarDay = .today) async throws -> Int {
        let users = try await UserModel.query(on: db).filter(\.$emailDigest == true).filter(\.$deactivatedAt == nil).all()
        var sent = 0
        for user in users {
            let id = try user.requireID()
            let pending = try await NotificationModel.query(on: db).filter(\.$user.$id == id).filter(\.$digestedAt == nil)
                .sort(\.$createdAt).limit(200).all()
            guard !pending.isEmpty else { continue }
            let body = Self.body(pending, name: user.name, linkBase: linkBase)
            do {
                try await db.writeTransaction { db in
                    try await DeadlineEventModel(key: "digest:\(id.uuidString):\(today.iso)", detail: "\(pending.count) notices").create(on: db)
                    try await EmailOutbox.queue(key: UUID(), to: user.email, subject: "Your day in SECOR: \(pending.count) notice\(pending.count == 1 ? "" : "s")",
                                                body: body, on: db)
                    try await NotificationModel.query(on: db).filter(\.$id ~~ pending.compactMap(\.id)).set(\.$digestedAt, to: Date()).update()
                }
                sent += 1
            } catch let error as any DatabaseError where error.isConstraintFailure {
                continue  // today's digest already went
            }
        }
        return sent
    }

    static func body(_ notices: [NotificationModel], name: String, linkBase: String = "") -> String {
        var lines = ["Hello \(name),", "", "What happened in SECOR since your last digest:", ""]
        for n in notices {
            lines.append("• \(n.title)")
            lines.append("  \(n.body)")
            lines.append("  Open it: \(linkBase)\(n.link)")
            lines.append("")
        }
        lines.append("You get one email a day because you chose the daily digest on your account page.")
        return lines.joined(separator: "\n")
    }
}

extension PeriodicJob {
    /// The digest goes out once a day; checking hourly means a restart never skips a day.
    static func digest() -> PeriodicJob { PeriodicJob("daily digest", every: .seconds(3600)) { app in
        let sent = try await DigestJob(db: app.db, linkBase: app.linkBase).run()
        if sent > 0 { app.logger.info("daily digest: \(sent) sent") }
    } }
}
