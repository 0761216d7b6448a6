import Fluent
import SECORCore
import Vapor

/// Everyday records: the phone forms, the list with search, the detail with every
/// version, and amendments.
struct RecordPages: RouteCollection {
    func boot(routes: RoutesBuilder) throws {
        routes.get("employers", ":employerId", "records", use: list)
        routes.get("employers", ":employerId", "records", "new", ":kind", use: new)
        // Photos and files ride along: collect up to the file store's limit.
        let upload = ByteCount(integerLiteral: BodyLimitMiddleware.maxBytes)
        routes.on(.POST, "employers", ":employerId", "records", "new", ":kind", body: .collect(maxSize: upload), use: create)
        routes.get("employers", ":employerId", "records", ":recordId", use: show)
        routes.get("employers", ":employerId", "records", ":recordId", "amend", use: amendForm)
        routes.on(.POST, "employers", ":employerId", "records", ":recordId", "amend", body: .collect(maxSize: upload), use: amend)
    }

    /// What the phone form posts; rows left blank are dropped by the rules.
    struct Form: Content {
        struct Row: Codable {
            var hazard: String?
            var control: String?
            var name: String?
            var signed: String?
            var item: String?
            var pass: String?
            var defect: String?
        }
        var occurredOn: String?
        var occurredTime: String?
        var site: String?
        var location: String?
        var task: String?
        var topic: String?
        var ppe: String?
        var notes: String?
        var supervisorReview: String?
        var hazards: [Row]?
        var workers: [Row]?
        var reason: String?
        var idempotencyKey: String?
        /// Photos and files (an empty file input sends one part with no name and no bytes).
        var photos: [File]?

        var attachments: FieldRecordService.Attachments {
            let uploads = (photos ?? []).filter { !($0.filename.isEmpty && $0.data.readableBytes == 0) }
                .map { TrainingService.Upload(bytes: Array($0.data.readableBytesView), filename: $0.filename) }
            return uploads.isEmpty ? .none : .uploads(uploads)
        }
        // pre-start and workplace inspection
        var equipment: String?
        var area: String?
        // hazard register
        var hazard: String?
        var likelihood: String?
        var severity: String?
        var controls: String?
        var items: [Row]?
        // corrective action
        var sourceRecordId: String?
        var sourceItem: String?
        var description: String?
        var owner: String?
        var dueOn: String?
        var status: String?
        var verification: String?
        // incident
        var nearMiss: String?
        var whatHappened: String?
        var immediateActions: String?
        var rootCauses: String?
        var contributingFactors: String?
        var correctiveActions: String?
        var findingsToldTo: String?
        var findingsToldOn: String?
        // policy
        var version: String?
        var signedOn: String?
        var signerName: String?
        var text: String?

        static func lines(_ text: String?) -> [String] { (text ?? "").split(whereSeparator: \.isNewline).map(String.init) }
        static func commas(_ text: String?) -> [String] { (text ?? "").split(separator: ",").map(String.init) }

