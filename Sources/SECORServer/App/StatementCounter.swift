import FluentKit
import NIOCore
import SQLKit
import Synchronization
import Vapor

/// Counts the statements the server runs on its database: Fluent queries, schema changes
/// and raw SQL alike. A request's cost follows its statement count (issue 21), so tests
/// keep each hot path's count, and a list that grows with the partner must not add any.
final class StatementCounter: Sendable {
    private let count = Atomic<Int>(0)

    var value: Int { count.load(ordering: .relaxed) }

    fileprivate func add() { count.add(1, ordering: .relaxed) }

    /// The statements `body` ran (with nothing else running beside it).
    func during(_ body: () async throws -> Void) async rethrows -> Int {
        let start = value
        try await body()
        return value - start
    }
}

extension Application {
    private struct StatementCounterKey: StorageKey { typealias Value = StatementCounter }

    var statements: StatementCounter {
        if let counter = storage[StatementCounterKey.self] { return counter }
        let counter = StatementCounter()
        storage[StatementCounterKey.self] = counter
        return counter
    }
}

/// A database configuration whose databases count what they run.
struct CountingConfiguration: DatabaseConfiguration {
    var base: any DatabaseConfiguration
    let counter: StatementCounter

    var middleware: [any AnyModelMiddleware] {
        get { base.middleware }
        set { base.middleware = newValue }
    }

    func makeDriver(for databases: Databases) -> any DatabaseDriver {
        CountingDriver(base: base.makeDriver(for: databases), counter: counter)
    }
}

private struct CountingDriver: DatabaseDriver {
    let base: any DatabaseDriver
    let counter: StatementCounter

    func makeDatabase(with context: DatabaseContext) -> any Database {
        CountingDatabase(base: base.makeDatabase(with: context), counter: counter)
    }

    func shutdown() { base.shutdown() }
    func shutdownAsync() async { await base.shutdownAsync() }
}

/// Both drivers' databases are SQL databases; this one passes every call on, counting.
private struct CountingDatabase: Database, SQLDatabase {
    let base: any Database
    let counter: StatementCounter
    private var sqlBase: any SQLDatabase { base as! any SQLDatabase }

    var context: DatabaseContext { base.context }
    var inTransaction: Bool { base.inTransaction }

    func execute(query: DatabaseQuery, onOutput: @escaping @Sendable (any DatabaseOutput) -> Void) -> EventLoopFuture<Void> {
        counter.add()
        return base.execute(query: query, onOutput: onOutput)
    }

    func execute(schema: DatabaseSchema) -> EventLoopFuture<Void> {
        counter.add()
        return base.execute(schema: schema)
    }

    func execute(enum: DatabaseEnum) -> EventLoopFuture<Void> {
        counter.add()
        return base.execute(enum: `enum`)
    }

    func transaction<T>(_ closure: @escaping @Sendable (any Database) -> EventLoopFuture<T>) -> EventLoopFuture<T> {
        let counter = counter
        return base.transaction { closure(CountingDatabase(base: $0, counter: counter)) }
    }

    func withConnection<T>(_ closure: @escaping @Sendable (any Database) -> EventLoopFuture<T>) -> EventLoopFuture<T> {
        let counter = counter
        return base.withConnection { closure(CountingDatabase(base: $0, counter: counter)) }
    }

    var dialect: any SQLDialect { sqlBase.dialect }
    var version: (any SQLDatabaseReportedVersion)? { sqlBase.version }
    var queryLogLevel: Logger.Level? { sqlBase.queryLogLevel }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) -> EventLoopFuture<Void> {
        counter.add()
        return sqlBase.execute(sql: query, onRow)
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        counter.add()
        try await sqlBase.execute(sql: query, onRow)
    }

    func withSession<R>(_ closure: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        // Nothing here runs statements through a session; what it would run is not counted.
        try await sqlBase.withSession(closure)
    }
}
