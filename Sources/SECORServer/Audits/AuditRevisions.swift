import Fluent
import Foundation
import SECORCore

/// S4, Q12: every submitted revision stays readable, as it was frozen. One read for the
/// pages and the API.
struct AuditRevisions {
    let db: Database

    struct Revision: Sendable {
        var number: Int
        var submittedAt: Date?
        var submittedVia: String
        var submittedBy: String
        var contentHash: String
        /// The frozen report; nil only for a row that no longer decodes (never expected).
        var content: AuditWorkService.ReportContent?
        var json: String
    }

    func list(_ loaded: LoadedAudit) async throws -> [Revision] {
        let rows = try await AuditRevisionModel.query(on: db).filter(\.$audit.$id == loaded.id).sort(\.$revision).all()
        let names = try await UserModel.query(on: db).filter(\.$id ~~ Array(Set(rows.map(\.submittedBy)))).all()
        return rows.map { row in
            Revision(number: row.revision, submittedAt: row.submittedAt, submittedVia: row.submittedVia,
                     submittedBy: names.first { $0.id == row.submittedBy }?.name ?? "",
                     contentHash: row.contentHash, content: JSONText.decode(row.content, as: AuditWorkService.ReportContent.self), json: row.content)
        }
    }

    /// The frozen JSON as a reader without `readConfidential` may see it: the sampling
    /// sheets' who and notes blanked (the content hash stays the hash of the whole).
    static func withoutConfidential(_ json: String) -> String {
        guard var object = (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String: Any],
              let sheets = object["sheets"] as? [[String: Any]] else { return json }
        object["sheets"] = sheets.map { row in row.merging(["subject": "", "note": ""]) { $1 } }
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return json }
        return String(decoding: data, as: UTF8.self)
    }

    func revision(_ loaded: LoadedAudit, _ number: Int?) async throws -> Revision {
        guard let number, let found = try await list(loaded).first(where: { $0.number == number }) else { throw AppError.notFound("revision") }
        return found
    }
}
