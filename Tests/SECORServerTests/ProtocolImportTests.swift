import Fluent
@testable import SECORServer
import SECORCore
import XCTVapor

final class ProtocolImportTests: XCTestCase {
    func escSample() throws -> String {
        try AuditProtocol.bundledSamples().first { $0.value.partner == "esc" }!.yaml
    }

    // Rule A1: every database starts with both samples; a new version becomes current,
    // the earlier stays; the same file twice changes nothing.
    func testImportListsVersionsAndNewestIsCurrent() async throws {
        try await withApp(demo: false) { app in
            let service = ProtocolService(db: app.db)
            do { let rows = try await service.list(); XCTAssertEqual(Set(rows.map(\.partner)), ["esc", "acsa"]) }
            let first = try await service.current(partner: "esc").row.id
            let newer = try escSample().replacingOccurrences(of: "version: \"2026.1\"", with: "version: \"2027.1\"")
                .replacingOccurrences(of: "maxPoints: 5\n        scoring: {kind: yesNo}\n        evidenceKinds: [goals]",
                                      with: "maxPoints: 10\n        scoring: {kind: yesNo}\n        evidenceKinds: [goals]")
            guard case .imported(let id) = try await service.importProtocol(yaml: newer, file: "esc-2027.yaml", actor: nil) else {
                return XCTFail("not imported")
            }
            do { let current = try await service.current(partner: "esc"); XCTAssertEqual(current.row.id, id); XCTAssertEqual(current.value.version, "2027.1") }
            do { let old = try await service.version(first!); XCTAssertEqual(old.value.version, "2026.1") }
            do {
                let again = try await service.importProtocol(yaml: newer, file: "esc-2027.yaml", actor: nil)
                XCTAssertEqual(again, .unchanged(id))
            }
            let older = try await service.find(protocolId: "esc-secor-sample", version: "2026.1").value
            let changes = older.changes(to: try await service.current(partner: "esc").value).map(\.line)
            XCTAssertEqual(changes, ["Changed question 1.4: max points 5 → 10"])
            // Same version, other text: refused, not silently replaced.
            let conflicting = newer.replacingOccurrences(of: "maxPoints: 10\n        scoring: {kind: yesNo}\n        evidenceKinds: [goals]",
                                                         with: "maxPoints: 7\n        scoring: {kind: yesNo}\n        evidenceKinds: [goals]")
            do {
                _ = try await service.importProtocol(yaml: conflicting, file: "esc-2027b.yaml", actor: nil)
                XCTFail("a conflicting version was imported")
            } catch let error as DataFileError {
                XCTAssertEqual(error.field, "version")
            }
            let log = try await AuditLogEntryModel.query(on: app.db).filter(\.$action == "protocol.import").count()
            XCTAssertEqual(log, 3) // the two samples of the first migration, then this one
        }
    }

    // A file with errors (duplicate id, unknown element, negative points) names each with
    // file and line and imports nothing.
    func testAFileWithErrorsImportsNothing() async throws {
        try await withApp(demo: false) { app in
            let service = ProtocolService(db: app.db)
            let before = try await ProtocolVersionModel.query(on: app.db).count()
            let bad = try escSample().replacingOccurrences(of: "version: \"2026.1\"", with: "version: \"2027.1\"")
                .replacingOccurrences(of: "id: \"1.2\"", with: "id: \"1.1\"")
                .replacingOccurrences(of: "  - number: 6\n", with: "  - number: 9\n")
                .replacingOccurrences(of: "maxPoints: 5\n        scoring: {kind: yesNo}\n        evidenceKinds: [goals]",
                                      with: "maxPoints: -1\n        scoring: {kind: yesNo}\n        evidenceKinds: [goals]")
            do {
                _ = try await service.importProtocol(yaml: bad, file: "bad.yaml", actor: nil)
                XCTFail("imported a bad file")
            } catch let errors as DataFileErrors {
                XCTAssertEqual(errors.errors.map(\.field), ["elements[0].questions[1].id", "elements[0].questions[3].maxPoints", "elements[5].number"])
                XCTAssertTrue(errors.errors.allSatisfy { $0.file == "bad.yaml" && $0.line != nil }, "\(errors)")
            }
            let after = try await ProtocolVersionModel.query(on: app.db).count()
            XCTAssertEqual(before, after)
        }
    }
}
