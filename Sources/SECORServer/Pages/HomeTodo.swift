import Fluent
import SECORCore
import Vapor

/// A home page as a to-do list: for each role, what needs doing now, each line with its
/// status colour (done, due, late, not started) and a link to where it is done.
struct HomeTodo: Encodable {
    struct Item: Encodable {
        var label: String
        var href: String
        /// done / due / late / none.
        var tone: String
        var detail: String
    }

    struct Section: Encodable {
        var title: String
        var items: [Item]
        var empty: String
        var more: Item?
    }

    struct ElementLine: Encodable {
        var title: String
        var score: String
        var tone: String
    }

    var sections: [Section] = []
    /// V1: the employer's certificate anyone can check, with its QR code (filled by the page).
    var verify: Verify?
    var proofPackHref = ""

    struct Verify: Encodable {
        var href: String
        var address: String
        var qr: String?
    }
    /// The owner's and supervisor's forecast: the predicted score per element (F1).
    var readiness: [ElementLine] = []
    var deductions: Int = 0
    var readinessHref: String?

    static func tone(daysLeft: Int) -> String { daysLeft < 0 ? "late" : daysLeft <= 14 ? "due" : "none" }

    // MARK: Owner and supervisor

    static func employer(_ ref: EmployerRef, on db: Database, programs: ProgramCatalog, today: CalendarDay = .today) async throws -> HomeTodo {
        var todo = HomeTodo()
        let base = "/employers/\(ref.id.uuidString)"
        let service = FieldRecordService(db: db)
        let recent = try await service.all(ref, from: today.adding(days: -90))
        let signed = try await service.currentSignOffs(ref)
        let newest = recent.sorted { ($0.0.occurredOn, $0.0.occurredTime) > ($1.0.occurredOn, $1.0.occurredTime) }
        func day(_ r: FieldRecordModel) -> String { (try? CalendarDay(iso: r.occurredOn).readable) ?? r.occurredOn }

        // New incidents and near misses: the last 30 days.
        let since = today.adding(days: -30).iso
        let incidents = newest.filter { $0.0.occurredOn >= since }.compactMap { record, content -> Item? in
            guard let incident = content.as(IncidentContent.self) else { return nil }
            return Item(label: "\(incident.isNearMiss ? "Near miss" : "Incident") on \(day(record))\(incident.site.isEmpty ? "" : " at \(incident.site)")",
                        href: "\(base)/records/\(record.id!.uuidString)", tone: incident.isNearMiss ? "due" : "late",
                        detail: String(incident.whatHappened.prefix(100)))
        }
        todo.sections.append(Section(title: "New incidents and near misses", items: incidents, empty: "None reported in the last 30 days."))

        // Corrective actions: every open one, overdue first.
        let allActions = try await service.all(ref, kind: .correctiveAction)
        let open = allActions.compactMap { record, content -> (FieldRecordModel, CorrectiveActionContent)? in
            guard let a = content.as(CorrectiveActionContent.self), a.status != .verified else { return nil }
            return (record, a)
        }.sorted { $0.1.dueOn < $1.1.dueOn }
        todo.sections.append(Section(title: "Open corrective actions", items: open.map { record, a in
            let due = try? CalendarDay(iso: a.dueOn)
            let left = due.map { today.days(until: $0) } ?? 0
            return Item(label: a.description, href: "\(base)/records/\(record.id!.uuidString)", tone: tone(daysLeft: left),
                        detail: "\(a.owner) · \(a.status.label) · " + (due.map { left < 0 ? "overdue since \($0.readable)" : "due by \($0.readable)" } ?? a.dueOn))
        }, empty: "No corrective action is open."))

        // Tickets: the program's requirements and the matrix.
        let records = try await EmployerRecords.load(employers: [ref.id], on: db)[ref.id]!
        let status = TrainingRules.status(people: records.people, completions: records.completions, profile: ref.profile, on: today)
        var tickets = status.unmet.map { Item(label: $0.requirement, href: "\(base)/training", tone: "late", detail: $0.detail) }
        for row in try await MatrixService(db: db).rows(ref, on: today) {
            for cell in row.cells {
                switch cell.state {
                case .missing, .expired: tickets.append(Item(label: "\(row.personName): \(cell.courseName)", href: "\(base)/matrix", tone: "late", detail: cell.state.label))
                case .expiring: tickets.append(Item(label: "\(row.personName): \(cell.courseName)", href: "\(base)/matrix", tone: "due", detail: cell.state.label))
                case .held: break
                }
            }
        }
        todo.sections.append(Section(title: "Missing and expiring tickets", items: tickets, empty: "Every ticket is held and none expires within 90 days."))

        // Records waiting for signatures (the last 90 days).
        let waiting = newest.compactMap { record, content -> Item? in
            let outstanding = SignOffRules.outstanding(content, signOffs: signed[record.id!] ?? [])
            guard !outstanding.isEmpty else { return nil }
            return Item(label: "\(content.kind.title), \(day(record))\(content.site.isEmpty ? "" : " at \(content.site)")",
                        href: "\(base)/records/\(record.id!.uuidString)", tone: "due",
                        detail: "Waiting for " + outstanding.map(\.name).joined(separator: ", "))
        }
        todo.sections.append(Section(title: "Records waiting for signatures", items: Array(waiting.prefix(10)),
                                     empty: "Every record of the last 90 days is signed.",
                                     more: waiting.count > 10 ? Item(label: "\(waiting.count - 10) more", href: "\(base)/records", tone: "none", detail: "") : nil))

        // Certificate and the next audit (C1-C6).
        let organisation = try await OrganisationModel.query(on: db).filter(\.$id == ref.id).with(\.$partner).all()
        if let cycle = try await CycleService(db: db).statuses(organisation, profiles: programs, today: today).first {
            var lines: [Item] = []
            let certificateTone: String
            switch cycle.status {
            case .active: certificateTone = "done"
            case .expiring: certificateTone = "due"
            case .lapsed, .cancelled: certificateTone = "late"
            case .none: certificateTone = "none"
            }
            lines.append(Item(label: "Certificate: \(cycle.status.label)", href: "/audits", tone: certificateTone,
                              detail: cycle.certificate.map { "\($0.number)" + (cycle.expiry.map { ", valid until \($0.readable)" } ?? "") } ?? "No certificate yet."))
            let dueBy = cycle.next.dueBy
            lines.append(Item(label: "Next audit: \(cycle.next.type.label), year \(cycle.next.cycleYear) of the cycle", href: "/audits",
                              tone: dueBy.map { tone(daysLeft: today.days(until: $0)) } ?? "due",
                              detail: dueBy.map { "due by \($0.readable)" } ?? "due now: \(cycle.next.reason)"))
            lines += cycle.warnings.map { Item(label: $0, href: "/audits", tone: "due", detail: "") }
            todo.sections.append(Section(title: "Certificate and next audit", items: lines, empty: ""))
            if let number = cycle.certificate?.number, cycle.status != .cancelled {
                todo.verify = Verify(href: "/verify/\(number)", address: "/verify/\(number)", qr: nil)
                todo.proofPackHref = "/employers/\(ref.id.uuidString)/proof-pack"
            }
        }

        // Readiness: what the records alone would earn per element, and the deductions.
        let readiness = try await ReadinessService(db: db).report(ref, on: today)
        let marks = ref.profile.passMarks.certification
        todo.readiness = readiness.predictions.map { p in
            let tone = p.points.possible == 0 ? "none" : p.points.reaches(percent: marks.elementPercent ?? marks.overallPercent) ? "done" : "late"
            return ElementLine(title: "\(p.number). \(p.title)", score: p.points.possible == 0 ? "–" : "\(p.points.percentText)%", tone: tone)
        }
        todo.deductions = readiness.deductions.reduce(0) { $0 + max(1, $1.findings.count) }
        todo.readinessHref = "\(base)/readiness"
        return todo
    }

