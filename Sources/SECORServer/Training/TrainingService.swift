import Fluent
import SECORCore
import Vapor

/// Course completions with their certificates, and the training status as of a day.
struct TrainingService {
    let db: Database
    let files: FileStore

    struct Input: Codable, Sendable {
        var personId: String?
        var courseId: String?
        var completedOn: String?
        var expiresOn: String?
        var provider: String?
        var certificateNumber: String?
    }

    /// An uploaded certificate: the bytes and the name it came with.
    struct Upload: Sendable {
        var bytes: [UInt8]
        var filename: String
    }

    /// Records a completion with its certificate: a new upload (pages) or a file stored
    /// before through the API (`fileId`).
    func record(_ ref: EmployerRef, _ input: Input, certificate: Upload?, fileId: UUID? = nil, by user: CurrentUser) async throws -> CompletionModel {
        try Policy.authorize(user, .employer(ref.scope, .editRecords), what: "employer")
        let personId = try Validate.uuid(input.personId, "personId", "Person")
        let person = try await PeopleService(db: db).find(ref, personId)
        let courseId = try Validate.text(input.courseId, "courseId", "Course")
        guard let course = ref.profile.course(courseId) else {
            throw AppError.refused("courseId", "'\(courseId)' is not a course or ticket of the \(ref.profile.partnerShortName) program.")
        }
        let completed = try Validate.day(input.completedOn, "completedOn", "Completion date")
        if completed > CalendarDay.today { throw AppError.invalid("completedOn", "The completion date \(completed.readable) is in the future.") }
        let expires = try Validate.optionalDay(input.expiresOn, "expiresOn", "Expiry date")
        if let expires, expires < completed { throw AppError.invalid("expiresOn", "The expiry date is before the completion date.") }
        let provider = try Validate.text(input.provider, "provider", "Provider", max: 120)
        let number = try Validate.text(input.certificateNumber, "certificateNumber", "Certificate number", max: 60, optional: true)
        let stored = try certificate.map { try files.store($0.bytes, filename: $0.filename, employerId: ref.id, by: user) }
        if let fileId { _ = try await file(ref, fileId) }

        let completion = CompletionModel()
        completion.$employer.id = ref.id
        completion.$person.id = try person.requireID()
        completion.courseId = courseId
        completion.completedOn = completed.iso
        // A course with a validity gets its expiry even when the certificate names none.
        completion.expiresOn = (expires ?? course.validityYears.map { completed.adding(years: $0).adding(days: -1) })?.iso
        completion.provider = provider
        completion.certificateNumber = number
        completion.fileId = fileId
        let size = certificate?.bytes.count ?? 0
        try await db.writeTransaction { db in
            if let stored {
                let file = StoredFileModel(employerId: ref.id, uploadedBy: user.id, sha256: stored.sha256, size: size,
                                           contentType: stored.kind.rawValue, originalName: stored.name)
                try await file.create(on: db)
                completion.fileId = file.id
                try await AuditLog.append(on: db, actor: user.id, action: "file.upload", entity: "file", entityId: file.id!.uuidString,
                                          detail: "\(stored.name) sha256:\(stored.sha256)")
            }
            try await completion.create(on: db)
            try await AuditLog.append(on: db, actor: user.id, action: "completion.create", entity: "completion",
                                      entityId: completion.id!.uuidString, detail: "\(person.name): \(courseId) on \(completed.iso)")
        }
        return completion
    }

    func completions(_ ref: EmployerRef) async throws -> [CompletionModel] {
        try await CompletionModel.query(on: db).filter(\.$employer.$id == ref.id).with(\.$person)
            .sort(\.$completedOn, .descending).all()
    }

    /// Certifications expiring within 90 days (C6 thresholds 90/60/30) or expired, of
    /// people still on the account.
    static func expiryWarnings(_ completions: [CompletionModel], profile: ProgramProfile, on day: CalendarDay) -> [String] {
        var latest: [String: CompletionModel] = [:]
        for c in completions where (c.person.endDate.flatMap { try? CalendarDay(iso: $0) }.map { $0 >= day } ?? true) {
            let key = "\(c.$person.id)|\(c.courseId)"
            if let other = latest[key], other.completedOn >= c.completedOn { continue }
            latest[key] = c
        }
        return latest.values.compactMap { c -> (CalendarDay, String)? in
            guard let end = c.expiresOn.flatMap({ try? CalendarDay(iso: $0) }) else { return nil }
            let name = profile.course(c.courseId)?.name ?? c.courseId
            if end < day { return (end, "\(c.person.name)'s \(name) expired on \(end.readable).") }
            guard let threshold = Reminder.threshold(for: end, today: day) else { return nil }
            return (end, "\(c.person.name)'s \(name) expires on \(end.readable): within \(threshold) days.")
        }.sorted { $0.0 < $1.0 }.map(\.1)
    }

    /// Stores an uploaded file on its own (the API's first step before a completion).
    func upload(_ ref: EmployerRef, _ upload: Upload, by user: CurrentUser) async throws -> StoredFileModel {
        try Policy.authorize(user, .employer(ref.scope, .editRecords), what: "employer")
        let stored = try files.store(upload.bytes, filename: upload.filename, employerId: ref.id, by: user, field: "body")
        let file = StoredFileModel(employerId: ref.id, uploadedBy: user.id, sha256: stored.sha256, size: upload.bytes.count,
                                   contentType: stored.kind.rawValue, originalName: stored.name)
        try await db.writeTransaction { db in
            try await file.create(on: db)
            try await AuditLog.append(on: db, actor: user.id, action: "file.upload", entity: "file", entityId: file.id!.uuidString,
                                      detail: "\(stored.name) sha256:\(stored.sha256)")
        }
        return file
    }

    func file(_ ref: EmployerRef, _ id: UUID?) async throws -> StoredFileModel {
        guard let id, let file = try await StoredFileModel.query(on: db).filter(\.$id == id)
            .filter(\.$employer.$id == ref.id).first() else { throw AppError.notFound("file") }
        return file
    }
}

extension Request {
    var training: TrainingService { TrainingService(db: db, files: files) }
}
