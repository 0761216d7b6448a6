import Crypto
import Fluent
import Foundation
import NIOConcurrencyHelpers

/// The audit log's key and checkpoint, both kept outside the database, so that someone
/// with database access alone can neither rewrite the log (each entry's hash is an
/// HMAC-SHA-256 under a key they do not have) nor cut its newest entries (the checkpoint
/// file names the chain's head and length after every write that appended to it).
///
/// The key is `SECOR_LOG_KEY` (64 hex digits) or the file `audit-log.key` in the data
/// directory, made at first start with permissions 0600. Instances that share a database
/// must share the key. Registered as the database's model middleware (`Database.logSeal`
/// finds it), so every connection of the app, in every command, seals with the same key.
final class AuditLogSeal: AsyncModelMiddleware, Sendable {
    typealias Model = AuditLogEntryModel
    static let keyFileName = "audit-log.key"
    static let checkpointFileName = "audit-log.checkpoint"

    private let keyBox: NIOLockedValueBox<SymmetricKey>
    var key: SymmetricKey { keyBox.withLockedValue { $0 } }
    /// The append-only file of `seq hash` lines.
    let checkpointPath: String

    init(key: SymmetricKey, checkpointPath: String) {
        self.keyBox = NIOLockedValueBox(key)
        self.checkpointPath = checkpointPath
    }

    /// After `secor restore` put the backup's key back.
    func reloadKey(dataDirectory: String, environmentKey: String?) throws {
        let fresh = try Self.load(dataDirectory: dataDirectory, environmentKey: environmentKey).key
        keyBox.withLockedValue { $0 = fresh }
    }

    struct KeyProblem: Error, CustomStringConvertible {
        var description: String
    }

