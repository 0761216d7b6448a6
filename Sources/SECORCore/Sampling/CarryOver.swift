import Foundation

/// A maintenance audit may carry over answers from the cycle's certification audit
/// (profile data): up to `maxShare` of the questions, of the qualifying methods, that
/// scored full marks there.
public struct CarryOverRule: Codable, Sendable, Equatable {
    public var maxShare: Fraction
    /// A question qualifies when every method it is validated by is one of these.
    public var methods: [ValidationMethod]

    public init(maxShare: Fraction, methods: [ValidationMethod]) {
        self.maxShare = maxShare
        self.methods = methods
    }

    /// The most questions of `total` that may be carried over (a third of 28 → 9).
    public func limit(questions total: Int) -> Int {
        guard maxShare.denominator > 0 else { return 0 }
        return total * maxShare.numerator / maxShare.denominator
    }

    /// The questions that qualify, in protocol order: validated only by qualifying methods,
    /// answered directly (no sampling sheet, not per site), and scoring full marks in the
    /// certification audit's answers.
    public func candidates(_ auditProtocol: AuditProtocol, certification: [String: Answer]) -> [String] {
        auditProtocol.questions.filter { q in
            guard q.sheet == nil, !q.perSite, q.methods.allSatisfy(methods.contains),
                  let previous = certification[q.id], let earned = try? q.points(for: previous) else { return false }
            return earned == q.maxPoints
        }.map(\.id)
    }
}

public struct Fraction: Codable, Sendable, Equatable {
    public var numerator: Int
    public var denominator: Int

    public init(numerator: Int, denominator: Int) {
        self.numerator = numerator
        self.denominator = denominator
    }

    public var text: String { "\(numerator)/\(denominator)" }
}

/// A one-year certificate where a certification audit rests on fewer months of records
/// than normal (ESC: a one-year SECOR with at least 3 months, normally 12).
public struct ShortCertificateRule: Codable, Sendable, Equatable {
    public var years: Int
    /// Fewer months than this gives the short certificate.
    public var fullRecordMonths: Int

    public init(years: Int, fullRecordMonths: Int) {
        self.years = years
        self.fullRecordMonths = fullRecordMonths
    }
}

public enum CertificateTerm {
    /// C2 with the short-certificate rule: the years a certification audit's certificate
    /// runs, from the first record's day to the audit's end. Fewer than the profile's
    /// `minimumRecordMonths` is E5's refusal, not a term; this answers the full term then.
    public static func years(_ profile: ProgramProfile, firstRecord: CalendarDay?, auditEnd: CalendarDay) -> Int {
        guard let rule = profile.shortCertificate, let firstRecord else { return profile.certificateValidityYears }
        // Whole months of records: the first record plus `fullRecordMonths` months is on or before the end.
        let full = firstRecord.adding(months: rule.fullRecordMonths) <= auditEnd
        return full ? profile.certificateValidityYears : rule.years
    }
}
