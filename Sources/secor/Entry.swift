import SECORServer

@main
enum Entry {
    static func main() async throws {
        try await SECORApp.main()
    }
}
