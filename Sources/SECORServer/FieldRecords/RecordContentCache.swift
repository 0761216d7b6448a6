import Foundation
import SECORCore
import Synchronization

/// Decoded record content, kept by version row id (issue 21).
///
/// A version never changes once written and its row id is never reused, so what was decoded
/// once is right for good: readiness, the crew's work and the home page stop decoding every
/// record's JSON on every call (36% of readiness's CPU). Bounded: when full it starts again,
/// which costs one cold read, never a wrong answer.
final class RecordContentCache: Sendable {
    static let shared = RecordContentCache(capacity: 50_000)

    private let capacity: Int
    private let entries = Mutex<[UUID: RecordContent]>([:])

    init(capacity: Int) { self.capacity = capacity }

    func content(_ versionId: UUID) -> RecordContent? {
        entries.withLock { $0[versionId] }
    }

    /// Forgets everything (tests compare a cold read with a warm one).
    func empty() { entries.withLock { $0.removeAll() } }

    func keep(_ content: RecordContent, for versionId: UUID) {
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[versionId] = content
        }
    }
}