        func content(_ kind: FieldRecordKind) -> RecordContent {
            let people = (workers ?? []).map { WorkerSignOff(name: $0.name ?? "", signed: Validate.flag($0.signed)) }
            switch kind {
            case .flha:
                return .flha(FLHAContent(site: site ?? "", location: location ?? "", task: task ?? "",
                                         hazards: (hazards ?? []).map { HazardControl(hazard: $0.hazard ?? "", control: $0.control ?? "") },
                                         ppe: (ppe ?? "").split(separator: ",").map(String.init), workers: people,
                                         supervisorReview: supervisorReview, notes: notes ?? ""))
            case .toolboxTalk:
                return .toolboxTalk(ToolboxTalkContent(site: site ?? "", topic: topic ?? "", attendees: people, notes: notes ?? ""))
            case .preStartInspection:
                return .preStartInspection(PreStartContent(equipment: equipment ?? "", site: site ?? "",
                    items: (items ?? []).map { ChecklistItem(item: $0.item ?? "", pass: ($0.pass ?? "pass") == "pass", defect: $0.defect ?? "") },
                    notes: notes ?? ""))
            case .workplaceInspection:
                return .workplaceInspection(WorkplaceInspectionContent(area: area ?? "", site: site ?? "",
                    items: (items ?? []).map { ChecklistItem(item: $0.item ?? "", pass: ($0.pass ?? "pass") == "pass", defect: $0.defect ?? "") },
                    notes: notes ?? ""))
            case .hazardRegister:
                return .hazardRegister(HazardRegisterContent(hazard: hazard ?? "", taskOrArea: task ?? "", likelihood: Int(likelihood ?? "") ?? 0,
                                                             severity: Int(severity ?? "") ?? 0, controls: Self.lines(controls)))
            case .correctiveAction:
                return .correctiveAction(CorrectiveActionContent(sourceRecordId: sourceRecordId?.nilIfEmpty, sourceItem: sourceItem?.nilIfEmpty,
                    description: description ?? "", owner: owner ?? "", dueOn: dueOn ?? "",
                    status: CorrectiveActionStatus(rawValue: status ?? "") ?? .identified, verification: verification ?? ""))
            case .incident:
                return .incident(IncidentContent(isNearMiss: Validate.flag(nearMiss), site: site ?? "", whatHappened: whatHappened ?? "",
                    immediateActions: immediateActions ?? "", rootCauses: Self.lines(rootCauses), contributingFactors: Self.lines(contributingFactors),
                    correctiveActions: correctiveActions ?? "", findingsToldTo: Self.commas(findingsToldTo), findingsToldOn: findingsToldOn))
            case .safetyPolicy:
                return .safetyPolicy(SafetyPolicyContent(version: version ?? "", signedOn: signedOn, signerPersonId: nil,
                                                         signerName: signerName ?? "", text: text ?? ""))
            }
        }

        init(content: RecordContent, day: String, time: String) {
            occurredOn = day
            occurredTime = time
            switch content {
            case .flha(let c):
                site = c.site; location = c.location; task = c.task; ppe = c.ppe.joined(separator: ", ")
                notes = c.notes; supervisorReview = c.supervisorReview
                hazards = c.hazards.map { Row(hazard: $0.hazard, control: $0.control) }
                workers = c.workers.map { Row(name: $0.name, signed: $0.signed ? "on" : nil) }
            case .toolboxTalk(let c):
                site = c.site; topic = c.topic; notes = c.notes
                workers = c.attendees.map { Row(name: $0.name, signed: $0.signed ? "on" : nil) }
            case .preStartInspection(let c):
                equipment = c.equipment; site = c.site; notes = c.notes
                items = c.items.map { Row(item: $0.item, pass: $0.pass ? "pass" : "fail", defect: $0.defect) }
            case .workplaceInspection(let c):
                area = c.area; site = c.site; notes = c.notes
                items = c.items.map { Row(item: $0.item, pass: $0.pass ? "pass" : "fail", defect: $0.defect) }
            case .hazardRegister(let c):
                hazard = c.hazard; task = c.taskOrArea; likelihood = String(c.likelihood); severity = String(c.severity)
                controls = c.controls.joined(separator: "\n")
            case .correctiveAction(let c):
                sourceRecordId = c.sourceRecordId; sourceItem = c.sourceItem; description = c.description; owner = c.owner
                dueOn = c.dueOn; status = c.status.rawValue; verification = c.verification
            case .incident(let c):
                nearMiss = c.isNearMiss ? "on" : nil; site = c.site; whatHappened = c.whatHappened; immediateActions = c.immediateActions
                rootCauses = c.rootCauses.joined(separator: "\n"); contributingFactors = c.contributingFactors.joined(separator: "\n")
                correctiveActions = c.correctiveActions; findingsToldTo = c.findingsToldTo.joined(separator: ", "); findingsToldOn = c.findingsToldOn
            case .safetyPolicy(let c):
                version = c.version; signedOn = c.signedOn; signerName = c.signerName; text = c.text
            }
        }

        init() {}
    }

    struct FormContext: Encodable {
        var layout: LayoutContext
        var employerId: String
        var kind: String
        var title: String
        var action: String
        var form: Form
        var hazardRows: [Form.Row]
        var workerRows: [Form.Row]
        var itemRows: [Form.Row]
        var statuses: [SelectOption]
        /// 1 to 5, for the hazard register's likelihood and severity.
        var scale: [String] = (1...5).map(String.init)
        var roster: [String]
        var error: FormError?
        var amending: Bool
        var idempotencyKey: String
    }

