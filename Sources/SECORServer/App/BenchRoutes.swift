import Fluent
import SQLKit
import Vapor

/// The ceilings the benchmarks compare against (`SECOR_BENCH_ROUTES=1` only): the same
/// server, database and pool answering a constant, and inserting one bare row with no
/// sign-in, validation or audit log. Each product figure is also a ratio to these.
enum BenchRoutes {
    static func register(on app: Application) async throws {
        try await app.db.sql.raw("CREATE TABLE IF NOT EXISTS bench_rows (id VARCHAR(36) PRIMARY KEY, at VARCHAR(40) NOT NULL)").run()
        app.get("bench", "constant") { _ in "ok" }
        app.post("bench", "insert") { req async throws -> HTTPStatus in
            try await req.db.sql.raw("INSERT INTO bench_rows (id, at) VALUES (\(bind: UUID().uuidString), \(bind: Date().description))").run()
            return .created
        }
    }
}