    // MARK: Auditor (external, or the employer's own assessor)

    static func auditor(_ user: CurrentUser, on db: Database, programs: ProgramCatalog, today: CalendarDay = .today) async throws -> Section {
        let audits = try await AuditModel.query(on: db).filter(\.$auditorUserId == user.id)
            .filter(\.$stage ~~ AuditStage.allCases.filter(\.isOpen).map(\.rawValue)).sort(\.$plannedStart).all()
        let names = try await AuditQueries(db: db).employerNames(audits)
        var items: [Item] = []
        for audit in audits {
            let loaded = try await AuditService(db: db).load(audit.requireID(), programs: programs)
            let stage = loaded.stage
            var detail = stage.label
            var tone = "none"
            switch stage {
            case .approved:
                let deadlines = try await AuditDeadlines(db: db).compute(loaded)
                let next = loaded.lastDayOnSite == nil ? deadlines.onSite : (deadlines.submission ?? deadlines.onSite)
                detail += " · \(next.title.lowercased()) due by \(next.due.readable) (\(next.status(on: today)))"
                tone = self.tone(daysLeft: next.daysLeft(on: today))
            case .corrections:
                if let review = try await QAReviewModel.query(on: db).filter(\.$audit.$id == loaded.id).first(),
                   let first = review.firstFeedbackOn.flatMap({ try? CalendarDay(iso: $0) }),
                   let open = review.openFeedbackOn.flatMap({ try? CalendarDay(iso: $0) }) {
                    let d4 = AuditTimeline(loaded.ref.profile.timelines).corrections(firstFeedbackOn: first, openFeedbackOn: open).correction
                    detail += " · correction due by \(d4.due.readable) (\(d4.status(on: today)))"
                    tone = self.tone(daysLeft: d4.daysLeft(on: today))
                } else { tone = "due" }
            case .registered: detail += " · planned start \(loaded.plannedStart.readable)"
            case .submitted: tone = "done"
            default: break
            }
            items.append(Item(label: "Audit \(audit.number ?? "(no number yet)") · \(names[audit.$employer.id] ?? "")", href: loaded.link, tone: tone, detail: detail))
        }
        return Section(title: "Your audits", items: items, empty: "No audit of yours is open.", more: Item(label: "All audits", href: "/audits", tone: "none", detail: ""))
    }

