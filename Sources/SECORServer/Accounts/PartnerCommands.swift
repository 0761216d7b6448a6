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
        return commands.group(help: "Adds and lists certifying partners.")
    }

    struct Add: AsyncCommand {
        struct Signature: CommandSignature {
            @Option(name: "profile", help: "The program profile id (see `secor profile list`).") var profile: String?
            @Option(name: "name", help: "The partner's name, e.g. \"Energy Safety Canada\".") var name: String?
            @Option(name: "admin-email", help: "The first partner administrator's email.") var adminEmail: String?
            @Option(name: "admin-name", help: "The administrator's name (they can change it when setting the password).") var adminName: String?
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
                    .filter(\.$role == Role.partnerAdmin.rawValue).all().map(\.email)
                context.console.print("\(partner.name)  profile \(partner.profileId ?? "-")  admins: \(admins.joined(separator: ", "))")
            }
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
            admin = try Validate.text(adminName ?? "Partner administrator", "admin-name", "--admin-name", max: 120)
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
}
