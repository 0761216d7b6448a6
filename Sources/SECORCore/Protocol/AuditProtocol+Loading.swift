import Foundation

extension AuditProtocol {
    /// Decodes and validates a protocol; every error names the file, line and field.
    public static func load(yaml: String, file: String) throws -> AuditProtocol {
        let (value, root) = try YAMLDocument.decode(AuditProtocol.self, from: yaml, file: file)
        var check = DataFileValidator(file: file, root: root)
        value.validate(into: &check)
        guard check.errors.isEmpty else { throw DataFileErrors(errors: check.errors) }
        return value
    }

    func validate(into check: inout DataFileValidator) {
        check.require(!version.isEmpty, "version", "must not be empty")
        check.require(!elements.isEmpty, "elements", "must list at least one element")
        var ids = Set<String>()
        var numbers = Set<Int>()
        for (e, element) in elements.enumerated() {
            check.require(numbers.insert(element.number).inserted, "elements[\(e)].number", "\(element.number) is used twice")
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
