import Fluent
import Foundation
import SECORCore

/// A person on the employer's WCB account (E1): everyone counts, account or not.
final class PersonModel: Model, @unchecked Sendable {
    static let schema = "people"

    // managed
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    // references
    @Parent(key: "employer_id") var employer: EmployerModel
    /// The person's own sign-in account, when they have one.
    @OptionalField(key: "user_id") var userId: UUID?

    // data
    @Field(key: "name") var name: String
    @Field(key: "category") var category: String
    @Field(key: "full_time") var fullTime: Bool
    @Field(key: "familiar_with_operation") var familiarWithOperation: Bool
    /// The job role the training matrix reads (Operator, Labourer, ...).
    @Field(key: "job_role") var jobRole: String
    /// YYYY-MM-DD.
    @Field(key: "start_date") var startDate: String
    @OptionalField(key: "end_date") var endDate: String?

    init() {}
}

extension PersonModel {
    /// The roster person of `ref` linked to `user`'s account ("This person is me"), if any:
    /// who signs as them and whose name a record's author is.
    static func linked(to user: CurrentUser, at ref: EmployerRef, on db: Database) async throws -> PersonModel? {
        try await PersonModel.query(on: db).filter(\.$employer.$id == ref.id).filter(\.$userId == user.id).first()
    }

    /// Whether the person's last day on the roster (`endDate`) is before `day`.
    func hasLeft(by day: CalendarDay) -> Bool {
        guard let end = endDate, let last = try? CalendarDay(iso: end) else { return false }
        return last < day
    }
}
