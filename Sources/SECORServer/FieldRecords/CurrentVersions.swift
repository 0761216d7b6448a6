import Fluent
import Foundation
import SECORCore

/// What a record says now: its current version's content and the sign-offs of that version.
/// The records CSV and the evidence binder read records through this one query, in two
/// statements whatever their number.
struct CurrentVersion: Sendable {
    var content: RecordContent?
    var signOffs: [SignOffModel]
}

enum CurrentVersions {
    static func of(_ records: [FieldRecordModel], on db: Database) async throws -> [UUID: CurrentVersion] {
        let ids = records.compactMap(\.id)
        guard !ids.isEmpty else { return [:] }
        let versions = try await FieldRecordVersionModel.query(on: db).filter(\.$record.$id ~~ ids).all()
        let signOffs = try await SignOffModel.query(on: db).filter(\.$record.$id ~~ ids).all()
        let byKey = Dictionary(versions.map { ("\($0.$record.id)#\($0.version)", $0) }, uniquingKeysWith: { a, _ in a })
        let signed = Dictionary(grouping: signOffs) { "\($0.$record.id)#\($0.version)" }
        var out: [UUID: CurrentVersion] = [:]
        for record in records {
            guard let id = record.id else { continue }
            let key = "\(id)#\(record.currentVersion)"
            let content = FieldRecordKind(rawValue: record.kind).flatMap { kind in
                byKey[key].flatMap { try? RecordContent.read(kind: kind, json: $0.content) } }
            out[id] = CurrentVersion(content: content, signOffs: signed[key] ?? [])
        }
        return out
    }
}
