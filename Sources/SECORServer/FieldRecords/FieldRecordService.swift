import Crypto
import Fluent
import FluentSQL
import Foundation
import SECORCore
import SQLKit
import Vapor

extension RecordContent {
    /// The rules' check, every problem at once, as the error pages and the API show.
    func checked() throws -> RecordContent {
        do { return try validated() } catch let errors as RecordContentErrors {
            throw AppError.invalid(errors.problems.map { ("content.\($0.field)", $0.message) })
        }
    }

    func jsonText() throws -> String { String(decoding: try json(), as: UTF8.self) }

    static func read(kind: FieldRecordKind, json text: String) throws -> RecordContent {
        do { return try decode(kind: kind, json: Data(text.utf8)) } catch let error as DecodingError {
            throw AppError.invalid("content" + (SECORErrorMiddleware.field(error).map { ".\($0)" } ?? ""),
                                   "The \(kind.title.lowercased()) is not complete: \(SECORErrorMiddleware.describe(error))")
        }
    }
}

/// A record with all its versions and sign-offs, as the detail page and the API show it.
struct RecordDetail: Sendable {
    var record: FieldRecordModel
    var versions: [FieldRecordVersionModel]
    var signOffs: [SignOffModel]
    var content: RecordContent

    /// Sign-offs of the newest version: earlier ones bind earlier versions only.
    var currentSignOffs: [SignOffModel] { signOffs.filter { $0.version == record.currentVersion } }

    /// Who the newest version names and has not signed it yet.
    var waitingFor: [NamedPerson] {
        SignOffRules.outstanding(content, signedPersonIds: Set(currentSignOffs.filter { $0.signOffRole != .reviewer }.compactMap { $0.personId?.uuidString }))
    }
}

/// Everyday records: create (once per idempotency key), amend (keeping every version),
/// find, and the audit-log trail of both.
struct FieldRecordService {
    let db: Database
    /// Where uploaded photos and files go (the file store's folder).
    var filesRoot: String = ""

    struct When: Sendable {
        var day: CalendarDay
        var time: String
    }

    static func when(day: String?, time: String?) throws -> When {
        let date = try Validate.day(day, "occurredOn", "The day the work happened")
        // A day the document allows that the rule refuses (in the future, too long ago): 422.
        if let problem = RecordDay.problem(date, rosterStarts: nil, today: .today) { throw AppError.refused("occurredOn", problem) }
        let t = (time ?? "").trimmingCharacters(in: .whitespaces)
        let parts = t.split(separator: ":").compactMap { Int($0) }
        guard parts.count == 2, (0...23).contains(parts[0]), (0...59).contains(parts[1]) else {
            throw AppError.invalid("occurredTime", "The time is HH:MM (24-hour), e.g. 07:30.")
        }
        return When(day: date, time: String(format: "%02d:%02d", parts[0], parts[1]))
    }

    /// Stores a new record. With an idempotency key already used by this employer it
    /// returns the stored record instead (`created` false): a retry stores nothing twice.
    func create(_ ref: EmployerRef, _ raw: RecordContent, when: When, idempotencyKey: String?, attachments: Attachments = .none,
                by user: CurrentUser) async throws -> (RecordDetail, created: Bool) {
        try await mayAuthor(raw.descriptor, ref, user)
        let key = idempotencyKey?.trimmingCharacters(in: .whitespaces).nilIfEmpty
        if let key, key.count > 100 { throw AppError.invalid("idempotencyKey", "An idempotency key has at most 100 characters.") }
        let content = try await resolve(raw, ref, on: when.day, by: user).checked()
        let files = try await prepare(attachments, ref, by: user)
        // A retry is the same day, content and files: the same hash as the stored version 1.
        let hash = Self.contentHash(when: when, json: try content.jsonText(), fileHashes: files.map(\.sha256))
        let record = FieldRecordModel()
        record.$employer.id = ref.id
        record.recordedBy = user.id
        record.kind = content.kind.rawValue
        record.occurredOn = when.day.iso
        record.occurredTime = when.time
        record.site = content.site
        record.searchText = content.searchText
        record.currentVersion = 1
        record.idempotencyKey = key
        let version: FieldRecordVersionModel
        do {
            version = try await db.writeTransaction { db in
                try await record.insert(on: db)
                let version = try await addVersion(record, content, when: when, reason: "", files: files, by: user, on: db)
                let hash = version.contentHash
                // The version's hash in the keyed log: `secor check` holds the stored version to it.
                try await AuditLog.append(on: db, actor: user.id, action: "record.create", entity: content.kind.rawValue,
                                          entityId: try record.requireID().uuidString, detail: "\(when.day.iso) \(content.site), version 1 \(hash)")
                try await openCorrectiveActions(for: record, content, when: when, by: user, on: db)
                try await SignOffService.askToSign(record, content, author: user.id, on: db)
                try await Self.raiseNotices(record, content, previous: nil, by: user, on: db)
                return version
            }
        } catch where key != nil {
            // A retry, or two sends of the same key at once: the unique key (employer, key)
            // let only the first in; answer it. Looking the key up first would cost every
            // create a statement for the rare retry.
            if let key, let existing = try await existing(ref, key: key) { return (try Self.replayed(existing, hash: hash), false) }
            throw error
        }
        // What was just written, without reading it back: a new record has one version and
        // no sign-offs yet; its content is read from the stored JSON, as `detail` reads it.
        return (RecordDetail(record: record, versions: [version], signOffs: [],
                             content: try RecordContent.read(kind: content.kind, json: version.content)), true)
    }

