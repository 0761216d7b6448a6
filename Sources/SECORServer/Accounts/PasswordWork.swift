import Foundation
import Vapor

/// bcrypt is slow on purpose (about 0.25 s at cost 12). Run unbounded, a burst of
/// sign-ins would take every core and stall every other request; here at most
/// `permits` hashes run at once (one core is always left for the rest) and the others wait.
actor PasswordWork {
    static let shared = PasswordWork(permits: max(1, ProcessInfo.processInfo.activeProcessorCount - 1))

    private let permits: Int
    private var running = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(permits: Int) { self.permits = permits }

    func run<T: Sendable>(_ work: @Sendable () async throws -> T) async rethrows -> T {
        await acquire()
        defer { release() }
        return try await work()
    }

    private func acquire() async {
        if running < permits { running += 1; return }
        await withCheckedContinuation { waiting.append($0) }
    }

    private func release() {
        if waiting.isEmpty { running -= 1 } else { waiting.removeFirst().resume() }
    }
}

/// The one way the server hashes and checks passwords: through `PasswordWork`.
struct BoundedPasswords: Sendable {
    let hasher: AsyncPasswordHasher

    func hash(_ password: String) async throws -> String {
        try await PasswordWork.shared.run { try await hasher.hash(password) }
    }

    /// False for any hash that is not bcrypt (an account whose password is not set yet).
    func verify(_ password: String, created hash: String) async -> Bool {
        await PasswordWork.shared.run { (try? await hasher.verify(password, created: hash)) ?? false }
    }
}
