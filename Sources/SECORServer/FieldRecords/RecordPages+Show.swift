import Fluent
import SECORCore
import Vapor

/// A record's page: every version, newest first, each with the sign-offs that bind it;
/// who still has to sign the newest; and the ways to sign it.
extension RecordPages {
    struct Attachment: Encodable {
        var href: String
        var name: String
        var isImage: Bool
    }

    struct SignOffView: Encodable {
        var name: String
        var role: String
        /// "signed on their own account", "signed on Riley Nguyen's phone", "ticked (no signature)".
        var how: String
        var when: String
        var note: String?
        var signatureHref: String?
    }

    struct VersionView: Encodable {
        var attachments: [Attachment]
        var version: Int
        var when: String
        var author: String
        var reason: String
        var hash: String
        var lines: [String]
        var signOffs: [SignOffView]
        var isCurrent: Bool
        var hasAttachments: Bool { !attachments.isEmpty }
        var hasSignOffs: Bool { !signOffs.isEmpty }

        enum CodingKeys: String, CodingKey { case attachments, version, when, author, reason, hash, lines, signOffs, isCurrent, hasAttachments, hasSignOffs }

        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(attachments, forKey: .attachments); try c.encode(version, forKey: .version); try c.encode(when, forKey: .when)
            try c.encode(author, forKey: .author); try c.encode(reason, forKey: .reason); try c.encode(hash, forKey: .hash)
            try c.encode(lines, forKey: .lines); try c.encode(signOffs, forKey: .signOffs); try c.encode(isCurrent, forKey: .isCurrent)
            try c.encode(hasAttachments, forKey: .hasAttachments); try c.encode(hasSignOffs, forKey: .hasSignOffs)
        }
    }

    /// A way for the person looking to sign the newest version.
    struct SignChoice: Encodable {
        var role: String
        var label: String
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
        var version: Int
        /// Who the newest version still waits for, by name; and those the phone's holder may hand it to.
        var waitingFor: [String]
        var stillWaiting: Bool
        var handOver: [RosterPerson]
        var canHandOver: Bool
        var mySigning: [SignChoice]
        var canReview: Bool
        var signed: Bool
        var error: FormError?
    }

    func show(req: Request) async throws -> View {
        try await renderShow(req, error: nil)
    }

    func renderShow(_ req: Request, error: FormError?) async throws -> View {
        let user = try req.requireUser()
        let ref = try await req.employerRef(.view)
        let detail = try await req.records.detail(ref, req.parameters.get("recordId", as: UUID.self))
        let userIds = detail.versions.map(\.authorId) + detail.signOffs.compactMap(\.recordedBy)
        let users = try await UserModel.query(on: req.db).filter(\.$id ~~ userIds).all()
        let files = try await StoredFileModel.query(on: req.db)
            .filter(\.$id ~~ (detail.versions.flatMap(\.attachmentIds) + detail.signOffs.compactMap(\.signatureFileId))).all()
        let roster = try await req.people.list(ref)
        let stamp = DateFormatter()
        stamp.timeZone = CalendarDay.albertaTimeZone
        stamp.dateFormat = "d MMMM yyyy, HH:mm"
        let base = "/employers/\(ref.id.uuidString)"
        func name(_ id: UUID?) -> String { users.first { $0.id == id }?.name ?? "someone" }
        let views = try detail.versions.map { v -> VersionView in
            let content = try RecordContent.read(kind: detail.content.kind, json: v.content)
            let attached = v.attachmentIds.compactMap { id in files.first { $0.id == id } }
                .map { Attachment(href: "\(base)/files/\($0.id!.uuidString)", name: $0.originalName, isImage: $0.contentType.hasPrefix("image/")) }
            let signOffs = detail.signOffs.filter { $0.version == v.version }.map { s -> SignOffView in
                let how: String
                switch s.signOffMethod {
                case .self: how = "signed on their own account"
                case .attested: how = "signed on \(name(s.recordedBy))'s phone"
                case .ticked: how = "ticked by \(name(s.recordedBy)) (before personal sign-offs; not a signature)"
                }
                return SignOffView(name: s.signerName, role: s.signOffRole.label, how: how, when: stamp.string(from: s.signedAt), note: s.note,
                                   signatureHref: s.signatureFileId.map { "\(base)/files/\($0.uuidString)" })
            }
            return VersionView(attachments: attached, version: v.version,
                               when: "\((try? CalendarDay(iso: v.occurredOn).readable) ?? v.occurredOn) \(v.occurredTime)",
                               author: name(v.authorId) + (v.createdAt.map { ", typed \(stamp.string(from: $0))" } ?? ""),
                               reason: v.reason, hash: String(v.contentHash.prefix(16)), lines: content.lines, signOffs: signOffs,
                               isCurrent: v.version == detail.record.currentVersion)
        }
        // What the person looking may sign: their own part, a review, or a hand-over of the phone.
        let canRecord = Policy.decide(user, .employer(ref.scope, .recordFieldWork)) == .allow
        let mayAuthor = (try? await req.records.mayAuthor(detail.content.descriptor, ref, user)) != nil
        let canAmend = canRecord && mayAuthor
        // A signature is drawn on the phone of whoever wrote the newest version.
        let isAuthor = detail.versions.last?.authorId == user.id
        let me = roster.first { $0.userId == user.id }
        let day = (try? CalendarDay(iso: detail.record.occurredOn)) ?? .today
        let signedRoles = detail.currentSignOffs.filter { $0.personId == me?.id }.map(\.role)
        var mine: [SignChoice] = []
        if canRecord, let person = me?.person {
            for role in detail.content.descriptor.signOffRoles where !signedRoles.contains(role.rawValue) && role != .reviewer {
                if SignOffRules.refusal(person: person, role: role, method: .self, content: detail.content, day: day) == nil {
                    mine.append(SignChoice(role: role.rawValue, label: role == .signer ? "Sign the policy" : "Sign: I was told these hazards and controls"))
                }
            }
        }
        let canReview = canRecord && !signedRoles.contains(SignOffRole.reviewer.rawValue) && me?.person.map {
            SignOffRules.refusal(person: $0, role: .reviewer, method: .self, content: detail.content, day: day) == nil
        } == true
        let waiting = detail.waitingFor
        let handOver = canRecord && isAuthor ? waiting.compactMap { wanted -> RosterPerson? in
            guard let id = wanted.personId, id != me?.id?.uuidString, detail.content.descriptor.signOffRoles.contains(.worker),
                  detail.content.namedPeople.contains(where: { $0.personId == id }) else { return nil }
            return RosterPerson(id: id, name: wanted.name, role: "", senior: false, present: true)
        } : []
        return try await req.view.render("records/show", DetailContext(
            layout: req.layoutContext(title: detail.content.kind.title), employerId: ref.id.uuidString,
            recordId: detail.record.id!.uuidString, title: detail.content.kind.title, versions: views.reversed(),
            current: views.last!, amended: views.count > 1, canAmend: canAmend, version: detail.record.currentVersion,
            waitingFor: waiting.map { $0.name.isEmpty ? "the signer" : $0.name }, stillWaiting: !waiting.isEmpty,
            handOver: handOver, canHandOver: !handOver.isEmpty, mySigning: mine, canReview: canReview,
            signed: req.query[String.self, at: "signed"] != nil, error: error))
    }

    /// What the sign buttons, the review form and the signature pad post.
    struct SignForm: Content {
        var role: String?
        var method: String?
        var personId: String?
        var version: Int?
        var note: String?
        /// The drawn signature, as the pad's `data:image/png;base64,...`.
        var signature: String?
    }

    func sign(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let ref = try await req.employerRef(.view)
        let form = try req.content.decode(SignForm.self)
        let id = req.parameters.get("recordId", as: UUID.self)
        do {
            guard let role = SignOffRole(rawValue: form.role ?? "") else { throw AppError.invalid("role", "Say in what role the record is signed.") }
            let method = SignOffMethod(rawValue: form.method ?? "") ?? .self
            var png: [UInt8]?
            if let drawn = form.signature?.split(separator: ",", maxSplits: 1), drawn.count == 2, drawn[0].hasPrefix("data:image/png;base64") {
                png = Data(base64Encoded: String(drawn[1])).map(Array.init)
            }
            _ = try await req.signOffs.sign(ref, recordId: id, .init(
                role: role, method: method, personId: try form.personId.flatMap { $0.isEmpty ? nil : try Validate.uuid($0, "personId", "Person") },
                version: form.version, note: form.note, signaturePNG: png), by: user)
            return req.redirect(to: "/employers/\(ref.id.uuidString)/records/\(id!.uuidString)?signed=1")
        } catch let error as AppError where error.status != .notFound && !req.wantsJSON {
            let response = try await renderShow(req, error: FormError(error)).encodeResponse(for: req)
            response.status = error.status
            return response
        }
    }

    struct SignHereContext: Encodable {
        var layout: LayoutContext
        var employerId: String
        var recordId: String
        var title: String
        var person: String
        var personId: String
        var version: Int
        var lines: [String]
        var holder: String
    }

    /// The signature pad: the phone's holder hands it to the person named, who reads the
    /// record and draws their signature.
    func signHere(req: Request) async throws -> View {
        let user = try req.requireUser()
        let ref = try await req.employerRef(.recordFieldWork)
        let detail = try await req.records.detail(ref, req.parameters.get("recordId", as: UUID.self))
        let personId = try Validate.uuid(req.query[String.self, at: "person"] ?? "", "person", "Person")
        guard let person = try await PersonModel.query(on: req.db).filter(\.$id == personId).filter(\.$employer.$id == ref.id).first() else {
            throw AppError.notFound("person")
        }
        return try await req.view.render("records/sign-here", SignHereContext(
            layout: req.layoutContext(title: "Sign: \(person.name)"), employerId: ref.id.uuidString, recordId: detail.record.id!.uuidString,
            title: detail.content.kind.title, person: person.name, personId: personId.uuidString, version: detail.record.currentVersion,
            lines: detail.content.lines, holder: user.name))
    }
}
