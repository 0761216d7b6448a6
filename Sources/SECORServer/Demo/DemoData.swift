import Fluent
import SECORCore
import Vapor

/// The demo partners, employers and accounts. Loading twice changes nothing: every row
/// is looked up by its natural key first.
enum DemoData {
    struct Account {
        var email: String
        var name: String
        var organisation: String
        var role: Role
        var isAssessor = false
    }

    static let partners: [(name: String, profile: String)] = [
        ("Energy Safety Canada", "esc"),
        ("Alberta Construction Safety Association", "acsa"),
    ]

    /// V3: a prime contractor that hires the demo employers, with what it watches
    /// (kind, value, its own name for them).
    static let contractors: [(name: String, watches: [(WatchKind, String, String)])] = [
        ("Summit Pipelines Ltd.", [(.wcbAccount, "8812345", "Northern Rig (rig crews)"), (.wcbAccount, "7765432", "Foothills hot shot"),
                                   (.wcbAccount, "5512378", "Bow Valley concrete")]),
    ]

    static let employers: [(name: String, partner: String)] = [
        ("Northern Rig Services Ltd.", "Energy Safety Canada"),
        ("Foothills Hot Shot Ltd.", "Energy Safety Canada"),
        ("Prairie Roofing Co.", "Alberta Construction Safety Association"),
        ("Bow Valley Concrete Finishing", "Alberta Construction Safety Association"),
    ]

    /// Details, WCB account, roster and training of each demo employer.
    struct EmployerSeed {
        var status: EnrollmentStatus
        var tradeName: String
        var address: String
        var contact: String
        var phone: String
        var email: String
        var wcb: (number: String, industry: String)
        var associatePaidUntil: CalendarDay?
        /// name, category, job role, years on the account, account email if they have one
        var people: [(String, PersonCategory, String, Int, String?)]
        /// person name, course, days ago
        var training: [(String, String, Int)]
        var matrix: [(String, String)]
        /// The roster person designated as assessor.
        var assessor: String?
    }

    static let seeds: [String: EmployerSeed] = [
        "Northern Rig Services Ltd.": EmployerSeed(
            status: .approved, tradeName: "Northern Rig", address: "4410 50 Ave, Drayton Valley AB T7A 1R8", contact: "Sam Okafor",
            phone: "780-555-0142", email: "office@northernrig.test", wcb: ("8812345", "06103"), associatePaidUntil: nil,
            people: [("Sam Okafor", .owner, "Owner", 8, "owner@secor.test"), ("Jordan Tremblay", .supervisor, "Rig supervisor", 5, "supervisor@secor.test"),
                     ("Riley Nguyen", .worker, "Operator", 2, "worker@secor.test"), ("Avery Okafor", .familyMember, "Office", 6, nil),
                     ("Chris Belanger", .worker, "Operator", 3, nil), ("Pat Lindqvist", .partTime, "Swamper", 1, nil),
                     ("Dale Whitmore", .manager, "Operations manager", 6, nil)],
            training: [("Sam Okafor", "spd", 900), ("Sam Okafor", "refresher-hazard-management", 200), ("Jordan Tremblay", "h2s-alive", 300),
                       ("Riley Nguyen", "h2s-alive", 1040), ("Chris Belanger", "standard-first-aid", 500)],
            matrix: [("Operator", "h2s-alive"), ("Operator", "standard-first-aid"), ("Rig supervisor", "h2s-alive"), ("Rig supervisor", "standard-first-aid")],
            assessor: "Sam Okafor"),
        "Foothills Hot Shot Ltd.": EmployerSeed(
            status: .approved, tradeName: "Foothills Hot Shot", address: "112 Main St, Sundre AB T0M 1X0", contact: "Lee Harper",
            phone: "403-555-0178", email: "dispatch@foothillshotshot.test", wcb: ("7765432", "06105"), associatePaidUntil: nil,
            people: [("Lee Harper", .owner, "Owner", 4, nil), ("Sam Ito", .worker, "Driver", 2, nil)],
            training: [], matrix: [], assessor: nil),
        "Prairie Roofing Co.": EmployerSeed(
            status: .approved, tradeName: "Prairie Roofing", address: "2301 8 St SE, Calgary AB T2G 2Z2", contact: "Casey Moreau",
            phone: "403-555-0119", email: "casey@prairieroofing.test", wcb: ("9923456", "42100"), associatePaidUntil: nil,
            people: [("Casey Moreau", .owner, "Owner", 10, "owner2@secor.test"), ("Dev Patel", .worker, "Roofer", 3, nil),
                     ("Morgan Ruel", .worker, "Roofer", 2, nil), ("Sky Arcand", .temporary, "Labourer", 1, nil)],
            training: [("Casey Moreau", "phsm", 600), ("Dev Patel", "sfa", 400), ("Morgan Ruel", "csts", 300)],
            matrix: [("Roofer", "fall-protection"), ("Roofer", "sfa")], assessor: "Casey Moreau"),
        "Bow Valley Concrete Finishing": EmployerSeed(
            status: .pending, tradeName: "", address: "88 Bow Valley Trail, Canmore AB T1W 1N7", contact: "Robin Stone",
            phone: "403-555-0166", email: "robin@bowvalleyconcrete.test", wcb: ("5512378", "99001"), associatePaidUntil: nil,
            people: [], training: [], matrix: [], assessor: nil),
    ]