    /// Adds a version; the earlier ones stay as they were (S4 in spirit: nothing is
    /// silently changed).
    /// `expectedVersion`: the version the person amended (the form's); another amendment
    /// made since answers 409 instead of being overwritten by a form that never saw it.
    func amend(_ ref: EmployerRef, _ id: UUID?, _ raw: RecordContent, when: When, reason: String?, attachments: Attachments = .none,
               expectedVersion: Int? = nil, by user: CurrentUser) async throws -> RecordDetail {
        try await mayAuthor(raw.descriptor, ref, user)
        let current = try await detail(ref, id)
        guard raw.kind == current.content.kind else { throw AppError.invalid("kind", "An amendment keeps the record's kind.") }
        let why = try Validate.text(reason, "reason", "The reason for the amendment", max: 500)
        let content = try await resolve(raw, ref, on: when.day, by: user).checked()
        // An amendment keeps the earlier version's files unless it brings its own.
        var prepared = try await prepare(attachments, ref, by: user)
        if prepared.isEmpty, let previous = current.versions.last {
            prepared = try await StoredFileModel.query(on: db).filter(\.$id ~~ previous.attachmentIds).all().map { .stored($0) }
        }
        let files = prepared
        let record = current.record
        let read = expectedVersion ?? record.currentVersion
        try await db.writeTransaction { db in
            // Compare-and-set: still the version the amendment was made from.
            try await db.lockRow("field_records", record.requireID())
            guard let now = try await FieldRecordModel.find(record.id, on: db), now.currentVersion == read else {
                throw AppError(status: .conflict, message: "The record was amended by someone else since you opened it; open it again to see version \(record.currentVersion) and amend that.", field: "version")
            }
            record.currentVersion += 1
            record.occurredOn = when.day.iso
            record.occurredTime = when.time
            record.site = content.site
            record.searchText = content.searchText
            try await record.save(on: db)
            let hash = try await addVersion(record, content, when: when, reason: why, files: files, by: user, on: db).contentHash
            try await AuditLog.append(on: db, actor: user.id, action: "record.amend", entity: content.kind.rawValue,
                                      entityId: try record.requireID().uuidString, detail: "version \(record.currentVersion) \(hash): \(why)")
            try await SignOffService.askToSign(record, content, author: user.id, on: db)
            try await Self.raiseNotices(record, content, previous: current.content, by: user, on: db)
        }
        return try await detail(ref, id)
    }

