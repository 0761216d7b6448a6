import Fluent
import SECORCore
import Vapor

/// Everyday records: the phone forms, the list with search, the detail with every
/// version, and amendments.
struct RecordPages: RouteCollection {
    func boot(routes: RoutesBuilder) throws {
        routes.get("employers", ":employerId", "records", use: list)
        routes.get("employers", ":employerId", "records.csv", use: exportCSV)
        routes.get("employers", ":employerId", "records", "new", ":kind", use: new)
        // Photos and files ride along: collect up to the file store's limit.
        let upload = ByteCount(integerLiteral: BodyLimitMiddleware.maxBytes)
        routes.on(.POST, "employers", ":employerId", "records", "new", ":kind", body: .collect(maxSize: upload), use: create)
        routes.get("employers", ":employerId", "records", ":recordId", use: show)
        routes.get("employers", ":employerId", "records", ":recordId", "amend", use: amendForm)
        routes.on(.POST, "employers", ":employerId", "records", ":recordId", "amend", body: .collect(maxSize: upload), use: amend)
        routes.post("employers", ":employerId", "records", ":recordId", "signoffs", use: sign)
        routes.get("employers", ":employerId", "records", ":recordId", "sign-here", use: signHere)
    }

    /// The phone form's photos (an empty file input sends one part with no name and no bytes).
    struct Uploads: Decodable {
        var photos: [File]?

        var attachments: FieldRecordService.Attachments {
            let uploads = (photos ?? []).filter { !($0.filename.isEmpty && $0.data.readableBytes == 0) }
                .map { TrainingService.Upload(bytes: Array($0.data.readableBytesView), filename: $0.filename) }
            return uploads.isEmpty ? .none : .uploads(uploads)
        }
    }

    /// A roster person the form offers to tick as present (or pick as the policy's signer).
    struct RosterPerson: Encodable {
        var id: String
        var name: String
        var role: String
        var senior: Bool
        var present: Bool
    }

    /// A pick list: values the employer has recorded before.
    struct PickList: Encodable {
        var id: String
        var values: [String]
    }

    struct FormContext: Encodable {
        var layout: LayoutContext
        var employerId: String
        var kind: String
        var title: String
        var action: String
        var occurredOn: String
        var occurredTime: String
        var reason: String
        /// The kind's own fields, rendered from its partial.
        var fields: String
        var error: FormError?
        var amending: Bool
        /// A second button, "Record and sign", for an author on the roster.
        var canSignAsMe: Bool
        var idempotencyKey: String
        var version: Int?
    }

    /// What a kind's partial reads: its fields with their errors, the roster, pick lists.
    struct PartialContext: Encodable {
        var kind: String
        var form: RecordFormView
        var roster: [RosterPerson]
        var picks: [PickList]
        /// Hazard → its control, as recorded before, so picking a hazard fills its control.
        var hazardControls: String
        var results: [SelectOption]
        var harms: [SelectOption]
        var severities: [SelectOption]
        var statuses: [SelectOption]
        var scale: [SelectOption]
    }

    func new(req: Request) async throws -> View {
        let ref = try await req.employerRef(.recordFieldWork)
        let kind = try Self.kind(req)
        try await req.records.mayAuthor(kind.descriptor, ref, req.requireUser())
        let now = Date()
        let clock = DateFormatter()
        clock.timeZone = CalendarDay.albertaTimeZone
        clock.dateFormat = "HH:mm"
        var posted = PostedRecordForm.blank
        posted.form = kind.descriptor.blankForm
        posted.occurredOn = CalendarDay(now).iso
        posted.occurredTime = clock.string(from: now)
        return try await render(req, ref, kind: kind, posted: posted, error: nil, recordId: nil)
    }

