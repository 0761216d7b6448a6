import Fluent
import SECORCore
import Vapor

/// A year of field records for the demo employers, with a few of the F2 deductions on
/// purpose (a copied FLHA, an unsigned one, a repeated toolbox topic) so the readiness
/// page has something to show. Loaded once per employer.
enum DemoRecords {
    struct Task {
        var task: String
        var hazards: [HazardControl]
    }

    static let rigTasks = [
        Task(task: "Change out choke valve", hazards: [.init(hazard: "Trapped pressure", control: "Bleed down, double block and bleed"),
                                                     .init(hazard: "H2S release", control: "Personal monitors and a buddy")]),
        Task(task: "Rig up wireline unit", hazards: [.init(hazard: "Suspended loads", control: "Tag lines, no one under the load"),
                                                    .init(hazard: "Pinch points at the lubricator", control: "Hands clear, spotter")]),
        Task(task: "Haul produced water", hazards: [.init(hazard: "Spill at the load line", control: "Drip tray and spill kit at hand"),
                                                   .init(hazard: "Lease road ruts", control: "Walk the road first, 20 km/h")]),
        Task(task: "Replace pump jack belt", hazards: [.init(hazard: "Stored energy in the counterweight", control: "Lock out and block the crank"),
                                                      .init(hazard: "Rotating parts", control: "Guards back on before restart")]),
        Task(task: "Gauge tanks", hazards: [.init(hazard: "Vapour at the thief hatch", control: "Stand upwind, monitor on"),
                                           .init(hazard: "Icy stairs", control: "Three points of contact, sand the treads")]),
    ]
    /// Something only that site has, so each FLHA is about the place it was done.
    static let rigSites: [(site: String, location: String, hazard: HazardControl)] = [
        ("Pad 14-22-047-09W5", "Wellhead 2", .init(hazard: "Overhead power line at the lease entrance", control: "Spotter for every vehicle under the line")),
        ("Pad 7-09-048-10W5", "Tank farm", .init(hazard: "Soft ground by the flare pit", control: "Mats under the outriggers")),
        ("Drayton Valley shop", "Bay 2", .init(hazard: "Forklift traffic in the bay", control: "Marked walkway, horn at the door")),
    ]
    static let topics = ["H2S awareness", "Lockout and tagout", "Winter driving", "Hand injuries", "Working near power lines",
                         "Spill response", "Fatigue", "Ladders and stairs", "Fire extinguishers", "Hearing protection",
                         "Slips, trips and falls", "Cold stress", "Journey management", "Lifting and rigging", "Heat stress",
                         "Emergency response plan", "Confined spaces", "Hazard reporting", "PPE inspection", "Ground disturbance",
                         "Wildlife on the lease", "Hot work", "Chemical labels (WHMIS)", "Trailer hitching", "Muster points",
                         "Near-miss reporting"]

    static func load(on app: Application) async throws {
        try await seed("Northern Rig Services Ltd.", recorder: "supervisor@secor.test", crew: ["Jordan Tremblay", "Riley Nguyen", "Chris Belanger"], on: app)
        try await seed("Prairie Roofing Co.", recorder: "owner2@secor.test", crew: ["Casey Moreau", "Dev Patel", "Morgan Ruel"], on: app)
    }

    /// Without the year of records (tests that do not read them), each employer still has
    /// one toolbox talk from seven months ago, so its records history (E5) holds.
    static func loadFirstRecords(on app: Application) async throws {
        for (name, recorder) in [("Northern Rig Services Ltd.", "supervisor@secor.test"), ("Prairie Roofing Co.", "owner2@secor.test")] {
            guard let organisation = try await OrganisationModel.query(on: app.db).filter(\.$name == name).first(),
                  let user = try await UserModel.query(on: app.db).filter(\.$email == recorder).first() else { continue }
            let ref = try await EmployerRef.load(try organisation.requireID(), on: app.db, programs: app.programs)
            let talk = ToolboxTalkContent(site: "Shop", topic: "Near-miss reporting", attendees: [NamedPerson(name: user.name)])
            _ = try await FieldRecordService(db: app.db, filesRoot: app.filesRoot).create(
                ref, RecordContent(talk), when: .init(day: CalendarDay.today.adding(days: -210), time: "07:30"),
                idempotencyKey: "demo-first-record", by: try CurrentUser(user))
        }
    }