    /// The notices a record raises (an incident, a failed item, an action assigned), sent
    /// as the notice table says. An amendment raises only what its previous version did not
    /// (an action given to someone else, say).
    static func raiseNotices(_ record: FieldRecordModel, _ content: RecordContent, previous: RecordContent?,
                             by user: CurrentUser, on db: Database) async throws {
        let before = previous?.value.raisedNotices ?? []
        let link = "/employers/\(record.$employer.id.uuidString)/records/\(try record.requireID().uuidString)"
        let day = (try? CalendarDay(iso: record.occurredOn).readable) ?? record.occurredOn
        for notice in content.value.raisedNotices where !before.contains(where: { $0.event == notice.event && $0.assignee == notice.assignee }) {
            // The recorder owns what the record opens, unless it names someone else.
            var assignee: UUID? = user.id
            if let name = notice.assignee {
                let named = try await PersonModel.query(on: db).filter(\.$employer.$id == record.$employer.id).all()
                    .filter { $0.name.caseInsensitiveCompare(name.trimmingCharacters(in: .whitespaces)) == .orderedSame }.compactMap(\.userId)
                assignee = named.count == 1 ? named[0] : nil
            }
            try await Notices.send(notice.event, NoticeSubject(employerId: record.$employer.id, assigneeUserId: assignee),
                                   title: notice.title, body: "Recorded by \(user.name) for \(day).", link: link, except: user.id, on: db)
        }
    }

    /// Who may write a kind: the crew, or (the safety policy) only the owner or a senior
    /// manager — the owner's account, or an account linked to a senior person on the roster.
    func mayAuthor(_ descriptor: RecordKindDescriptor, _ ref: EmployerRef, _ user: CurrentUser) async throws {
        try Policy.authorize(user, .employer(ref.scope, .recordFieldWork), what: "employer")
        guard descriptor.authors == .seniorManagement, user.role != .employerOwner else { return }
        let own = try await PersonModel.linked(to: user, at: ref, on: db)
        guard let category = own.flatMap({ PersonCategory(rawValue: $0.category) }), SignOffRules.seniorCategories.contains(category) else {
            throw AppError(status: .forbidden, message: "The \(descriptor.title.lowercased()) is written and amended by the owner or a senior manager.")
        }
    }

    /// The people a record names, tied to the roster: a picked person must be this
    /// employer's (their name is the roster's); a typed name that is someone's on the roster
    /// becomes that person, so they can sign. The policy's signer is a senior person.
    func resolve(_ content: RecordContent, _ ref: EmployerRef, on day: CalendarDay, by user: CurrentUser) async throws -> RecordContent {
        let roster = try await PersonModel.query(on: db).filter(\.$employer.$id == ref.id).all()
        var problems: [(field: String, message: String)] = []
        if let problem = RecordDay.problem(day, rosterStarts: roster.compactMap { $0.person?.startDate }, today: .today) {
            problems.append(("occurredOn", problem))
        }
        let resolved = content.value.resolvingPeople { person, field in
            if let raw = person.personId?.trimmingCharacters(in: .whitespaces), !raw.isEmpty {
                let field = field == "signer" ? "signerPersonId" : "\(field).personId"
                guard let id = UUID(uuidString: raw), let found = roster.first(where: { $0.id == id }) else {
                    problems.append(("content.\(field)", "\(person.name.isEmpty ? "That person" : person.name) is not on this employer's roster."))
                    return person
                }
                // Rule A7: only someone on the roster that day can be there, and sign.
                if let facts = found.person, !facts.isOnAccount(on: day) {
                    problems.append(("content.\(field)", "\(found.name) was not on the roster on \(day.readable), the day of the work."))
                }
                return NamedPerson(name: found.name, personId: raw)
            }
            // A typed name is the roster's person only if that one was on the roster that day.
            let typed = person.name.trimmingCharacters(in: .whitespaces).lowercased()
            let same = roster.filter { $0.name.lowercased() == typed && ($0.person?.isOnAccount(on: day) ?? false) }
            return same.count == 1 ? NamedPerson(name: same[0].name, personId: same[0].id!.uuidString) : NamedPerson(name: person.name)
        }
        if let signer = resolved.designatedSigner, let found = roster.first(where: { $0.id?.uuidString == signer.personId }),
           !(PersonCategory(rawValue: found.category).map(SignOffRules.seniorCategories.contains) ?? false) {
            problems.append(("content.signerPersonId", "The policy is signed by the owner or a senior manager; \(found.name) is a \(found.category)."))
        }
        if !problems.isEmpty { throw AppError.invalid(problems) }
        return RecordContent(resolved)
    }

