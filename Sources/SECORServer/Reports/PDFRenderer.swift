import Foundation
import Vapor

/// Turns a print page into a PDF with WeasyPrint, in a subprocess, from the same HTML
/// the browser prints. Where WeasyPrint is missing, the error says how to install it.
enum PDFRenderer {
    static let installHint = "PDFs need WeasyPrint: `pip install weasyprint` (or `apt-get install weasyprint`), then reload. The print page works without it."

    static func executable() -> String? { Subprocess.find("weasyprint") }

    static func render(html: String) async throws -> Data {
        guard let path = executable() else { throw AppError(status: .serviceUnavailable, message: installHint) }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("secor-pdf-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = folder.appendingPathComponent("page.html")
        let output = folder.appendingPathComponent("page.pdf")
        try Data(html.utf8).write(to: input)
        let result = try await Subprocess.run(path, [input.path, output.path])
        guard result.status == 0, let pdf = try? Data(contentsOf: output) else {
            throw AppError(status: .serviceUnavailable, message: "The PDF could not be made (WeasyPrint: \(result.errors.suffix(300))).")
        }
        return pdf
    }
}
