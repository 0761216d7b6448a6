import Fluent
import SECORCore
import Vapor

/// `secor partner add --profile ID --name NAME --admin-email EMAIL`: a certifying partner
/// and its first administrator, on an installation that starts empty (no `--demo`).
enum PartnerCommands {
    static func group() -> any AsyncCommandGroup {
        var commands = AsyncCommands()
        commands.use(Add(), as: "add")
        commands.use(List(), as: "list")
        commands.use(AdminLink(), as: "admin-link")
        return commands.group(help: "Adds and lists certifying partners; issues a new set-password link to an administrator.")
    }

    struct Add: AsyncCommand {
        struct Signature: CommandSignature {
            @Option(name: "profile", help: "The program profile id (see `secor profile list`).") var profile: String?
            @Option(name: "name", help: "The partner's name, e.g. \"Energy Safety Canada\" (default: the profile's partner name).") var name: String?
            @Option(name: "admin-email", help: "The first partner administrator's email.") var adminEmail: String?
            @Option(name: "admin-name", help: "The administrator's name (default: they give it when setting the password).") var adminName: String?
        }
        var help: String { "Creates a certifying partner from a program profile and its first administrator; prints their one-time set-password link." }

        func run(using context: CommandContext, signature: Signature) async throws {
            let app = context.application
            try await app.migrateAndPrepare()
            let result = try await PartnerSetup(db: app.db, programs: app.programs)
                .add(profileId: signature.profile, name: signature.name, adminEmail: signature.adminEmail,
                     adminName: signature.adminName, linkBase: app.secorConfig.linkBase)
            context.console.print("Created \(result.partner) (\(result.profile)) and its administrator \(result.email).")
            context.console.print(app.secorConfig.sendmail == nil
                ? "The email with this link waits in the outbox until SECOR_SENDMAIL is set."
                : "An email with this link is queued to \(result.email).")
            context.console.print("Set-password link: \(result.link)")
            context.console.print("It works once, for 7 days. Links start with SECOR_PUBLIC_URL (now \(app.secorConfig.linkBase)).")
        }
    }

    struct List: AsyncCommand {
        struct Signature: CommandSignature {}
        var help: String { "Lists the certifying partners and their administrators." }

        func run(using context: CommandContext, signature: Signature) async throws {
            let app = context.application
            try await app.migrateAndPrepare()
            let partners = try await OrganisationModel.query(on: app.db).filter(\.$kind == OrganisationKind.partner.rawValue).sort(\.$name).all()
            if partners.isEmpty { context.console.print("No certifying partner yet: secor partner add --profile ID --name NAME --admin-email EMAIL") }
            for partner in partners {
                let admins = try await UserModel.query(on: app.db).filter(\.$organisation.$id == partner.requireID())
                    .filter(\.$role == Role.partnerAdmin.rawValue).all()
                    .map { $0.email + ($0.hasPassword ? "" : " (password not set yet)") + ($0.deactivatedAt != nil ? " (deactivated)" : "") }
                context.console.print("\(partner.name)  profile \(partner.profileId ?? "-")  admins: \(admins.joined(separator: ", "))")
            }
        }
    }

    struct AdminLink: AsyncCommand {
        struct Signature: CommandSignature {
            @Option(name: "email", help: "The partner administrator's email.") var email: String?
        }
        var help: String { "A new set-password link for a partner administrator who has not chosen a password yet (the old link stops working)." }

        func run(using context: CommandContext, signature: Signature) async throws {
            let app = context.application
            try await app.migrateAndPrepare()
            let link = try await PartnerSetup(db: app.db, programs: app.programs).newAdminLink(email: signature.email, linkBase: app.secorConfig.linkBase)
            context.console.print("Set-password link: \(link)")
            context.console.print("It works once, for 7 days; the email with it is queued.")
        }
    }
}

/// The service behind `secor partner add`, so tests drive it without a console.
struct PartnerSetup {
    let db: Database
    let programs: ProgramCatalog
    var now = Date()

    struct Result { var partner: String; var profile: String; var email: String; var link: String }

