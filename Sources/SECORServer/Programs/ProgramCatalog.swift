import SECORCore
import Vapor

/// The program profiles shipped with the product, loaded once at start.
struct ProgramCatalog: Sendable {
    var profiles: [String: ProgramProfile]

    var all: [ProgramProfile] { profiles.values.sorted { $0.id < $1.id } }

    func profile(_ id: String?) -> ProgramProfile? { id.flatMap { profiles[$0] } }
}

extension Application {
    private struct CatalogKey: StorageKey { typealias Value = ProgramCatalog }

    var programs: ProgramCatalog {
        get { storage[CatalogKey.self]! }
        set { storage[CatalogKey.self] = newValue }
    }
}

extension Request {
    var programs: ProgramCatalog { application.programs }
}