    static let accounts: [Account] = [
        .init(email: "esc-admin@secor.test", name: "Erin Cho", organisation: "Energy Safety Canada", role: .partnerAdmin),
        .init(email: "esc-qa@secor.test", name: "Quinn Abara", organisation: "Energy Safety Canada", role: .qaReviewer),
        .init(email: "acsa-admin@secor.test", name: "Avery Singh", organisation: "Alberta Construction Safety Association", role: .partnerAdmin),
        .init(email: "acsa-qa@secor.test", name: "Morgan Lee", organisation: "Alberta Construction Safety Association", role: .qaReviewer),
        .init(email: "auditor@secor.test", name: "Dana Whitford", organisation: "Energy Safety Canada", role: .externalAuditor),
        .init(email: "owner@secor.test", name: "Sam Okafor", organisation: "Northern Rig Services Ltd.", role: .employerOwner, isAssessor: true),
        .init(email: "supervisor@secor.test", name: "Jordan Tremblay", organisation: "Northern Rig Services Ltd.", role: .supervisor),
        .init(email: "worker@secor.test", name: "Riley Nguyen", organisation: "Northern Rig Services Ltd.", role: .worker),
        .init(email: "owner2@secor.test", name: "Casey Moreau", organisation: "Prairie Roofing Co.", role: .employerOwner, isAssessor: true),
        .init(email: "contractor@secor.test", name: "Jesse Lindqvist", organisation: "Summit Pipelines Ltd.", role: .contractor),
    ]

