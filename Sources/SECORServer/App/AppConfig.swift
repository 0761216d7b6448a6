import Foundation
import Vapor

/// Everything the process reads from its environment, decoded once (every command
/// reads the same configuration).
public struct AppConfig: Sendable {
    public enum DatabaseChoice: Sendable, Equatable {
        case sqlite(path: String)
        case postgres(url: String)

        /// The name `/health` reports.
        public var name: String {
            switch self {
            case .sqlite: return "sqlite"
            case .postgres: return "postgres"
            }
        }
    }

    public var database: DatabaseChoice
    public var dataDirectory: String
    /// Password for the demo accounts; generated and printed once when unset.
    public var demoPassword: String?
    /// bcrypt cost: 12 in use, lower only in tests where hashing speed matters.
    public var bcryptCost: Int
    /// Log every request (default: on in debug builds, off in release).
    public var logRequests: Bool
    /// Mark the session cookie `Secure` (on by default: browsers keep and send Secure
    /// cookies over plain HTTP on 127.0.0.1 and localhost too; `SECOR_SECURE_COOKIES=0`
    /// turns it off for a plain-HTTP test host on a LAN). On also sends HSTS.
    public var secureCookies: Bool
    /// A sendmail-compatible command (`SECOR_SENDMAIL`, e.g. `/usr/sbin/sendmail -t`) that
    /// reads a message with its headers on stdin; email waits in the outbox until set.
    public var sendmail: String?
    /// The address people reach the server at (`SECOR_PUBLIC_URL`, e.g. `https://secor.example.org`):
    /// invitation and reset links in emails and on the command line start with it.
    public var publicURL: String?
    /// Proxies whose `X-Forwarded-For` is believed (`SECOR_TRUSTED_PROXIES`, comma-separated
    /// addresses). From anyone else the header is ignored: the client is the peer address.
    public var trustedProxies: Set<String> = []
    /// Multiplies every per-address budget (`RateLimit`, `SECOR_RATE_LIMIT_MULTIPLIER`): 1 in
    /// use; the load, fuzz and fault scripts and the tests, which sign in hundreds of times
    /// from one address, raise it; the tests of the limits keep 1.
    public var rateLimitMultiplier = 1
    /// Where links point when no request says (the command line): the public URL or the default address.
    public var linkBase: String { publicURL ?? "http://127.0.0.1:8080" }
    /// The audit log's key (`SECOR_LOG_KEY`, 64 hex digits); without it, the key file in
    /// the data directory (`AuditLogSeal`). Instances sharing one database share the key.
    public var logKey: String?
    /// Adds the benchmark ceilings `/bench/constant` and `/bench/insert` (`SECOR_BENCH_ROUTES=1`).
    public var benchRoutes = false
    /// V3: contractors' webhooks may go to loopback and private addresses
    /// (`SECOR_WEBHOOK_ALLOW_LOCAL=1`, for a receiver on the same machine in development and
    /// tests); otherwise only to public `https` addresses.
    public var allowLocalWebhooks = false

    public init(database: DatabaseChoice, dataDirectory: String, demoPassword: String? = nil, bcryptCost: Int = 12,
                logRequests: Bool = AppConfig.isDebugBuild, secureCookies: Bool = true, sendmail: String? = nil) {
        self.database = database
        self.dataDirectory = dataDirectory
        self.demoPassword = demoPassword
        self.bcryptCost = bcryptCost
        self.logRequests = logRequests
        self.secureCookies = secureCookies
        self.sendmail = sendmail
    }

    /// `DATABASE_URL` starting with `postgres` selects PostgreSQL; otherwise SQLite at
    /// `$SECOR_DATA_DIR/secor.sqlite` (default `./data`).
    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) -> AppConfig {
        let dataDirectory = env["SECOR_DATA_DIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "./data"
        let database: DatabaseChoice
        if let url = env["DATABASE_URL"], url.hasPrefix("postgres") {
            database = .postgres(url: url)
        } else {
            database = .sqlite(path: (dataDirectory as NSString).appendingPathComponent("secor.sqlite"))
        }
        var config = AppConfig(database: database, dataDirectory: dataDirectory,
                         demoPassword: env["SECOR_DEMO_PASSWORD"].flatMap { $0.isEmpty ? nil : $0 },
                         logRequests: env["SECOR_LOG_REQUESTS"].map { $0 == "1" || $0 == "true" } ?? isDebugBuild,
                         secureCookies: env["SECOR_SECURE_COOKIES"].map { $0 != "0" && $0 != "false" } ?? true,
                         sendmail: env["SECOR_SENDMAIL"].flatMap { $0.isEmpty ? nil : $0 })
        config.benchRoutes = env["SECOR_BENCH_ROUTES"] == "1"
        config.allowLocalWebhooks = env["SECOR_WEBHOOK_ALLOW_LOCAL"] == "1"
        config.logKey = env["SECOR_LOG_KEY"].flatMap { $0.isEmpty ? nil : $0 }
        if let url = env["SECOR_PUBLIC_URL"], !url.isEmpty { config.publicURL = url.hasSuffix("/") ? String(url.dropLast()) : url }
        config.rateLimitMultiplier = env["SECOR_RATE_LIMIT_MULTIPLIER"].flatMap(Int.init).map { min(max($0, 1), 1_000_000) } ?? 1
        config.trustedProxies = Set((env["SECOR_TRUSTED_PROXIES"] ?? "").split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
        return config
    }

    public static var isDebugBuild: Bool {
        #if DEBUG
        return true
        #else
        return false
        #endif
    }
}

extension Application {
    private struct ConfigKey: StorageKey { typealias Value = AppConfig }

    public var secorConfig: AppConfig {
        get { storage[ConfigKey.self]! }
        set { storage[ConfigKey.self] = newValue }
    }
}
