import Fluent
import SECORCore
import Vapor

/// What a crew member's home shows: what to start, what waits for their signature, and
/// the corrective actions they own. One read of the recent records, shared by home and tests.
struct CrewWork: Encodable {
    struct Start: Encodable {
        var href: String
        var label: String
    }

    struct Item: Encodable {
        var href: String
        var label: String
    }

    var start: [Start]
    var toSign: [Item]
    var actions: [Item]
    var hasToSign: Bool
    var hasActions: Bool

    /// The records of the last `days` days that name `user`'s person and wait for their
    /// signature, and every open corrective action they own (by name, as actions record it).
    static func load(_ ref: EmployerRef, for user: CurrentUser, days: Int = 60, on db: Database) async throws -> CrewWork {
        let base = "/employers/\(ref.id.uuidString)/records"
        let start = RecordKinds.all.compactMap { d in d.startLabel.map { Start(href: "\(base)/new/\(d.kind.rawValue)", label: $0) } }
        let me = try await PersonModel.linked(to: user, at: ref, on: db)
        let service = FieldRecordService(db: db)
        // Signatures are asked for the recent records; an open action is the owner's however old.
        let since = CalendarDay.today.adding(days: -days).iso
        let recent = try await service.all(ref, from: CalendarDay.today.adding(days: -days))
            + service.all(ref, before: CalendarDay.today.adding(days: -days), kind: .correctiveAction)
        let signed = try await service.currentSignOffs(ref)
        var toSign: [Item] = []
        var actions: [Item] = []
        for (record, content) in recent.sorted(by: { ($0.0.occurredOn, $0.0.occurredTime) > ($1.0.occurredOn, $1.0.occurredTime) }) {
            let id = record.id!
            let day = (try? CalendarDay(iso: record.occurredOn).readable) ?? record.occurredOn
            if let me = me?.id?.uuidString, record.occurredOn >= since {
                if SignOffRules.outstanding(content, signOffs: signed[id] ?? []).contains(where: { $0.personId == me }) {
                    toSign.append(Item(href: "\(base)/\(id.uuidString)", label: "\(content.kind.title), \(day)\(content.site.isEmpty ? "" : " at \(content.site)")"))
                }
            }
            if let action = content.as(CorrectiveActionContent.self), action.status != .verified,
               action.owner.lowercased() == (me?.name ?? user.name).lowercased() {
                actions.append(Item(href: "\(base)/\(id.uuidString)", label: "\(action.description) (due by \((try? CalendarDay(iso: action.dueOn).readable) ?? action.dueOn), \(action.status.label))"))
            }
        }
        return CrewWork(start: start, toSign: toSign, actions: actions, hasToSign: !toSign.isEmpty, hasActions: !actions.isEmpty)
    }
}