    /// Loads what is missing; prints the generated password when it creates accounts
    /// and `SECOR_DEMO_PASSWORD` is unset.
    static func load(on app: Application, fieldRecords: Bool = true) async throws {
        let config = app.secorConfig
        let existing = Set(try await UserModel.query(on: app.db).filter(\.$email ~~ accounts.map(\.email)).all().map(\.email))
        let missing = accounts.filter { !existing.contains($0.email) }
        let generated = config.demoPassword == nil && !missing.isEmpty
        let password = config.demoPassword ?? Self.generatePassword()
        // Hash outside the transaction: bcrypt is slow on purpose.
        let hash = missing.isEmpty ? "" : try await app.password.async.hash(password)

        try await app.db.writeTransaction { db in
            var organisations: [String: UUID] = [:]
            for partner in partners {
                organisations[partner.name] = try await organisation(on: db, name: partner.name, kind: .partner,
                                                                     partnerId: nil, profileId: partner.profile)
            }
            for employer in employers {
                organisations[employer.name] = try await organisation(on: db, name: employer.name, kind: .employer,
                                                                      partnerId: organisations[employer.partner], profileId: nil)
            }
            for employer in employers {
                try await seedEmployer(employer.name, id: organisations[employer.name]!, on: db)
            }
            for contractor in contractors {
                let id = try await organisation(on: db, name: contractor.name, kind: .contractor, partnerId: nil, profileId: nil)
                organisations[contractor.name] = id
                try await seedWatchList(contractor.watches, contractorId: id, on: db)
            }
            for account in missing {
                let user = UserModel(organisationId: organisations[account.organisation]!, email: account.email,
                                     name: account.name, passwordHash: hash, role: account.role, isAssessor: account.isAssessor)
                try await user.create(on: db)
                try await AuditLog.append(on: db, actor: nil, action: "user.create", entity: "user",
                                          entityId: user.id!.uuidString, detail: "demo: \(account.email) as \(account.role.rawValue)")
            }
        }
        try await app.db.writeTransaction { db in
            try await linkAccountsAndRegister(on: db)
        }
        if fieldRecords { try await DemoRecords.load(on: app) } else { try await DemoRecords.loadFirstRecords(on: app) }
        if missing.isEmpty {
            app.logger.notice("Demo data is already loaded; nothing changed.")
        } else if generated {
            print("""

            Demo accounts created (\(missing.count)). Their password, shown this once:

                \(password)

            Sign in at http://127.0.0.1:8080 as owner@secor.test, esc-admin@secor.test, ...
            Set SECOR_DEMO_PASSWORD to choose the password yourself.

            """)
        } else {
            app.logger.notice("Demo accounts created (\(missing.count)) with the password from SECOR_DEMO_PASSWORD.")
        }
    }

    private static func organisation(on db: Database, name: String, kind: OrganisationKind, partnerId: UUID?,
                                     profileId: String?) async throws -> UUID {
        if let found = try await OrganisationModel.query(on: db).filter(\.$name == name).first() { return try found.requireID() }
        let model = OrganisationModel(kind: kind, name: name, partnerId: partnerId, profileId: profileId)
        try await model.create(on: db)
        try await AuditLog.append(on: db, actor: nil, action: "organisation.create", entity: "organisation",
                                  entityId: model.id!.uuidString, detail: "demo: \(kind.rawValue) \(name)")
        return try model.requireID()
    }

    /// The contractor's watch list, once; each entry's standing is the one it has now (the
    /// next sweep tells only what changes after).
    private static func seedWatchList(_ watches: [(WatchKind, String, String)], contractorId: UUID, on db: Database) async throws {
        guard try await WatchEntryModel.query(on: db).filter(\.$contractorId == contractorId).count() == 0 else { return }
        for (kind, value, label) in watches {
            let entry = WatchEntryModel()
            entry.contractorId = contractorId
            entry.kind = kind.rawValue
            entry.value = value
            entry.label = label
            // The demo's employers hold no certificate when it loads.
            entry.standing = WatchedStanding.none.key
            try await entry.create(on: db)
        }
    }