    /// Each pre-start defect and workplace deficiency opens a corrective action
    /// (identified, due in 7 days, owned by whoever recorded the inspection until someone
    /// takes it).
    private func openCorrectiveActions(for record: FieldRecordModel, _ content: RecordContent, when: When,
                                       by user: CurrentUser, on db: Database) async throws {
        let subject: String, failed: [ChecklistItem], site: String
        if let c = content.as(PreStartContent.self) {
            (subject, failed, site) = (c.equipment, c.defects, c.site)
        } else if let c = content.as(WorkplaceInspectionContent.self) {
            (subject, failed, site) = (c.area, c.deficiencies, c.site)
        } else { return }
        for defect in failed {
            let action = CorrectiveActionContent(sourceRecordId: record.id!.uuidString, sourceItem: defect.item,
                                                 description: "\(subject): fix \(defect.item.lowercased()) — \(defect.defect)",
                                                 owner: user.name, dueOn: when.day.adding(days: 7).iso, status: .identified)
            let model = FieldRecordModel()
            model.$employer.id = record.$employer.id
            model.recordedBy = user.id
            model.kind = FieldRecordKind.correctiveAction.rawValue
            model.occurredOn = when.day.iso
            model.occurredTime = when.time
            model.site = site
            model.searchText = action.searchText
            model.currentVersion = 1
            // No key of its own: a retried inspection is found by its key before anything is
            // opened, and a derived key collided for two failed items of one name.
            model.idempotencyKey = nil
            try await model.insert(on: db)
            let hash = try await addVersion(model, RecordContent(action), when: when, reason: "", by: user, on: db).contentHash
            try await AuditLog.append(on: db, actor: user.id, action: "record.create", entity: "correctiveAction",
                                      entityId: try model.requireID().uuidString, detail: "opened by pre-start \(try record.requireID().uuidString), version 1 \(hash)")
        }
    }

    /// Photos and files for a record: new uploads (pages) or files stored before (API).
    enum Attachments: Sendable {
        case none
        case uploads([TrainingService.Upload])
        case stored([UUID])
    }

    /// A file ready to attach: already in the store, or checked and written, its row to add.
    enum PreparedFile: Sendable {
        case stored(StoredFileModel)
        case new(sha256: String, kind: String, name: String, size: Int)

        var sha256: String {
            switch self {
            case .stored(let f): return f.sha256
            case .new(let sha, _, _, _): return sha
            }
        }
    }

    private func prepare(_ attachments: Attachments, _ ref: EmployerRef, by user: CurrentUser) async throws -> [PreparedFile] {
        switch attachments {
        case .none:
            return []
        case .stored(let ids):
            guard ids.count <= 20 else { throw AppError.invalid("fileIds", "At most 20 files per record.") }
            let files = try await StoredFileModel.query(on: db).filter(\.$id ~~ ids).filter(\.$employer.$id == ref.id).all()
            guard files.count == Set(ids).count else { throw AppError.invalid("fileIds", "A file id is not one of this employer's files.") }
            return files.map { .stored($0) }
        case .uploads(let uploads):
            guard uploads.count <= 20 else { throw AppError.invalid("photos", "At most 20 files per record.") }
            let store = FileStore(db: db, root: filesRoot)
            return try uploads.map { upload in
                let stored = try store.store(upload.bytes, filename: upload.filename, employerId: ref.id, by: user, field: "photos")
                return .new(sha256: stored.sha256, kind: stored.kind.rawValue, name: stored.name, size: upload.bytes.count)
            }
        }
    }

    /// Stores the record's current version and answers it.
    private func addVersion(_ record: FieldRecordModel, _ content: RecordContent, when: When, reason: String, files: [PreparedFile] = [],
                            by user: CurrentUser, on db: Database) async throws -> FieldRecordVersionModel {
        var fileIds: [UUID] = []
        for file in files {
            switch file {
            case .stored(let model): fileIds.append(try model.requireID())
            case .new(let sha, let kind, let name, let size):
                let model = StoredFileModel(employerId: record.$employer.id, uploadedBy: user.id, sha256: sha, size: size,
                                            contentType: kind, originalName: name)
                try await model.create(on: db)
                fileIds.append(try model.requireID())
            }
        }
        // An amendment is a new version with no sign-offs: signatures stay on the version they signed.
        let version = try Self.newVersion(of: record, content, when: when, reason: reason, fileIds: fileIds,
                                          fileHashes: files.map(\.sha256), author: user.id)
        try await version.insert(on: db)
        try await SearchIndex.update(record, on: db)
        return version
    }