    func new(req: Request) async throws -> View {
        let ref = try await req.employerRef(.recordFieldWork)
        let kind = try Self.kind(req)
        var form = Form()
        let now = Date()
        form.occurredOn = CalendarDay(now).iso
        let clock = DateFormatter()
        clock.timeZone = CalendarDay.albertaTimeZone
        clock.dateFormat = "HH:mm"
        form.occurredTime = clock.string(from: now)
        return try await render(req, ref, kind: kind, form: form, error: nil, recordId: nil)
    }

    func create(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let ref = try await req.employerRef(.recordFieldWork)
        let kind = try Self.kind(req)
        let form = try req.content.decode(Form.self)
        return try await req.submitForm({
            let when = try FieldRecordService.when(day: form.occurredOn, time: form.occurredTime)
            let (detail, _) = try await req.records.create(ref, form.content(kind), when: when, idempotencyKey: form.idempotencyKey,
                                                           attachments: form.attachments, by: user)
            return req.redirect(to: "/employers/\(ref.id.uuidString)/records/\(detail.record.id!.uuidString)")
        }, orRender: { error in try await render(req, ref, kind: kind, form: form, error: error, recordId: nil) })
    }

    func amendForm(req: Request) async throws -> View {
        let ref = try await req.employerRef(.recordFieldWork)
        let detail = try await req.records.detail(ref, req.parameters.get("recordId", as: UUID.self))
        let form = Form(content: detail.content, day: detail.record.occurredOn, time: detail.record.occurredTime)
        return try await render(req, ref, kind: detail.content.kind, form: form, error: nil, recordId: detail.record.id)
    }

    func amend(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let ref = try await req.employerRef(.recordFieldWork)
        let id = req.parameters.get("recordId", as: UUID.self)
        let current = try await req.records.detail(ref, id)
        let form = try req.content.decode(Form.self)
        return try await req.submitForm({
            let when = try FieldRecordService.when(day: form.occurredOn, time: form.occurredTime)
            _ = try await req.records.amend(ref, id, form.content(current.content.kind), when: when, reason: form.reason,
                                            attachments: form.attachments, by: user)
            return req.redirect(to: "/employers/\(ref.id.uuidString)/records/\(id!.uuidString)")
        }, orRender: { error in try await render(req, ref, kind: current.content.kind, form: form, error: error, recordId: id) })
    }

    private func render(_ req: Request, _ ref: EmployerRef, kind: FieldRecordKind, form: Form, error: FormError?, recordId: UUID?) async throws -> View {
        // Room for one more row than filled, and at least 4 hazards and 5 workers.
        var hazards = form.hazards ?? []
        hazards += Array(repeating: Form.Row(), count: max(4, hazards.count + 1) - hazards.count)
        var workers = form.workers ?? []
        workers += Array(repeating: Form.Row(), count: max(5, workers.count + 1) - workers.count)
        var items = form.items ?? []
        if items.isEmpty {
            let checklist = kind == .workplaceInspection
                ? ["Exits and walkways clear", "Housekeeping", "Fire extinguishers charged", "First aid kit stocked", "Chemicals labelled (WHMIS)", "Guards in place"]
                : ["Brakes", "Lights and signals", "Tires", "Fluid leaks", "Horn and backup alarm", "Fire extinguisher"]
            items = checklist.map { Form.Row(item: $0, pass: "pass") }
        }
        items += Array(repeating: Form.Row(pass: "pass"), count: 2)
        let roster = try await req.people.list(ref).filter { $0.person?.isOnAccount(on: .today) ?? false }.map(\.name)
        let base = "/employers/\(ref.id.uuidString)/records"
        return try await req.view.render("record-form", FormContext(
            layout: req.layoutContext(title: recordId == nil ? "New \(kind.title.lowercased())" : "Amend \(kind.title.lowercased())"),
            employerId: ref.id.uuidString, kind: kind.rawValue, title: kind.title,
            action: recordId.map { "\(base)/\($0.uuidString)/amend" } ?? "\(base)/new/\(kind.rawValue)",
            form: form, hazardRows: hazards, workerRows: workers, itemRows: items,
            statuses: CorrectiveActionStatus.allCases.map { SelectOption(value: $0.rawValue, label: $0.rawValue, selected: $0.rawValue == (form.status ?? "identified")) },
            roster: roster, error: error, amending: recordId != nil,
            idempotencyKey: form.idempotencyKey ?? UUID().uuidString))
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
        var canRecord: Bool
        var pager: Pager
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
        let page = try Pager.page(req)
        // One more than a page, to know whether an older page exists.
        var records = try await req.records.search(ref, .init(text: q, kind: kind, from: from, to: to, site: site),
                                                   limit: Pager.size + 1, offset: (page - 1) * Pager.size)
        let hasOlder = records.count > Pager.size
        records = Array(records.prefix(Pager.size))
        let rows = records.map { r in
            Row(id: r.id!.uuidString, kind: FieldRecordKind(rawValue: r.kind)?.title ?? r.kind,
                day: (try? CalendarDay(iso: r.occurredOn).readable) ?? r.occurredOn, time: r.occurredTime, site: r.site,
                summary: String(r.searchText.prefix(140)), version: r.currentVersion)
        }
        let kinds = [SelectOption(value: "", label: "Every kind", selected: kind == nil)]
            + FieldRecordKind.allCases.map { SelectOption(value: $0.rawValue, label: $0.title, selected: $0 == kind) }
        return try await req.view.render("records", ListContext(
            layout: req.layoutContext(title: "Records"), employerId: ref.id.uuidString, rows: rows, noRows: rows.isEmpty, q: q,
            kinds: kinds, from: from?.iso ?? "", to: to?.iso ?? "", site: site,
            canRecord: Policy.decide(user, .employer(ref.scope, .recordFieldWork)) == .allow,
            pager: Pager(path: "/employers/\(ref.id.uuidString)/records",
                         filters: [("q", q), ("kind", kindRaw), ("from", from?.iso ?? ""), ("to", to?.iso ?? ""), ("site", site)],
                         page: page, shown: records.count, hasMore: hasOlder, noun: "Records", order: "newest first", labels: ("Newer", "Older"))))
    }

