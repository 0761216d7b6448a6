import Foundation
import SECORCore

/// Where a page of records ends, in the order lists show them (newest first): the next page
/// starts after it. Opaque to callers (base64url of day, time and id), so the order's
/// columns can change without changing the API.
struct RecordCursor: Sendable, Equatable {
    var occurredOn: String
    var occurredTime: String
    var id: UUID

    init(occurredOn: String, occurredTime: String, id: UUID) {
        (self.occurredOn, self.occurredTime, self.id) = (occurredOn, occurredTime, id)
    }

    init(after record: FieldRecordModel) throws {
        self.init(occurredOn: record.occurredOn, occurredTime: record.occurredTime, id: try record.requireID())
    }

    /// The cursor a caller sent; one this server did not give is refused (422, naming `cursor`).
    init(text: String) throws {
        let parts = Data(base64URLEncoded: text).flatMap { String(data: $0, encoding: .utf8) }?.split(separator: "|", omittingEmptySubsequences: false)
        guard let parts, parts.count == 3, (try? CalendarDay(iso: String(parts[0]))) != nil, let id = UUID(uuidString: String(parts[2])) else {
            throw AppError.refused("cursor", "This cursor is not one this list gave; start from the first page.")
        }
        self.init(occurredOn: String(parts[0]), occurredTime: String(parts[1]), id: id)
    }

    var text: String { Data("\(occurredOn)|\(occurredTime)|\(id.uuidString)".utf8).base64URLEncoded() }
}