    /// The hash of a version: it binds the day, the content and every attached file's own hash.
    static func contentHash(when: When, json: String, fileHashes: [String]) -> String {
        SHA256.hash(data: Data("\(when.day.iso) \(when.time)\n\(json)\n\(fileHashes.joined(separator: ","))".utf8)).hex
    }

    /// The version row for `record.currentVersion`, not yet stored.
    static func newVersion(of record: FieldRecordModel, _ content: RecordContent, when: When, reason: String, fileIds: [UUID] = [],
                           fileHashes: [String] = [], author: UUID) throws -> FieldRecordVersionModel {
        let json = try content.jsonText()
        let hash = contentHash(when: when, json: json, fileHashes: fileHashes)
        let version = FieldRecordVersionModel()
        version.id = UUID()
        version.$record.id = try record.requireID()
        version.version = record.currentVersion
        version.content = json
        version.contentHash = hash
        version.authorId = author
        version.reason = reason
        version.occurredOn = when.day.iso
        version.occurredTime = when.time
        version.attachments = fileIds.isEmpty ? nil : fileIds.map(\.uuidString).joined(separator: ",")
        return version
    }

    func detail(_ ref: EmployerRef, _ id: UUID?) async throws -> RecordDetail {
        // Raw SQL: reading one record is a hot path (issue 21).
        guard let id, let row = try await db.sql.raw("""
                SELECT \(unsafeRaw: Self.recordColumns) FROM field_records r WHERE r.id = \(bind: id) AND r.employer_id = \(bind: ref.id)
                """).first(), let record = Self.record(row, employer: ref.id) else { throw AppError.notFound("record") }
        // Read in full (an amendment saves it): saving updates the row. A list row is a
        // summary and is never saved, so only this read says it exists.
        record.$id.exists = true
        let versions = try await db.sql.raw("""
            SELECT \(unsafeRaw: FieldRecordVersionModel.columns) FROM field_record_versions WHERE record_id = \(bind: id) ORDER BY version
            """).all().map(FieldRecordVersionModel.init(row:))
        let signOffs = try await SignOffModel.query(on: db).filter(\.$record.$id == id).sort(\.$version).all()
        guard let kind = FieldRecordKind(rawValue: record.kind), let latest = versions.last else { throw AppError.notFound("record") }
        return RecordDetail(record: record, versions: versions, signOffs: signOffs,
                            content: try RecordContent.read(kind: kind, json: latest.content))
    }

    /// The record an idempotency key already stored, when the retry sends what it stored;
    /// another body under a used key is a client's mistake, not a retry (409).
    static func replayed(_ existing: RecordDetail, hash: String) throws -> RecordDetail {
        guard existing.versions.first?.contentHash == hash else {
            throw AppError(status: .conflict, message: "This idempotency key was already used for another record; a retry sends the same record, a new record needs a new key.", field: "idempotencyKey")
        }
        return existing
    }

    private func existing(_ ref: EmployerRef, key: String) async throws -> RecordDetail? {
        guard let record = try await FieldRecordModel.query(on: db).filter(\.$employer.$id == ref.id)
            .filter(\.$idempotencyKey == key).first() else { return nil }
        return try await detail(ref, record.id)
    }

    struct Search: Sendable {
        var text: String?
        var kind: FieldRecordKind?
        var from: CalendarDay?
        var to: CalendarDay?
        var site: String?
        var person: String?
        /// The page starts after this record (the last of the page before).
        var after: RecordCursor?
        /// The page ends before this record (the first of the page after): paging back.
        var before: RecordCursor?
    }

