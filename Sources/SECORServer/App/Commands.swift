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

/// `secor demo`: migrates and loads the demo data; running it again changes nothing.
struct DemoCommand: AsyncCommand {
    struct Signature: CommandSignature {}
    var help: String { "Migrates and loads the demo partners, employers and accounts." }

    func run(using context: CommandContext, signature: Signature) async throws {
        try await context.application.migrateAndPrepare()
        try await DemoData.load(on: context.application)
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
