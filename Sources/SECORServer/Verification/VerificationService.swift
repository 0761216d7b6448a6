import Fluent
import Foundation
import JWTKit
import SECORCore
import SQLKit

/// V1, V2: what anyone may know of a certificate, found by its number or in the registry.
/// Public facts only: names, partner, program, number, dates, today's state and the years
/// of the cycle passed; never scores, people, records or reasons.
struct PublicCertificate: Codable, Sendable, Equatable, JWTPayload {
    var certificateNumber: String
    var legalName: String
    var tradeName: String
    var partner: String
    var program: String
    var issuedOn: String
    var expiresOn: String
    var state: String
    var stateLabel: String
    var maintenanceDueBy: String?
    var cancelledOn: String?
    var yearsPassed: [Int]
    /// The day the state is given for (Alberta).
    var asOf: String
    /// Who signed it: the platform.
    var iss: String

    func verify(using algorithm: some JWTAlgorithm) async throws {}
}

struct VerificationService {
    let db: Database
    let programs: ProgramCatalog

    /// The certificate with this number, or nil. The same queries run for an unknown number,
    /// so the answer takes the same time either way.
    func certificate(number: String, today: CalendarDay = .today) async throws -> PublicCertificate? {
        // Numbers are issued in capitals; a number typed in lower case is the same number.
        let clean = number.trimmingCharacters(in: .whitespaces).uppercased()
        let found = try await CertificateModel.query(on: db).filter(\.$number == clean).first()
        guard let found else {
            // The same statements as for a known number, so the time says nothing either.
            try await shadowLookups()
            return nil
        }
        return try await facts([found], today: today).first
    }

    /// `facts`' reads for a certificate that does not exist.
    private func shadowLookups() async throws {
        let nobody = [UUID()]
        _ = try await EmployerModel.query(on: db).filter(\.$id ~~ nobody).all()
        _ = try await OrganisationModel.query(on: db).filter(\.$id ~~ nobody).with(\.$partner).all()
        _ = try await AuditModel.query(on: db).filter(\.$id ~~ nobody).all()
        _ = try await CycleService(db: db).history(nobody)
    }

    /// V1: the registry by name, WCB account number or certificate number, among partners
    /// whose profile lists their holders. At most 20 answers, by name.
    func search(_ q: String, today: CalendarDay = .today) async throws -> [PublicCertificate] {
        let text = try Self.query(q)
        let byNumber = try await CertificateModel.query(on: db).filter(\.$number == text).all()
        let byAccount = try await WCBAccountModel.query(on: db).filter(\.$number == text).all().map(\.$employer.id)
        let pattern = "%" + text.lowercased() + "%"
        // Case-insensitive on both databases: lower() LIKE, bound, never spliced.
        let byName = try await (db as! any SQLDatabase)
            .raw("SELECT id FROM employers WHERE lower(legal_name) LIKE \(bind: pattern) OR lower(trade_name) LIKE \(bind: pattern) LIMIT 200")
            .all().map { try $0.decode(column: "id", as: UUID.self) }
        let employers = Array(Set(byAccount + byName))
        let held = employers.isEmpty ? [] : try await CertificateModel.query(on: db).filter(\.$employer.$id ~~ employers).all()
        var seen = Set<UUID>()
        let unique = (byNumber + held).filter { seen.insert($0.id ?? UUID()).inserted }
        return Array(try await facts(unique, today: today, listedOnly: true).sorted { $0.legalName < $1.legalName }.prefix(20))
    }

