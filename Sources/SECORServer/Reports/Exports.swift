import Fluent
import Foundation
import SECORCore
import Vapor

/// The CSV exports: an employer's records and a partner's cycle list. Pages and the API
/// call the same functions; each reads in a fixed number of statements.
enum Exports {
    /// One row per record: kind, day, time, site, the people it names, its sign-offs of the
    /// current version, and its version. Oldest first.
    static func records(_ ref: EmployerRef, on db: Database) async throws -> String {
        let records = try await FieldRecordModel.query(on: db).filter(\.$employer.$id == ref.id)
            .sort(\.$occurredOn).sort(\.$occurredTime).all()
        let current = try await CurrentVersions.of(records, on: db)
        let rows: [[String]] = records.map { r in
            let kind = FieldRecordKind(rawValue: r.kind)
            let now = r.id.flatMap { current[$0] }
            let content = now?.content
            let signed = (now?.signOffs ?? []).map { "\($0.signerName) (\($0.signOffRole.label), \(CalendarDay($0.signedAt).iso))" }
            return [kind?.title ?? r.kind, r.occurredOn, r.occurredTime, r.site,
                    (content?.namedPeople ?? []).map(\.name).joined(separator: "; "), signed.joined(separator: "; "),
                    String(r.currentVersion), r.id?.uuidString ?? ""]
        }
        return CSVText.table(header: ["Kind", "Day", "Time", "Site", "People", "Sign-offs", "Version", "Record id"], rows: rows)
    }

    /// One row per employer of the partner: certificate, state, expiry, next audit, warnings.
    static func cycle(_ statuses: [CycleService.Status]) -> String {
        CSVText.table(header: ["Employer", "Certificate", "State", "Issued", "Expires", "Next audit", "Due by", "Cycle year", "Warnings"],
                      rows: statuses.map { s in
            [s.employerName, s.certificate?.number ?? "", s.status.label, s.certificate?.issuedOn ?? "", s.expiry?.iso ?? "",
             s.next.type.label, s.next.dueBy?.iso ?? "now", String(s.next.cycleYear), s.warnings.joined(separator: " ")]
        })
    }

    static func response(_ csv: String, filename: String) -> Response {
        let response = Response(status: .ok, body: .init(string: csv))
        response.headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(filename)\"")
        return response
    }
}
