import XCTest
@testable import SECORCore

enum Fixtures {
    static let profiles: [String: ProgramProfile] = try! ProgramProfile.bundled()
    static var esc: ProgramProfile { profiles["esc"]! }
    static var acsa: ProgramProfile { profiles["acsa"]! }

    static func day(_ iso: String) -> CalendarDay { try! CalendarDay(iso: iso) }

    static func person(_ id: String, _ category: PersonCategory = .worker, start: String = "2020-01-01",
                       end: String? = nil, fullTime: Bool = true, familiar: Bool = false) -> Person {
        Person(id: id, name: "Person \(id)", category: category, fullTime: fullTime,
               familiarWithWholeOperation: familiar, startDate: day(start), endDate: end.map(day))
    }

    /// A small protocol: element 1 with 10 + 10 points, element 2 with 10 + 5 + 3.
    static let sampleProtocol = AuditProtocol(
        id: "sample", partner: "esc", version: "2023.1", title: "Sample",
        elements: [
            ProtocolElement(number: 1, title: "Management", questions: [
                ProtocolQuestion(id: "1.1", text: "Policy?", methods: [.documentation], maxPoints: 10, scoring: .yesNo),
                ProtocolQuestion(id: "1.2", text: "Goals?", methods: [.documentation], maxPoints: 10, scoring: .range,
                                 notApplicableReasons: [.firstYear]),
            ]),
            ProtocolElement(number: 2, title: "Hazards", questions: [
                ProtocolQuestion(id: "2.1", text: "FLHA?", methods: [.documentation], maxPoints: 10, scoring: .range),
                ProtocolQuestion(id: "2.2", text: "Workers know?", methods: [.interview], maxPoints: 5, scoring: .range),
                ProtocolQuestion(id: "2.3", text: "Controls seen?", methods: [.observation], maxPoints: 3,
                                 scoring: .proportion([.init(atLeastPercent: 100, points: 3), .init(atLeastPercent: 70, points: 2),
                                                       .init(atLeastPercent: 50, points: 1)]),
                                 notApplicableReasons: [.ownerOperator]),
            ]),
        ])
}