    func create(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let ref = try await req.employerRef(.recordFieldWork)
        let kind = try Self.kind(req)
        try await req.records.mayAuthor(kind.descriptor, ref, user)
        let posted = try req.content.decode(PostedRecordForm.self)
        let uploads = try req.content.decode(Uploads.self)
        return try await req.submitForm({
            let when = try FieldRecordService.when(day: posted.occurredOn, time: posted.occurredTime)
            var (detail, created) = try await req.records.create(ref, kind.descriptor.content(form: posted.form), when: when,
                                                                 idempotencyKey: posted.idempotencyKey, attachments: uploads.attachments, by: user)
            if posted.signAsMe && created {
                // The record is stored whatever the signature's fate: a refusal (not named on it)
                // leaves the author in "still to sign" on the record's page, where it says why.
                if (try? await req.signOffs.sign(ref, recordId: detail.record.id, .init(role: .worker, method: .self, version: detail.record.currentVersion), by: user)) != nil {
                    detail = try await req.records.detail(ref, detail.record.id)
                }
            }
            return try await Self.stored(req, ref, detail, key: posted.idempotencyKey, status: created ? .created : .ok)
        }, orRender: { error in try await render(req, ref, kind: kind, posted: posted, error: error, recordId: nil) })
    }

    /// Where a stored record goes: the phone's outbox gets its key echoed back (so it deletes
    /// exactly what was stored); a person gets the record's page.
    static func stored(_ req: Request, _ ref: EmployerRef, _ detail: RecordDetail, key: String?, status: HTTPResponseStatus) async throws -> Response {
        let href = "/employers/\(ref.id.uuidString)/records/\(try detail.record.requireID().uuidString)"
        guard req.wantsJSON else { return req.redirect(to: href) }
        struct Stored: Content { var idempotencyKey: String?; var recordId: String; var href: String; var version: Int }
        let response = try await Stored(idempotencyKey: key?.trimmingCharacters(in: .whitespaces), recordId: try detail.record.requireID().uuidString,
                                        href: href, version: detail.record.currentVersion).encodeResponse(for: req)
        response.status = status
        return response
    }

    func amendForm(req: Request) async throws -> View {
        let ref = try await req.employerRef(.recordFieldWork)
        let detail = try await req.records.detail(ref, req.parameters.get("recordId", as: UUID.self))
        try await req.records.mayAuthor(detail.content.descriptor, ref, req.requireUser())
        var posted = PostedRecordForm.blank
        posted.form = detail.content.form
        posted.occurredOn = detail.record.occurredOn
        posted.occurredTime = detail.record.occurredTime
        return try await render(req, ref, kind: detail.content.kind, posted: posted, error: nil, recordId: detail.record.id,
                                version: detail.record.currentVersion)
    }

    func amend(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let ref = try await req.employerRef(.recordFieldWork)
        let id = req.parameters.get("recordId", as: UUID.self)
        let current = try await req.records.detail(ref, id)
        let posted = try req.content.decode(PostedRecordForm.self)
        let uploads = try req.content.decode(Uploads.self)
        let kind = current.content.kind
        return try await req.submitForm({
            let when = try FieldRecordService.when(day: posted.occurredOn, time: posted.occurredTime)
            let detail = try await req.records.amend(ref, id, kind.descriptor.content(form: posted.form), when: when, reason: posted.reason,
                                                     attachments: uploads.attachments, expectedVersion: posted.version, by: user)
            // The outbox sends amendments too; the version it was made from keeps a retry from amending twice.
            return try await Self.stored(req, ref, detail, key: posted.idempotencyKey, status: .ok)
        }, orRender: { error in try await render(req, ref, kind: kind, posted: posted, error: error, recordId: id, version: current.record.currentVersion) })
    }

