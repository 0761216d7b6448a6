import XCTest
@testable import SECORCore

/// Rule V3: which changes of a watched certificate's standing the watcher is told of.
final class WatchChangeTests: XCTestCase {
    private func s(_ number: String?, _ state: PublicState?) -> WatchedStanding { WatchedStanding(certificateNumber: number, state: state) }

    // Rule V3: the cycle running as it should (a maintenance month opening, closing with the audit passed) tells nobody.
    func testTheCycleRunningAsItShouldIsQuiet() {
        XCTAssertNil(WatchEvent.between(s("C1", .active), s("C1", .active)))
        XCTAssertNil(WatchEvent.between(s("C1", .active), s("C1", .maintenanceDue)))
        XCTAssertNil(WatchEvent.between(s("C1", .maintenanceDue), s("C1", .active)))
        XCTAssertNil(WatchEvent.between(.none, .none))
    }

    // Rule V3: each step past the maintenance month's last day, and an expiry or cancellation, is told.
    func testEachProblemIsTold() {
        XCTAssertEqual(WatchEvent.between(s("C1", .maintenanceDue), s("C1", .maintenanceOverdue)), .maintenanceOverdue)
        XCTAssertEqual(WatchEvent.between(s("C1", .maintenanceOverdue), s("C1", .lapsed)), .lapsed)
        // A sweep that missed the overdue days goes straight to lapsed.
        XCTAssertEqual(WatchEvent.between(s("C1", .maintenanceDue), s("C1", .lapsed)), .lapsed)
        XCTAssertEqual(WatchEvent.between(s("C1", .active), s("C1", .expired)), .expired)
        XCTAssertEqual(WatchEvent.between(s("C1", .maintenanceDue), s("C1", .cancelled)), .cancelled)
        XCTAssertEqual(WatchEvent.between(s("C1", .lapsed), s("C1", .cancelled)), .cancelled)
    }

    // Rule V3: a new certificate in good standing is a renewal; back to good standing on the same one is a reinstatement.
    func testRenewalAndReinstatement() {
        XCTAssertEqual(WatchEvent.between(s("C1", .expired), s("C2", .active)), .renewed)
        XCTAssertEqual(WatchEvent.between(s("C1", .maintenanceDue), s("C2", .active)), .renewed)
        XCTAssertEqual(WatchEvent.between(s("C1", .maintenanceOverdue), s("C1", .active)), .reinstated)
        XCTAssertEqual(WatchEvent.between(s("C1", .lapsed), s("C1", .maintenanceDue)), .reinstated)
        // A new certificate that is already cancelled is told as what it is.
        XCTAssertEqual(WatchEvent.between(s("C1", .active), s("C2", .cancelled)), .cancelled)
    }

    // Rule V3: a holder watched by WCB account gaining its first certificate, and a certificate that can no longer be seen.
    func testAppearingAndDisappearing() {
        XCTAssertEqual(WatchEvent.between(.none, s("C1", .active)), .certified)
        XCTAssertEqual(WatchEvent.between(.none, s("C1", .lapsed)), .lapsed)
        XCTAssertEqual(WatchEvent.between(s("C1", .active), .none), .noCertificate)
    }

    // The standing survives being kept as text between sweeps.
    func testKeyRoundTrip() {
        for standing in [s("ESC-2026-0001", .maintenanceOverdue), .none, s("X", .active)] {
            XCTAssertEqual(WatchedStanding(key: standing.key), standing)
        }
        XCTAssertEqual(WatchedStanding.none.key, "")
    }
}
