import Fluent
import Foundation
import SECORCore
import Vapor

/// The demo's sign-offs, made as a crew makes them: a person with an account signs on
/// their own phone (self); the others draw their signature on the recorder's phone
/// (attested, one demo drawing). Written directly, dated the day of the work, because
/// `SignOffService` signs now.
struct DemoSignatures {
    let db: Database
    let recorder: CurrentUser
    let drawing: StoredFileModel
    let people: [PersonModel]

    /// A small drawn squiggle (PNG), the demo's signature.
    static let png = Data(base64Encoded: "iVBORw0KGgoAAAANSUhEUgAAAKAAAAAwCAAAAACzwi6yAAABDklEQVR42u2YwRLDIAhE9/9/mk4PncYYwAXsOB24JcTNUyJCIIcbGrABG7ABG7ABG/AvAPG2cwHxMX7QLwBxscCg7YDftxCIy5NCCd/1ghzkISK5Ae6uNcLhKZsQuQ3wcB/g+JxFBPGtzCrKPY7PXkRQG2Ce+dL7fb++iKA2wPXa0PREnaw4fqHUXAE75CuEmlMRRiQWbv4yfKaLA4QVC0AkAugOvD8ACUqJhAhpUWzhU0F4UezhU7dqVbmVL+6UFFkEWFF8PqaAooK1pDgOndJrgEXF+5QwqgDLmotRKCg75ezK5idSylqAkc5nlTAsC+4MS/RTBW3njt42HZbtfxayYel/Mw3YgA3YgIfbC25JQUllRgfHAAAAAElFTkSuQmCC")!

    init(ref: EmployerRef, recorder: CurrentUser, on app: Application) async throws {
        db = app.db
        self.recorder = recorder
        let stored = try FileStore(db: app.db, root: app.filesRoot).store(Array(Self.png), filename: "signature.png", employerId: ref.id,
                                                                            by: recorder, field: "signature")
        let file = StoredFileModel(employerId: ref.id, uploadedBy: recorder.id, sha256: stored.sha256, size: Self.png.count,
                                   contentType: FileStore.Kind.png.rawValue, originalName: "signature-demo.png")
        try await file.create(on: app.db)
        drawing = file
        people = try await PersonModel.query(on: app.db).filter(\.$employer.$id == ref.id).all()
    }

    /// The first `first` people the newest version asks to sign, sign it.
    func sign(_ detail: RecordDetail, role: SignOffRole, on day: CalendarDay, first: Int = .max) async throws {
        for wanted in detail.waitingFor.prefix(first) {
            guard let person = people.first(where: { $0.id?.uuidString == wanted.personId }) else { continue }
            try await add(detail, person, role: role, on: day, note: nil)
        }
    }

    /// A supervisor's (or the owner's) review.
    func review(_ detail: RecordDetail, note: String, on day: CalendarDay) async throws {
        let reviewers = people.filter { ($0.category == "supervisor" || $0.category == "owner") && $0.userId != nil }
        guard let reviewer = reviewers.first else { return }
        try await add(detail, reviewer, role: .reviewer, on: day, note: note)
    }

    private func add(_ detail: RecordDetail, _ person: PersonModel, role: SignOffRole, on day: CalendarDay, note: String?) async throws {
        let signOff = SignOffModel()
        signOff.id = UUID()
        signOff.$record.id = try detail.record.requireID()
        signOff.version = detail.record.currentVersion
        signOff.signerName = person.name
        signOff.personId = person.id
        signOff.contentHash = detail.versions.last?.contentHash ?? ""
        signOff.role = role.rawValue
        signOff.note = note
        signOff.signedAt = day.date(atHour: 17)
        if let user = person.userId {
            signOff.method = SignOffMethod.`self`.rawValue
            signOff.recordedBy = user
        } else if role == .signer {
            // A policy signed on paper by someone with no account, before personal sign-offs.
            signOff.method = SignOffMethod.ticked.rawValue
            signOff.recordedBy = recorder.id
        } else {
            signOff.method = SignOffMethod.attested.rawValue
            signOff.recordedBy = recorder.id
            signOff.signatureFileId = drawing.id
        }
        signOff.seal = SignOffService.seal(signOff, signatureSHA256: signOff.signatureFileId == nil ? nil : drawing.sha256)
        try await signOff.create(on: db)
        if let user = person.userId { try await SignOffService.closeAsk(user, record: detail.record, on: db) }
    }
}
