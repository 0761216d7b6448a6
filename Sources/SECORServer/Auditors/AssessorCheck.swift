import Fluent
import SECORCore
import Vapor

/// The employer's designated assessor and whether they qualify, as of a day. Needs no
/// password hasher, so registration and submission checks use it directly.
struct AssessorCheck {
    let db: Database

    struct Designation: Sendable {
        var name: String
        var kind: AuditorKind
        var result: QualificationResult
    }

    /// Whether the designated assessor may audit this employer on `day`, in plain words.
    func qualification(_ ref: EmployerRef, on day: CalendarDay) async throws -> Designation? {
        let records = try await EmployerRecords.load(employers: [ref.id], on: db)[ref.id]!
        let training = TrainingRules.status(people: records.people, completions: records.completions, profile: ref.profile, on: day)
        if let personId = ref.employer.assessorPersonId, let person = records.people.first(where: { $0.id == personId.uuidString }) {
            let mine = records.completions.filter { $0.personId == person.id }
            let result = AuditorQualification.check(.internalAssessor(person, completions: mine), profile: ref.profile,
                                                    employerTraining: training, on: day)
            return Designation(name: person.name, kind: .internalAssessor, result: result)
        }
        if let auditorId = ref.employer.assessorAuditorId,
           let auditor = try await AuditorModel.query(on: db).filter(\.$id == auditorId).with(\.$user).first() {
            let certification = AuditorStanding(rawValue: auditor.standing).flatMap { standing in
                (try? CalendarDay(iso: auditor.validUntil)).map {
                    AuditorCertification(number: auditor.certificationNumber, partner: ref.profile.id, standing: standing, validUntil: $0)
                }
            }
            let courses = auditor.courses.split(separator: "\n").compactMap { line -> CourseCompletion? in
                let parts = line.split(separator: "=")
                guard parts.count == 2, let day = try? CalendarDay(iso: String(parts[1])) else { return nil }
                return CourseCompletion(personId: "auditor", courseId: String(parts[0]), completedOn: day)
            }
            let result = AuditorQualification.check(.externalAuditor(name: auditor.user.name, certification: certification, completions: courses),
                                                    profile: ref.profile, employerTraining: training, on: day)
            return Designation(name: auditor.user.name, kind: .externalAuditor, result: result)
        }
        return nil
    }
}