    private func render(_ req: Request, _ ref: EmployerRef, kind: FieldRecordKind, posted: PostedRecordForm, error: FormError?,
                        recordId: UUID?, version: Int? = nil) async throws -> View {
        let descriptor = kind.descriptor
        // The posted form, read back through the kind: every field present, rows as the rules see them.
        let content = descriptor.content(form: posted.form)
        var named = Set(content.namedPeople.compactMap(\.personId) + [content.value.designatedSigner?.personId].compactMap { $0 })
        let me = try await PersonModel.linked(to: req.requireUser(), at: ref, on: req.db)
        // A new record starts with its author ticked as present: they are there.
        let fresh = recordId == nil && error == nil && posted.form == descriptor.blankForm
        if fresh, let me = me?.id?.uuidString, descriptor.namesItsAuthor { named.insert(me) }
        let day = (try? CalendarDay(iso: posted.occurredOn ?? "")) ?? .today
        let roster = try await req.people.list(ref).compactMap { model -> RosterPerson? in
            guard let person = model.person, person.isOnAccount(on: day) else { return nil }
            return RosterPerson(id: person.id, name: person.name, role: person.category.label,
                                senior: SignOffRules.seniorCategories.contains(person.category), present: named.contains(person.id))
        }
        let picks = try await req.records.pickLists(ref)
        let form = content.form
        let results = CheckResult.allCases.map { SelectOption(value: $0.rawValue, label: $0.label, selected: false) }
        let partial = PartialContext(
            kind: kind.rawValue, form: RecordFormView(form, error: error), roster: roster,
            picks: picks.lists.map { PickList(id: "pick-\($0.key)", values: $0.value) }.sorted { $0.id < $1.id },
            hazardControls: JSONText.encode(picks.hazardControls), results: results,
            harms: IncidentHarm.allCases.map { SelectOption(value: $0.rawValue, label: $0.label, selected: form["harm"] == $0.rawValue) },
            severities: IncidentContent.severityLabels.enumerated().map { SelectOption(value: String($0.offset + 1), label: $0.element, selected: false) },
            statuses: CorrectiveActionStatus.allCases.map { SelectOption(value: $0.rawValue, label: $0.rawValue, selected: $0.rawValue == form["status"]) },
            scale: (1...5).map { SelectOption(value: String($0), label: String($0), selected: false) })
        let fields = try await req.view.render(descriptor.formPartial, partial).data
        let base = "/employers/\(ref.id.uuidString)/records"
        return try await req.view.render("records/form", FormContext(
            layout: req.layoutContext(title: recordId == nil ? "New \(kind.title.lowercased())" : "Amend \(kind.title.lowercased())"),
            employerId: ref.id.uuidString, kind: kind.rawValue, title: kind.title,
            action: recordId.map { "\(base)/\($0.uuidString)/amend" } ?? "\(base)/new/\(kind.rawValue)",
            occurredOn: posted.occurredOn ?? "", occurredTime: posted.occurredTime ?? "", reason: posted.reason ?? "",
            fields: String(buffer: fields), error: error, amending: recordId != nil,
            canSignAsMe: recordId == nil && me != nil && descriptor.namesItsAuthor,
            idempotencyKey: posted.idempotencyKey ?? UUID().uuidString, version: version))
    }

    /// The kinds this user may write (the policy only for the owner or a senior manager).
    func writable(_ req: Request, _ ref: EmployerRef, _ user: CurrentUser) async throws -> [RecordKindDescriptor] {
        var kinds: [RecordKindDescriptor] = []
        for descriptor in RecordKinds.all {
            if (try? await req.records.mayAuthor(descriptor, ref, user)) != nil { kinds.append(descriptor) }
        }
        return kinds
    }

    static func kind(_ req: Request) throws -> FieldRecordKind {
        guard let raw = req.parameters.get("kind"), let kind = FieldRecordKind(rawValue: raw) else {
            throw AppError.notFound("record kind")
        }
        return kind
    }

    // MARK: list and detail

    struct Row: Encodable {
        var id: String
        var kind: String
        var day: String
        var time: String
        var site: String
        var summary: String
        var version: Int
    }

    struct ListContext: Encodable {
        var layout: LayoutContext
        var employerId: String
        var rows: [Row]
        var noRows: Bool
        var q: String
        var kinds: [SelectOption]
        var from: String
        var to: String
        var site: String
        /// A "new" link for each kind.
        var start: [SelectOption]
        var canRecord: Bool
        var pager: Pager
    }

    func exportCSV(req: Request) async throws -> Response {
        let ref = try await req.employerRef(.view)
        return Exports.response(try await Exports.records(ref, on: req.db), filename: "records-\(CalendarDay.today.iso).csv")
    }

