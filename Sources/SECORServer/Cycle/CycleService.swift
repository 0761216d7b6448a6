import Fluent
import Foundation
import SECORCore
import Vapor

/// C1-C6 per employer: the certificate's state, the next audit due and its type, and the
/// warnings ahead of any due date or expiry.
struct CycleService {
    let db: Database

    struct Status: Sendable {
        var employerId: UUID
        var employerName: String
        var certificate: CertificateModel?
        var status: CertificateStatus
        var expiry: CalendarDay?
        var next: NextAudit
        /// "30 days before the certificate expires", … (C6)
        var warnings: [String]
    }

    /// The employer's completed audits as the cycle sees them: each QA-passed audit ends on
    /// its last day on site.
    func history(_ employerIds: [UUID]) async throws -> [UUID: [CompletedAudit]] {
        guard !employerIds.isEmpty else { return [:] }
        let passed = try await AuditModel.query(on: db).filter(\.$employer.$id ~~ employerIds)
            .filter(\.$stage == AuditStage.passed.rawValue)
            .field(\.$id).field(\.$employer.$id).field(\.$auditType).field(\.$lastDayOnSite).field(\.$plannedStart).all()
        // A short certificate's term shapes the cycle (no maintenance years): one query for all.
        let ids = passed.compactMap(\.id)
        let terms = ids.isEmpty ? [] : try await CertificateModel.query(on: db).filter(\.$audit.$id ~~ ids).filter(\.$termYears != nil)
            .field(\.$audit.$id).field(\.$termYears).all()
        let termByAudit = Dictionary(terms.map { ($0.$audit.id, $0.termYears) }, uniquingKeysWith: { a, _ in a })
        var out: [UUID: [CompletedAudit]] = [:]
        for audit in passed {
            guard let type = AuditType(rawValue: audit.auditType),
                  let end = (audit.lastDayOnSite ?? Optional(audit.plannedStart)).flatMap({ try? CalendarDay(iso: $0) }) else { continue }
            out[audit.$employer.id, default: []].append(CompletedAudit(type: type, endDate: end, passed: true,
                                                                       termYears: audit.id.flatMap { termByAudit[$0] } ?? nil))
        }
        return out
    }

    /// The cycle of every employer in the caller's partner's program, by name: the cycle page,
    /// its CSV and the API read this one query. `filter`: a status, `warned`, or empty for all.
    func partnerStatuses(_ user: CurrentUser, profiles: ProgramCatalog, filter: String = "") async throws -> [Status] {
        let employers = try await OrganisationModel.query(on: db).filter(\.$kind == OrganisationKind.employer.rawValue)
            .filter(\.$partner.$id == user.organisationId).with(\.$partner).sort(\.$name).all()
        return try await statuses(employers, profiles: profiles)
            .filter { filter.isEmpty || $0.status.rawValue == filter || (filter == "warned" && !$0.warnings.isEmpty) }
    }

    func statuses(_ employers: [OrganisationModel], profiles: ProgramCatalog, today: CalendarDay = .today) async throws -> [Status] {
        let ids = employers.compactMap(\.id)
        let histories = try await history(ids)
        let certificates = ids.isEmpty ? [] : try await CertificateModel.query(on: db).filter(\.$employer.$id ~~ ids).sort(\.$issuedOn, .descending).all()
        var latest: [UUID: CertificateModel] = [:]
        for certificate in certificates where latest[certificate.$employer.id] == nil { latest[certificate.$employer.id] = certificate }
        return employers.compactMap { org -> Status? in
            guard let id = org.id, let profile = profiles.profile(org.partner?.profileId) else { return nil }
            let certificate = latest[id]
            let expiry = certificate.flatMap { try? CalendarDay(iso: $0.expiresOn) }
            let status = CertificateStatus.of(expiry: expiry, cancelled: certificate?.cancelledOn != nil, today: today)
            let next = CertificateCycle(profile: profile).nextAudit(history: histories[id] ?? [], today: today)
            var warnings: [String] = []
            if let expiry, status != .cancelled, let days = Reminder.threshold(for: expiry, today: today) {
                warnings.append("The certificate expires within \(days) days (\(expiry.readable)).")
            }
            if let due = next.dueBy, next.type == .maintenance {
                if let days = Reminder.threshold(for: due, today: today) {
                    warnings.append("The year-\(next.cycleYear) maintenance audit is due within \(days) days (\(due.readable)).")
                } else if today > due {
                    warnings.append("The year-\(next.cycleYear) maintenance audit was due by \(due.readable) and is late.")
                }
            }
            return Status(employerId: id, employerName: org.name, certificate: certificate, status: status, expiry: expiry, next: next, warnings: warnings)
        }
    }

    func status(_ ref: EmployerRef, today: CalendarDay = .today) async throws -> NextAudit {
        let history = try await history([ref.id])[ref.id] ?? []
        return CertificateCycle(profile: ref.profile).nextAudit(history: history, today: today)
    }

    /// C6: a partner admin cancels a certificate, with the reason; the employer is told.
    func cancelCertificate(_ id: UUID, reason: String, by admin: CurrentUser, today: CalendarDay = .today) async throws {
        let reason = try Validate.text(reason, "reason", "Reason", max: 1000)
        guard let certificate = try await CertificateModel.query(on: db).filter(\.$id == id).with(\.$employer).first(),
              certificate.employer.$partner.id == admin.organisationId else { throw AppError.notFound("certificate") }
        try Policy.authorize(admin, .partnerAdmin(partnerId: admin.organisationId))
        guard certificate.cancelledOn == nil else { throw AppError(status: .conflict, message: "The certificate is already cancelled.") }
        certificate.cancelledOn = today.iso
        certificate.cancelReason = reason
        try await db.writeTransaction { db in
            guard try await db.lockedColumn(CertificateModel.schema, id, "cancelled_on", as: String.self) == nil else {
                throw AppError(status: .conflict, message: "The certificate is already cancelled.")
            }
            try await certificate.save(on: db)
            try await AuditLog.append(on: db, actor: admin.id, action: "certificate.cancel", entity: "certificate", entityId: id.uuidString, detail: reason)
            let audit = try await AuditModel.find(certificate.$audit.id, on: db)
            try await Notices.send(.certificateCancelled, NoticeSubject(employerId: certificate.$employer.id, auditorUserId: audit?.auditorUserId),
                                   title: "Certificate \(certificate.number) cancelled", body: reason, link: "/audits", except: admin.id, on: db)
        }
    }
}
