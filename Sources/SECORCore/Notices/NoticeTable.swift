import Foundation

/// Who is told of what: one table, as data. Each event names the people who must act on
/// it or must know; the server resolves each audience to accounts and sends one notice
/// per person, in the app and by email (or in the person's daily digest).
public enum NoticeEvent: String, CaseIterable, Sendable, Codable {
    // The crew's everyday safety work (F1).
    case incidentReported
    case inspectionItemFailed
    case correctiveActionAssigned
    case correctiveActionOverdue
    case recordSignatureNeeded
    case trainingExpiring
    // Enrollment and accounts (E4).
    case applicationSubmitted
    case applicationDecided
    case invitationAccepted
    // The audit's administration (R1-R7, D3, S1-S4).
    case registrationSubmitted
    case registrationApproved
    case registrationRejected
    case registrationChanged
    case extensionRequested
    case extensionDecided
    case reportSignatureNeeded
    case auditSubmitted
    case reviewerAssigned
    // QA and the cycle (Q7-Q11, C6).
    case qaFeedback
    case qaPassed
    case qaFailed
    case auditInvalid
    case certificateWarning
    case certificateCancelled
    // Those who rely on a certificate (V3).
    case watchedCertificateChanged
}

public enum NoticeAudience: String, CaseIterable, Sendable, Codable {
    /// The employer's owner accounts.
    case employerOwners
    /// The employer's supervisors.
    case supervisors
    /// The audit's auditor (external, or the employer's own assessor).
    case auditor
    /// The audit's assigned QA reviewer; the partner's QA reviewers while none is assigned.
    case qaReviewers
    case partnerAdmins
    /// The person a corrective action is assigned to.
    case actionAssignee
    /// The one person the event is about (the holder of an expiring ticket, a person asked
    /// to sign, the inviter of an accepted invitation).
    case namedPerson
    /// The accounts of the contractor whose watch list holds the certificate (V3).
    case contractorStaff
}

public enum NoticeTable {
    /// The table. Workers appear only as a named person or an assignee: they are never
    /// told about audit administration.
    public static let rows: [NoticeEvent: [NoticeAudience]] = [
        .incidentReported: [.employerOwners, .supervisors],
        .inspectionItemFailed: [.supervisors, .actionAssignee],
        .correctiveActionAssigned: [.actionAssignee],
        .correctiveActionOverdue: [.employerOwners, .actionAssignee],
        .recordSignatureNeeded: [.namedPerson],
        .trainingExpiring: [.namedPerson, .employerOwners],
        .applicationSubmitted: [.partnerAdmins],
        .applicationDecided: [.employerOwners],
        .invitationAccepted: [.namedPerson],
        .registrationSubmitted: [.partnerAdmins],
        .registrationApproved: [.auditor, .employerOwners],
        .registrationRejected: [.auditor, .employerOwners],
        .registrationChanged: [.partnerAdmins, .auditor],
        .extensionRequested: [.partnerAdmins],
        .extensionDecided: [.auditor, .employerOwners],
        .reportSignatureNeeded: [.employerOwners],
        .auditSubmitted: [.qaReviewers, .employerOwners],
        .reviewerAssigned: [.qaReviewers],
        .qaFeedback: [.auditor, .employerOwners],
        .qaPassed: [.auditor, .employerOwners, .partnerAdmins],
        .qaFailed: [.auditor, .employerOwners],
        .auditInvalid: [.auditor, .employerOwners],
        .certificateWarning: [.employerOwners, .auditor],
        .certificateCancelled: [.employerOwners, .auditor],
        .watchedCertificateChanged: [.contractorStaff],
    ]

    public static func audiences(_ event: NoticeEvent) -> [NoticeAudience] { rows[event] ?? [] }
}