    /// F3: an employer's records by words, kind, days, site and person; newest first.
    /// A page of a list: the columns a list shows (the summary is the first 140 characters),
    /// ordered by the index `field_records_list`, so a page costs the same at any depth.
    func search(_ ref: EmployerRef, _ search: Search, limit: Int = 200) async throws -> [FieldRecordModel] {
        var sql = SQLQueryString("SELECT \(unsafeRaw: Self.listColumns) FROM field_records r WHERE r.employer_id = \(bind: ref.id)")
        let words = [search.text, search.person].compactMap { $0?.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.joined(separator: " ")
        if !words.isEmpty {
            guard let matching = SearchIndex.condition(words, employerId: ref.id, on: db) else { return [] }
            sql.appendInterpolation(unsafeRaw: " AND ")
            sql.appendInterpolation(matching)
        }
        if let kind = search.kind { sql.appendInterpolation(unsafeRaw: " AND r.kind = "); sql.appendInterpolation(bind: kind.rawValue) }
        if let from = search.from { sql.appendInterpolation(unsafeRaw: " AND r.occurred_on >= "); sql.appendInterpolation(bind: from.iso) }
        if let to = search.to { sql.appendInterpolation(unsafeRaw: " AND r.occurred_on <= "); sql.appendInterpolation(bind: to.iso) }
        if let site = search.site?.trimmingCharacters(in: .whitespaces), !site.isEmpty {
            sql.appendInterpolation(unsafeRaw: db.isSQLite ? " AND r.site LIKE " : " AND r.site ILIKE ")
            sql.appendInterpolation(bind: "%\(site.replacingOccurrences(of: "%", with: ""))%")
        }
        for (cursor, comparison) in [(search.after, "<"), (search.before, ">")] {
            guard let cursor else { continue }
            sql.appendInterpolation(unsafeRaw: " AND (r.occurred_on, r.occurred_time, r.id) \(comparison) (")
            sql.appendInterpolation(bind: cursor.occurredOn)
            sql.appendInterpolation(unsafeRaw: ", ")
            sql.appendInterpolation(bind: cursor.occurredTime)
            sql.appendInterpolation(unsafeRaw: ", ")
            sql.appendInterpolation(bind: cursor.id)
            sql.appendInterpolation(unsafeRaw: ")")
        }
        // Paging back reads the newer records nearest the cursor first (the same index,
        // walked the other way), then shows them newest first like every page.
        let order = search.before == nil ? "DESC" : "ASC"
        sql.appendInterpolation(unsafeRaw: " ORDER BY r.occurred_on \(order), r.occurred_time \(order), r.id \(order) LIMIT \(max(0, limit))")
        let records = try await db.sql.raw(sql).all().compactMap { Self.record($0, employer: ref.id) }
        return search.before == nil ? records : records.reversed()
    }

    /// What a list of records shows, from `field_records r`.
    static let listColumns = "r.id, r.kind, r.occurred_on, r.occurred_time, r.site, substr(r.search_text, 1, 140) AS search_text, r.current_version"

    /// The columns `record(_:employer:)` reads, from `field_records r`.
    static let recordColumns = "r.id, r.recorded_by, r.kind, r.occurred_on, r.occurred_time, r.site, r.search_text, r.current_version"

    /// A record read from a raw row of `recordColumns`, without Fluent's reflection.
    static func record(_ row: SQLRow, employer: UUID) -> FieldRecordModel? {
        guard let id = try? row.decode(column: "id", as: UUID.self), let kind = try? row.decode(column: "kind", as: String.self) else { return nil }
        let record = FieldRecordModel()
        record.id = id
        record.$employer.id = employer
        record.recordedBy = (try? row.decode(column: "recorded_by", as: UUID.self)) ?? UUID()
        record.kind = kind
        record.occurredOn = (try? row.decode(column: "occurred_on", as: String.self)) ?? ""
        record.occurredTime = (try? row.decode(column: "occurred_time", as: String.self)) ?? ""
        record.site = (try? row.decode(column: "site", as: String.self)) ?? ""
        record.searchText = (try? row.decode(column: "search_text", as: String.self)) ?? ""
        record.currentVersion = (try? row.decode(column: "current_version", as: Int.self)) ?? 1
        return record
    }

    /// Every record of the employer with its current content (for the audit file).
    func all(_ ref: EmployerRef, from: CalendarDay? = nil, before: CalendarDay? = nil,
             kind: FieldRecordKind? = nil) async throws -> [(FieldRecordModel, RecordContent)] {
        // One query, each record joined to its current version, read column by column: an IN
        // list with a search per record grew with the square of the records, and Fluent's
        // model decoding (reflection) was most of the rest (measured with perf). The content
        // comes from the cache of decoded versions; only versions not yet decoded are read.
        var sql = SQLQueryString("""
            SELECT \(unsafeRaw: Self.recordColumns), v.id AS version_id
            FROM field_records r JOIN field_record_versions v ON v.record_id = r.id AND v.version = r.current_version
            WHERE r.employer_id = \(bind: ref.id)
            """)
        if let from { sql.appendInterpolation(unsafeRaw: " AND r.occurred_on >= "); sql.appendInterpolation(bind: from.iso) }
        if let before { sql.appendInterpolation(unsafeRaw: " AND r.occurred_on < "); sql.appendInterpolation(bind: before.iso) }
        if let kind { sql.appendInterpolation(unsafeRaw: " AND r.kind = "); sql.appendInterpolation(bind: kind.rawValue) }
        let rows: [(FieldRecordModel, UUID)] = try await db.sql.raw(sql).all().compactMap { row in
            guard let record = Self.record(row, employer: ref.id), let version = try? row.decode(column: "version_id", as: UUID.self) else { return nil }
            return (record, version)
        }
        var contents: [UUID: RecordContent] = [:]
        var missing: [(FieldRecordModel, UUID)] = []
        for row in rows {
            if let known = RecordContentCache.shared.content(row.1) { contents[row.1] = known } else { missing.append(row) }
        }
        try await decode(missing, into: &contents)
        return rows.compactMap { record, version in contents[version].map { (record, $0) } }
    }

    /// Reads and decodes the content of versions not in the cache yet, a thousand at a time,
    /// and keeps them there.
    private func decode(_ rows: [(FieldRecordModel, UUID)], into contents: inout [UUID: RecordContent]) async throws {
        let kinds = Dictionary(rows.map { ($0.1, $0.0.kind) }, uniquingKeysWith: { a, _ in a })
        for start in stride(from: 0, to: rows.count, by: 1000) {
            let ids = rows[start..<min(start + 1000, rows.count)].map(\.1)
            let found = try await db.sql.select().column("id").column("content").from(FieldRecordVersionModel.schema)
                .where(SQLColumn("id"), .in, SQLBind.group(ids)).all()
            for row in found {
                guard let id = try? row.decode(column: "id", as: UUID.self), let kind = kinds[id].flatMap(FieldRecordKind.init(rawValue:)),
                      let json = try? row.decode(column: "content", as: String.self),
                      let content = try? RecordContent.read(kind: kind, json: json) else { continue }
                contents[id] = content
                RecordContentCache.shared.keep(content, for: id)
            }
        }
    }
}

extension FieldRecordService {
    struct PickLists: Sendable {
        /// Field → values recorded before, most used first.
        var lists: [String: [String]]
        /// A hazard → the control most recently recorded with it.
        var hazardControls: [String: String]
    }

