import Fluent
@testable import SECORServer
import SECORCore
import SQLKit
import Vapor
import XCTest
import XCTVapor

/// Issue 21: what a request costs is kept in statements (the database's counter, not a
/// clock), so a hot path cannot creep back and a list cannot grow with the partner.
final class Issue21PerformanceTests: XCTestCase {
    private func flha(key: String) -> [String: Any] {
        ["kind": "flha", "occurredOn": CalendarDay.today.iso, "occurredTime": "07:15", "idempotencyKey": key,
         "flha": ["site": "Pad 14-22", "location": "Wellhead 2", "task": "Change out choke valve",
                  "hazards": [["hazard": "Trapped pressure", "control": "Bleed down"]], "ppe": ["FR coveralls"],
                  "workers": [["name": "Jordan Tremblay"]], "notes": "Muster at the gate"] as [String: Any]]
    }

    /// The statements of each hot path, as BENCHMARKS.md gives them. A change that adds one
    /// fails here; one that saves one lowers the figure here and there.
    func testHotPathsKeepTheirStatementCounts() async throws {
        try await withApp { app in
            let employer = try await app.organisationId(named: "Northern Rig Services Ltd.")
            let supervisor = try await APIClient(app, as: "supervisor@secor.test")
            _ = try await supervisor.send(.POST, "/api/v1/employers/\(employer)/records", json: flha(key: "warm-up"))
            var id = ""
            let record = try await app.statements.during {
                let created = try await supervisor.send(.POST, "/api/v1/employers/\(employer)/records", json: flha(key: "counted"))
                XCTAssertEqual(created.status, .created)
                id = created.json["id"].string ?? ""
            }
            let read = try await app.statements.during {
                let status = try await supervisor.send(.GET, "/api/v1/employers/\(employer)/records/\(id)").status
                XCTAssertEqual(status, .ok)
            }
            let search = try await app.statements.during {
                let status = try await supervisor.send(.GET, "/api/v1/employers/\(employer)/records?q=choke&limit=20").status
                XCTAssertEqual(status, .ok)
            }
            let me = try await app.statements.during {
                let status = try await supervisor.send(.GET, "/api/v1/me").status
                XCTAssertEqual(status, .ok)
            }
            let counts = ["record": record, "read": read, "search": search, "me": me]
            print("Statements per request: \(counts.sorted { $0.key < $1.key })")
            // The budgets of BENCHMARKS.md ("Statements per request").
            // Counted here: every statement, BEGIN, SAVEPOINT, RELEASE and COMMIT included.
            XCTAssertLessThanOrEqual(record, 13, "record an FLHA")
            XCTAssertLessThanOrEqual(read, 5, "read one record")
            XCTAssertLessThanOrEqual(search, 3, "search")
            XCTAssertLessThanOrEqual(me, 4, "/api/v1/me")
        }
    }

    /// Every list that grows with the partner reads in a fixed number of statements: the
    /// same at 30 employers as at 100 (from 27 on, the generated employers include one in
    /// every stage of the cycle, a lapsing certificate too, so each list does all its work).
    func testPartnerListsDoNotGrowWithTheirEmployers() async throws {
        try await withApp(demo: false) { app in
            _ = try await ScaleData.load(on: app, employers: 30, years: 0)
            let small = try await Self.listCosts(app)
            _ = try await ScaleData.load(on: app, employers: 100, years: 0)
            let large = try await Self.listCosts(app)
            print("Statements at 30 and 100 employers: \(small.sorted { $0.key < $1.key }) \(large.sorted { $0.key < $1.key })")
            for (list, count) in small.sorted(by: { $0.key < $1.key }) {
                XCTAssertEqual(large[list], count, "\(list): \(count) statements at 30 employers, \(large[list] ?? -1) at 100")
            }
        }
    }

    private static func listCosts(_ app: Application) async throws -> [String: Int] {
        let browser = Browser(app)
        _ = try await browser.signIn("esc-admin@secor.test")
        let admin = try await APIClient(app, as: "esc-admin@secor.test")
        var costs: [String: Int] = [:]
        for page in ["/home", "/partner/employers", "/partner/cycle", "/partner/dashboard", "/qa"] {
            _ = try await browser.get(page)  // warm: a first view may create the session's token
            costs[page] = try await app.statements.during {
                let status = try await browser.get(page).status
                XCTAssertEqual(status, .ok, page)
            }
        }
        for path in ["/api/v1/employers", "/api/v1/partner/dashboard", "/api/v1/qa/queue"] {
            costs[path] = try await app.statements.during {
                let status = try await admin.send(.GET, path).status
                XCTAssertEqual(status, .ok, path)
            }
        }
        // The sweep's first run may find work; the second finds none, whatever the size.
        let sweep = DeadlineSweep(db: app.db, programs: app.programs)
        _ = try await sweep.run()
        costs["sweep"] = try await app.statements.during { _ = try await sweep.run() }
        costs["sweep: reminders"] = try await app.statements.during { _ = try await WorkReminders(db: app.db, programs: app.programs).run(today: .today) }
        costs["sweep: watch"] = try await app.statements.during { _ = try await WatchSweep(db: app.db, programs: app.programs).run(today: .today) }
        let employers = try await OrganisationModel.query(on: app.db).filter(\.$kind == "employer").with(\.$partner).all()
        costs["sweep: cycle"] = try await app.statements.during { _ = try await CycleService(db: app.db).statuses(employers, profiles: app.programs, today: .today) }
        return costs
    }

