import Fluent
import SECORCore
import Vapor

/// `secor profile import FILE | list`: a partner's program profile as versioned data.
enum ProfileCommands {
    static func group() -> any AsyncCommandGroup {
        var commands = AsyncCommands()
        commands.use(Import(), as: "import")
        commands.use(List(), as: "list")
        return commands.group(help: "Imports and lists program profile versions (a partner's numbers, courses and rules).")
    }

    struct Import: AsyncCommand {
        struct Signature: CommandSignature {
            @Argument(name: "file", help: "The profile YAML file.") var file: String
        }
        var help: String { "Validates a program profile and imports it as the next version of its id; on any error nothing is imported." }

        func run(using context: CommandContext, signature: Signature) async throws {
            let app = context.application
            try await app.migrateAndPrepare()
            let (name, yaml) = try CommandFile.read(signature.file)
            switch try await ProgramProfileService(db: app.db).importProfile(yaml: yaml, file: name, actor: nil) {
            case .imported(let id, let version):
                context.console.print("Imported profile \(id) version \(version) from \(name). A running server picks it up within a minute.")
            case .unchanged(let id, let version):
                context.console.print("\(name) is already profile \(id) version \(version); nothing changed.")
            }
        }
    }

    struct List: AsyncCommand {
        struct Signature: CommandSignature {}
        var help: String { "Lists the program profiles in use (bundled or imported) and every imported version." }

        func run(using context: CommandContext, signature: Signature) async throws {
            let app = context.application
            try await app.migrateAndPrepare()
            let rows = try await ProgramProfileService(db: app.db).list()
            for profile in app.programs.all {
                let versions = rows.filter { $0.profileId == profile.id }
                let source = versions.last.map { "imported version \($0.version) (\($0.sourceFile))" } ?? "bundled"
                context.console.print("* \(profile.id)  \(profile.partnerName)  \(source)")
                for row in versions.dropLast() {
                    context.console.print("    version \(row.version)  \(row.sourceFile)  imported \(row.importedAt.map { ISO8601DateFormatter().string(from: $0) } ?? "")")
                }
            }
        }
    }
}
