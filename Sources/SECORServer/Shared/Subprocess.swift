import Foundation

/// Runs a command to completion off the event loop: WeasyPrint for PDFs, sendmail for
/// email. Returns the exit status and what it wrote to stderr.
enum Subprocess {
    static func run(_ executable: String, _ arguments: [String], stdin: Data? = nil) async throws -> (status: Int32, errors: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let errors = Pipe()
        let input = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = stdin == nil ? FileHandle.nullDevice : input
        // A command that exits without reading its input must not kill the server.
        signal(SIGPIPE, SIG_IGN)
        try process.run()
        if let stdin {
            try? input.fileHandleForWriting.write(contentsOf: stdin)
            try? input.fileHandleForWriting.close()
        }
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().async {
                process.waitUntilExit()
                done.resume()
            }
        }
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return (process.terminationStatus, text)
    }
}
