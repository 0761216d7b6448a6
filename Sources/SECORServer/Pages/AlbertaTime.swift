import Foundation

/// One way to show a moment on a page: Alberta's clock, "1 December 2026, 14:02" (with
/// seconds where they tell tries apart, as in a webhook's delivery log).
enum AlbertaTime {
    private static let zone = TimeZone(identifier: "America/Edmonton")!

    static func readable(_ date: Date, seconds: Bool = false) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = zone
        formatter.dateFormat = seconds ? "d MMMM yyyy, HH:mm:ss" : "d MMMM yyyy, HH:mm"
        return formatter.string(from: date)
    }
}
