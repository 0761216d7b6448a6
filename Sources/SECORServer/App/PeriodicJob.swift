import NIOConcurrencyHelpers
import Vapor

/// A job the server runs on a timer (the deadline sweep, the email outbox, the profile
/// refresh): started after boot, stopped on shutdown before the databases close. One
/// failed run is logged and the next run goes ahead.
final class PeriodicJob: LifecycleHandler, Sendable {
    let name: String
    let interval: Duration
    /// Run once at start, or wait one interval first.
    let runAtStart: Bool
    let work: @Sendable (Application) async throws -> Void
    private let task = NIOLockedValueBox<Task<Void, Never>?>(nil)

    init(_ name: String, every interval: Duration, runAtStart: Bool = true, work: @escaping @Sendable (Application) async throws -> Void) {
        self.name = name
        self.interval = interval
        self.runAtStart = runAtStart
        self.work = work
    }

    func didBootAsync(_ app: Application) async throws {
        let (name, interval, runAtStart, work) = (name, interval, runAtStart, work)
        task.withLockedValue {
            $0 = Task.detached {
                // A cancelled sleep is shutdown: leave before the application is gone.
                if !runAtStart, (try? await Task.sleep(for: interval)) == nil { return }
                while !Task.isCancelled {
                    do { try await work(app) } catch { app.logger.error("\(name): \(error)") }
                    if (try? await Task.sleep(for: interval)) == nil { return }
                }
            }
        }
    }

    func shutdownAsync(_ app: Application) async {
        task.withLockedValue { $0?.cancel() }
    }
}
