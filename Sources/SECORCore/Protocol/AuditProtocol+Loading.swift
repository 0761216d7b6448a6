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
                question.validateMethod(at: at, earlier: ids, into: &check)
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

extension ProtocolQuestion {
    /// The scoring method's own fields: what each needs, and what it may not be mixed with.
    /// `earlier` holds the ids before this question (and this one): a cascade names one of them.
    func validateMethod(at: String, earlier: Set<String>, into check: inout DataFileValidator) {
        let sharesScored: Bool
        switch scoring {
        case .yesNo, .range: sharesScored = false
        case .proportion, .scaled: sharesScored = true
        case .threshold(let percent):
            sharesScored = true
            check.require((1...100).contains(percent), "\(at).scoring.percent", "must be 1-100")
        }
        if let criteria {
            check.require((1...100).contains(criteria), "\(at).criteria", "must be 1-100 (the criteria counted)")
            check.require(sharesScored, "\(at).criteria", "a criteria count needs a proportion, threshold or scaled scoring rule")
            check.require(sheet == nil, "\(at).criteria", "a question is counted by criteria or by a sampling sheet, not both")
        }
        if let sheet {
            check.require(sharesScored, "\(at).sheet", "a sampling sheet needs a proportion, threshold or scaled scoring rule")
            check.require(methods.contains(sheet.method), "\(at).sheet", "an \(sheet.rawValue) sheet needs the \(sheet.method.rawValue) method in methods")
        }
        // A site's score comes from what was sampled there: the sheet's rows carry the site.
        check.require(!perSite || sheet != nil, "\(at).perSite", "a per-site question needs a sampling sheet (sheet: interview or observation)")
        if let exemption = notApplicableByRole {
            check.require(!exemption.roles.isEmpty, "\(at).notApplicableByRole.roles", "must name at least one role")
            check.require(!exemption.reason.trimmingCharacters(in: .whitespaces).isEmpty, "\(at).notApplicableByRole.reason",
                          "must say why the question is N/A (\"no workers, so the owner is the manager\")")
        }
        if let cappedBy {
            check.require(cappedBy != id, "\(at).cappedBy", "a question cannot cap itself")
            check.require(cappedBy == id || earlier.contains(cappedBy), "\(at).cappedBy",
                          "'\(cappedBy)' is not a question before this one (a cascade runs from an earlier question)")
        }
    }
}
