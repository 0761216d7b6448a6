import Leaf
import SECORCore

/// `#day(iso)`: a YYYY-MM-DD value as pages show every date ("1 December 2026"); any
/// other text as it is. One date format everywhere.
struct DayTag: LeafTag {
    func render(_ ctx: LeafContext) throws -> LeafData {
        guard let text = ctx.parameters.first?.string else { return .string("") }
        return .string((try? CalendarDay(iso: text).readable) ?? text)
    }
}
