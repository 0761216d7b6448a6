import Crypto
import Fluent
import Foundation
import Vapor

/// Uploaded files, stored once by SHA-256 under `$SECOR_DATA_DIR/files/ab/abcdef...`.
/// Bytes are written to a temporary file, synced, then renamed into place, so a crash
/// never leaves a half-written file under a real name.
struct FileStore {
    let db: Database
    let root: String
    /// The largest upload accepted.
    static let maxBytes = 10 * 1024 * 1024

    enum Kind: String {
        case pdf = "application/pdf", png = "image/png", jpeg = "image/jpeg"

        var extensions: [String] {
            switch self {
            case .pdf: return ["pdf"]
            case .png: return ["png"]
            case .jpeg: return ["jpg", "jpeg"]
            }
        }

        /// What the bytes are, from their first bytes (not from the name).
        static func sniff(_ bytes: [UInt8]) -> Kind? {
            if bytes.starts(with: Array("%PDF-".utf8)) { return .pdf }
            if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
            if bytes.starts(with: [0xFF, 0xD8, 0xFF]) { return .jpeg }
            return nil
        }
    }

    /// Checks and stores a certificate file: PDF, PNG or JPEG whose content matches its name.
    func store(_ bytes: [UInt8], filename rawName: String, employerId: UUID, by user: CurrentUser,
               field: String = "certificateFile") throws -> (sha256: String, kind: Kind, name: String) {
        // Every upload's name passes here (API query, page form): one line, at most 200 characters.
        let name = try Validate.text((rawName as NSString).lastPathComponent, "filename", "The file name", max: 200, optional: true)
        guard !bytes.isEmpty else { throw AppError.invalid(field, "The file \(name.isEmpty ? "" : "'\(name)' ")is empty.") }
        guard bytes.count <= Self.maxBytes else {
            throw AppError(status: .payloadTooLarge, message: "The file '\(name)' is \(bytes.count / 1024 / 1024) MB; the limit is \(Self.maxBytes / 1024 / 1024) MB.", field: field)
        }
        guard let kind = Kind.sniff(bytes) else {
            throw AppError(status: .unsupportedMediaType, message: "The file '\(name)' is not a PDF, PNG or JPEG.", field: field)
        }
        let ext = (name as NSString).pathExtension.lowercased()
        guard kind.extensions.contains(ext) else {
            throw AppError(status: .unsupportedMediaType,
                           message: "The file '\(name)' is named .\(ext.isEmpty ? "(none)" : ext) but its content is \(kind == .pdf ? "a PDF" : kind == .png ? "a PNG image" : "a JPEG image").", field: field)
        }
        let sha = SHA256.hash(data: bytes).hex
        let path = self.path(for: sha)
        if !FileManager.default.fileExists(atPath: path) {
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            let temp = path + ".tmp-\(UUID().uuidString)"
            guard FileManager.default.createFile(atPath: temp, contents: nil) else {
                throw Abort(.internalServerError, reason: "could not create \(temp)")
            }
            do {
                let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: temp))
                try handle.write(contentsOf: Data(bytes))
                try handle.synchronize()
                try handle.close()
                if rename(temp, path) != 0 { throw Abort(.internalServerError, reason: "could not move the file into place") }
            } catch {
                try? FileManager.default.removeItem(atPath: temp)
                throw error
            }
        }
        return (sha, kind, name)
    }

    func path(for sha: String) -> String {
        "\(root)/\(sha.prefix(2))/\(sha)"
    }

    func read(_ file: StoredFileModel) throws -> Data {
        try Data(contentsOf: URL(fileURLWithPath: path(for: file.sha256)))
    }
}

extension Request {
    var files: FileStore { FileStore(db: db, root: application.filesRoot) }
}

extension Application {
    /// The file store's folder, under the data directory.
    var filesRoot: String { (secorConfig.dataDirectory as NSString).appendingPathComponent("files") }
}
