import Foundation

/// R7: a review fee is a whole number of cents, typed as dollars ("350", "350.00",
/// "$1,250.50"). Integers throughout: no binary fractions, no wrapping.
public enum ReviewFee {
    /// No partner's review fee comes near this; a larger number is a typing mistake.
    public static let maximumCents = 10_000_000

    /// Cents from what was typed; nil for an empty box (no fee invoiced).
    public static func cents(fromDollars typed: String) throws -> Int? {
        var text = typed.trimmingCharacters(in: .whitespaces)
        if text.hasPrefix("$") { text.removeFirst() }
        text = text.replacingOccurrences(of: ",", with: "").trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { return nil }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        let whole = String(parts[0])
        let fraction = parts.count == 2 ? String(parts[1]) : ""
        guard parts.count <= 2, !whole.isEmpty, whole.count <= 9, whole.allSatisfy({ $0.isASCII && $0.isNumber }),
              fraction.count <= 2, fraction.allSatisfy({ $0.isASCII && $0.isNumber }), parts.count == 1 || !fraction.isEmpty,
              let dollars = Int(whole) else {
            throw FieldRefusal(field: "fee", message: "Give the fee in dollars and cents, e.g. 350.00 (at most two decimals).")
        }
        let cents = dollars * 100 + (fraction.isEmpty ? 0 : Int(fraction.padding(toLength: 2, withPad: "0", startingAt: 0))!)
        try check(cents: cents)
        return cents
    }

    public static func check(cents: Int) throws {
        guard cents >= 0 else { throw FieldRefusal(field: "fee", message: "The fee cannot be negative.") }
        guard cents <= maximumCents else {
            throw FieldRefusal(field: "fee", message: "The fee cannot be more than \(text(maximumCents)).")
        }
    }

    /// The day a fee was paid is today or earlier.
    public static func check(paidOn: CalendarDay?, today: CalendarDay) throws {
        if let paidOn, paidOn > today {
            throw FieldRefusal(field: "paidOn", message: "The fee cannot be paid on \(paidOn.readable), a day still to come.")
        }
    }

    /// "$1,250.50".
    public static func text(_ cents: Int) -> String {
        let dollars = String(cents / 100)
        var grouped = ""
        for (i, c) in dollars.reversed().enumerated() {
            if i > 0 && i % 3 == 0 { grouped.append(",") }
            grouped.append(c)
        }
        return "$" + String(grouped.reversed()) + "." + String(format: "%02d", cents % 100)
    }
}
