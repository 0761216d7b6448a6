import NIOConcurrencyHelpers
import SECORCore
import Vapor

/// The program profiles in use: the ones shipped with the product (ESC, ACSA) as the
/// defaults, each replaced by its newest version imported with `secor profile import`.
struct ProgramCatalog: Sendable {
    var profiles: [String: ProgramProfile]

    var all: [ProgramProfile] { profiles.values.sorted { $0.id < $1.id } }

    func profile(_ id: String?) -> ProgramProfile? { id.flatMap { profiles[$0] } }
}

extension Application {
    private struct CatalogKey: StorageKey { typealias Value = NIOLockedValueBox<ProgramCatalog> }

    /// Set once at start; `reloadPrograms` swaps it whole, so a request sees one catalog.
    var programs: ProgramCatalog {
        get { storage[CatalogKey.self]!.withLockedValue { $0 } }
        set {
            if let box = storage[CatalogKey.self] { box.withLockedValue { $0 = newValue } } else { storage[CatalogKey.self] = .init(newValue) }
        }
    }

    /// Reads the imported profiles again (at start, and every minute in the server, so a
    /// profile imported from the command line reaches a running server without a restart).
    func reloadPrograms() async throws {
        programs = try await ProgramProfileService(db: db).catalog()
    }
}

extension Request {
    var programs: ProgramCatalog { application.programs }
}

extension PeriodicJob {
    /// Keeps the catalog current in a running server (a profile imported from the command line).
    static func programRefresh() -> PeriodicJob {
        PeriodicJob("program profiles", every: .seconds(60), runAtStart: false) { app in try await app.reloadPrograms() }
    }
}
