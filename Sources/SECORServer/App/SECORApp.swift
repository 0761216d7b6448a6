import Fluent
import Foundation
import Logging
import Vapor

/// The `secor` executable: parses the command line, configures, runs the command.
public enum SECORApp {
    public static func main() async throws {
        var env = try Environment.detect()
        // `secor serve --demo`: Vapor's serve command takes no --demo, so it is read here.
        let demo = env.arguments.contains("--demo")
        env.arguments.removeAll { $0 == "--demo" }
        try LoggingSystem.bootstrap(from: &env)

        let app = try await Application.make(env)
        do {
            let config = AppConfig.fromEnvironment()
            try await configure(app, config: config)
            app.asyncCommands.use(MigrateCommand(), as: "migrate")
            app.asyncCommands.use(DemoCommand(), as: "demo")
            app.asyncCommands.use(VerifyLogCommand(), as: "verify-log")
            app.asyncCommands.use(KeysCommand(), as: "keys")
            app.asyncCommands.use(ProtocolCommands.group(), as: "protocol")
            app.asyncCommands.use(SweepCommand(), as: "sweep")
            app.asyncCommands.use(BackupCommand(), as: "backup")
            app.asyncCommands.use(RestoreCommand(), as: "restore")
            app.asyncCommands.use(CheckCommand(), as: "check")
            app.asyncCommands.use(PartnerCommands.group(), as: "partner")
            app.asyncCommands.use(ProfileCommands.group(), as: "profile")
            let command = env.arguments.dropFirst().first { !$0.hasPrefix("-") } ?? "serve"
            if command == "serve" {
                try await app.migrateAndPrepare()
                if demo { try await DemoData.load(on: app) }
                if config.benchRoutes { try await BenchRoutes.register(on: app) }
                app.lifecycle.use(PeriodicJob.deadlineSweep())
                app.lifecycle.use(PeriodicJob.digest())
                app.lifecycle.use(PeriodicJob.webhooks())
                if let outbox = PeriodicJob.outbox(app) { app.lifecycle.use(outbox) }
                app.lifecycle.use(PeriodicJob.programRefresh())
                if Subprocess.find("qrencode") == nil {
                    app.logger.notice("qrencode is not installed: invitations show their link without a QR code (apt-get install qrencode).")
                }
            }
            do {
                try await app.execute()
            } catch {
                // Vapor has reported the command's error once already (as a warning line).
                try? await app.asyncShutdown()
                exit(1)
            }
        } catch {
            // A failed start exits with status 1 and one clear line, not a crash report.
            if let failure = error as? CommandFailure {
                FileHandle.standardError.write(Data("\(failure.description)\n".utf8))
            } else if !(error is VerifyLogFailure) { app.logger.error("\(String(reflecting: error))") }
            try? await app.asyncShutdown()
            exit(1)
        }
        try await app.asyncShutdown()
    }
}

extension Application {
    /// Runs pending migrations, then the database's pragmas.
    func migrateAndPrepare() async throws {
        try await autoMigrate()
        try await prepareDatabase()
        try await reloadPrograms()
    }
}
