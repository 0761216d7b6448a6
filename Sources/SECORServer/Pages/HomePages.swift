import Fluent
import SECORCore
import Vapor

/// `/home`: one page per role, with the real data of the signed-in user.
struct HomePages: RouteCollection {
    func boot(routes: RoutesBuilder) throws {
        routes.get("home", use: home)
    }

    struct ProgramFacts: Encodable {
        var id: String
        var partner: String
        var partnerShortName: String
        var headcountLimit: Int
        var certificationPass: String
        var maintenancePass: String
        var onSiteDays: Int
        var submissionDays: Int
        var correctionDays: Int
        var qaProcessDays: Int
        var certificateYears: Int
        var training: [String]
        var continuingEducation: String

        init(_ p: ProgramProfile) {
            id = p.id
            partner = p.partnerName
            partnerShortName = p.partnerShortName
            headcountLimit = p.headcount.limit
            let c = p.passMarks.certification, m = p.passMarks.maintenance
            certificationPass = "\(c.overallPercent)% overall" + (c.elementPercent.map { ", \($0)% in every element" } ?? "")
            maintenancePass = "\(m.overallPercent)% overall" + (m.elementPercent.map { ", \($0)% in every element" } ?? "")
            onSiteDays = p.timelines.onSiteDays
            submissionDays = p.timelines.submissionDays
            correctionDays = p.timelines.correctionDays
            qaProcessDays = p.timelines.qaProcessDays
            certificateYears = p.certificateValidityYears
            training = p.requiredTraining.map { "\($0.title) (\($0.rule))" }
            continuingEducation = "\(p.continuingEducation.title) (\(p.continuingEducation.rule))"
        }
    }

    struct Context: Encodable {
        var layout: LayoutContext
        var kind: String
        var name: String
        var role: String
        var organisation: String
        var organisationId: String
        var program: ProgramFacts?
        var employers: [EmployerSummary]
        var isAssessor: Bool
        var noEmployers: Bool
        /// Partner staff see the first few here and the rest, in pages, on /partner/employers.
        var allEmployers: String?
        /// "at" the own organisation, or "certified by" the partner for an external auditor.
        var affiliation: String
        /// The crew's day: what to start, what to sign, what to fix.
        var crew: CrewWork?
        /// The program's rules are for owners and partner staff, not for the crew's home.
        var showProgram: Bool
        /// What needs doing, for the role: the home page is a to-do list.
        var todo: HomeTodo
    }

    static let partnerHomeEmployers = 10

    func home(req: Request) async throws -> Response {
        // A contractor's home is its watch list (V3).
        if try req.requireUser().role == .contractor { return req.redirect(to: "/watch") }
        let profile = try await req.userProfile()
        let user = profile.user
        let kind: String
        switch user.role {
        case .partnerAdmin, .qaReviewer: kind = "partner"
        case .externalAuditor: kind = "auditor"
        case .employerOwner, .supervisor, .worker: kind = "employer"
        case .contractor: kind = "contractor"
        }
        // A partner's home shows its first ten employers and the count of all.
        let (employers, employerCount) = kind == "partner"
            ? try await req.employers.firstVisibleEmployers(for: user, limit: Self.partnerHomeEmployers)
            : try await { let all = try await req.employers.visibleEmployers(for: user); return (all, all.count) }()
        var crew: CrewWork?
        if kind == "employer", let own = employers.first(where: { $0.id == user.organisationId }), own.enrollment == "approved",
           let ref = try? await req.employerRef(own.id, .recordFieldWork) {
            crew = try await CrewWork.load(ref, for: user, on: req.db)
        }
        var todo = HomeTodo()
        switch user.role {
        case .employerOwner, .supervisor:
            if let ref = try? await req.employerRef(user.organisationId, .view), ref.employer.status == EnrollmentStatus.approved.rawValue {
                todo = try await HomeTodo.employer(ref, on: req.db, programs: req.programs)
                if var verify = todo.verify {
                    verify.address = req.linkBase + verify.href
                    verify.qr = await QRCode.svgDataURL(for: verify.address, public: true)
                    todo.verify = verify
                }
            }
        case .partnerAdmin:
            todo.sections = try await HomeTodo.partnerAdmin(user, on: req.db, programs: req.programs, enrollment: req.enrollment)
            todo.sections.append(try await HomeTodo.qaReviewer(user, on: req.db, programs: req.programs))
        case .qaReviewer:
            todo.sections = [try await HomeTodo.qaReviewer(user, on: req.db, programs: req.programs)]
        case .externalAuditor, .worker, .contractor: break
        }
        // Whoever audits (an external auditor, or an owner who is the assessor) sees the audits first.
        if user.role == .externalAuditor || user.isAssessor {
            todo.sections.insert(try await HomeTodo.auditor(user, on: req.db, programs: req.programs), at: 0)
        }
        let context = Context(layout: try await req.layoutContext(title: "Home"), kind: kind, name: user.name,
                              role: user.role.label, organisation: profile.organisation.name,
                              organisationId: user.organisationId.uuidString,
                              program: profile.program.map(ProgramFacts.init),
                              employers: employers,
                              isAssessor: user.isAssessor, noEmployers: employers.isEmpty,
                              allEmployers: kind == "partner" && employerCount > Self.partnerHomeEmployers ? "All \(employerCount.formatted()) employers" : nil,
                              affiliation: user.role == .externalAuditor ? "certified by" : "at",
                              crew: crew, showProgram: user.role != .worker && user.role != .supervisor, todo: todo)
        return try await req.view.render("home", context).encodeResponse(for: req)
    }
}
