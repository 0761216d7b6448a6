import Fluent
import SECORCore
import Vapor

/// The roster of people on the WCB account.
struct PeoplePages: RouteCollection {
    func boot(routes: RoutesBuilder) throws {
        routes.get("employers", ":employerId", "people", use: list)
        routes.post("employers", ":employerId", "people", use: create)
        routes.get("employers", ":employerId", "people", ":personId", use: edit)
        routes.post("employers", ":employerId", "people", ":personId", use: update)
    }

    struct Row: Encodable {
        var id: String
        var name: String
        var category: String
        var fullTime: Bool
        var jobRole: String
        var start: String
        var end: String?
        var onAccount: Bool
        /// Starts later: shown as "(starts …)", not as someone who left.
        var startsLater: Bool
        /// The person signs in to SECOR with their own account.
        var hasAccount: Bool
    }

    struct Context: Encodable {
        var layout: LayoutContext
        var employerId: String
        var employerName: String
        var people: [Row]
        var noPeople: Bool
        var headcountToday: Int
        var limit: Int
        var warning: String?
        var headcountIssue: String?
        var canEdit: Bool
        var form: PeopleService.Input
        var categories: [SelectOption]
        var fullTimeChecked: Bool
        var familiarChecked: Bool
        var error: FormError?
        var personId: String?
        /// The add form offers "This person is me" until the caller's account is on the roster.
        var canLinkSelf: Bool
    }

    func list(req: Request) async throws -> View {
        try await render(req, form: PeopleService.Input(fullTime: "on"), error: nil, editing: nil)
    }

    func create(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let ref = try await req.employerRef(.editRecords)
        let form = try req.content.decode(PeopleService.Input.self)
        return try await req.submitForm({
            _ = try await req.people.create(ref, form, by: user)
            return req.redirect(to: "/employers/\(ref.id.uuidString)/people")
        }, orRender: { error in try await render(req, form: form, error: error, editing: nil) })
    }

    func edit(req: Request) async throws -> View {
        let ref = try await req.employerRef(.view)
        let person = try await req.people.find(ref, req.parameters.get("personId", as: UUID.self))
        let form = PeopleService.Input(name: person.name, category: person.category, fullTime: person.fullTime ? "on" : nil,
                                       familiarWithOperation: person.familiarWithOperation ? "on" : nil, jobRole: person.jobRole,
                                       startDate: person.startDate, endDate: person.endDate)
        return try await render(req, form: form, error: nil, editing: person.id)
    }

    func update(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let ref = try await req.employerRef(.editRecords)
        let id = req.parameters.get("personId", as: UUID.self)
        let form = try req.content.decode(PeopleService.Input.self)
        return try await req.submitForm({
            _ = try await req.people.update(ref, id, form, by: user)
            return req.redirect(to: "/employers/\(ref.id.uuidString)/people")
        }, orRender: { error in try await render(req, form: form, error: error, editing: id) })
    }

    private func render(_ req: Request, form: PeopleService.Input, error: FormError?, editing: UUID?) async throws -> View {
        let user = try req.requireUser()
        let ref = try await req.employerRef(.view)
        let today = CalendarDay.today
        let people = try await req.people.list(ref)
        let records = try await EmployerRecords.load(employers: [ref.id], on: req.db)[ref.id]!
        let report = Eligibility.check(records.facts, profile: ref.profile, today: today)
        let rows = people.compactMap { p -> Row? in
            guard let person = p.person else { return nil }
            return Row(id: p.id!.uuidString, name: p.name, category: person.category.label, fullTime: p.fullTime, jobRole: p.jobRole,
                       start: person.startDate.readable, end: person.endDate?.readable, onAccount: person.isOnAccount(on: today),
                       startsLater: person.startDate > today, hasAccount: p.userId != nil)
        }
        let categories = PersonCategory.allCases.map {
            SelectOption(value: $0.rawValue, label: $0.label.prefix(1).uppercased() + $0.label.dropFirst(), selected: $0.rawValue == (form.category ?? "worker"))
        }
        let context = Context(
            layout: try await req.layoutContext(title: editing == nil ? "People" : "Edit person"),
            employerId: ref.id.uuidString, employerName: ref.organisation.name, people: rows, noPeople: rows.isEmpty,
            headcountToday: report.headcount.daily.last ?? 0, limit: ref.profile.headcount.limit,
            warning: report.headcountWarning, headcountIssue: report.issues.first { $0.rule == "E1" }?.message,
            canEdit: Policy.decide(user, .employer(ref.scope, .editRecords)) == .allow,
            form: form, categories: categories, fullTimeChecked: Validate.flag(form.fullTime),
            familiarChecked: Validate.flag(form.familiarWithOperation), error: error, personId: editing?.uuidString,
            canLinkSelf: user.role.isEmployerSide && !people.contains { $0.userId == user.id }
                && (editing.flatMap { id in people.first { $0.id == id } }.map { $0.userId == nil } ?? true))
        return try await req.view.render(editing == nil ? "people" : "person-edit", context)
    }
}