    /// What a search may look for: 3 to 100 characters once spaces and the LIKE wildcards
    /// (% and _, which would list the whole registry) are taken out; the error names `q`.
    static func query(_ q: String) throws -> String {
        let text = q.replacingOccurrences(of: "%", with: "").replacingOccurrences(of: "_", with: "")
            .split(whereSeparator: \.isWhitespace).joined(separator: " ")
        guard (3...100).contains(text.count), !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw AppError.invalid("q", "Search with 3 to 100 letters or digits: a name, a WCB account number or a certificate number.")
        }
        return text
    }

    /// V3: what each watched value stands for today: the latest certificate of the holder
    /// of the certificate number (any partner: the number is public on the certificate), or
    /// of the employer with the WCB account (listed partners only, as the registry). Values
    /// with no such certificate are absent. A fixed number of statements for any list.
    func watched(certificates numbers: [String], wcbAccounts accounts: [String], today: CalendarDay = .today)
        async throws -> (byNumber: [String: PublicCertificate], byAccount: [String: PublicCertificate]) {
        let numbered = numbers.isEmpty ? [] : try await CertificateModel.query(on: db).filter(\.$number ~~ numbers).all()
        let accountRows = accounts.isEmpty ? [] : try await WCBAccountModel.query(on: db).filter(\.$number ~~ accounts).all()
        let holders = Array(Set(numbered.map(\.$employer.id) + accountRows.map(\.$employer.id)))
        let held = holders.isEmpty ? [] : try await CertificateModel.query(on: db).filter(\.$employer.$id ~~ holders).all()
        // The holder's certificate now: the latest issued (a renewal replaces the old one).
        let latest = Dictionary(grouping: held, by: \.$employer.id).compactMapValues { $0.max { ($0.issuedOn, $0.number) < ($1.issuedOn, $1.number) } }
        let all = try await facts(Array(latest.values), today: today)
        let listed = Set(try await facts(Array(latest.values), today: today, listedOnly: true).map(\.certificateNumber))
        let factsByHolder = Dictionary(uniqueKeysWithValues: latest.compactMap { holder, certificate in
            all.first { $0.certificateNumber == certificate.number }.map { (holder, $0) } })
        var byNumber: [String: PublicCertificate] = [:]
        for certificate in numbered { byNumber[certificate.number] = factsByHolder[certificate.$employer.id] }
        var byAccount: [String: PublicCertificate] = [:]
        for row in accountRows where byAccount[row.number] == nil {
            if let facts = factsByHolder[row.$employer.id], listed.contains(facts.certificateNumber) { byAccount[row.number] = facts }
        }
        return (byNumber, byAccount)
    }

    /// Public facts of `certificates`, in a fixed number of statements whatever their number.
    private func facts(_ certificates: [CertificateModel], today: CalendarDay, listedOnly: Bool = false) async throws -> [PublicCertificate] {
        let employerIds = Array(Set(certificates.map(\.$employer.id)))
        let auditIds = certificates.map(\.$audit.id)
        let employers = employerIds.isEmpty ? [] : try await EmployerModel.query(on: db).filter(\.$id ~~ employerIds).all()
        let organisations = employerIds.isEmpty ? [] : try await OrganisationModel.query(on: db).filter(\.$id ~~ employerIds).with(\.$partner).all()
        let audits = auditIds.isEmpty ? [] : try await AuditModel.query(on: db).filter(\.$id ~~ auditIds).all()
        let history = try await CycleService(db: db).history(employerIds)
        return certificates.compactMap { c -> PublicCertificate? in
            guard let employer = employers.first(where: { $0.id == c.$employer.id }),
                  let organisation = organisations.first(where: { $0.id == c.$employer.id }),
                  let partner = organisation.partner, let profile = programs.profile(partner.profileId),
                  let audit = audits.first(where: { $0.id == c.$audit.id }),
                  let end = try? CalendarDay(iso: audit.lastDayOnSite ?? audit.plannedStart),
                  let expiry = try? CalendarDay(iso: c.expiresOn) else { return nil }
            if listedOnly && profile.publicRegistry == false { return nil }
            let standing = CertificateStanding.of(
                certificationEnd: end, expiry: expiry, cancelledOn: c.cancelledOn.flatMap { try? CalendarDay(iso: $0) }, termYears: c.termYears,
                maintenancePassed: (history[c.$employer.id] ?? []).filter { $0.type == .maintenance }.map(\.endDate),
                cycle: CertificateCycle(profile: profile), graceDays: profile.maintenanceGraceDays ?? 0, today: today)
            return PublicCertificate(certificateNumber: c.number, legalName: employer.legalName, tradeName: employer.tradeName,
                                     partner: profile.partnerName, program: profile.programName, issuedOn: c.issuedOn, expiresOn: c.expiresOn,
                                     state: standing.state.rawValue, stateLabel: standing.state.label,
                                     maintenanceDueBy: standing.maintenanceDueBy?.iso, cancelledOn: standing.cancelledOn?.iso,
                                     yearsPassed: standing.yearsPassed, asOf: today.iso, iss: "SECOR")
        }
    }
}