    /// Readiness from the cache of decoded versions equals a fresh computation, including
    /// after an amendment (a new version) and with the cache emptied.
    func testReadinessFromTheCacheEqualsAFreshOne() async throws {
        try await withApp(demoRecords: true) { app in
            let employer = try await app.organisationId(named: "Northern Rig Services Ltd.")
            let ref = try await EmployerRef.load(employer, on: app.db, programs: app.programs)
            let service = ReadinessService(db: app.db)
            let cold = try await service.report(ref, on: .today)
            let warm = try await service.report(ref, on: .today)
            XCTAssertFalse(cold.coverage.isEmpty)
            XCTAssertEqual(String(describing: warm), String(describing: cold))
            // A new record and its amendment change the answer the same way cached or not.
            let supervisor = try await APIClient(app, as: "supervisor@secor.test")
            let created = try await supervisor.send(.POST, "/api/v1/employers/\(employer)/records", json: flha(key: "cache-1"))
            var amended = flha(key: "cache-1")
            amended["reason"] = "Wrong hazard"
            var content = amended["flha"] as! [String: Any]
            content["hazards"] = [["hazard": "Pinch points", "control": "Hands clear"]]
            amended["flha"] = content
            amended.removeValue(forKey: "idempotencyKey")
            let amendment = try await supervisor.send(.POST, "/api/v1/employers/\(employer)/records/\(created.json["id"].string ?? "")/amendments", json: amended)
            XCTAssertEqual(amendment.status, .ok, "\(amendment.json ?? "")")
            let cached = try await service.report(ref, on: .today)
            RecordContentCache.shared.empty()
            let fresh = try await service.report(ref, on: .today)
            XCTAssertEqual(String(describing: cached), String(describing: fresh))
            let records = try await FieldRecordService(db: app.db).all(ref)
            let amendedContent = records.first { $0.0.id?.uuidString == created.json["id"].string }?.1.as(FLHAContent.self)
            XCTAssertEqual(amendedContent?.hazards.map(\.hazard), ["Pinch points"])
        }
    }

    /// Search pages follow the cursor, newest first, with no record twice or missed; a
    /// cursor the list did not give is refused, naming it.
    func testSearchIsPagedByCursor() async throws {
        try await withApp { app in
            let employer = try await app.organisationId(named: "Northern Rig Services Ltd.")
            let supervisor = try await APIClient(app, as: "supervisor@secor.test")
            for n in 1...5 { _ = try await supervisor.send(.POST, "/api/v1/employers/\(employer)/records", json: flha(key: "page-\(n)")) }
            let all = try await supervisor.send(.GET, "/api/v1/employers/\(employer)/records?kind=flha").json.array.compactMap { $0 as? [String: Any] }
            XCTAssertGreaterThanOrEqual(all.count, 5)
            var seen: [String] = [], cursor: String?, pages = 0
            repeat {
                var next: String?
                var body: [[String: Any]] = []
                try await app.test(.GET, "/api/v1/employers/\(employer)/records?kind=flha&limit=2" + (cursor.map { "&cursor=\($0)" } ?? ""), beforeRequest: { req in
                    req.headers.bearerAuthorization = .init(token: supervisor.token!)
                }, afterResponse: { res async throws in
                    XCTAssertEqual(res.status, .ok, res.body.string)
                    next = res.headers.first(name: "X-Next-Cursor")
                    body = (try JSONSerialization.jsonObject(with: Data(buffer: res.body)) as? [[String: Any]]) ?? []
                })
                XCTAssertLessThanOrEqual(body.count, 2)
                seen += body.compactMap { $0["id"] as? String }
                cursor = next
                pages += 1
            } while cursor != nil && pages < 10
            XCTAssertEqual(seen, all.compactMap { $0["id"] as? String })
            XCTAssertEqual(pages, (all.count + 1) / 2)

            let forged = try await supervisor.send(.GET, "/api/v1/employers/\(employer)/records?cursor=bm90LWEtY3Vyc29y")
            XCTAssertEqual(forged.status, .unprocessableEntity)
            XCTAssertEqual(forged.json["field"].string, "cursor")
            let tooMany = try await supervisor.send(.GET, "/api/v1/employers/\(employer)/records?limit=0")
            XCTAssertEqual(tooMany.status, .badRequest)
            XCTAssertEqual(tooMany.json["field"].string, "limit")
        }
    }

