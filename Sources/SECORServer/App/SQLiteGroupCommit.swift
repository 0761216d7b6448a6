import Fluent
import SQLKit

/// Group commit for SQLite's one writer (issue 21).
///
/// SQLite lets one connection write at a time, and each commit costs an fsync and the
/// queue's hold time; under load, writes queued one by one made the queue the limit. Here
/// the first writer to arrive leads a batch: it takes a connection, opens `BEGIN IMMEDIATE`
/// and runs its work in a savepoint; then every writer that arrived meanwhile takes its
/// turn on that connection, each in its own savepoint, so one that fails rolls back alone.
/// One `COMMIT` ends the batch, and only then is any of them answered. Writers arriving
/// during the commit wait for the next batch, led by the first of them.
///
/// Each writer runs its own work in its own task (request task-locals stay as they were);
/// only the connection is handed from one to the next.
actor SQLiteGroupCommit {
    static let shared = SQLiteGroupCommit()

    /// A batch stops taking writers at this size, so none waits behind an endless batch.
    static let largestBatch = 64

    private enum Turn: Sendable {
        case lead
        case join(any Database, AuditLog.BatchHead)
    }

    /// Batches committed since start (tests read it to see writes share commits).
    private(set) var batches = 0
    private var leading = false
    private var waiting: [CheckedContinuation<Turn, Never>] = []
    /// The leader, waiting for the writer whose turn it is; `true` while the transaction holds.
    private var turnEnded: CheckedContinuation<Bool, Never>?
    /// The writers of this batch whose work waits for the commit.
    private var awaitingCommit: [CheckedContinuation<Void, any Error>] = []

    /// Runs `body` as one member of a batch; returns once the batch is committed.
    nonisolated func write<T: Sendable>(on db: any Database, _ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        switch await enter() {
        case .lead:
            return try await lead(on: db, body)
        case .join(let connection, let head):
            let (result, intact) = await Self.inSavepoint(connection, head, body)
            // A writer whose work rolled back is still answered after the batch ends: when it
            // failed against an earlier member's write (a retry sent twice takes one unique
            // key), that write is then committed, and the answer can name it.
            if case .failure(let error) = result {
                try? await endTurnAwaitingCommit(intact: intact)
                throw error
            }
            try await endTurnAwaitingCommit(intact: intact)
            return try result.get()
        }
    }

    private nonisolated func lead<T: Sendable>(on db: any Database, _ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        let outcome: Result<T, any Error>
        do {
            outcome = try await db.withConnection { connection in
                let sql = connection as! any SQLDatabase
                try await sql.raw("BEGIN IMMEDIATE").run()
                let head = AuditLog.BatchHead()
                var (result, intact) = await Self.inSavepoint(connection, head, body)
                var members = 1
                while intact, members < Self.largestBatch, let next = await self.passTurn(on: connection, head) {
                    intact = next
                    members += 1
                }
                do {
                    try await sql.raw("COMMIT").run()
                } catch {
                    try? await sql.raw("ROLLBACK").run()
                    throw error
                }
                // The batch is durable: seal the audit log's newest entry once for all of it.
                // Its writes stand whether or not the checkpoint file can be written; a
                // missing checkpoint only weakens the tail check, so it is logged, not thrown.
                do {
                    try await connection.logSeal.checkpointIfAdvanced(on: connection, known: head.entry)
                } catch {
                    connection.logger.error("Audit-log checkpoint not written: \(error)")
                }
                return result
            }
            await finishBatch(.success(()))
        } catch {
            await finishBatch(.failure(error))
            throw error
        }
        return try outcome.get()
    }

    /// Runs `body` in a savepoint: released when it succeeds, rolled back when it throws.
    /// `intact` is false when the transaction itself is gone (SQLite ends it on some errors,
    /// such as a full disk); the batch then stops, and its commit fails for everyone in it.
    /// `head`: the audit log's head in this batch, as the writers before left it.
    private static func inSavepoint<T: Sendable>(_ connection: any Database, _ head: AuditLog.BatchHead,
                                                 _ body: @escaping @Sendable (any Database) async throws -> T) async -> (Result<T, any Error>, intact: Bool) {
        let sql = connection as! any SQLDatabase
        let headBefore = head.entry
        do {
            try await sql.raw("SAVEPOINT write").run()
        } catch {
            return (.failure(error), false)
        }
        do {
            let value = try await AuditLog.$batchHead.withValue(head) { try await body(connection) }
            do {
                try await sql.raw("RELEASE write").run()
                return (.success(value), true)
            } catch {
                return (.failure(error), false)
            }
        } catch let failure {
            head.entry = headBefore  // its entries are rolled back with it
            // The writer hears its own error, whether or not the rollback to its savepoint worked.
            do {
                try await sql.raw("ROLLBACK TO write").run()
                try await sql.raw("RELEASE write").run()
                return (.failure(failure), true)
            } catch {
                return (.failure(failure), false)
            }
        }
    }

    // MARK: The queue

    private func enter() async -> Turn {
        guard leading else { leading = true; return .lead }
        return await withCheckedContinuation { waiting.append($0) }
    }

    /// The leader hands the connection to the next writer waiting and waits for its turn to
    /// end; nil when nobody waits. The answer is whether the transaction still holds.
    private func passTurn(on connection: any Database, _ head: AuditLog.BatchHead) async -> Bool? {
        guard !waiting.isEmpty else { return nil }
        let next = waiting.removeFirst()
        return await withCheckedContinuation { ended in
            turnEnded = ended
            next.resume(returning: .join(connection, head))
        }
    }

    private func endTurn(intact: Bool) {
        turnEnded?.resume(returning: intact)
        turnEnded = nil
    }

    private func endTurnAwaitingCommit(intact: Bool) async throws {
        try await withCheckedThrowingContinuation { (committed: CheckedContinuation<Void, any Error>) in
            awaitingCommit.append(committed)
            endTurn(intact: intact)
        }
    }

    /// Answers the batch's writers, then lets the first writer waiting lead the next batch.
    private func finishBatch(_ outcome: Result<Void, any Error>) {
        batches += 1
        for member in awaitingCommit { member.resume(with: outcome) }
        awaitingCommit = []
        if waiting.isEmpty { leading = false } else { waiting.removeFirst().resume(returning: .lead) }
    }
}