    static func load(dataDirectory: String, environmentKey: String?) throws -> AuditLogSeal {
        let checkpoint = (dataDirectory as NSString).appendingPathComponent(checkpointFileName)
        if let hex = environmentKey?.trimmingCharacters(in: .whitespacesAndNewlines), !hex.isEmpty {
            guard let bytes = Self.bytes(hex: hex), bytes.count >= 32 else {
                throw KeyProblem(description: "SECOR_LOG_KEY must be at least 64 hex digits (32 bytes); make one with `openssl rand -hex 32`.")
            }
            return AuditLogSeal(key: SymmetricKey(data: bytes), checkpointPath: checkpoint)
        }
        let fm = FileManager.default
        try fm.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        let path = (dataDirectory as NSString).appendingPathComponent(keyFileName)
        // O_EXCL: of two instances starting at once on one data directory, one makes the
        // key and the other reads it. Created 0600, so it is never readable by others.
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        if fd >= 0 {
            let fresh = Array((SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }.map { String(format: "%02x", $0) }.joined() + "\n").utf8)
            let written = write(fd, fresh, fresh.count)
            fsync(fd)
            close(fd)
            guard written == fresh.count else { throw KeyProblem(description: "Could not write the audit-log key \(path).") }
        }
        var text = ""
        for _ in 0..<50 {  // the other instance may be writing it this instant
            text = fm.contents(atPath: path).flatMap { String(data: $0, encoding: .utf8) } ?? ""
            if text.hasSuffix("\n") { break }
            usleep(20_000)
        }
        guard let bytes = Self.bytes(hex: text.trimmingCharacters(in: .whitespacesAndNewlines)), bytes.count >= 32 else {
            throw KeyProblem(description: "The audit-log key \(path) is not 64 hex digits; restore it from a backup.")
        }
        return AuditLogSeal(key: SymmetricKey(data: bytes), checkpointPath: checkpoint)
    }

    static func bytes(hex: String) -> [UInt8]? {
        let digits = Array(hex.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        for i in stride(from: 0, to: digits.count, by: 2) {
            guard let byte = UInt8(String(decoding: digits[i..<i + 2], as: UTF8.self), radix: 16) else { return nil }
            bytes.append(byte)
        }
        return bytes
    }

    func mac(_ input: String) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: Data(input.utf8), using: key)
        return Data(code).map { String(format: "%02x", $0) }.joined()
    }

    /// Every entry gets its keyed hash as it is written, whoever writes it.
    func create(model: AuditLogEntryModel, on db: any Database, next: any AnyAsyncModelResponder) async throws {
        model.hash = mac(AuditLog.hashInput(of: model))
        try await next.create(model, on: db)
    }

    // MARK: The checkpoint

    struct Checkpoint: Codable, Equatable, Sendable {
        var seq: Int
        var hash: String
    }

    /// The head this process last wrote to the checkpoint.
    private let written = NIOLockedValueBox<Int>(0)

    /// After a write transaction committed: the log's head, if it moved on since the last
    /// checkpoint this process wrote. Read after the commit, so a rolled-back entry never
    /// reaches the file. `known`: the head as a batch's writers left it (SQLite's group
    /// commit), so it need not be read again.
    func checkpointIfAdvanced(on db: Database, known: (seq: Int, hash: String)? = nil) async throws {
        var newest = known
        if newest == nil, let entry = try await AuditLogEntryModel.query(on: db).sort(\.$seq, .descending).first() {
            newest = (entry.seq, entry.hash)
        }
        guard let head = newest else { return }
        let advanced = written.withLockedValue { last in
            guard head.seq > last else { return false }
            last = head.seq
            return true
        }
        if advanced { try checkpoint(.init(seq: head.seq, hash: head.hash)) }
    }

    /// Appends `seq hash` to the checkpoint file (O_APPEND, so lines of concurrent writers
    /// never interleave) and flushes it to disk.
    func checkpoint(_ point: Checkpoint) throws {
        let fd = open(checkpointPath, O_WRONLY | O_APPEND | O_CREAT, 0o600)
        guard fd >= 0 else { throw KeyProblem(description: "Could not open the audit-log checkpoint \(checkpointPath).") }
        defer { close(fd) }
        let line = Array("\(point.seq) \(point.hash)\n".utf8)
        guard write(fd, line, line.count) == line.count else { throw KeyProblem(description: "Could not write the audit-log checkpoint \(checkpointPath).") }
        fsync(fd)
    }

    /// Every checkpoint written, oldest first; malformed lines are reported by `verify`.
    func checkpoints() -> (points: [Checkpoint], malformed: Int) {
        guard let text = FileManager.default.contents(atPath: checkpointPath).flatMap({ String(data: $0, encoding: .utf8) }) else { return ([], 0) }
        var points: [Checkpoint] = [], malformed = 0
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ")
            if parts.count == 2, let seq = Int(parts[0]), parts[1].count == 64 { points.append(.init(seq: seq, hash: String(parts[1]))) } else { malformed += 1 }
        }
        return (points, malformed)
    }

    /// Starts the checkpoint afresh at `point` (after a restore put an older database
    /// back); the old file is kept beside it.
    func resetCheckpoint(to point: Checkpoint?) throws {
        let fm = FileManager.default
        if fm.fileExists(atPath: checkpointPath) {
            let stamp = ISO8601DateFormatter().string(from: Date()).replacingOccurrences(of: ":", with: "")
            try fm.moveItem(atPath: checkpointPath, toPath: checkpointPath + ".before-restore-\(stamp)")
        }
        if let point { try checkpoint(point) }
        written.withLockedValue { $0 = point?.seq ?? 0 }
    }
}

extension Database {
    /// The app's audit-log key and checkpoint (registered with the database's middleware).
    var logSeal: AuditLogSeal {
        get throws {
            guard let seal = context.configuration.middleware.lazy.compactMap({ $0 as? AuditLogSeal }).first else {
                throw AuditLogSeal.KeyProblem(description: "No audit-log key is configured for this database.")
            }
            return seal
        }
    }
}