    /// The records page pages by cursor too: Older then Newer comes back to the same page,
    /// and no record is shown twice or skipped on the way down.
    func testRecordsPageIsPagedByCursor() async throws {
        try await withApp { app in
            let employer = try await app.organisationId(named: "Northern Rig Services Ltd.")
            let supervisor = try await APIClient(app, as: "supervisor@secor.test")
            var stored = try await supervisor.send(.GET, "/api/v1/employers/\(employer)/records?limit=200").json.array.count
            while stored < 2 * Pager.size + 10 {
                _ = try await supervisor.send(.POST, "/api/v1/employers/\(employer)/records", json: flha(key: "page-\(stored)"))
                stored += 1
            }
            let browser = Browser(app)
            _ = try await browser.signIn("supervisor@secor.test")
            func page(_ path: String) async throws -> (ids: [String], older: String?, newer: String?, html: String) {
                let response = try await browser.get(path)
                XCTAssertEqual(response.status, .ok, path)
                let html = response.body.string
                let ids = html.matches(of: /records\/([0-9A-F-]{36})"/).map { String($0.1) }
                func link(_ label: String) -> String? {
                    html.firstMatch(of: try! Regex("<a href=\"([^\"]+)\">(← )?\(label)"))
                        .map { String($0.output[1].substring ?? "").replacingOccurrences(of: "&amp;", with: "&") }
                }
                return (ids, link("Older"), link("Newer"), html)
            }
            let first = try await page("/employers/\(employer)/records")
            XCTAssertEqual(first.ids.count, Pager.size)
            XCTAssertNil(first.newer)
            let olderPath = try XCTUnwrap(first.older)
            XCTAssertTrue(olderPath.contains("after="), olderPath)
            let second = try await page(olderPath)
            XCTAssertTrue(second.html.contains("Records 51–100"), "the second page is numbered on")
            XCTAssertEqual(Set(first.ids).intersection(second.ids), [], "no record twice")
            let third = try await page(try XCTUnwrap(second.older))
            let backToSecond = try await page(try XCTUnwrap(third.newer))
            XCTAssertEqual(backToSecond.ids, second.ids, "Newer from page 3 is page 2")
            let backToFirst = try await page(try XCTUnwrap(second.newer))
            XCTAssertEqual(backToFirst.ids, first.ids)

            // Records written while someone reads page 2: going back up skips none of them.
            for index in 0..<10 {
                _ = try await supervisor.send(.POST, "/api/v1/employers/\(employer)/records", json: flha(key: "meanwhile-\(index)"))
            }
            var seen = Set(second.ids)
            var newer = second.newer
            var hops = 0
            while let path = newer, hops < 5 {
                let up = try await page(path)
                seen.formUnion(up.ids)
                newer = up.newer
                hops += 1
            }
            XCTAssertNil(newer, "the newest page has no Newer link")
            XCTAssertTrue(Set(first.ids).isSubset(of: seen), "no record of the first page is skipped on the way back")
            // Every record newer than page 2's first is on the way up (a new one dated inside
            // page 2 belongs to page 2, read before it was written).
            let all = try await supervisor.send(.GET, "/api/v1/employers/\(employer)/records?limit=200").json.array
                .compactMap { ($0 as? [String: Any])?["id"] as? String }
            let firstOfSecond = try XCTUnwrap(all.firstIndex(of: try XCTUnwrap(second.ids.first)))
            XCTAssertTrue(Set(all[..<firstOfSecond]).isSubset(of: seen), "no newer record is skipped")

            let cursor = try XCTUnwrap(olderPath.firstMatch(of: /after=([^&]+)/)?.1)
            let both = try await browser.get("/employers/\(employer)/records?after=\(cursor)&before=\(cursor)")
            XCTAssertEqual(both.status.code / 100, 4)
            XCTAssertTrue(both.body.string.contains("not both"), both.body.string)

            let forged = try await browser.get("/employers/\(employer)/records?after=bm90LWEtY3Vyc29y")
            XCTAssertEqual(forged.status, .unprocessableEntity)
        }
    }

    /// Sessions: a page view that changes nothing in the session writes nothing.
    func testASessionIsWrittenOnlyWhenItsDataChanges() async throws {
        try await withApp { app in
            let counter = CountingSessions()
            let sessions = WriteOnChangeSessions(base: counter)
            let request = Request(application: app, on: app.eventLoopGroup.next())
            var data = SessionData()
            data["userId"] = UUID().uuidString
            let id = try await sessions.createSession(data, for: request).get()
            let read = Request(application: app, on: app.eventLoopGroup.next())
            counter.stored = data
            let same = try await sessions.readSession(id, for: read).get()
            XCTAssertEqual(same, data)
            _ = try await sessions.updateSession(id, to: data, for: read).get()
            XCTAssertEqual(counter.updates, 0, "unchanged data is not written")
            var changed = data
            changed["flash"] = "Saved."
            _ = try await sessions.updateSession(id, to: changed, for: read).get()
            XCTAssertEqual(counter.updates, 1)

            // Through the app (SQLite, where a trigger can count): a second view of a page
            // updates no session row; signing out does.
            guard app.db.isSQLite else { return }
            try await app.db.sql.raw("CREATE TABLE session_updates (n INTEGER)").run()
            try await app.db.sql.raw("CREATE TRIGGER count_session_updates AFTER UPDATE ON _fluent_sessions BEGIN INSERT INTO session_updates VALUES (1); END").run()
            let browser = Browser(app)
            _ = try await browser.signIn("owner@secor.test")
            _ = try await browser.get("/account")
            let updates = { try await app.db.sql.raw("SELECT n FROM session_updates").all().count }
            let before = try await updates()
            let account = try await browser.get("/account").status, home = try await browser.get("/home").status
            XCTAssertEqual([account, home], [.ok, .ok])
            let after = try await updates()
            XCTAssertEqual(after, before, "page views that change nothing write nothing")
        }
    }

    /// Group commit (SQLite): writes arriving together share commits, each in its own
    /// savepoint, so one that fails rolls back alone and the others are all kept.
    func testGroupCommitKeepsEveryWriteButTheOneThatFailed() async throws {
        try await withApp(demo: false) { app in
            guard app.db.isSQLite else { return }
            try await app.db.sql.raw("CREATE TABLE group_commit_probe (n INTEGER PRIMARY KEY)").run()
            let batchesBefore = await SQLiteGroupCommit.shared.batches
            let entriesBefore = try await AuditLogEntryModel.query(on: app.db).count()
            struct Refused: Error {}
            let outcomes = await withTaskGroup(of: Bool.self) { group in
                for n in 0..<40 {
                    group.addTask {
                        do {
                            try await app.db.writeTransaction { db in
                                try await db.sql.raw("INSERT INTO group_commit_probe (n) VALUES (\(bind: n))").run()
                                // Each writer extends the audit log from the head the batch knows;
                                // the one that fails takes its entry back with it.
                                try await AuditLog.append(on: db, actor: nil, action: "probe", entity: "probe", entityId: String(n))
                                if n == 13 { throw Refused() }
                            }
                            return true
                        } catch { return false }
                    }
                }
                return await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            XCTAssertEqual(outcomes.filter { !$0 }.count, 1)
            let kept = try await app.db.sql.raw("SELECT n FROM group_commit_probe ORDER BY n").all().map { try $0.decode(column: "n", as: Int.self) }
            XCTAssertEqual(kept, Array(0..<40).filter { $0 != 13 })
            let batches = await SQLiteGroupCommit.shared.batches - batchesBefore
            XCTAssertLessThan(batches, 40, "writes waiting together share a commit")
            // The audit log's chain holds across the batches and the rolled-back entry.
            let entries = try await AuditLogEntryModel.query(on: app.db).count()
            XCTAssertEqual(entries, entriesBefore + 39)
            let chain = try await AuditLog.verify(on: app.db)
            XCTAssertNil(chain.firstBroken, chain.firstBroken ?? "")
        }
    }
}

/// A session store in memory that counts its writes.
private final class CountingSessions: SessionDriver, @unchecked Sendable {
    var stored: SessionData?
    var updates = 0

    func createSession(_ data: SessionData, for request: Request) -> EventLoopFuture<SessionID> {
        stored = data
        return request.eventLoop.makeSucceededFuture(SessionID(string: "s"))
    }

    func readSession(_ sessionID: SessionID, for request: Request) -> EventLoopFuture<SessionData?> {
        request.eventLoop.makeSucceededFuture(stored)
    }

    func updateSession(_ sessionID: SessionID, to data: SessionData, for request: Request) -> EventLoopFuture<SessionID> {
        updates += 1
        stored = data
        return request.eventLoop.makeSucceededFuture(sessionID)
    }

    func deleteSession(_ sessionID: SessionID, for request: Request) -> EventLoopFuture<Void> {
        stored = nil
        return request.eventLoop.makeSucceededFuture(())
    }
}
