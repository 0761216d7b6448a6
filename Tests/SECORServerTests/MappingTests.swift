@testable import SECORServer
import SECORCore
import XCTest

/// Every case of each domain enum the API shows maps to the document's enum and back, so a
/// case on one side only is found here (and a missing `switch` case does not compile).
final class MappingTests: XCTestCase {
    func assertBothWays<API: RawRepresentable & CaseIterable>(_ domain: [String], _ api: API.Type, _ mapped: [API],
                                                               file: StaticString = #filePath, line: UInt = #line) where API.RawValue == String {
        XCTAssertEqual(mapped.map(\.rawValue), domain, "domain → API", file: file, line: line)
        XCTAssertEqual(Set(API.allCases.map(\.rawValue)), Set(domain), "API → domain: every case of the document has a domain case", file: file, line: line)
    }

    func testRolesKindsAndDatabases() {
        let roles = Role.allCases
        assertBothWays(roles.map(\.rawValue), Components.Schemas.Me.RolePayload.self, roles.map(Components.Schemas.Me.RolePayload.init))
        assertBothWays(roles.map(\.rawValue), Components.Schemas.User.RolePayload.self, roles.map(Components.Schemas.User.RolePayload.init))
        assertBothWays(roles.map(\.rawValue), Components.Schemas.Invitation.RolePayload.self, roles.map(Components.Schemas.Invitation.RolePayload.init))
        let kinds: [OrganisationKind] = [.partner, .employer, .contractor]
        assertBothWays(kinds.map(\.rawValue), Components.Schemas.Organisation.KindPayload.self, kinds.map(Components.Schemas.Organisation.KindPayload.init))
        let databases: [AppConfig.DatabaseChoice] = [.sqlite(path: "x"), .postgres(url: "postgres://x")]
        assertBothWays(databases.map(\.name), Components.Schemas.Health.DatabasePayload.self, databases.map(Components.Schemas.Health.DatabasePayload.init))
    }

    func testEligibilityTrainingAndQA() {
        let reasons: [EligibilityIssue.Kind] = [.headcount, .wcbAccount, .membership, .training, .recordsHistory]
        assertBothWays(reasons.map(\.rawValue), Components.Schemas.EligibilityReason.KindPayload.self, reasons.map(Components.Schemas.EligibilityReason.KindPayload.init))
        let day = CalendarDay(2026, 12, 2)
        let states: [HoldingState] = [.held(until: day), .expiring(on: day, daysLeft: 3), .expired(on: day), .missing]
        typealias State = Components.Schemas.Matrix.WorkersPayloadPayload.CertificationsPayloadPayload.StatePayload
        assertBothWays(states.map(\.key), State.self, states.map(State.init))
        assertBothWays(QACheckItem.allCases.map(\.rawValue), Components.Schemas.QACheck.ItemPayload.self, QACheckItem.allCases.map(Components.Schemas.QACheck.ItemPayload.init))
    }

    // Rule: PDFs are bounded — two renders at once; a third waits its turn, and one that
    // waits too long gives up (the page answers 503 with Retry-After).
    func testRenderSlotsQueueAndGiveUp() async {
        let slots = RenderSlots(limit: 2)
        let first = await slots.enter(waiting: 1), second = await slots.enter(waiting: 1)
        XCTAssertTrue(first && second)
        let refused = await slots.enter(waiting: 0.05)
        XCTAssertFalse(refused)
        async let third = slots.enter(waiting: 5)
        try? await Task.sleep(nanoseconds: 50_000_000)
        await slots.leave()
        let admitted = await third
        XCTAssertTrue(admitted)
        let busy = await slots.busy
        XCTAssertEqual(busy, 2)
    }

    func testASlowCommandIsStopped() async throws {
        let started = Date()
        let result = try await Subprocess.run("/bin/sleep", ["30"], timeout: 0.5)
        XCTAssertNotEqual(result.status, 0)
        XCTAssertLessThan(Date().timeIntervalSince(started), 10)
    }
}
