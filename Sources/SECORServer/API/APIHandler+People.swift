import Fluent
import Foundation
import SECORCore
import Vapor

/// The roster (E1).
extension APIHandler {
    func listPeople(_ input: Operations.ListPeople.Input) async throws -> Operations.ListPeople.Output {
        let (request, _, ref) = try await Self.context(input.path.employerId, .view)
        return .ok(.init(body: .json(try await request.people.list(ref).map(Self.person))))
    }

    func createPerson(_ input: Operations.CreatePerson.Input) async throws -> Operations.CreatePerson.Output {
        let (request, user, ref) = try await Self.context(input.path.employerId, .view)
        guard case .json(let body) = input.body else { throw AppError.invalid("body", "Send the person as JSON.") }
        let person = try await request.people.create(ref, Self.personInput(body), by: user)
        return .created(.init(body: .json(Self.person(person))))
    }

    func getPerson(_ input: Operations.GetPerson.Input) async throws -> Operations.GetPerson.Output {
        let (request, _, ref) = try await Self.context(input.path.employerId, .view)
        let person = try await request.people.find(ref, try Validate.uuid(input.path.personId, "personId", "Person"))
        return .ok(.init(body: .json(Self.person(person))))
    }

    func updatePerson(_ input: Operations.UpdatePerson.Input) async throws -> Operations.UpdatePerson.Output {
        let (request, user, ref) = try await Self.context(input.path.employerId, .view)
        guard case .json(let body) = input.body else { throw AppError.invalid("body", "Send the person as JSON.") }
        let id = try Validate.uuid(input.path.personId, "personId", "Person")
        let person = try await request.people.update(ref, id, Self.personInput(body), by: user)
        return .ok(.init(body: .json(Self.person(person))))
    }

    static func personInput(_ body: Components.Schemas.PersonInput) -> PeopleService.Input {
        PeopleService.Input(name: body.name, category: body.category.rawValue, fullTime: body.fullTime.map { $0 ? "true" : "false" },
                            familiarWithOperation: body.familiarWithOperation.map { $0 ? "true" : "false" },
                            jobRole: body.jobRole, startDate: body.startDate, endDate: body.endDate,
                            isMe: body.isMe.map { $0 ? "true" : "false" })
    }

    static func person(_ p: PersonModel) -> Components.Schemas.Person {
        .init(id: p.id?.uuidString ?? "", name: p.name, category: p.category, fullTime: p.fullTime,
              familiarWithOperation: p.familiarWithOperation, jobRole: p.jobRole, startDate: p.startDate, endDate: p.endDate)
    }

    func listNotifications(_ input: Operations.ListNotifications.Input) async throws -> Operations.ListNotifications.Output {
        let request = try RequestContext.request()
        let user = try request.requireUser()
        let items = try await NotificationModel.query(on: request.db).filter(\.$user.$id == user.id)
            .sort(\.$createdAt, .descending).limit(200).all()
        return .ok(.init(body: .json(items.map {
            .init(id: $0.id?.uuidString ?? "", title: $0.title, body: $0.body, link: $0.link,
                  createdAt: $0.createdAt ?? Date(), read: $0.readAt != nil)
        })))
    }
}