    // MARK: Partner staff

    static func qaReviewer(_ user: CurrentUser, on db: Database, programs: ProgramCatalog, today: CalendarDay = .today) async throws -> Section {
        let queue = try await QAService(db: db).queue(partnerId: user.organisationId, programs: programs, today: today)
        let waiting = queue.filter { $0.audit.stage == AuditStage.submitted.rawValue }
        let relevant = waiting.filter { $0.audit.qaReviewerId == user.id || $0.audit.qaReviewerId == nil }
        let items = relevant.map { item -> Item in
            let left = item.due?.daysLeft(on: today)
            return Item(label: "Audit \(item.audit.number ?? "") · \(item.employerName)", href: "/audits/\(item.audit.id!.uuidString)/qa",
                        tone: left.map(tone(daysLeft:)) ?? (item.daysWaiting > 14 ? "due" : "none"),
                        detail: (item.audit.qaReviewerId == user.id ? "assigned to you" : "not assigned") + " · submitted \(item.submittedOn?.readable ?? "")"
                            + (item.due.map { " · \($0.rule) due by \($0.due.readable)" } ?? ""))
        }
        return Section(title: "QA queue: \(waiting.count) waiting, \(waiting.filter { $0.audit.qaReviewerId == user.id }.count) yours", items: items,
                       empty: "Nothing waits for you.", more: Item(label: "The whole queue", href: "/qa", tone: "none", detail: ""))
    }

    static func partnerAdmin(_ user: CurrentUser, on db: Database, programs: ProgramCatalog, enrollment: EnrollmentService,
                             today: CalendarDay = .today) async throws -> [Section] {
        let applications = try await enrollment.queue(partnerId: user.organisationId, by: user)
        let registrations = try await AuditModel.query(on: db).filter(\.$partnerId == user.organisationId)
            .filter(\.$stage == AuditStage.registered.rawValue).sort(\.$plannedStart).all()
        let names = try await AuditQueries(db: db).employerNames(registrations)
        let employers = try await OrganisationModel.query(on: db).filter(\.$partner.$id == user.organisationId)
            .filter(\.$kind == OrganisationKind.employer.rawValue).with(\.$partner).all()
        let lapsing = try await CycleService(db: db).statuses(employers, profiles: programs, today: today)
            .filter { [.expiring, .lapsed].contains($0.status) || !$0.warnings.isEmpty }
        return [
            Section(title: "Applications waiting (\(applications.count))", items: applications.prefix(10).map { o, e in
                Item(label: e.legalName, href: "/partner/applications", tone: "due", detail: "applied \(e.createdAt.map { CalendarDay($0).readable } ?? "")" + (e.channel == "phone" ? " by phone" : " online"))
            }, empty: "No application waits.", more: Item(label: "All applications", href: "/partner/applications", tone: "none", detail: "")),
            Section(title: "Registrations waiting for approval (\(registrations.count))", items: registrations.prefix(10).map { a in
                let start = (try? CalendarDay(iso: a.plannedStart)) ?? today
                return Item(label: "\(names[a.$employer.id] ?? "") · \(AuditType(rawValue: a.auditType)?.label ?? "")", href: "/audits/\(a.id!.uuidString)",
                            tone: start < today ? "late" : tone(daysLeft: today.days(until: start)),
                            detail: start < today ? "planned start \(start.readable) has passed (R1)" : "starts \(start.readable)")
            }, empty: "No registration waits.", more: nil),
            Section(title: "Certificates lapsing (\(lapsing.count))", items: lapsing.prefix(10).map { s in
                Item(label: s.employerName, href: "/partner/cycle", tone: s.status == .lapsed ? "late" : "due",
                     detail: s.status.label + (s.expiry.map { " · expires \($0.readable)" } ?? "") + (s.warnings.first.map { " · \($0)" } ?? ""))
            }, empty: "No certificate lapses within 90 days.", more: Item(label: "The whole cycle", href: "/partner/cycle", tone: "none", detail: "")),
        ]
    }
}
