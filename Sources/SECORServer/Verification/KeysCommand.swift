import Vapor

/// `secor keys rotate`: a new Ed25519 key signs verification answers from now on; every
/// older key stays in `/.well-known/jwks.json` so proofs kept by contractors still verify.
/// `secor keys list` prints the key ids, newest last.
struct KeysCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "action", help: "rotate or list")
        var action: String
    }

    var help: String { "Rotates or lists the keys that sign public verification answers." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let db = context.application.db
        switch signature.action {
        case "rotate":
            let kid = try await VerificationKeys.rotate(on: db)
            context.console.print("New signing key \(kid); \(try await VerificationKeys.all(on: db).count) key(s) published in /.well-known/jwks.json.")
        case "list":
            for key in try await VerificationKeys.all(on: db) { context.console.print(key.kid) }
        default:
            throw KeysCommandError(message: "secor keys rotate | list (not '\(signature.action)')")
        }
    }
}

struct KeysCommandError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
