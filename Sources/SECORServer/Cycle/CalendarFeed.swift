import Crypto
import Fluent
import Foundation
import SECORCore
import Vapor

/// A user's secret calendar link: calendar apps cannot sign in, so the link carries a
/// random token; only its hash is stored, and renewing it revokes the old link.
final class CalendarFeedModel: Model, @unchecked Sendable {
    static let schema = "calendar_feeds"

    @ID(key: .id) var id: UUID?
    @Field(key: "user_id") var userId: UUID
    @Field(key: "token_hash") var tokenHash: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}
}

struct CreateCalendarFeeds: AsyncMigration {
    var name: String { "2026-11-22-create-calendar-feeds" }

    func prepare(on db: Database) async throws {
        try await db.schema("calendar_feeds")
            .id()
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .restrict))
            .field("token_hash", .string, .required)
            .field("created_at", .datetime)
            .unique(on: "user_id")
            .unique(on: "token_hash")
            .create()
    }

    func revert(on db: Database) async throws { try await db.schema("calendar_feeds").delete() }
}

/// C6: every deadline of the user's audits and certificates as iCalendar events.
struct CalendarFeed {
    let db: Database
    let programs: ProgramCatalog

    static func hash(_ token: String) -> String { SHA256.hash(data: Data(token.utf8)).hex }

    /// Creates or renews the user's link; returns the token, shown once.
    func renew(for user: CurrentUser) async throws -> String {
        let token = [UInt8].random(count: 24).map { String(format: "%02x", $0) }.joined()
        try await db.writeTransaction { db in
            try await CalendarFeedModel.query(on: db).filter(\.$userId == user.id).delete()
            let row = CalendarFeedModel()
            row.userId = user.id
            row.tokenHash = Self.hash(token)
            try await row.create(on: db)
        }
        return token
    }

    func user(token: String) async throws -> CurrentUser? {
        guard let feed = try await CalendarFeedModel.query(on: db).filter(\.$tokenHash == Self.hash(token)).first(),
              let user = try await UserModel.find(feed.userId, on: db),
              // A deactivated account, or one whose person has left the roster, gets nothing.
              user.isActive(on: .today) else { return nil }
        return try CurrentUser(user)
    }

    struct Event {
        var uid: String
        var day: CalendarDay
        var summary: String
    }

    func events(for user: CurrentUser) async throws -> [Event] {
        var events: [Event] = []
        for audit in try await AuditQueries(db: db).visible(to: user) {
            guard let stage = AuditStage(rawValue: audit.stage), stage.isOpen, let id = audit.id else { continue }
            let loaded = try await AuditService(db: db).load(id, programs: programs)
            let name = "\(audit.number.map { "Audit \($0)" } ?? "Audit") · \(loaded.ref.organisation.name)"
            if stage == .approved {
                let d = try await AuditDeadlines(db: db).compute(loaded)
                events.append(Event(uid: "\(id)-d1", day: d.onSite.due, summary: "D1 last day on site · \(name)"))
                if let d2 = d.submission { events.append(Event(uid: "\(id)-d2", day: d2.due, summary: "D2 report due · \(name)")) }
            }
            if stage == .corrections, let review = try await QAReviewModel.query(on: db).filter(\.$audit.$id == id).first() {
                let timeline = AuditTimeline(loaded.ref.profile.timelines)
                if let open = review.openFeedbackOn.flatMap({ try? CalendarDay(iso: $0) }) {
                    events.append(Event(uid: "\(id)-d4-\(open.iso)", day: timeline.correction(feedbackOn: open).due, summary: "D4 correction due · \(name)"))
                }
                if let first = review.firstFeedbackOn.flatMap({ try? CalendarDay(iso: $0) }) {
                    events.append(Event(uid: "\(id)-d5", day: timeline.qaProcess(firstFeedbackOn: first).due, summary: "D5 QA process ends · \(name)"))
                }
            }
        }
        let employers: [OrganisationModel]
        if user.role.isPartnerStaff {
            employers = try await OrganisationModel.query(on: db).filter(\.$partner.$id == user.organisationId).with(\.$partner).all()
        } else if user.role.isEmployerSide {
            employers = try await OrganisationModel.query(on: db).filter(\.$id == user.organisationId).with(\.$partner).all()
        } else {
            employers = []
        }
        for s in try await CycleService(db: db).statuses(employers, profiles: programs) {
            if let expiry = s.expiry { events.append(Event(uid: "\(s.employerId)-expiry-\(expiry.iso)", day: expiry, summary: "Certificate expires · \(s.employerName)")) }
            if let due = s.next.dueBy, s.next.type == .maintenance {
                events.append(Event(uid: "\(s.employerId)-maintenance-\(due.iso)", day: due, summary: "Year-\(s.next.cycleYear) maintenance audit due · \(s.employerName)"))
            }
        }
        return events
    }

    /// RFC 5545, all-day events (deadlines are Alberta calendar days, not instants).
    static func ics(_ events: [Event]) -> String {
        func escape(_ text: String) -> String {
            text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: ";", with: "\\;")
                .replacingOccurrences(of: ",", with: "\\,").replacingOccurrences(of: "\n", with: "\\n")
        }
        func compact(_ day: CalendarDay) -> String { day.iso.replacingOccurrences(of: "-", with: "") }
        let stamp = compact(.today) + "T000000Z"
        var lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//SECOR//Deadlines//EN", "CALSCALE:GREGORIAN", "X-WR-CALNAME:SECOR deadlines"]
        for e in events.sorted(by: { $0.day < $1.day }) {
            lines += ["BEGIN:VEVENT", "UID:\(e.uid)@secor", "DTSTAMP:\(stamp)", "DTSTART;VALUE=DATE:\(compact(e.day))",
                      "DTEND;VALUE=DATE:\(compact(e.day.adding(days: 1)))", "SUMMARY:\(escape(e.summary))", "END:VEVENT"]
        }
        lines.append("END:VCALENDAR")
        return lines.joined(separator: "\r\n") + "\r\n"
    }
}

/// `/calendar/{token}.ics` (no session: the token is the key) and renewing it from the account page.
struct CalendarPages: RouteCollection {
    struct Public: RouteCollection {
        func boot(routes: RoutesBuilder) throws {
            routes.get("calendar", ":token", use: feed)
        }

        func feed(req: Request) async throws -> Response {
            let raw = req.parameters.get("token") ?? ""
            let token = raw.hasSuffix(".ics") ? String(raw.dropLast(4)) : raw
            let feed = CalendarFeed(db: req.db, programs: req.programs)
            guard let user = try await feed.user(token: token) else { throw AppError.notFound("calendar") }
            let response = Response(status: .ok, body: .init(string: CalendarFeed.ics(try await feed.events(for: user))))
            response.headers.contentType = HTTPMediaType(type: "text", subType: "calendar", parameters: ["charset": "utf-8"])
            return response
        }
    }

    func boot(routes: RoutesBuilder) throws {
        routes.post("account", "calendar", use: renew)
    }

    func renew(req: Request) async throws -> Response {
        let user = try req.requireUser()
        try Policy.authorize(user, .ownAccount)
        let token = try await CalendarFeed(db: req.db, programs: req.programs).renew(for: user)
        req.session.data["calendarToken"] = token  // shown once on the account page
        return req.redirect(to: "/account#calendar")
    }
}