    func add(profileId: String?, name: String?, adminEmail: String?, adminName: String?, linkBase: String) async throws -> Result {
        guard let profileId, !profileId.isEmpty else { throw CommandFailure("--profile is required (one of: \(programs.all.map(\.id).joined(separator: ", "))).") }
        guard let profile = programs.profile(profileId) else {
            throw CommandFailure("--profile: '\(profileId)' is not a program profile (\(programs.all.map(\.id).joined(separator: ", "))); import it first with secor profile import FILE.")
        }
        let partnerName: String
        let email: String
        let admin: String
        do {
            partnerName = try Validate.text(name ?? profile.partnerName, "name", "--name", max: 200)
            email = try Validate.email(adminEmail)
            admin = try Validate.text(adminName, "admin-name", "--admin-name", max: 120, optional: true)
        } catch let error as AppError {
            throw CommandFailure(error.field.map { "--\($0 == "email" ? "admin-email" : $0): " } .map { $0 + error.message } ?? error.message)
        }
        if try await OrganisationModel.query(on: db).filter(\.$kind == OrganisationKind.partner.rawValue)
            .filter(\.$profileId == profileId).first() != nil {
            throw CommandFailure("A partner already runs profile '\(profileId)'; each partner has its own profile.")
        }
        if try await OrganisationModel.query(on: db).filter(\.$name == partnerName).first() != nil {
            throw CommandFailure("An organisation named '\(partnerName)' exists already.")
        }
        if try await UserModel.query(on: db).filter(\.$email == email).first() != nil {
            throw CommandFailure("--admin-email: \(email) has an account already.")
        }
        let now = self.now
        let link = try await db.writeTransaction { db in
            let partner = OrganisationModel(kind: .partner, name: partnerName, profileId: profileId)
            try await partner.create(on: db)
            let user = UserModel(organisationId: try partner.requireID(), email: email, name: admin,
                                 passwordHash: UserModel.unusablePasswordHash(), role: .partnerAdmin)
            try await user.create(on: db)
            try await AuditLog.append(on: db, actor: nil, action: "organisation.create", entity: "organisation",
                                      entityId: try partner.requireID().uuidString, detail: "partner \(partnerName) on profile \(profileId)", at: now)
            try await AuditLog.append(on: db, actor: nil, action: "user.create", entity: "user",
                                      entityId: try user.requireID().uuidString, detail: "\(email) as partnerAdmin", at: now)
            return try await InvitationService.issue(on: db, organisationId: try partner.requireID(), role: .partnerAdmin, email: email,
                                                     name: admin, personId: nil, userId: user.id, invitedBy: nil, linkBase: linkBase, at: now).link
        }
        return Result(partner: partnerName, profile: profileId, email: email, link: link)
    }

    /// A partner administrator whose first link expired or was lost, before any password:
    /// a new invitation replaces the pending ones. Once a password is set, the way back is
    /// `/password-reset`.
    func newAdminLink(email raw: String?, linkBase: String) async throws -> String {
        let email: String
        do { email = try Validate.email(raw) } catch let error as AppError { throw CommandFailure("--email: \(error.message)") }
        guard let user = try await UserModel.query(on: db).filter(\.$email == email).first(),
              user.role == Role.partnerAdmin.rawValue else {
            throw CommandFailure("--email: \(email) is not a partner administrator's account (see secor partner list).")
        }
        guard !user.hasPassword else {
            throw CommandFailure("\(email) has chosen a password already; a forgotten one is reset at /password-reset.")
        }
        let now = self.now
        return try await db.writeTransaction { db in
            try await InvitationModel.query(on: db).filter(\.$userId == user.requireID()).filter(\.$acceptedAt == nil)
                .filter(\.$withdrawnAt == nil).set(\.$withdrawnAt, to: now).update()
            return try await InvitationService.issue(on: db, organisationId: user.$organisation.id, role: .partnerAdmin, email: email,
                                                     name: user.name, personId: nil, userId: user.id, invitedBy: nil, linkBase: linkBase, at: now).link
        }
    }
}
