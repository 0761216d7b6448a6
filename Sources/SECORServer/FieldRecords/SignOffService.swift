import Crypto
import Fluent
import Foundation
import SECORCore
import Vapor

/// Sign-offs made by the person who signs (rule A7): from their own account (self), or
/// drawn with a finger on the phone of the person who recorded it (attested). Pages and
/// the API both call `sign`.
struct SignOffService {
    let db: Database
    var filesRoot: String

    struct Signing: Sendable {
        var role: SignOffRole
        var method: SignOffMethod
        /// Attested: whose signature is drawn. Self: nil, or the signer's own person.
        var personId: UUID?
        /// The version the signer read; signing an older one is refused.
        var version: Int?
        var note: String?
        /// Attested: the drawn signature as PNG bytes.
        var signaturePNG: [UInt8]?
    }

    /// A drawn signature is a small PNG.
    static let maxSignatureBytes = 300_000

    func sign(_ ref: EmployerRef, recordId: UUID?, _ signing: Signing, by user: CurrentUser) async throws -> SignOffModel {
        try Policy.authorize(user, .employer(ref.scope, .recordFieldWork), what: "employer")
        let records = FieldRecordService(db: db, filesRoot: filesRoot)
        let detail = try await records.detail(ref, recordId)
        let record = detail.record
        let own = try await PersonModel.linked(to: user, at: ref, on: db)
        let personModel: PersonModel
        switch signing.method {
        case .self:
            guard let own else {
                let how = user.role == .employerOwner ? "link it on your own roster entry (People: This person is me)" : "ask the owner to link it (People)"
                throw AppError(status: .forbidden, message: "Your account is not linked to a person on this employer's roster; \(how).", field: "personId")
            }
            if let asked = signing.personId, asked != own.id {
                throw AppError(status: .forbidden, message: "You sign only for yourself. To record someone else's signature, hand them your phone to sign (attested).", field: "personId")
            }
            personModel = own
        case .attested:
            // The phone handed over is the one the newest version was written on.
            guard detail.versions.last?.authorId == user.id else {
                throw AppError(status: .forbidden, message: "A signature is drawn on the phone of whoever wrote this version of the record.", field: "method")
            }
            guard let asked = signing.personId else { throw AppError.invalid("personId", "Say whose signature is drawn.") }
            if asked == own?.id { throw AppError.invalid("method", "You sign your own records yourself (method self), not as attested.") }
            guard let found = try await PersonModel.query(on: db).filter(\.$id == asked).filter(\.$employer.$id == ref.id).first() else {
                throw AppError.invalid("personId", "That person is not on this employer's roster.")
            }
            personModel = found
        case .ticked:
            throw AppError.invalid("method", "A sign-off is self (on your own account) or attested (drawn on this phone).")
        }
        guard let person = personModel.person else { throw AppError.invalid("personId", "That person's roster entry is incomplete.") }
        let day = try Validate.day(record.occurredOn, "occurredOn", "The day of the work")
        if let refusal = SignOffRules.refusal(person: person, role: signing.role, method: signing.method, content: detail.content, day: day) {
            throw AppError.invalid(refusal.field, refusal.message)
        }
        if let seen = signing.version, seen != record.currentVersion {
            throw AppError(status: .conflict, message: "The record was amended to version \(record.currentVersion) after version \(seen) was read; read it again, then sign.", field: "version")
        }
        let note = try Validate.text(signing.note, "note", signing.role == .reviewer ? "The review" : "The note", max: 2000,
                                     optional: signing.role != .reviewer)
        var drawn: (sha256: String, size: Int)?
        if signing.method == .attested {
            guard let png = signing.signaturePNG, !png.isEmpty else { throw AppError.invalid("signature", "Draw the signature in the box first.") }
            guard png.count <= Self.maxSignatureBytes, FileStore.Kind.sniff(png) == .png else {
                throw AppError.invalid("signature", "The signature is a PNG drawing of at most \(Self.maxSignatureBytes / 1000) kB.")
            }
            let stored = try FileStore(db: db, root: filesRoot).store(png, filename: "signature.png", employerId: ref.id, by: user, field: "signature")
            drawn = (stored.sha256, png.count)
        }
        let signature = drawn
        let version = try await FieldRecordVersionModel.query(on: db).filter(\.$record.$id == record.id!)
            .filter(\.$version == record.currentVersion).first()
        guard let version else { throw AppError.notFound("record") }
        let signOff = SignOffModel()
        signOff.id = UUID()
        signOff.$record.id = try record.requireID()
        signOff.version = record.currentVersion
        signOff.signerName = personModel.name
        signOff.personId = personModel.id
        signOff.recordedBy = user.id
        signOff.role = signing.role.rawValue
        signOff.method = signing.method.rawValue
        signOff.note = note.nilIfEmpty
        signOff.signedAt = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))  // whole seconds, as every database keeps them
        signOff.contentHash = version.contentHash
        let expectedVersion = record.currentVersion
        let personName = personModel.name
        try await db.writeTransaction { db in
            // Compare-and-set: the version read is still the newest, and this person has not
            // signed it in this role since.
            try await db.lockRow("field_records", signOff.$record.id)
            guard let now = try await FieldRecordModel.find(signOff.$record.id, on: db), now.currentVersion == expectedVersion else {
                throw AppError(status: .conflict, message: "The record was amended while you were signing; read the new version, then sign.", field: "version")
            }
            let twice = try await SignOffModel.query(on: db).filter(\.$record.$id == signOff.$record.id).filter(\.$version == expectedVersion)
                .filter(\.$personId == signOff.personId).filter(\.$role == signOff.role).count()
            guard twice == 0 else {
                throw AppError(status: .conflict, message: "\(personName) has signed version \(expectedVersion) already.", field: "personId")
            }
            if let signature {
                let file = StoredFileModel(employerId: ref.id, uploadedBy: user.id, sha256: signature.sha256, size: signature.size,
                                           contentType: FileStore.Kind.png.rawValue, originalName: "signature-\(personName).png")
                try await file.create(on: db)
                signOff.signatureFileId = file.id
            }
            signOff.seal = Self.seal(signOff, signatureSHA256: signature?.sha256)
            try await signOff.create(on: db)
            // The notice that asked this person to sign is done with.
            if let signer = personModel.userId { try await Self.closeAsk(signer, record: now, on: db) }
            try await AuditLog.append(on: db, actor: user.id, action: "record.sign", entity: now.kind, entityId: now.id!.uuidString,
                                      detail: "\(signOff.method) \(signOff.role) \(personName), version \(expectedVersion) \(signOff.contentHash)")
        }
        return signOff
    }

    /// What a sign-off binds, recomputable from its row and the signature file.
    static func seal(_ s: SignOffModel, signatureSHA256: String?) -> String {
        let stamp = String(format: "%.0f", s.signedAt.timeIntervalSince1970)
        let text = [s.contentHash, s.personId?.uuidString ?? "", s.role, s.method, stamp, signatureSHA256 ?? ""].joined(separator: "|")
        return SHA256.hash(data: Data(text.utf8)).hex
    }

    /// The "sign this" notice a person was sent for a record is done with once they sign it
    /// (or a newer version's notice replaces it).
    static func closeAsk(_ userId: UUID, record: FieldRecordModel, on db: Database) async throws {
        let link = "/employers/\(record.$employer.id.uuidString)/records/\(try record.requireID().uuidString)"
        try await NotificationModel.query(on: db).filter(\.$user.$id == userId).filter(\.$readAt == nil).filter(\.$link == link)
            .set(\.$readAt, to: Date()).update()
    }

    /// Tells the people a version names, who have an account, to sign it (not its author).
    static func askToSign(_ record: FieldRecordModel, _ content: RecordContent, author: UUID, on db: Database) async throws {
        let ids = SignOffRules.outstanding(content, signedPersonIds: []).compactMap { $0.personId.flatMap(UUID.init(uuidString:)) }
        guard !ids.isEmpty else { return }
        let people = try await PersonModel.query(on: db).filter(\.$id ~~ ids).filter(\.$employer.$id == record.$employer.id).all()
        let day = (try? CalendarDay(iso: record.occurredOn).readable) ?? record.occurredOn
        let place = content.site.isEmpty ? "" : " at \(content.site)"
        let link = "/employers/\(record.$employer.id.uuidString)/records/\(record.id!.uuidString)"
        for userId in Set(people.compactMap(\.userId)) where userId != author {
            // One notice per record: an amendment's replaces the one before.
            try await closeAsk(userId, record: record, on: db)
            try await NotificationModel(userId: userId, title: "Sign the \(content.kind.title.lowercased()) of \(day)",
                                        body: "Version \(record.currentVersion) of the \(content.kind.title.lowercased())\(place) names you. Read it and sign it on your phone.",
                                        link: link, event: .recordSignatureNeeded).create(on: db)
        }
    }
}

extension Request {
    var signOffs: SignOffService { SignOffService(db: db, filesRoot: files.root) }
}
