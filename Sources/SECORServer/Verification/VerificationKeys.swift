import Crypto
import Fluent
import Foundation
import JWTKit
import NIOConcurrencyHelpers

/// V2: the platform's Ed25519 keys that sign public verification answers. Kept in the
/// database so every app instance signs with the same key; the newest signs, every key
/// stays published in `/.well-known/jwks.json` so an old proof still verifies after
/// `secor keys rotate`.
final class VerificationKeyModel: Model, @unchecked Sendable {
    static let schema = "verification_keys"

    @ID(key: .id) var id: UUID?
    @Field(key: "kid") var kid: String
    /// The raw 32-byte private key, base64.
    @Field(key: "private_key") var privateKey: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}
}

struct CreateVerificationKeys: AsyncMigration {
    var name: String { "2026-12-02-create-verification-keys" }

    func prepare(on db: Database) async throws {
        try await db.schema("verification_keys")
            .id()
            .field("kid", .string, .required)
            .field("private_key", .string, .required)
            .field("created_at", .datetime)
            .unique(on: "kid")
            .create()
    }

    func revert(on db: Database) async throws { try await db.schema("verification_keys").delete() }
}

enum VerificationKeys {
    struct Key: Sendable {
        var kid: String
        var privateKey: EdDSA.PrivateKey
    }

    /// Every key, oldest first; creates the first one when there is none.
    static func all(on db: Database) async throws -> [Key] {
        var rows = try await VerificationKeyModel.query(on: db).sort(\.$createdAt).sort(\.$kid).all()
        if rows.isEmpty {
            try await rotate(on: db)
            rows = try await VerificationKeyModel.query(on: db).sort(\.$createdAt).sort(\.$kid).all()
        }
        return try rows.map { row in
            guard let raw = Data(base64Encoded: row.privateKey) else { throw AppError(status: .internalServerError, message: "A verification key is unreadable.") }
            return Key(kid: row.kid, privateKey: EdDSA.PrivateKey(backing: try Curve25519.Signing.PrivateKey(rawRepresentation: raw)))
        }
    }

    /// Adds a new key; from now on it signs. Returns its key id.
    @discardableResult
    static func rotate(on db: Database) async throws -> String {
        let key = Curve25519.Signing.PrivateKey()
        let row = VerificationKeyModel()
        row.kid = "secor-" + String(SHA256.hash(data: key.publicKey.rawRepresentation).hex.prefix(16))
        row.privateKey = key.rawRepresentation.base64EncodedString()
        try await db.writeTransaction { db in
            try await row.create(on: db)
            try await AuditLog.append(on: db, actor: nil, action: "keys.rotate", entity: "verification_key", entityId: row.kid,
                                      detail: "a new Ed25519 key signs public verification answers")
        }
        return row.kid
    }

    /// The public half of every key, as a JWK Set.
    static func jwks(_ keys: [Key]) -> JWKS {
        JWKS(keys: keys.map { key in
            JWK.octetKeyPair(.eddsa, identifier: JWKIdentifier(string: key.kid),
                             x: key.privateKey.publicKey.rawRepresentation.base64URLEncoded(), y: nil, curve: .ed25519)
        })
    }

    /// The signing collection of the newest key, kept while that key is the newest (one
    /// small read per answer finds out; a rotation on any instance shows at once).
    private static let signer = NIOLockedValueBox<(kid: String, keys: JWTKeyCollection)?>(nil)

    /// Signs `payload` with the newest key (compact JWS, `alg` EdDSA, `kid` in the header).
    static func sign(_ payload: some JWTPayload, on db: Database) async throws -> String {
        let newestKid = try await VerificationKeyModel.query(on: db).sort(\.$createdAt, .descending).sort(\.$kid, .descending).first()?.kid
        if let newestKid, let kept = signer.withLockedValue({ $0 }), kept.kid == newestKid {
            return try await kept.keys.sign(payload, kid: JWKIdentifier(string: newestKid))
        }
        guard let newest = try await all(on: db).last else { throw AppError(status: .internalServerError, message: "No verification key.") }
        let keys = JWTKeyCollection()
        await keys.add(eddsa: newest.privateKey, kid: JWKIdentifier(string: newest.kid))
        signer.withLockedValue { $0 = (newest.kid, keys) }
        return try await keys.sign(payload, kid: JWKIdentifier(string: newest.kid))
    }
}