    struct Attachment: Encodable {
        var href: String
        var name: String
    }

    struct VersionView: Encodable {
        var attachments: [Attachment]
        var version: Int
        var when: String
        var author: String
        var reason: String
        var hash: String
        var lines: [String]
        var signOffs: [String]
        var hasSignOffs: Bool { !signOffs.isEmpty }

        enum CodingKeys: String, CodingKey { case version, when, author, reason, hash, lines, signOffs, hasSignOffs, attachments }

        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(version, forKey: .version); try c.encode(when, forKey: .when); try c.encode(author, forKey: .author)
            try c.encode(reason, forKey: .reason); try c.encode(hash, forKey: .hash); try c.encode(lines, forKey: .lines)
            try c.encode(signOffs, forKey: .signOffs); try c.encode(hasSignOffs, forKey: .hasSignOffs)
            try c.encode(attachments, forKey: .attachments)
        }
    }

    struct DetailContext: Encodable {
        var layout: LayoutContext
        var employerId: String
        var recordId: String
        var title: String
        var versions: [VersionView]
        var current: VersionView
        var amended: Bool
        var canAmend: Bool
    }

    func show(req: Request) async throws -> View {
        let user = try req.requireUser()
        let ref = try await req.employerRef(.view)
        let detail = try await req.records.detail(ref, req.parameters.get("recordId", as: UUID.self))
        let authors = try await UserModel.query(on: req.db).filter(\.$id ~~ detail.versions.map(\.authorId)).all()
        let files = try await StoredFileModel.query(on: req.db).filter(\.$id ~~ detail.versions.flatMap(\.attachmentIds)).all()
        let stamp = DateFormatter()
        stamp.timeZone = CalendarDay.albertaTimeZone
        stamp.dateFormat = "d MMM yyyy HH:mm"
        let views = try detail.versions.map { v -> VersionView in
            let content = try RecordContent.decode(kind: detail.content.kind, json: Data(v.content.utf8))
            let attached = v.attachmentIds.compactMap { id in files.first { $0.id == id } }
                .map { Attachment(href: "/employers/\(ref.id.uuidString)/files/\($0.id!.uuidString)", name: $0.originalName) }
            return VersionView(attachments: attached, version: v.version, when: "\((try? CalendarDay(iso: v.occurredOn).readable) ?? v.occurredOn) \(v.occurredTime)",
                               author: (authors.first { $0.id == v.authorId }?.name ?? "someone") + (v.createdAt.map { ", typed \(stamp.string(from: $0))" } ?? ""),
                               reason: v.reason, hash: String(v.contentHash.prefix(16)), lines: Self.lines(content),
                               signOffs: detail.signOffs.filter { $0.version == v.version }.map { "\($0.signerName), \(stamp.string(from: $0.signedAt))" })
        }
        return try await req.view.render("record", DetailContext(
            layout: req.layoutContext(title: detail.content.kind.title), employerId: ref.id.uuidString,
            recordId: detail.record.id!.uuidString, title: detail.content.kind.title, versions: views.reversed(),
            current: views.last!, amended: views.count > 1,
            canAmend: Policy.decide(user, .employer(ref.scope, .recordFieldWork)) == .allow))
    }

    /// The content as lines a person reads.
    static func lines(_ content: RecordContent) -> [String] {
        switch content {
        case .flha(let c):
            return ["Site: \(c.site) — \(c.location)", "Task: \(c.task)"]
                + c.hazards.map { "Hazard: \($0.hazard) → control: \($0.control)" }
                + (c.ppe.isEmpty ? [] : ["PPE: \(c.ppe.joined(separator: ", "))"])
                + ["Workers: " + c.workers.map { "\($0.name)\($0.signed ? " (signed)" : " (not signed)")" }.joined(separator: ", ")]
                + (c.supervisorReview.map { ["Supervisor review: \($0)"] } ?? [])
                + (c.notes.isEmpty ? [] : ["Notes: \(c.notes)"])
        case .toolboxTalk(let c):
            return ["Topic: \(c.topic)"] + (c.site.isEmpty ? [] : ["Site: \(c.site)"])
                + ["Attendees: " + c.attendees.map { "\($0.name)\($0.signed ? " (signed)" : " (not signed)")" }.joined(separator: ", ")]
                + (c.notes.isEmpty ? [] : ["Notes: \(c.notes)"])
        case .preStartInspection(let c):
            return ["Equipment: \(c.equipment)"] + (c.site.isEmpty ? [] : ["Site: \(c.site)"])
                + c.items.map { $0.pass ? "✓ \($0.item)" : "✗ \($0.item): \($0.defect) (a corrective action was opened)" }
                + (c.notes.isEmpty ? [] : ["Notes: \(c.notes)"])
        case .workplaceInspection(let c):
            return ["Area: \(c.area)"] + (c.site.isEmpty ? [] : ["Site: \(c.site)"])
                + c.items.map { $0.pass ? "✓ \($0.item)" : "✗ \($0.item): \($0.defect) (a corrective action was opened)" }
                + (c.notes.isEmpty ? [] : ["Notes: \(c.notes)"])
        case .hazardRegister(let c):
            return ["Hazard: \(c.hazard)", "Task or area: \(c.taskOrArea)",
                    "Risk: \(c.riskRating) (likelihood \(c.likelihood) × severity \(c.severity) = \(c.riskScore))"]
                + c.controls.map { "Control: \($0)" }
        case .correctiveAction(let c):
            return ["Action: \(c.description)", "Owner: \(c.owner)", "Due: \(c.dueOn)", "Status: \(c.status.rawValue)"]
                + (c.verification.isEmpty ? [] : ["Verified by: \(c.verification)"])
        case .incident(let c):
            var lines = [c.isNearMiss ? "Near miss" : "Incident", "Site: \(c.site)", "What happened: \(c.whatHappened)"]
            if !c.immediateActions.isEmpty { lines.append("Immediate actions: \(c.immediateActions)") }
            lines.append("Root causes: " + (c.rootCauses.isEmpty ? "none named" : c.rootCauses.joined(separator: "; ")))
            if !c.contributingFactors.isEmpty { lines.append("Contributing factors: " + c.contributingFactors.joined(separator: "; ")) }
            if !c.correctiveActions.isEmpty { lines.append("Corrective actions: \(c.correctiveActions)") }
            let told = c.findingsToldTo.joined(separator: ", ")
            lines.append(told.isEmpty ? "Findings not yet told to the crew" : "Findings told to \(told) on \(c.findingsToldOn ?? "")")
            return lines
        case .safetyPolicy(let c):
            return ["Version \(c.version), signed by \(c.signerName)" + (c.signedOn.map { " on \($0)" } ?? " (undated)"), c.text]
        }
    }
}
