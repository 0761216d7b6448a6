import Crypto
import Fluent
import Foundation
import NIOConcurrencyHelpers
import SECORCore
import Vapor

/// The bundled samples, read once.
enum AuditProtocolSamples {
    static func all() throws -> [(file: String, yaml: String, value: AuditProtocol)] {
        try AuditProtocol.bundledSamples()
    }
}

/// Imports, lists and compares protocol versions (A1).
struct ProtocolService {
    let db: Database

    enum ImportResult: Equatable {
        case imported(UUID)
        /// The same version with the same content is already there: nothing to do.
        case unchanged(UUID)
    }

    /// Validates the whole file first and stores nothing on any error.
    /// `partners`: the profile ids a protocol may belong to (the catalog in use; the bundled
    /// ones when nil, as in the first migration).
    func importProtocol(yaml: String, file: String, actor: UUID?, partners: Set<String>? = nil) async throws -> ImportResult {
        let value = try AuditProtocol.load(yaml: yaml, file: file, partners: try partners ?? Set(ProgramProfile.bundled().keys))
        let hash = SHA256.hash(data: Data(yaml.utf8)).hex
        return try await db.writeTransaction { db in
            if let existing = try await ProtocolVersionModel.query(on: db)
                .filter(\.$protocolId == value.id).filter(\.$version == value.version).first() {
                guard existing.contentHash == hash else {
                    throw DataFileError(file: file, line: nil, field: "version",
                                        message: "\(value.id) version \(value.version) is already imported with different content; give the new text a new version")
                }
                return .unchanged(try existing.requireID())
            }
            let row = ProtocolVersionModel(protocolId: value.id, partner: value.partner, version: value.version, title: value.title,
                                           sourceFile: file, yaml: yaml, contentHash: hash, importedBy: actor)
            try await row.create(on: db)
            try await AuditLog.append(on: db, actor: actor, action: "protocol.import", entity: "protocol_version",
                                      entityId: try row.requireID().uuidString,
                                      detail: "Imported \(value.id) version \(value.version) from \(file)")
            return .imported(try row.requireID())
        }
    }

    func list(partner: String? = nil) async throws -> [ProtocolVersionModel] {
        var query = ProtocolVersionModel.query(on: db)
        if let partner { query = query.filter(\.$partner == partner) }
        return try await query.sort(\.$partner).sort(\.$importedAt).all()
    }

    /// The version a new audit of this partner is registered with: the latest imported.
    func current(partner: String) async throws -> (row: ProtocolVersionModel, value: AuditProtocol) {
        guard let row = try await ProtocolVersionModel.query(on: db).filter(\.$partner == partner)
            .sort(\.$importedAt, .descending).first() else {
            throw Abort(.notFound, reason: "No protocol is imported for \(partner).")
        }
        return (row, try decoded(row))
    }

    func version(_ id: UUID) async throws -> (row: ProtocolVersionModel, value: AuditProtocol) {
        guard let row = try await ProtocolVersionModel.find(id, on: db) else {
            throw Abort(.notFound, reason: "No such protocol version.")
        }
        return (row, try decoded(row))
    }

    func find(protocolId: String, version: String) async throws -> (row: ProtocolVersionModel, value: AuditProtocol) {
        guard let row = try await ProtocolVersionModel.query(on: db).filter(\.$protocolId == protocolId)
            .filter(\.$version == version).first() else {
            throw Abort(.notFound, reason: "\(protocolId) has no version \(version).")
        }
        return (row, try decoded(row))
    }

    /// Rows never change once imported, so their decoded form is kept by content hash.
    func decoded(_ row: ProtocolVersionModel) throws -> AuditProtocol {
        if let cached = Self.cache.withLockedValue({ $0[row.contentHash] }) { return cached }
        let value = try AuditProtocol.load(yaml: row.yaml, file: row.sourceFile)
        Self.cache.withLockedValue { $0[row.contentHash] = value }
        return value
    }

    private static let cache = NIOLockedValueBox<[String: AuditProtocol]>([:])
}
