import Fluent
import Foundation
import SECORCore

/// V3: looks at every watched certificate and tells its contractor of each change
/// (`WatchEvent`): a notice in the app (and so by email) and, when it has a webhook, a
/// delivery. Each change is kept and told in one transaction, with the entry locked and
/// read again: two instances sweeping at once tell it once.
struct WatchSweep {
    let db: Database
    let programs: ProgramCatalog
    var now: Date = Date()

    /// How many entries are read at a time: the state of a thousand subcontractors in a
    /// few statements each.
    static let batch = 500

    func run(today: CalendarDay = .today) async throws -> Int {
        var told = 0
        var offset = 0
        while true {
            let entries = try await WatchEntryModel.query(on: db).sort(\.$id).range(offset..<(offset + Self.batch)).all()
            if entries.isEmpty { break }
            offset += entries.count
            told += try await look(at: entries, today: today)
        }
        return told
    }

    /// Between full sweeps (every 30 seconds, with the webhooks): the entries of the holders
    /// whose certificate was issued or cancelled today, so a certification, a renewal or a
    /// cancellation is told within a minute rather than at the next six-hourly sweep.
    func runForCertificatesChangedToday(today: CalendarDay = .today) async throws -> Int {
        let changed = try await CertificateModel.query(on: db)
            .group(.or) { $0.filter(\.$issuedOn == today.iso).filter(\.$cancelledOn == today.iso) }.all()
        let holders = Array(Set(changed.map(\.$employer.id)))
        guard !holders.isEmpty else { return 0 }
        let numbers = try await CertificateModel.query(on: db).filter(\.$employer.$id ~~ holders).all().map(\.number)
        let accounts = try await WCBAccountModel.query(on: db).filter(\.$employer.$id ~~ holders).all().map(\.number)
        var entries = try await WatchEntryModel.query(on: db).filter(\.$kind == WatchKind.certificate.rawValue).filter(\.$value ~~ numbers).all()
        if !accounts.isEmpty {
            entries += try await WatchEntryModel.query(on: db).filter(\.$kind == WatchKind.wcbAccount.rawValue).filter(\.$value ~~ accounts).all()
        }
        return entries.isEmpty ? 0 : try await look(at: entries, today: today)
    }

    /// Compares each entry's standing with today's and tells what changed.
    private func look(at entries: [WatchEntryModel], today: CalendarDay) async throws -> Int {
        let rows = try await WatchListService(db: db, programs: programs).rows(entries, today: today)
        let changed = rows.filter { WatchedStanding($0.facts) != WatchedStanding(key: $0.entry.standing) }
        guard !changed.isEmpty else { return 0 }
        let contractors = Set(changed.map(\.entry.contractorId))
        let endpoints = try await WebhookEndpointModel.query(on: db).filter(\.$contractorId ~~ Array(contractors)).all()
        var told = 0
        for row in changed where try await tell(row, endpoint: endpoints.first { $0.contractorId == row.entry.contractorId }, today: today) {
            told += 1
        }
        return told
    }

    /// Keeps the new standing; true when the change was one to tell.
    private func tell(_ row: WatchListService.Row, endpoint: WebhookEndpointModel?, today: CalendarDay) async throws -> Bool {
        let id = try row.entry.requireID()
        let old = WatchedStanding(key: row.entry.standing)
        let new = WatchedStanding(row.facts)
        let event = WatchEvent.between(old, new)
        let now = self.now
        return try await db.writeTransaction { db in
            try await db.lockRow("watch_entries", id)
            // Another sweep, or a removal, may have come first.
            guard let entry = try await WatchEntryModel.find(id, on: db), entry.standing == old.key else { return false }
            entry.standing = new.key
            entry.changedAt = now
            try await entry.save(on: db)
            guard let event else { return false }
            let name = row.facts?.legalName ?? (entry.label.isEmpty ? entry.value : entry.label)
            let number = new.certificateNumber ?? old.certificateNumber ?? entry.value
            let body = row.facts.map { "\($0.legalName)'s SECOR \($0.certificateNumber) (\($0.partner)) is now: \($0.stateLabel)." }
                ?? "No SECOR certificate can be seen any more for \(WatchKind(rawValue: entry.kind)?.label ?? "") \(entry.value)."
            try await Notices.send(.watchedCertificateChanged, NoticeSubject(contractorId: entry.contractorId),
                                   title: "\(name): \(event.label)", body: body + " You watch it as \(entry.value).",
                                   link: "/watch", on: db)
            if let endpoint {
                let payload = WebhookEvent(type: "certificate.\(event.rawValue)", createdAt: now,
                                           watch: .init(id: id, kind: entry.kind, value: entry.value, label: entry.label),
                                           previous: .init(certificateNumber: old.certificateNumber, state: old.state?.rawValue),
                                           certificate: row.facts)
                try await WebhookQueue.enqueue(payload, key: "watch:\(id.uuidString):\(old.key)>\(new.key):\(today.iso)", to: endpoint,
                                               contractorId: entry.contractorId, now: now, on: db)
            }
            try await AuditLog.append(on: db, actor: nil, action: "watch.changed", entity: "watch", entityId: id.uuidString,
                                      detail: "\(number): \(old.key) → \(new.key) (\(event.rawValue))")
            return true
        }
    }
}