    /// The employer's enrollment, WCB account, roster, training and matrix, once.
    private static func seedEmployer(_ name: String, id: UUID, on db: Database) async throws {
        guard let seed = seeds[name], try await EmployerModel.find(id, on: db) == nil else { return }
        let today = CalendarDay.today
        let employer = EmployerModel()
        employer.id = id
        employer.status = seed.status.rawValue
        employer.channel = ApplicationChannel.online.rawValue
        employer.legalName = name
        employer.tradeName = seed.tradeName
        employer.address = seed.address
        employer.contactName = seed.contact
        employer.phone = seed.phone
        employer.fax = ""
        employer.email = seed.email
        employer.associatePaidUntil = seed.associatePaidUntil?.iso
        try await employer.create(on: db)
        try await WCBAccountModel(employerId: id, number: seed.wcb.number, industryCode: seed.wcb.industry, active: true).create(on: db)
        var personIds: [String: UUID] = [:]
        for (person, category, role, years, _) in seed.people {
            let model = PersonModel()
            model.$employer.id = id
            model.name = person
            model.category = category.rawValue
            model.fullTime = category != .partTime && category != .temporary
            model.familiarWithOperation = category == .owner || category == .supervisor
            model.jobRole = role
            model.startDate = today.adding(years: -years).iso
            // The demo's former manager left a year ago (the policy he signed now loses points).
            model.endDate = person == "Dale Whitmore" ? today.adding(days: -365).iso : nil
            try await model.create(on: db)
            personIds[person] = model.id
        }
        for (index, (person, course, daysAgo)) in seed.training.enumerated() {
            let completion = CompletionModel()
            completion.$employer.id = id
            completion.$person.id = personIds[person]!
            completion.courseId = course
            let done = today.adding(days: -daysAgo)
            completion.completedOn = done.iso
            let validity: [String: Int] = ["h2s-alive": 3, "standard-first-aid": 3, "sfa": 3]
            completion.expiresOn = validity[course].map { done.adding(years: $0).adding(days: -1).iso }
            completion.provider = course == "spd" || course.hasPrefix("refresher") ? "Energy Safety Canada" : (course == "phsm" || course == "csts" ? "ACSA" : "Red Cross")
            completion.certificateNumber = "C-\(24_100 + index)"
            try await completion.create(on: db)
        }
        for (role, course) in seed.matrix {
            let requirement = MatrixRequirementModel()
            requirement.$employer.id = id
            requirement.jobRole = role
            requirement.courseId = course
            try await requirement.create(on: db)
        }
        employer.assessorPersonId = seed.assessor.flatMap { personIds[$0] }
        try await employer.save(on: db)
        try await AuditLog.append(on: db, actor: nil, action: "employer.seed", entity: "employer", entityId: id.uuidString,
                                  detail: "demo: \(seed.status.rawValue), \(seed.people.count) people, \(seed.training.count) completions")
    }

    /// Links roster people to their sign-in accounts, and puts the demo auditor on ESC's register.
    private static func linkAccountsAndRegister(on db: Database) async throws {
        for seed in seeds.values {
            for (name, _, _, _, email) in seed.people {
                guard let email, let user = try await UserModel.query(on: db).filter(\.$email == email).first(),
                      let person = try await PersonModel.query(on: db).filter(\.$name == name).filter(\.$userId == nil)
                        .filter(\.$employer.$id == user.$organisation.id).first() else { continue }
                person.userId = user.id
                try await person.save(on: db)
            }
        }
        guard let auditor = try await UserModel.query(on: db).filter(\.$email == "auditor@secor.test").first(),
              try await AuditorModel.query(on: db).filter(\.$user.$id == auditor.requireID()).first() == nil else { return }
        let entry = AuditorModel()
        entry.$partner.id = auditor.$organisation.id
        entry.$user.id = try auditor.requireID()
        entry.certificationNumber = "ESC-EA-1042"
        entry.standing = AuditorStanding.goodStanding.rawValue
        entry.validUntil = CalendarDay.today.adding(years: 2).iso
        entry.courses = ""
        try await entry.create(on: db)
        try await AuditLog.append(on: db, actor: nil, action: "auditor.register", entity: "auditor", entityId: entry.id!.uuidString,
                                  detail: "demo: ESC-EA-1042 goodStanding")
    }

    /// Four groups of four letters and digits, easy to type from a terminal.
    static func generatePassword() -> String {
        let alphabet = Array("abcdefghjkmnpqrstuvwxyz23456789")
        return (0..<4).map { _ in String((0..<4).map { _ in alphabet.randomElement()! }) }.joined(separator: "-")
    }
}
