import Foundation

extension AuditProtocol {
    /// Decodes and validates a protocol; every error names the file, line and field.
    /// `partners`, when given, are the profile ids the `partner` field may name.
    public static func load(yaml: String, file: String, partners: Set<String>? = nil) throws -> AuditProtocol {
        let (value, root) = try YAMLDocument.decode(AuditProtocol.self, from: yaml, file: file)
        var check = DataFileValidator(file: file, root: root)
        value.validate(into: &check)
        if let partners {
            check.require(partners.contains(value.partner), "partner",
                          "'\(value.partner)' is not a partner profile (\(partners.sorted().joined(separator: ", ")))")
        }
        guard check.errors.isEmpty else { throw DataFileErrors(errors: check.errors) }
        return value
    }

    /// The sample protocols shipped with the product, one per demo partner, in file order.
    public static func bundledSamples() throws -> [(file: String, yaml: String, value: AuditProtocol)] {
        guard let folder = Bundle.module.url(forResource: "Protocols", withExtension: nil) else {
            throw DataFileError(file: "Protocols", line: nil, field: "", message: "the bundled protocols folder is missing")
        }
        let files = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "yaml" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        return try files.map { url in
            let yaml = try String(contentsOf: url, encoding: .utf8)
            return (url.lastPathComponent, yaml, try load(yaml: yaml, file: url.lastPathComponent))
        }
    }

    func validate(into check: inout DataFileValidator) {
        check.require(id.range(of: "^[a-z][a-z0-9-]*$", options: .regularExpression) != nil,
                      "id", "must be lower-case letters, digits and dashes")
        check.require(!partner.isEmpty, "partner", "must name the partner's profile id")
        check.require(!version.isEmpty, "version", "must not be empty")
        check.require(!elements.isEmpty, "elements", "must list at least one element")
        var ids = Set<String>()
        var numbers = Set<Int>()
        for (e, element) in elements.enumerated() {
            check.require(numbers.insert(element.number).inserted, "elements[\(e)].number", "\(element.number) is used twice")
            // Rule A11: SECOR has six elements; a protocol cannot invent a seventh.
            check.require(SECORElements.titles[element.number] != nil, "elements[\(e)].number",
                          "unknown element \(element.number): SECOR has elements 1-6 (A11)")
            check.require(!element.questions.isEmpty, "elements[\(e)].questions", "must list at least one question")
            for (q, question) in element.questions.enumerated() {
                let at = "elements[\(e)].questions[\(q)]"
                check.require(ids.insert(question.id).inserted, "\(at).id", "'\(question.id)' is used twice")
                check.require(!question.text.isEmpty, "\(at).text", "must not be empty")
                check.require(!question.methods.isEmpty, "\(at).methods", "must name at least one validation method")
                check.require(question.maxPoints > 0, "\(at).maxPoints", "must be at least 1")
                if case .proportion(let bands) = question.scoring {
                    check.require(!bands.isEmpty, "\(at).scoring.bands", "must list at least one band")
                    for (b, band) in bands.enumerated() {
                        check.require((0...100).contains(band.atLeastPercent), "\(at).scoring.bands[\(b)].atLeastPercent", "must be 0-100")
                        check.require((0...question.maxPoints).contains(band.points), "\(at).scoring.bands[\(b)].points",
                                      "must be 0-\(question.maxPoints) (the question's maxPoints)")
                    }
                }
            }
        }
    }
}