    /// What the employer has recorded in the last half year, for the forms' pick lists.
    func pickLists(_ ref: EmployerRef, limit: Int = 40) async throws -> PickLists {
        let recent = try await all(ref, from: CalendarDay.today.adding(months: -6))
        var counts: [String: [String: Int]] = [:]
        var controls: [String: String] = [:]
        for (record, content) in recent.sorted(by: { $0.0.occurredOn < $1.0.occurredOn }) {
            _ = record
            for (field, values) in content.value.pickValues {
                for value in values where !value.isEmpty { counts[field, default: [:]][value, default: 0] += 1 }
            }
            for pair in content.as(FLHAContent.self)?.hazards ?? [] { controls[pair.hazard] = pair.control }
        }
        let lists = counts.mapValues { values in
            Array(values.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.prefix(limit).map(\.key))
        }
        return PickLists(lists: lists, hazardControls: controls)
    }

    /// The sign-offs of each record's newest version, for the readiness detectors: one query.
    func currentSignOffs(_ ref: EmployerRef) async throws -> [UUID: [SignOffFact]] {
        let rows = try await db.sql.raw("""
            SELECT s.record_id, s.person_id, s.role, s.signed_at FROM record_signoffs s
            JOIN field_records r ON r.id = s.record_id AND s.version = r.current_version
            WHERE r.employer_id = \(bind: ref.id)
            """).all()
        var facts: [UUID: [SignOffFact]] = [:]
        for row in rows {
            guard let record = try? row.decode(column: "record_id", as: UUID.self),
                  let signedAt = try? row.decode(column: "signed_at", as: Date.self) else { continue }
            let person = (try? row.decode(column: "person_id", as: UUID?.self)) ?? nil
            let role = SignOffRole(rawValue: (try? row.decode(column: "role", as: String.self)) ?? "") ?? .worker
            facts[record, default: []].append(SignOffFact(personId: person?.uuidString, role: role, day: CalendarDay(signedAt)))
        }
        return facts
    }
}

/// Full-text search on both databases: FTS5 on SQLite, to_tsvector on PostgreSQL.
/// Every indexed word carries its employer ("e<id>z<word>"), so a search reads only that
/// employer's entries: with plain words a thousand employers' entries were read for each
/// search (a second per search at N = 1000, measured with scripts/bench). SQLite keeps
/// them in an FTS5 table; PostgreSQL in `field_records.search_words` under a GIN index.
enum SearchIndex {
    static func employerToken(_ id: UUID) -> String { "e" + id.uuidString.replacingOccurrences(of: "-", with: "").lowercased() }

