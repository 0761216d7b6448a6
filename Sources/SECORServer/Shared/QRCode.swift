import Foundation

/// QR codes drawn by qrencode (Debian's `qrencode`) as SVG, in the bounded subprocess:
/// a supervisor shows an invitation's code and the worker scans it with the phone.
/// Where qrencode is missing the page shows the link alone.
enum QRCode {
    /// The code as a `data:` URL for an `<img>` (the content policy allows data: images,
    /// and no markup from a subprocess goes into the page), or nil when it cannot be drawn.
    static func svgDataURL(for text: String) async -> String? {
        guard let path = Subprocess.find("qrencode"),
              let result = try? await Subprocess.capture(path, ["-t", "SVG", "-m", "2", "-s", "6", "-o", "-", text]),
              result.status == 0, !result.output.isEmpty else { return nil }
        return "data:image/svg+xml;base64," + result.output.base64EncodedString()
    }
}
