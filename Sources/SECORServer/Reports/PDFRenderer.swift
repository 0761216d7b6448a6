import Foundation
import Vapor

/// Turns a print page into a PDF with WeasyPrint, in a subprocess, from the same HTML
/// the browser prints. Where WeasyPrint is missing, the error says how to install it.
enum PDFRenderer {
    static let installHint = "PDFs need WeasyPrint: `pip install weasyprint` (or `apt-get install weasyprint`), then reload. The print page works without it."

    static func executable() -> String? {
        let candidates = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin")
            .split(separator: ":").map { "\($0)/weasyprint" }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static func render(html: String) async throws -> Data {
        guard let path = executable() else { throw AppError(status: .serviceUnavailable, message: installHint) }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("secor-pdf-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = folder.appendingPathComponent("page.html")
        let output = folder.appendingPathComponent("page.pdf")
        try Data(html.utf8).write(to: input)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = [input.path, output.path]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        // Off the event loop: the subprocess takes a second or two.
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().async {
                process.waitUntilExit()
                done.resume()
            }
        }
        guard process.terminationStatus == 0, let pdf = try? Data(contentsOf: output) else {
            let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            throw AppError(status: .serviceUnavailable, message: "The PDF could not be made (WeasyPrint: \(message.suffix(300))).")
        }
        return pdf
    }
}
