import Vapor

/// An invitation link with its QR code, shown to the inviter once (the secret is not
/// stored, so it cannot be shown again): kept in the session across the redirect after
/// the form, then dropped.
struct ShownInvitation: Encodable {
    var link: String
    /// A `data:` URL of the QR code, or nil where qrencode is not installed.
    var qr: String?
    var email: String?
    var name: String?
}

extension Request {
    func showOnce(invitationLink link: String?, email: String? = nil, name: String? = nil) {
        session.data["invitationLink"] = link
        session.data["invitationEmail"] = email
        session.data["invitationName"] = name
    }

    func takeShownInvitation() async -> ShownInvitation? {
        guard let link = session.data["invitationLink"] else { return nil }
        let (email, name) = (session.data["invitationEmail"], session.data["invitationName"])
        for key in ["invitationLink", "invitationEmail", "invitationName"] { session.data[key] = nil }
        return ShownInvitation(link: link, qr: await QRCode.svgDataURL(for: link), email: email, name: name)
    }
}
