import Fluent
import SECORCore
import Vapor

/// `secor protocol import FILE | list | diff ID VERSION VERSION` (A1).
enum ProtocolCommands {
    static func group() -> any AsyncCommandGroup {
        var commands = AsyncCommands()
        commands.use(Import(), as: "import")
        commands.use(List(), as: "list")
        commands.use(Diff(), as: "diff")
        return commands.group(help: "Imports, lists and compares audit protocol versions.")
    }

    struct Import: AsyncCommand {
        struct Signature: CommandSignature {
            @Argument(name: "file", help: "The protocol YAML file.") var file: String
        }
        var help: String { "Validates a protocol file and imports it as a new version; on any error nothing is imported." }

        func run(using context: CommandContext, signature: Signature) async throws {
            let app = context.application
            try await app.migrateAndPrepare()
            let (name, yaml) = try CommandFile.read(signature.file)
            switch try await ProtocolService(db: app.db).importProtocol(yaml: yaml, file: name, actor: nil,
                                                                        partners: Set(app.programs.profiles.keys)) {
            case .imported: context.console.print("Imported \(name).")
            case .unchanged: context.console.print("\(name) is already imported with the same content; nothing changed.")
            }
        }
    }

    struct List: AsyncCommand {
        struct Signature: CommandSignature {}
        var help: String { "Lists every imported protocol version, the current one of each partner marked." }

        func run(using context: CommandContext, signature: Signature) async throws {
            let app = context.application
            try await app.migrateAndPrepare()
            let service = ProtocolService(db: app.db)
            let rows = try await service.list()
            for partner in Set(rows.map(\.partner)).sorted() {
                let current = try await service.current(partner: partner).row.id
                for row in rows where row.partner == partner {
                    let value = try service.decoded(row)
                    context.console.print("\(row.id == current ? "*" : " ") \(partner)  \(row.protocolId)  \(row.version)  "
                        + "\(value.questions.count) questions  imported \(row.importedAt.map { ISO8601DateFormatter().string(from: $0) } ?? "")  \(row.title)")
                }
            }
        }
    }

    struct Diff: AsyncCommand {
        struct Signature: CommandSignature {
            @Argument(name: "id", help: "The protocol id, e.g. esc-secor-sample.") var id: String
            @Argument(name: "from", help: "The older version.") var from: String
            @Argument(name: "to", help: "The newer version.") var to: String
        }
        var help: String { "Shows what changed between two versions of a protocol, question by question." }

        func run(using context: CommandContext, signature: Signature) async throws {
            let service = ProtocolService(db: context.application.db)
            let older = try await service.find(protocolId: signature.id, version: signature.from).value
            let newer = try await service.find(protocolId: signature.id, version: signature.to).value
            let changes = older.changes(to: newer)
            if changes.isEmpty { context.console.print("No differences.") }
            for change in changes { context.console.print(change.line) }
        }
    }
}
