import SECORCore
import Vapor

/// The audit file by element and what will lose points (F2), as of any day.
struct ReadinessPages: RouteCollection {
    func boot(routes: RoutesBuilder) throws {
        routes.get("employers", ":employerId", "readiness", use: show)
    }

    struct Month: Encodable {
        var label: String
        var count: Int
        var level: Int
    }

    struct Element: Encodable {
        var number: Int
        var title: String
        var count: Int
        var months: [Month]
        var gaps: [String]
        var hasGaps: Bool
        var proves: [String]
    }

    struct QuestionView: Encodable {
        var id: String
        var text: String
        var points: String
        var full: Bool
        var reasons: String
    }

    struct PredictionView: Encodable {
        var number: Int
        var title: String
        var score: String
        var questions: [QuestionView]
        var unpredictable: String
        var hasUnpredictable: Bool
    }

    struct Finding: Encodable {
        var reason: String
        var link: String?
    }

    struct DeductionView: Encodable {
        var title: String
        var findings: [Finding]
    }

    struct Context: Encodable {
        var layout: LayoutContext
        var employerId: String
        var employerName: String
        var asOf: String
        var from: String
        var elements: [Element]
        var monthLabels: [String]
        var deductions: [DeductionView]
        var noDeductions: Bool
        var predictions: [PredictionView]
        var protocolTitle: String
        var protocolVersion: String
    }

    func show(req: Request) async throws -> View {
        let ref = try await req.employerRef(.view)
        let day = try req.asOfDay()
        let report = try await ReadinessService(db: req.db).report(ref, on: day)
        let base = "/employers/\(ref.id.uuidString)/records/"
        let elements = report.coverage.map { e in
            Element(number: e.number, title: e.title, count: e.count,
                    months: e.months.map { Month(label: $0.month, count: $0.count, level: min(4, $0.count == 0 ? 0 : 1 + $0.count / 4)) },
                    gaps: e.gaps, hasGaps: !e.gaps.isEmpty, proves: e.proves)
        }
        let deductions = report.deductions.map { d in
            DeductionView(title: d.kind.title, findings: d.findings.map { Finding(reason: $0.reason, link: $0.recordId.map { base + $0 }) })
        }
        let predictions = report.predictions.map { p in
            PredictionView(number: p.number, title: p.title,
                           score: p.points.possible == 0 ? "–" : "\(p.points.earned) of \(p.points.possible) (\(p.points.percentText)%)",
                           questions: p.questions.map { q in
                               QuestionView(id: q.questionId, text: q.text, points: q.points.map { "\($0) / \(q.maxPoints)" } ?? "N/A",
                                            full: q.points == nil || q.points == q.maxPoints, reasons: q.reasons.joined(separator: " "))
                           },
                           unpredictable: p.unpredictable.joined(separator: ", "), hasUnpredictable: !p.unpredictable.isEmpty)
        }
        return try await req.view.render("readiness", Context(
            layout: req.layoutContext(title: "Audit readiness"), employerId: ref.id.uuidString, employerName: ref.organisation.name,
            asOf: day.iso, from: report.windowFrom.readable, elements: elements,
            monthLabels: elements.first?.months.map(\.label) ?? [], deductions: deductions, noDeductions: deductions.isEmpty,
            predictions: predictions, protocolTitle: report.protocolTitle, protocolVersion: report.protocolVersion))
    }
}
