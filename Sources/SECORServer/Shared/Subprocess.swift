import Foundation

/// Runs a command to completion off the event loop: WeasyPrint for PDFs, sendmail for
/// email, qrencode for QR codes. Returns the exit status and what it wrote to stderr.
enum Subprocess {
    /// The path of a command on `PATH`, or nil where it is not installed.
    static func find(_ name: String) -> String? {
        let candidates = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin")
            .split(separator: ":").map { "\($0)/\(name)" }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// `timeout`: the command is stopped (SIGTERM, then SIGKILL 2 s later) when it runs longer.
    static func run(_ executable: String, _ arguments: [String], stdin: Data? = nil, timeout: TimeInterval? = nil) async throws -> (status: Int32, errors: String) {
        let result = try await capture(executable, arguments, stdin: stdin, keepOutput: false, timeout: timeout)
        return (result.status, result.errors)
    }

    /// As `run`, and also returns what the command wrote to stdout (qrencode's SVG).
    static func capture(_ executable: String, _ arguments: [String], stdin: Data? = nil,
                        keepOutput: Bool = true, timeout: TimeInterval? = nil) async throws -> (status: Int32, output: Data, errors: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let errors = Pipe()
        let input = Pipe()
        process.standardError = errors
        let output = Pipe()
        process.standardOutput = keepOutput ? output : FileHandle.nullDevice
        process.standardInput = stdin == nil ? FileHandle.nullDevice : input
        // A command that exits without reading its input must not kill the server.
        signal(SIGPIPE, SIG_IGN)
        try process.run()
        if let timeout {
            let pid = process.processIdentifier
            DispatchQueue.global().asyncAfter(deadline: .now() + timeout) { [process] in
                guard process.isRunning else { return }
                kill(pid, SIGTERM)
                DispatchQueue.global().asyncAfter(deadline: .now() + 2) { if process.isRunning { kill(pid, SIGKILL) } }
            }
        }
        if let stdin {
            try? input.fileHandleForWriting.write(contentsOf: stdin)
            try? input.fileHandleForWriting.close()
        }
        // Read stdout while the command runs: a full pipe would block it.
        let written: Data = await withCheckedContinuation { (done: CheckedContinuation<Data, Never>) in
            DispatchQueue.global().async {
                let data = keepOutput ? output.fileHandleForReading.readDataToEndOfFile() : Data()
                process.waitUntilExit()
                done.resume(returning: data)
            }
        }
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return (process.terminationStatus, written, text)
    }
}
