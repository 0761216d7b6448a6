import Fluent
import FluentSQLiteDriver
import Leaf
import LeafKit
import OpenAPIRuntime
import OpenAPIVapor
import SECORCore
import Vapor

/// Builds the application from one configuration value (tests pass their own).
public func configure(_ app: Application, config: AppConfig) async throws {
    app.secorConfig = config
    app.programs = ProgramCatalog(profiles: try ProgramProfile.bundled())

    try app.useDatabase(config.database)
    app.migrations.add(Migrations.all)
    app.passwords.use(.bcrypt(cost: config.bcryptCost))
    // The HTTP client sends contractors' webhooks only: a receiver's redirect is its answer
    // (logged, retried), never followed, so it cannot lead the server to an address the
    // webhook check refused.
    app.http.client.configuration.redirectConfiguration = .disallow

    app.sessions.use { app in WriteOnChangeSessions(base: app.fluent.sessions.driver()) }
    app.sessions.configuration.cookieName = "secor_session"
    app.sessions.configuration.cookieFactory = { id in
        HTTPCookies.Value(string: id.string, maxAge: Int(SessionUserMiddleware.sessionLifetime), isSecure: config.secureCookies,
                          isHTTPOnly: true, sameSite: .lax)
    }

    let resources = try Resources.locate()
    // Views and static files ship inside the package's resource bundle, so the server
    // runs from any working directory.
    app.directory.viewsDirectory = resources.views
    app.directory.publicDirectory = resources.publicFiles
    app.views.use(.leaf)
    // Leaf refuses paths with a hidden folder by default, and a built product lives
    // under .build/; the sandbox still holds it to the Views folder.
    app.leaf.sources = .singleSource(NIOLeafFiles(fileio: app.fileio, limits: [.toSandbox, .requireExtensions],
                                                  sandboxDirectory: resources.views, viewDirectory: resources.views))
    app.leaf.cache.isEnabled = app.environment.isRelease
    app.leaf.tags["day"] = DayTag()

    // Request logs are quiet unless asked for (or in a debug build).
    app.middleware = .init()
    if config.logRequests { app.middleware.use(RouteLoggingMiddleware(logLevel: .info)) }
    // Outside the error middleware, so error pages carry the headers too.
    app.middleware.use(SecurityHeadersMiddleware(strictTransport: config.secureCookies))
    app.middleware.use(SECORErrorMiddleware())
    app.middleware.use(MethodNotAllowedMiddleware())
    app.middleware.use(PathLengthMiddleware())
    app.middleware.use(CleanInputMiddleware())
    app.middleware.use(FileMiddleware(publicDirectory: resources.publicFiles))

    try routes(app, resources: resources)
}

/// Where the bundled views, static files and API document are on disk.
struct Resources {
    var views: String
    var publicFiles: String
    var openAPI: String

    static func locate() throws -> Resources {
        guard let views = Bundle.module.url(forResource: "Views", withExtension: nil),
              let publicFiles = Bundle.module.url(forResource: "Public", withExtension: nil),
              let openAPI = Bundle.module.url(forResource: "openapi", withExtension: "yaml") else {
            throw Abort(.internalServerError, reason: "The server's resources (Views, Public, openapi.yaml) are missing")
        }
        return Resources(views: views.path + "/", publicFiles: publicFiles.path + "/", openAPI: openAPI.path)
    }
}

func routes(_ app: Application, resources: Resources) throws {
    app.get { req in req.redirect(to: req.auth.has(CurrentUser.self) ? "/home" : "/sign-in") }
    app.get("openapi.yaml") { req async throws -> Response in
        try await req.fileio.asyncStreamFile(at: resources.openAPI, mediaType: HTTPMediaType(type: "application", subType: "yaml"))
    }

    // The API, generated from openapi.yaml; bearer tokens only (no cookies, so no CSRF).
    let contract = try Contract(yaml: String(contentsOfFile: resources.openAPI, encoding: .utf8))
    let api = app.grouped(BodyLimitMiddleware(), RequestContextMiddleware(), BearerUserMiddleware(), ContractGate(contract: contract))
    try APIHandler().registerHandlers(on: VaporTransport(routesBuilder: api), serverURL: URL(string: "/")!,
                                      configuration: .init(jsonEncodingOptions: []))

    // Pages: a database session, the signed-in user, CSRF on every form.
    let pages = app.grouped(app.sessions.middleware, SessionUserMiddleware(), CSRFMiddleware())
    try pages.register(collection: SignInPages())
    try pages.register(collection: ProgramPages())
    try pages.register(collection: ApplicationPages())
    try pages.register(collection: VerificationPages())
    try pages.register(collection: ContractorSignUpPages())
    try pages.register(collection: InvitationPages())
    try pages.register(collection: PasswordResetPages())
    try pages.register(collection: OutboxPages())
    try app.register(collection: CalendarPages.Public())
    let signedIn = pages.grouped(RequireSignInMiddleware())
    for collection: RouteCollection in [HomePages(), AccountPages(), EmployerPages(), PeoplePages(), TrainingPages(),
                                        MatrixPages(), AssessorPages(), RecordPages(), ReadinessPages(), ApplicationPages.Admin(), AuditorRegisterPages(),
                                        NotificationPages(), AuditPages(), AuditToolPages(), QAPages(), ReportPages(), PartnerPages(), CalendarPages(),
                                        UserPages(), ProofPackPages(), WatchPages()] {
        try signedIn.register(collection: collection)
    }
}
