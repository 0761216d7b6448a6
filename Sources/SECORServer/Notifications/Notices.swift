import Fluent
import Foundation
import SECORCore

/// Who an event is about: the organisations and people the notice table's audiences are
/// resolved against. Unknown parts resolve to nobody.
struct NoticeSubject: Sendable {
    var employerId: UUID?
    var partnerId: UUID?
    var auditorUserId: UUID?
    var reviewerUserId: UUID?
    var assigneeUserId: UUID?
    var namedUserId: UUID?
    var contractorId: UUID?

    init(employerId: UUID? = nil, partnerId: UUID? = nil, auditorUserId: UUID? = nil, reviewerUserId: UUID? = nil,
         assigneeUserId: UUID? = nil, namedUserId: UUID? = nil, contractorId: UUID? = nil) {
        self.employerId = employerId
        self.partnerId = partnerId
        self.auditorUserId = auditorUserId
        self.reviewerUserId = reviewerUserId
        self.assigneeUserId = assigneeUserId
        self.namedUserId = namedUserId
        self.contractorId = contractorId
    }

    /// An audit: its employer, its partner, its auditor and its assigned QA reviewer.
    static func audit(_ audit: AuditModel) -> NoticeSubject {
        NoticeSubject(employerId: audit.$employer.id, partnerId: audit.partnerId, auditorUserId: audit.auditorUserId,
                      reviewerUserId: audit.qaReviewerId)
    }
}

/// Sends the notices of the table (`NoticeTable`): one per person, however many audiences
/// they are in, never to the person who acted. Call inside the write's transaction.
enum Notices {
    @discardableResult
    static func send(_ event: NoticeEvent, _ subject: NoticeSubject, title: String, body: String, link: String,
                     except actor: UUID? = nil, on db: Database) async throws -> [UUID] {
        let users = try await recipients(event, subject, on: db).filter { $0 != actor }
        for user in users {
            try await NotificationModel(userId: user, title: title, body: body, link: link, event: event).create(on: db)
        }
        return users
    }

    /// The active accounts the event's audiences name, in a stable order.
    static func recipients(_ event: NoticeEvent, _ subject: NoticeSubject, on db: Database) async throws -> [UUID] {
        var ids: [UUID] = []
        func add(_ more: [UUID]) { for id in more where !ids.contains(id) { ids.append(id) } }
        for audience in NoticeTable.audiences(event) {
            switch audience {
            case .employerOwners: add(try await users(in: subject.employerId, roles: [.employerOwner], on: db))
            case .supervisors: add(try await users(in: subject.employerId, roles: [.supervisor], on: db))
            case .partnerAdmins: add(try await users(in: subject.partnerId, roles: [.partnerAdmin], on: db))
            case .qaReviewers:
                if let reviewer = subject.reviewerUserId { add([reviewer]) }
                else { add(try await users(in: subject.partnerId, roles: [.qaReviewer], on: db)) }
            case .auditor: add([subject.auditorUserId].compactMap { $0 })
            case .actionAssignee: add([subject.assigneeUserId].compactMap { $0 })
            case .namedPerson: add([subject.namedUserId].compactMap { $0 })
            case .contractorStaff: add(try await users(in: subject.contractorId, roles: [.contractor], on: db))
            }
        }
        guard !ids.isEmpty else { return [] }
        // Deactivated accounts and people gone from the roster are told nothing.
        let active = try await UserModel.query(on: db).filter(\.$id ~~ ids).all().filter { $0.isActive(on: .today) }.compactMap(\.id)
        return ids.filter(active.contains)
    }

    private static func users(in organisationId: UUID?, roles: [Role], on db: Database) async throws -> [UUID] {
        guard let organisationId else { return [] }
        return try await UserModel.query(on: db).filter(\.$organisation.$id == organisationId)
            .filter(\.$role ~~ roles.map(\.rawValue)).sort(\.$name).all().compactMap(\.id)
    }
}
