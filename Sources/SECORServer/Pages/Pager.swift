import Foundation
import Vapor

/// One page of a long list (records, employers, the cycle): a thousand employers or three
/// years of daily records would make pages of hundreds of kilobytes on a phone. Links to
/// the pages around it keep the list's filters.
struct Pager: Encodable {
    static let size = 50

    /// "Employers 51–100 of 1,000"; empty when nothing is shown.
    var note: String
    var previous: String?
    var next: String?
    var previousLabel: String
    var nextLabel: String

    /// The `page` query parameter, validated (1 when absent).
    static func page(_ req: Request, param: String = "page") throws -> Int {
        let raw = req.query[String.self, at: param] ?? "1"
        guard let page = Int(raw), (1...100_000).contains(page) else { throw AppError.invalid(param, "Page must be a whole number from 1.") }
        return page
    }

    /// `shown` items of page `page`; `total` when the list's length is known, else
    /// `hasMore` says whether another page follows. `param` names the page in the query
    /// (a page with two long lists pages each on its own).
    init(path: String, filters: [(String, String)], param: String = "page", page: Int, shown: Int, total: Int? = nil, hasMore: Bool = false, noun: String, order: String = "",
         labels: (previous: String, next: String) = ("Previous", "Next")) {
        previousLabel = labels.previous
        nextLabel = labels.next
        let first = (page - 1) * Self.size + 1
        let count = total.map { " of \($0.formatted())" } ?? ""
        note = shown == 0 ? "" : "\(noun) \(first)–\(first + shown - 1)\(count)\(order.isEmpty ? "" : ", \(order)")"
        let link = { (page: Int) -> String in Self.link(path, filters + [(param, page > 1 ? String(page) : "")]) }
        previous = page > 1 ? link(page - 1) : nil
        let more = total.map { first - 1 + shown < $0 } ?? hasMore
        next = more ? link(page + 1) : nil
    }

    /// `path` with the query of the parameters that have a value.
    static func link(_ path: String, _ parameters: [(String, String)]) -> String {
        let items = parameters.filter { !$0.1.isEmpty }.map { URLQueryItem(name: $0.0, value: $0.1) }
        guard !items.isEmpty else { return path }
        var query = URLComponents()
        query.queryItems = items
        return path + "?" + (query.percentEncodedQuery ?? "")
    }

    /// The items of page `page` out of a list held in full.
    static func slice<T>(_ items: [T], page: Int) -> ArraySlice<T> {
        let start = min(items.count, (page - 1) * size)
        return items[start..<min(items.count, start + size)]
    }
}
