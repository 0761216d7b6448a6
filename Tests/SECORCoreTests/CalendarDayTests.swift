import XCTest
@testable import SECORCore

final class CalendarDayTests: XCTestCase {
    func testParsesAndRejectsDates() throws {
        XCTAssertEqual(try CalendarDay(iso: "2024-02-29"), CalendarDay(2024, 2, 29))
        XCTAssertThrowsError(try CalendarDay(iso: "2023-02-29"))
        XCTAssertThrowsError(try CalendarDay(iso: "2023-13-01"))
        XCTAssertThrowsError(try CalendarDay(iso: "23-1-1"))
        XCTAssertThrowsError(try CalendarDay(iso: "2023-04-31"))
    }

    func testDayNumbersRoundTripAcrossCenturies() {
        for n in stride(from: -800_000, through: 800_000, by: 997) {
            XCTAssertEqual(CalendarDay(dayNumber: n).dayNumber, n)
        }
        XCTAssertEqual(CalendarDay(1970, 1, 1).dayNumber, 0)
        XCTAssertEqual(CalendarDay(2000, 3, 1).adding(days: -1), CalendarDay(2000, 2, 29))
        XCTAssertEqual(CalendarDay(1900, 3, 1).adding(days: -1), CalendarDay(1900, 2, 28))
    }

    func testMonthAndYearArithmeticClampsToTheMonth() {
        XCTAssertEqual(CalendarDay(2024, 1, 31).adding(months: 1), CalendarDay(2024, 2, 29))
        XCTAssertEqual(CalendarDay(2023, 1, 31).adding(months: 1), CalendarDay(2023, 2, 28))
        XCTAssertEqual(CalendarDay(2024, 3, 15).adding(months: -12), CalendarDay(2023, 3, 15))
        XCTAssertEqual(CalendarDay(2024, 2, 29).adding(years: 4), CalendarDay(2028, 2, 29))
        XCTAssertEqual(CalendarDay(2024, 1, 15).adding(months: -1), CalendarDay(2023, 12, 15))
    }

    // Dates are Alberta calendar days: an instant late in the evening in Edmonton is
    // already tomorrow in UTC, and daylight-saving changes move neither.
    func testInstantsBecomeAlbertaDaysAcrossDaylightSaving() {
        // 2026-03-08 is the spring-forward day in Alberta (02:00 MST → 03:00 MDT).
        let beforeChange = Date(timeIntervalSince1970: 1_772_953_200) // 2026-03-08 07:00 UTC = 00:00 MST
        XCTAssertEqual(CalendarDay(beforeChange), CalendarDay(2026, 3, 8))
        XCTAssertEqual(CalendarDay(beforeChange.addingTimeInterval(-1)), CalendarDay(2026, 3, 7))
        // 23:59:59 MDT on 2026-03-08 is 05:59:59 UTC on the 9th.
        let endOfDay = Date(timeIntervalSince1970: 1_773_035_999)
        XCTAssertEqual(CalendarDay(endOfDay), CalendarDay(2026, 3, 8))
        XCTAssertEqual(CalendarDay(endOfDay.addingTimeInterval(1)), CalendarDay(2026, 3, 9))
        // 2026-11-01 fall-back day has 25 hours; 23:30 MST that day is 06:30 UTC on the 2nd.
        let lateFallBack = Date(timeIntervalSince1970: 1_762_065_000 + 365 * 86_400)
        XCTAssertEqual(CalendarDay(lateFallBack), CalendarDay(2026, 11, 1))
    }

    func testReadableDates() {
        XCTAssertEqual(CalendarDay(2026, 6, 3).readable, "3 June 2026")
        XCTAssertEqual(CalendarDay(2026, 6, 3).iso, "2026-06-03")
    }
}
