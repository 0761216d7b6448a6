import Foundation
import NIOConcurrencyHelpers

/// QR codes drawn by qrencode (Debian's `qrencode`) as SVG, in the bounded subprocess:
/// a supervisor shows an invitation's code and the worker scans it with the phone.
/// Where qrencode is missing the page shows the link alone.
enum QRCode {
    /// Public addresses drawn before (a verification page is opened again and again; a
    /// subprocess per view costs more than the page). At most `cacheLimit`, then it starts
    /// over. Secret links (invitations) are never kept.
    private static let cache = NIOLockedValueBox<[String: String]>([:])
    static let cacheLimit = 1000

    /// The code as a `data:` URL for an `<img>` (the content policy allows data: images,
    /// and no markup from a subprocess goes into the page), or nil when it cannot be drawn.
    /// `public`: the text may be kept in memory (it is no secret).
    static func svgDataURL(for text: String, public: Bool = false) async -> String? {
        if `public`, let kept = cache.withLockedValue({ $0[text] }) { return kept }
        guard let path = Subprocess.find("qrencode"),
              let result = try? await Subprocess.capture(path, ["-t", "SVG", "-m", "2", "-s", "6", "-o", "-", text]),
              result.status == 0, !result.output.isEmpty else { return nil }
        let url = "data:image/svg+xml;base64," + result.output.base64EncodedString()
        if `public` {
            cache.withLockedValue {
                if $0.count >= cacheLimit { $0.removeAll(keepingCapacity: true) }
                $0[text] = url
            }
        }
        return url
    }
}
