import Fluent
import SECORCore
import Vapor

/// The living audit file (A7, A11) and the F2 deductions, from what the employer recorded.
struct ReadinessService {
    let db: Database

    struct Report: Sendable {
        var coverage: [ElementCoverage]
        var deductions: [Deduction]
        var predictions: [ElementPrediction]
        var protocolTitle: String
        var protocolVersion: String
        var windowFrom: CalendarDay
    }

    func report(_ ref: EmployerRef, on day: CalendarDay) async throws -> Report {
        let windowMonths = ref.profile.evidenceWindowMonths
        let from = day.adding(months: -windowMonths).adding(days: 1)
        // The policy and hazard register in force may be older than the window: read them
        // from any day.
        let service = FieldRecordService(db: db)
        let records = try await service.all(ref, from: from) + service.all(ref, before: from, kind: .safetyPolicy)
            + service.all(ref, before: from, kind: .hazardRegister)
        let employer = try await EmployerRecords.load(employers: [ref.id], on: db)[ref.id]!
        var entries: [FileEntry] = []
        var evidence = AuditFileEvidence()
        let signOffs = try await service.currentSignOffs(ref)
        for (record, content) in records {
            guard let occurred = try? CalendarDay(iso: record.occurredOn) else { continue }
            entries.append(FileEntry(kinds: content.kind.evidenceKinds, day: occurred))
            // Each kind adds what its detectors read; pre-starts pair below with their actions.
            content.value.addEvidence(to: &evidence, id: record.id!.uuidString, day: occurred, signOffs: signOffs[record.id!] ?? [])
        }
        let actions = records.compactMap { $0.1.as(CorrectiveActionContent.self) }
        for (record, content) in records {
            guard let inspection = content.as(PreStartContent.self), let day = try? CalendarDay(iso: record.occurredOn) else { continue }
            let id = record.id!.uuidString
            for defect in inspection.defects {
                let action = actions.first { $0.sourceRecordId == id && $0.sourceItem == defect.item }
                evidence.preStartDefects.append(DefectEvidence(inspectionId: id, day: day, equipment: inspection.equipment,
                                                               defect: defect.defect, correctiveAction: action?.status))
            }
        }
        // Training records prove element 5 (F1).
        entries += employer.completions.map { FileEntry(kinds: [.trainingRecord], day: $0.completedOn) }
        evidence.matrix = try await MatrixService(db: db).requirements(ref).map { MatrixRequirement(jobRole: $0.jobRole, courseId: $0.courseId) }
        evidence.people = employer.people
        evidence.jobRoles = employer.jobRoles
        // The records map to elements and questions through the partner's current protocol.
        let current = try await ProtocolService(db: db).current(partner: ref.profile.id)
        let deductions = Readiness.deductions(evidence, windowMonths: windowMonths, today: day)
        let standings = ScorePrediction.standings(entries, deductions: deductions, matrixRows: evidence.matrix.count,
                                                  windowMonths: windowMonths, today: day)
        return Report(coverage: AuditFile.coverage(entries, protocol: current.value, windowMonths: windowMonths, today: day),
                      deductions: deductions,
                      predictions: ScorePrediction.predict(current.value, standings: standings),
                      protocolTitle: current.value.title, protocolVersion: current.value.version, windowFrom: from)
    }
}
