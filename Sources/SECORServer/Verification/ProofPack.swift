import Fluent
import SECORCore
import Vapor

/// The employer's proof pack for a bid: its certificate with the QR code, today's state and
/// cycle, its WCB accounts and industry codes, and, when it chooses, the headline of its
/// last audit (year, type, overall pass). The pack carries its own verification address.
/// One builder for the page, the PDF and the API.
enum ProofPack {
    struct Choice: Sendable {
        var accounts: Bool
        var headline: Bool
    }

    struct Context: Encodable {
        var employer: String
        var tradeName: String
        var partner: String
        var program: String
        var certificate: PublicCertificate
        var stateTone: String
        var issued: String
        var expires: String
        var dueBy: String
        var years: String
        var accounts: [String]
        var showAccounts: Bool
        var headline: String
        var showHeadline: Bool
        var address: String
        var qr: String?
        var today: String
    }

    /// Nil when the employer holds no certificate to prove.
    static func context(_ ref: EmployerRef, _ choice: Choice, linkBase: String, on db: Database, programs: ProgramCatalog) async throws -> Context? {
        guard let latest = try await CertificateModel.query(on: db).filter(\.$employer.$id == ref.id).sort(\.$issuedOn, .descending).first(),
              let facts = try await VerificationService(db: db, programs: programs).certificate(number: latest.number) else { return nil }
        let accounts = try await WCBAccountModel.query(on: db).filter(\.$employer.$id == ref.id).filter(\.$active == true).sort(\.$number).all()
        var headline = ""
        if choice.headline, let last = try await AuditModel.query(on: db).filter(\.$employer.$id == ref.id)
            .filter(\.$stage == AuditStage.passed.rawValue).sort(\.$plannedStart, .descending).first(),
           let start = try? CalendarDay(iso: last.lastDayOnSite ?? last.plannedStart) {
            headline = "\(start.year) \(AuditType(rawValue: last.auditType)?.label.lowercased() ?? last.auditType): passed QA (audit \(last.number ?? ""))"
        }
        func day(_ iso: String?) -> String { iso.flatMap { try? CalendarDay(iso: $0).readable } ?? "" }
        let address = linkBase + "/verify/" + facts.certificateNumber
        return Context(employer: facts.legalName, tradeName: facts.tradeName, partner: facts.partner, program: facts.program, certificate: facts,
                       stateTone: VerificationPages.tone(facts.state), issued: day(facts.issuedOn), expires: day(facts.expiresOn),
                       dueBy: day(facts.maintenanceDueBy), years: facts.yearsPassed.map { "year \($0)" }.joined(separator: ", "),
                       accounts: accounts.map { "WCB account \($0.number) · industry code \($0.industryCode)" }, showAccounts: choice.accounts,
                       headline: headline, showHeadline: choice.headline && !headline.isEmpty,
                       address: address, qr: await QRCode.svgDataURL(for: address, public: true), today: CalendarDay.today.readable)
    }

    static func pdf(_ req: Request, _ ref: EmployerRef, _ choice: Choice) async throws -> Data {
        guard let context = try await context(ref, choice, linkBase: req.linkBase, on: req.db, programs: req.programs) else {
            throw AppError(status: .conflict, message: "\(ref.organisation.name) holds no certificate yet: a proof pack proves one.")
        }
        let view = try await req.view.render("proof-pack", context)
        return try await PDFRenderer.render(html: String(buffer: view.data))
    }
}

/// `/employers/{id}/proof-pack`: choose what goes in, then the PDF.
struct ProofPackPages: RouteCollection {
    func boot(routes: RoutesBuilder) throws {
        routes.get("employers", ":employerId", "proof-pack", use: page)
        routes.get("employers", ":employerId", "proof-pack.pdf", use: download)
    }

    struct PageContext: Encodable {
        var layout: LayoutContext
        var employerId: String
        var hasCertificate: Bool
        var pack: ProofPack.Context?
    }

    /// The form's boxes (an unticked box sends nothing); a bare link gets the accounts only.
    static func choice(_ req: Request) -> ProofPack.Choice {
        let chosen = req.query[String.self, at: "chosen"] != nil
        return .init(accounts: Validate.flag(req.query[String.self, at: "accounts"] ?? (chosen ? nil : "on")),
                     headline: Validate.flag(req.query[String.self, at: "headline"]))
    }

    func page(req: Request) async throws -> View {
        let ref = try await req.employerRef(.view)
        let pack = try await ProofPack.context(ref, .init(accounts: true, headline: true), linkBase: req.linkBase, on: req.db, programs: req.programs)
        return try await req.view.render("proof-pack-choose", PageContext(layout: req.layoutContext(title: "Proof pack"), employerId: ref.id.uuidString,
                                                                          hasCertificate: pack != nil, pack: pack))
    }

    func download(req: Request) async throws -> Response {
        let ref = try await req.employerRef(.view)
        let response = Response(status: .ok, body: .init(data: try await ProofPack.pdf(req, ref, Self.choice(req))))
        response.headers.contentType = .init(type: "application", subType: "pdf")
        response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"secor-proof-\(CalendarDay.today.iso).pdf\"")
        return response
    }
}
