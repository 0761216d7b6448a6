import Foundation
import Vapor

/// Turns a print page into a PDF with WeasyPrint, in a subprocess, from the same HTML
/// the browser prints. Where WeasyPrint is missing, the error says how to install it.
enum PDFRenderer {
    static let installHint = "PDFs need WeasyPrint: `pip install weasyprint` (or `apt-get install weasyprint`), then reload. The print page works without it."

    static func executable() -> String? { Subprocess.find("weasyprint") }

    /// WeasyPrint takes a core and ~100 MB while it runs: two at a time on this kind of
    /// machine (8 at once pushed `/health` to 5 s). A request waits up to `queueWait` for a
    /// turn, then gets 503 with Retry-After; a render stops after `timeout`.
    static let slots = RenderSlots(limit: 2)
    static let queueWait: TimeInterval = 15
    static let timeout: TimeInterval = 60

    static func render(html: String) async throws -> Data {
        guard let path = executable() else { throw AppError(status: .serviceUnavailable, message: installHint) }
        guard await slots.enter(waiting: queueWait) else {
            throw AppError(status: .serviceUnavailable, message: "Other PDFs are being made; try again in a few seconds (the print page works now).",
                           headers: ["Retry-After": "10"])
        }
        do {
            let pdf = try await make(html: html, with: path)
            await slots.leave()
            return pdf
        } catch {
            await slots.leave()
            throw error
        }
    }

    private static func make(html: String, with path: String) async throws -> Data {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("secor-pdf-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = folder.appendingPathComponent("page.html")
        let output = folder.appendingPathComponent("page.pdf")
        try Data(html.utf8).write(to: input)
        let started = Date()
        let result = try await Subprocess.run(path, [input.path, output.path], timeout: timeout)
        if result.status != 0, Date().timeIntervalSince(started) >= timeout {
            throw AppError(status: .serviceUnavailable, message: "The PDF took longer than \(Int(timeout)) s and was stopped; the print page works now.", headers: ["Retry-After": "60"])
        }
        guard result.status == 0, let pdf = try? Data(contentsOf: output) else {
            throw AppError(status: .serviceUnavailable, message: "The PDF could not be made (WeasyPrint: \(result.errors.suffix(300))).")
        }
        return pdf
    }
}

/// At most `limit` renders at once; the rest wait their turn, first come first served, or
/// give up after a while.
actor RenderSlots {
    let limit: Int
    private var running = 0
    private var waiting: [(id: UUID, turn: CheckedContinuation<Bool, Never>)] = []

    init(limit: Int) { self.limit = limit }

    var busy: Int { running }

    func enter(waiting seconds: TimeInterval) async -> Bool {
        if running < limit {
            running += 1
            return true
        }
        let id = UUID()
        return await withCheckedContinuation { turn in
            waiting.append((id, turn))
            Task { [weak self] in
                try? await Task.sleep(nanoseconds: UInt64(seconds * 1_000_000_000))
                await self?.giveUp(id)
            }
        }
    }

    private func giveUp(_ id: UUID) {
        guard let index = waiting.firstIndex(where: { $0.id == id }) else { return }
        waiting.remove(at: index).turn.resume(returning: false)
    }

    func leave() {
        if waiting.isEmpty { running -= 1 } else { waiting.removeFirst().turn.resume(returning: true) }
    }
}