    func list(req: Request) async throws -> View {
        let user = try req.requireUser()
        let ref = try await req.employerRef(.view)
        let q = req.query[String.self, at: "q"] ?? ""
        let kindRaw = req.query[String.self, at: "kind"] ?? ""
        let kind = FieldRecordKind(rawValue: kindRaw)
        if !kindRaw.isEmpty && kind == nil { throw AppError.invalid("kind", "'\(kindRaw)' is not a kind of record.") }
        let from = try Validate.optionalDay(req.query[String.self, at: "from"], "from", "From")
        let to = try Validate.optionalDay(req.query[String.self, at: "to"], "to", "To")
        let site = req.query[String.self, at: "site"] ?? ""
        // Paged by cursor, like the API: a page costs the same at any depth, and a record
        // written meanwhile does not shift the next page. `page` only numbers the page.
        let after = try req.query[String.self, at: "after"].map(RecordCursor.init(text:))
        var before = try req.query[String.self, at: "before"].map(RecordCursor.init(text:))
        if after != nil && before != nil { throw AppError.invalid("before", "A page is older or newer than one record, not both.") }
        let numbered = try Pager.page(req)
        let filters = [("q", q), ("kind", kindRaw), ("from", from?.iso ?? ""), ("to", to?.iso ?? ""), ("site", site)]
        // One more than a page, to know whether a further page exists that way.
        let read = { (before: RecordCursor?) in
            try await req.records.search(ref, .init(text: q, kind: kind, from: from, to: to, site: site, after: after, before: before),
                                         limit: Pager.size + 1)
        }
        var records = try await read(before)
        if before != nil && records.isEmpty {
            // Nothing newer than the cursor any more (its record moved to an older day): the newest page.
            before = nil
            records = try await read(nil)
        }
        let hasMore = records.count > Pager.size
        records = before == nil ? Array(records.prefix(Pager.size)) : Array(records.suffix(Pager.size))
        // The links follow the data, not the number: a page after a cursor always has newer
        // records, a page before one has newer ones only when more were found, so no record
        // is skipped whatever was written meanwhile. `page` only numbers the page.
        let newerExist = after != nil || (before != nil && hasMore)
        let olderExist = before != nil || hasMore
        let page = newerExist ? max(2, numbered) : 1
        let path = "/employers/\(ref.id.uuidString)/records"
        var pager = Pager(path: path, filters: filters, page: page, shown: records.count, noun: "Records", order: "newest first",
                          labels: ("Newer", "Older"))
        pager.previous = !newerExist ? nil : try records.first.map {
            Pager.link(path, filters + [("before", try RecordCursor(after: $0).text), ("page", String(page - 1))])
        }
        pager.next = !olderExist ? nil : try records.last.map {
            Pager.link(path, filters + [("after", try RecordCursor(after: $0).text), ("page", String(page + 1))])
        }
        let rows = records.map { r in
            Row(id: r.id!.uuidString, kind: FieldRecordKind(rawValue: r.kind)?.title ?? r.kind,
                day: (try? CalendarDay(iso: r.occurredOn).readable) ?? r.occurredOn, time: r.occurredTime, site: r.site,
                summary: String(r.searchText.prefix(140)), version: r.currentVersion)
        }
        let kinds = [SelectOption(value: "", label: "Every kind", selected: kind == nil)]
            + FieldRecordKind.allCases.map { SelectOption(value: $0.rawValue, label: $0.title, selected: $0 == kind) }
        return try await req.view.render("records/list", ListContext(
            layout: req.layoutContext(title: "Records"), employerId: ref.id.uuidString, rows: rows, noRows: rows.isEmpty, q: q,
            kinds: kinds, from: from?.iso ?? "", to: to?.iso ?? "", site: site,
            start: try await writable(req, ref, user).map { SelectOption(value: $0.kind.rawValue, label: $0.title, selected: false) },
            canRecord: Policy.decide(user, .employer(ref.scope, .recordFieldWork)) == .allow,
            pager: pager))
    }
}
