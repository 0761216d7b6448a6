import Fluent
import Vapor

/// `secor migrate`: runs every pending migration, without asking.
struct MigrateCommand: AsyncCommand {
    struct Signature: CommandSignature {}
    var help: String { "Runs every pending database migration." }

    func run(using context: CommandContext, signature: Signature) async throws {
        try await context.application.migrateAndPrepare()
        context.console.print("Migrations are up to date (\(context.application.secorConfig.database.name)).")
    }
}

/// `secor demo [--scale N]`: migrates and loads the demo data; running it again changes
/// nothing. With `--scale N`, also N generated employers with three years of records.
struct DemoCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "scale", help: "Also generate N employers with rosters, training, three years of daily records and audits")
        var scale: Int?
    }
    var help: String { "Migrates and loads the demo partners, employers and accounts (--scale N adds N generated employers)." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await app.migrateAndPrepare()
        guard let scale = signature.scale else { return try await DemoData.load(on: app) }
        guard (1...100_000).contains(scale) else { throw CommandFailure("--scale takes a number of employers from 1 to 100000.") }
        let started = Date()
        let summary = try await ScaleData.load(on: app, employers: scale)
        context.console.print("Scale data: \(summary.employers) employers added (\(summary.records) field records, \(summary.audits) audits) in \(Int(Date().timeIntervalSince(started))) s; \(scale - summary.employers) were already there.")
    }
}

/// `secor verify-log`: checks the whole audit-log chain; exits non-zero naming the
/// first broken entry.
struct VerifyLogCommand: AsyncCommand {
    struct Signature: CommandSignature {}
    var help: String { "Verifies the hash chain of the audit log." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let result = try await AuditLog.verify(on: context.application.db)
        if let broken = result.firstBroken {
            context.console.error("Audit log is broken: \(broken).")
            throw VerifyLogFailure(message: broken)
        }
        context.console.print("Audit log verified: \(result.entries) entries, chain intact.")
    }
}

struct VerifyLogFailure: Error, CustomStringConvertible {
    var message: String
    var description: String { "audit log broken: \(message)" }
}

/// A data file named on the command line (a profile, a protocol): its name for error
/// messages and its text, or one clear line saying why it cannot be read.
enum CommandFile {
    static func read(_ path: String) throws -> (name: String, text: String) {
        let url = URL(fileURLWithPath: path)
        guard FileManager.default.fileExists(atPath: url.path) else { throw CommandFailure("\(path): no such file.") }
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { throw CommandFailure("\(path): cannot be read as UTF-8 text.") }
        return (url.lastPathComponent, text)
    }
}
