import Fluent
import SECORCore
import Vapor

/// Completions, certificates and the training status as of any day (T1-T8).
struct TrainingPages: RouteCollection {
    func boot(routes: RoutesBuilder) throws {
        routes.get("employers", ":employerId", "training", use: show)
        // Certificates up to the file store's limit, plus room for the form's fields.
        routes.on(.POST, "employers", ":employerId", "training", body: .collect(maxSize: ByteCount(integerLiteral: FileStore.maxBytes + 64 * 1024)), use: create)
        routes.get("employers", ":employerId", "files", ":fileId", use: download)
    }

    struct Row: Encodable {
        var person: String
        var course: String
        var completed: String
        var expires: String?
        var provider: String
        var certificateNumber: String
        var fileId: String?
    }

    struct Context: Encodable {
        var layout: LayoutContext
        var employerId: String
        var employerName: String
        var asOf: String
        var isMet: Bool
        /// The program's requirements and the matrix together.
        var headline: String
        var matrixGaps: Bool
        var findings: [TrainingFinding]
        var warnings: [String]
        var completions: [Row]
        var noCompletions: Bool
        var canEdit: Bool
        var people: [SelectOption]
        var courses: [SelectOption]
        var form: TrainingService.Input
        var error: FormError?
        var maxMegabytes: Int
    }

    struct Form: Content {
        var personId: String?
        var courseId: String?
        var completedOn: String?
        var expiresOn: String?
        var provider: String?
        var certificateNumber: String?
        var certificateFile: File?
    }

    func show(req: Request) async throws -> View {
        try await render(req, form: TrainingService.Input(), error: nil)
    }

    func create(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let ref = try await req.employerRef(.editRecords)
        let form = try req.content.decode(Form.self)
        let input = TrainingService.Input(personId: form.personId, courseId: form.courseId, completedOn: form.completedOn,
                                          expiresOn: form.expiresOn, provider: form.provider, certificateNumber: form.certificateNumber)
        // A file input left empty still sends a part with no name and no bytes.
        let upload = form.certificateFile.flatMap { file -> TrainingService.Upload? in
            if file.filename.isEmpty && file.data.readableBytes == 0 { return nil }
            return TrainingService.Upload(bytes: Array(file.data.readableBytesView), filename: file.filename)
        }
        return try await req.submitForm({
            _ = try await req.training.record(ref, input, certificate: upload, by: user)
            return req.redirect(to: "/employers/\(ref.id.uuidString)/training")
        }, orRender: { error in try await render(req, form: input, error: error) })
    }

    func download(req: Request) async throws -> Response {
        let ref = try await req.employerRef(.view)
        let file = try await req.training.file(ref, req.parameters.get("fileId", as: UUID.self))
        let data = try req.files.read(file)
        let response = Response(status: .ok, body: .init(data: data))
        response.headers.contentType = HTTPMediaType.fileExtension((file.originalName as NSString).pathExtension) ?? .binary
        let safeName = file.originalName.filter { $0.isLetter || $0.isNumber || ".-_ ".contains($0) }
        response.headers.replaceOrAdd(name: .contentDisposition, value: "inline; filename=\"\(safeName)\"")
        response.headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        return response
    }

    private func render(_ req: Request, form: TrainingService.Input, error: FormError?) async throws -> View {
        let user = try req.requireUser()
        let ref = try await req.employerRef(.view)
        let asOf = try req.asOfDay()
        let records = try await EmployerRecords.load(employers: [ref.id], on: req.db)[ref.id]!
        let status = TrainingRules.status(people: records.people, completions: records.completions, profile: ref.profile, on: asOf)
        let matrix = try await req.matrix.rows(ref, on: asOf)
        let summary = TrainingSummary(status: status, matrix: matrix)
        let completions = try await req.training.completions(ref)
        let rows = completions.map { c in
            Row(person: c.person.name, course: ref.profile.course(c.courseId)?.name ?? c.courseId,
                completed: (try? CalendarDay(iso: c.completedOn).readable) ?? c.completedOn,
                expires: c.expiresOn.flatMap { try? CalendarDay(iso: $0).readable }, provider: c.provider,
                certificateNumber: c.certificateNumber, fileId: c.fileId?.uuidString)
        }
        let people = records.people.filter { $0.isOnAccount(on: .today) || $0.endDate.map { $0 >= asOf } == true }
            .map { SelectOption(value: $0.id, label: $0.name, selected: $0.id == form.personId) }
        let courses = ref.profile.catalogue.map { SelectOption(value: $0.id, label: $0.name, selected: $0.id == form.courseId) }
        let context = Context(
            layout: try await req.layoutContext(title: "Training"), employerId: ref.id.uuidString, employerName: ref.organisation.name,
            asOf: asOf.iso, isMet: summary.allMet, headline: summary.headline,
            matrixGaps: summary.missing + summary.expired + summary.expiring > 0, findings: status.findings,
            warnings: TrainingService.expiryWarnings(completions, profile: ref.profile, on: asOf),
            completions: rows, noCompletions: rows.isEmpty,
            canEdit: Policy.decide(user, .employer(ref.scope, .editRecords)) == .allow,
            people: people, courses: courses, form: form, error: error, maxMegabytes: FileStore.maxBytes / 1024 / 1024)
        return try await req.view.render("training", context)
    }
}