    private static func seed(_ name: String, recorder: String, crew: [String], on app: Application) async throws {
        guard let organisation = try await OrganisationModel.query(on: app.db).filter(\.$name == name).first(),
              let user = try await UserModel.query(on: app.db).filter(\.$email == recorder).first() else { return }
        let id = try organisation.requireID()
        guard try await FieldRecordModel.query(on: app.db).filter(\.$employer.$id == id).count() == 0 else { return }
        let ref = try await EmployerRef.load(id, on: app.db, programs: app.programs)
        let service = FieldRecordService(db: app.db, filesRoot: app.filesRoot)
        let by = try CurrentUser(user)
        let signatures = try await DemoSignatures(ref: ref, recorder: by, on: app)
        let today = CalendarDay.today
        let roofing = name.contains("Roofing")
        // The signed policy (Northern Rig's is signed by a manager who has since left: F2),
        // and an investigation with no root cause.
        let signer = roofing ? crew[0] : "Dale Whitmore"
        let signerId = try await PersonModel.query(on: app.db).filter(\.$employer.$id == id).filter(\.$name == signer).first()?.id
        let policy = SafetyPolicyContent(version: roofing ? "2" : "3", signerPersonId: signerId?.uuidString, signerName: signer,
                                         text: "\(name) puts the health and safety of every worker first. We find and control hazards, train our people, and investigate every incident and near miss.")
        // The policy is the owner's to write (a supervisor records the rest at Northern Rig).
        let owner = try await UserModel.query(on: app.db).filter(\.$organisation.$id == id).filter(\.$role == Role.employerOwner.rawValue).first()
        let (written, _) = try await service.create(ref, RecordContent(policy), when: FieldRecordService.When(day: today.adding(days: -420), time: "09:00"),
                                                    idempotencyKey: "demo-policy", by: try owner.map { try CurrentUser($0) } ?? by)
        try await signatures.sign(written, role: .signer, on: today.adding(days: -420))
        let cut = IncidentContent(isNearMiss: false, site: roofing ? "Roof, north slope" : "Drayton Valley shop",
                                  whatHappened: "Worker cut a hand on sheet metal while moving scrap.", harm: .injury, actualSeverity: 1, potentialSeverity: 2,
                                  immediateActions: "First aid; area cleaned up.",
                                  rootCauses: [], contributingFactors: ["Gloves not worn"], correctiveActions: "", findingsToldTo: [], findingsToldOn: nil)
        _ = try await service.create(ref, RecordContent(cut), when: FieldRecordService.When(day: today.adding(days: -75), time: "14:20"), idempotencyKey: "demo-incident", by: by)
        // The hazard register, started before the evidence window and kept up since.
        let register: [HazardRegisterContent] = roofing ? [
            .init(hazard: "Fall from the roof edge", taskOrArea: "All roof work", likelihood: 3, severity: 5, controls: ["Guardrails on eaves", "Harness tied off above 3 m"]),
            .init(hazard: "Hot bitumen burns", taskOrArea: "Torch-on membrane", likelihood: 2, severity: 4, controls: ["Long gloves and sleeves", "Extinguisher within 3 m"]),
            .init(hazard: "Ladder slip", taskOrArea: "Access to the roof", likelihood: 3, severity: 3, controls: ["Ladder tied off", "1 m above the landing"]),
        ] : [
            .init(hazard: "H2S release", taskOrArea: "Wellhead and tank work", likelihood: 2, severity: 5, controls: ["Personal monitors", "Buddy system", "Upwind approach"]),
            .init(hazard: "Trapped pressure", taskOrArea: "Valve and choke work", likelihood: 3, severity: 4, controls: ["Bleed down", "Double block and bleed"]),
            .init(hazard: "Vehicle rollover on lease roads", taskOrArea: "Hauling", likelihood: 2, severity: 5, controls: ["Journey management", "20 km/h on leases"]),
            .init(hazard: "Stored energy in pump jacks", taskOrArea: "Pump jack maintenance", likelihood: 2, severity: 4, controls: ["Lockout", "Block the crank"]),
        ]
        for (i, entry) in register.enumerated() {
            let day = today.adding(days: i == register.count - 1 ? -150 : -400 + i)
            _ = try await service.create(ref, RecordContent(entry), when: FieldRecordService.When(day: day, time: "10:00"), idempotencyKey: "demo-register-\(i)", by: by)
        }
        if roofing {
            // A near miss told to the crew, with its root cause: the clean example.
            let slip = IncidentContent(isNearMiss: true, site: "88 Elm St, Calgary", whatHappened: "Bundle of shingles slid off the roof jack and landed beside the bin.",
                                       harm: IncidentHarm.none, potentialSeverity: 4,
                                       immediateActions: "Work stopped; area below taped off.", rootCauses: ["Roof jack bracket not nailed into a rafter"],
                                       contributingFactors: ["Frost on the deck"], correctiveActions: "Brackets checked at every set-up; added to the pre-start.",
                                       findingsToldTo: crew, findingsToldOn: today.adding(days: -118).iso)
            _ = try await service.create(ref, RecordContent(slip), when: FieldRecordService.When(day: today.adding(days: -120), time: "11:05"), idempotencyKey: "demo-nearmiss", by: by)
        }
        // An FLHA every week day or two, a toolbox talk every other Monday-ish.
        for (n, daysAgo) in stride(from: 360, through: 3, by: roofing ? -7 : -4).enumerated() {
            let day = today.adding(days: -daysAgo)
            let task = roofing ? Task(task: ["Tear off shingles", "Install underlayment", "Flash the chimney"][n % 3],
                                      hazards: [.init(hazard: "Fall from the roof edge", control: "Guardrail on the eaves, harness tied off"),
                                                .init(hazard: "Falling debris", control: "Chute to the bin, area below taped off")])
                               : rigTasks[n % rigTasks.count]
            let place = roofing ? (site: "\(120 + n) Elm St, Calgary", location: "Roof, south slope",
                                   hazard: HazardControl(hazard: "Neighbour's driveway under the work", control: "Cone it off and tell the owner"))
                                : rigSites[n % rigSites.count]
            // On purpose: one FLHA copied word for word to two sites, one left unsigned.
            let copied = !roofing && (n == 20 || n == 21)
            var hazards = task.hazards + (copied ? [] : [place.hazard])
            if copied { hazards = rigTasks[0].hazards }
            let signed = !roofing && n == 33 ? 1 : crew.count
            let content = FLHAContent(site: copied ? rigSites[n - 19].site : place.site, location: place.location,
                                      task: copied ? rigTasks[0].task : task.task, hazards: hazards,
                                      ppe: roofing ? ["hard hat", "harness", "gloves"] : ["FR coveralls", "hard hat", "H2S monitor"],
                                      workers: crew.map { NamedPerson(name: $0) },
                                      notes: n % 7 == 0 ? "Wind from the north-west; muster point at the lease gate." : "")
            let (flha, _) = try await service.create(ref, RecordContent(content), when: FieldRecordService.When(day: day, time: "07:\(String(format: "%02d", n % 50 + 10))"),
                                                     idempotencyKey: "demo-flha-\(n)", by: by)
            try await signatures.sign(flha, role: .worker, on: day, first: signed)
            if n % 5 == 0 { try await signatures.review(flha, note: "Reviewed on site; controls in place.", on: day) }
            // A pre-start every other week; one defect is left open on purpose.
            if !roofing && n % 4 == 1 {
                let broken = n == 57 || n % 20 == 1
                let inspection = PreStartContent(equipment: "Truck \(n % 3 + 1)", site: place.site, items: [
                    ChecklistItem(item: "Brakes", result: .pass), ChecklistItem(item: "Lights and signals", result: .pass),
                    ChecklistItem(item: "Tires", result: broken ? .fail : .pass, defect: broken ? "Sidewall cut on the left rear" : ""),
                    ChecklistItem(item: "Fire extinguisher", result: .pass)])
                let (stored, _) = try await service.create(ref, RecordContent(inspection), when: FieldRecordService.When(day: day, time: "06:30"),
                                                           idempotencyKey: "demo-prestart-\(n)", by: by)
                if broken && n != 57 {
                    try await verifyActions(openedBy: stored.record, on: day, fix: "Tire replaced at the shop; checked on the next pre-start.",
                                            ref: ref, service: service, by: by)
                }
            }
            // A workplace inspection about once a month; now and then a deficiency, fixed.
            if n % (roofing ? 4 : 8) == 2 {
                let deficient = n % 3 == 0
                let inspection = WorkplaceInspectionContent(area: roofing ? "Job site and trailer" : "Shop and yard", site: place.site, items: [
                    ChecklistItem(item: "Housekeeping", result: .pass), ChecklistItem(item: "First aid kit stocked", result: deficient ? .fail : .pass,
                                                                                        defect: deficient ? "Kit missing burn dressings" : ""),
                    ChecklistItem(item: "Extinguishers inspected", result: .pass), ChecklistItem(item: "Emergency numbers posted", result: .na)],
                    notes: "Walked the site with the crew lead.")
                let (stored, _) = try await service.create(ref, RecordContent(inspection), when: FieldRecordService.When(day: day, time: "15:30"),
                                                           idempotencyKey: "demo-inspection-\(n)", by: by)
                if deficient {
                    try await verifyActions(openedBy: stored.record, on: day, fix: "Dressings restocked; kit checked.", ref: ref, service: service, by: by)
                }
            }
            if n % (roofing ? 2 : 4) == 0 {
                // Topics rotate; once, on purpose, a topic comes back within a month.
                let topic = !roofing && n == 44 ? topics[(n / 4 - 1) % topics.count] : topics[(n / (roofing ? 2 : 4)) % topics.count]
                let talk = ToolboxTalkContent(site: place.site, topic: topic,
                                              attendees: crew.map { NamedPerson(name: $0) },
                                              notes: "Talked through \(topic.lowercased()) with the crew before the shift.")
                let (stored, _) = try await service.create(ref, RecordContent(talk), when: FieldRecordService.When(day: day, time: "06:45"),
                                                           idempotencyKey: "demo-talk-\(n)", by: by)
                try await signatures.sign(stored, role: .worker, on: day)
            }
        }
    }

    /// Closes the corrective actions an inspection opened, two days later.
    private static func verifyActions(openedBy record: FieldRecordModel, on day: CalendarDay, fix: String,
                                      ref: EmployerRef, service: FieldRecordService, by: CurrentUser) async throws {
        let actions = try await service.search(ref, .init(kind: .correctiveAction)).filter { $0.occurredOn == day.iso }
        for action in actions {
            let detail = try await service.detail(ref, action.id)
            guard var content = detail.content.as(CorrectiveActionContent.self), content.sourceRecordId == record.id?.uuidString else { continue }
            content.status = .verified
            content.verification = fix
            _ = try await service.amend(ref, action.id, RecordContent(content), when: FieldRecordService.When(day: day.adding(days: 2), time: "16:00"),
                                        reason: fix, by: by)
        }
    }
}