    /// The words of a text as the index and a search see them.
    static func words(_ text: String) -> [String] {
        text.lowercased().split { !$0.isLetter && !$0.isNumber }.map(String.init)
    }

    /// What the index holds for a record's text: each word behind its employer's token.
    static func body(_ text: String, employer: UUID) -> String {
        let prefix = employerToken(employer) + "z"  // "z" is no hex digit: the word starts after it
        return words(text).map { prefix + $0 }.joined(separator: " ")
    }

    static func update(_ record: FieldRecordModel, on db: Database) async throws {
        let id = try record.requireID(), employer = employerToken(record.$employer.id)
        guard db.isSQLite else {  // PostgreSQL indexes the column (GIN on its tsvector)
            try await db.sql.raw("""
                UPDATE field_records SET search_words = \(bind: body(record.searchText, employer: record.$employer.id)) WHERE id = \(bind: id)
                """).run()
            return
        }
        // Bound as a UUID, so it is stored exactly as field_records.id and the join matches.
        if record.currentVersion > 1 {  // an amendment replaces the entry of the version before
            try await db.sql.raw("""
                DELETE FROM field_records_fts WHERE rowid IN (SELECT rowid FROM field_records_fts WHERE field_records_fts MATCH \(bind: "employer : \(employer)"))
                AND record_id = \(bind: id)
                """).run()
        }
        try await db.sql.raw("""
            INSERT INTO field_records_fts (record_id, employer, body)
            VALUES (\(bind: id), \(bind: employer), \(bind: body(record.searchText, employer: record.$employer.id)))
            """).run()
    }

    /// Indexes records in bulk (the scale generator, the migration); PostgreSQL's index follows the table.
    static func insert(_ entries: [(id: UUID, employer: UUID, text: String)], on db: Database) async throws {
        guard db.isSQLite else { return }
        var rows = BulkRows(table: "field_records_fts", columns: ["record_id", "employer", "body"])
        for entry in entries { rows.add(entry.id, employerToken(entry.employer), body(entry.text, employer: entry.employer)) }
        try await rows.insert(on: db)
    }

    /// The condition on `field_records r` for the employer's records holding every word
    /// (prefixes match on SQLite); nil when the text has no word to look for.
    static func condition(_ text: String, employerId: UUID, on db: Database) -> SQLQueryString? {
        let words = words(text).prefix(10)
        guard !words.isEmpty else { return nil }
        if db.isSQLite {
            let prefix = employerToken(employerId) + "z"
            let match = "body : (" + words.map { "\"\(prefix)\($0)\"*" }.joined(separator: " AND ") + ")"
            return "r.id IN (SELECT record_id FROM field_records_fts WHERE field_records_fts MATCH \(bind: match))"
        }
        let prefix = employerToken(employerId) + "z"
        return "to_tsvector('simple', r.search_words) @@ to_tsquery('simple', \(bind: words.map { "\(prefix)\($0):*" }.joined(separator: " & ")))"
    }
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}

extension Request {
    var records: FieldRecordService { FieldRecordService(db: db, filesRoot: files.root) }
}
