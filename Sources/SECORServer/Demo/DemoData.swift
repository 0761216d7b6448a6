import Fluent
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

    static let employers: [(name: String, partner: String)] = [
        ("Northern Rig Services Ltd.", "Energy Safety Canada"),
        ("Foothills Hot Shot Ltd.", "Energy Safety Canada"),
        ("Prairie Roofing Co.", "Alberta Construction Safety Association"),
        ("Bow Valley Concrete Finishing", "Alberta Construction Safety Association"),
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
    ]

    /// Loads what is missing; prints the generated password when it creates accounts
    /// and `SECOR_DEMO_PASSWORD` is unset.
    static func load(on app: Application) async throws {
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
            for account in missing {
                let user = UserModel(organisationId: organisations[account.organisation]!, email: account.email,
                                     name: account.name, passwordHash: hash, role: account.role, isAssessor: account.isAssessor)
                try await user.create(on: db)
                try await AuditLog.append(on: db, actor: nil, action: "user.create", entity: "user",
                                          entityId: user.id!.uuidString, detail: "demo: \(account.email) as \(account.role.rawValue)")
            }
        }
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

    /// Four groups of four letters and digits, easy to type from a terminal.
    static func generatePassword() -> String {
        let alphabet = Array("abcdefghjkmnpqrstuvwxyz23456789")
        return (0..<4).map { _ in String((0..<4).map { _ in alphabet.randomElement()! }) }.joined(separator: "-")
    }
}
