import Foundation

extension ProgramProfile {
    /// Decodes and validates a profile; every error names the file, line and field.
    public static func load(yaml: String, file: String) throws -> ProgramProfile {
        let (profile, root) = try YAMLDocument.decode(ProgramProfile.self, from: yaml, file: file)
        var check = DataFileValidator(file: file, root: root)
        profile.validate(into: &check)
        let errors = YAMLDocument.unknownFields(in: root, of: profile, file: file, what: "a program profile") + check.errors
        guard errors.isEmpty else { throw DataFileErrors(errors: errors) }
        return profile
    }

    /// The profiles shipped with the product (ESC and ACSA), by id.
    public static func bundled() throws -> [String: ProgramProfile] {
        guard let folder = Bundle.module.url(forResource: "Profiles", withExtension: nil) else {
            throw DataFileError(file: "Profiles", line: nil, field: "", message: "the bundled profiles folder is missing")
        }
        let files = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "yaml" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        var profiles: [String: ProgramProfile] = [:]
        for url in files {
            let profile = try load(yaml: String(contentsOf: url, encoding: .utf8), file: url.lastPathComponent)
            profiles[profile.id] = profile
        }
        return profiles
    }

    func validate(into check: inout DataFileValidator) {
        check.require(id.range(of: "^[a-z][a-z0-9-]*$", options: .regularExpression) != nil,
                      "id", "must be lower-case letters, digits and dashes")
        check.require(!partnerName.isEmpty, "partnerName", "must not be empty")
        check.require(headcount.limit > 0, "headcount.limit", "must be at least 1")
        check.require(minimumNoteCharacters >= 0, "minimumNoteCharacters", "must be 0 or more")
        for (i, r) in governingBodyRecipients.enumerated() {
            check.require(r.email.contains("@"), "governingBodyRecipients[\(i)].email", "'\(r.email)' is not an email address")
        }
        check.require(headcount.windowMonths > 0, "headcount.windowMonths", "must be at least 1")
        check.require(!membership.required || !membership.automaticIndustryCodes.isEmpty || membership.associateMembershipAllowed,
                      "membership", "a required membership needs automatic industry codes or associate membership")
        var seen = Set<String>()
        for (i, course) in courses.enumerated() {
            check.require(!course.id.isEmpty, "courses[\(i)].id", "must not be empty")
            check.require(seen.insert(course.id).inserted, "courses[\(i)].id", "'\(course.id)' is listed twice")
            check.require((course.validityYears ?? 1) > 0, "courses[\(i)].validityYears", "must be at least 1")
        }
        for (i, ticket) in tickets.enumerated() {
            check.require(seen.insert(ticket.id).inserted, "tickets[\(i)].id", "'\(ticket.id)' is listed twice (as a course or a ticket)")
            check.require((ticket.validityYears ?? 1) > 0, "tickets[\(i)].validityYears", "must be at least 1")
        }
        for (i, requirement) in requiredTraining.enumerated() {
            check.require(!requirement.anyOf.isEmpty, "requiredTraining[\(i)].anyOf", "must name at least one course")
            for (j, id) in requirement.anyOf.enumerated() {
                check.require(courses.contains { $0.id == id }, "requiredTraining[\(i)].anyOf[\(j)]", "'\(id)' is not in courses")
            }
        }
        check.require(continuingEducation.periodDays > 0, "continuingEducation.periodDays", "must be at least 1")
        check.require(continuingEducation.anyAccreditedCourse || !continuingEducation.anyOf.isEmpty,
                      "continuingEducation.anyOf", "must name courses unless any accredited course counts")
        for (j, id) in continuingEducation.anyOf.enumerated() {
            check.require(course(id) != nil, "continuingEducation.anyOf[\(j)]", "'\(id)' is not in courses")
        }
        check.require(!auditors.allowedKinds.isEmpty, "auditors.allowedKinds", "must allow at least one kind of auditor")
        for (j, id) in auditors.assessorCourses.enumerated() {
            check.require(course(id) != nil, "auditors.assessorCourses[\(j)]", "'\(id)' is not in courses")
        }
        for (field, days) in [("onSiteDays", timelines.onSiteDays), ("submissionDays", timelines.submissionDays),
                              ("correctionDays", timelines.correctionDays), ("qaProcessDays", timelines.qaProcessDays)] {
            check.require(days > 0, "timelines.\(field)", "must be at least 1 day")
        }
        for (field, mark) in [("certification", passMarks.certification), ("maintenance", passMarks.maintenance)] {
            check.require((1...100).contains(mark.overallPercent), "passMarks.\(field).overallPercent", "must be 1-100")
            check.require((0...100).contains(mark.elementPercent ?? 0), "passMarks.\(field).elementPercent", "must be 0-100")
        }
        check.require(minimumRecordMonths >= 0, "minimumRecordMonths", "must not be negative")
        check.require(evidenceWindowMonths > 0, "evidenceWindowMonths", "must be at least 1")
        check.require(certificateValidityYears > 0, "certificateValidityYears", "must be at least 1")
        check.require(cycleYears >= 1, "cycleYears", "must be at least 1")
        check.require((6...18).contains(auditNumberDigits), "auditNumberDigits", "must be 6-18")
        sampling?.validate(into: &check, at: "sampling")
        check.require((0...365).contains(maintenanceGraceDays ?? 0), "maintenanceGraceDays", "must be 0-365 days")
        if let carryOver {
            check.require(carryOver.maxShare.denominator >= 1 && (0...carryOver.maxShare.denominator).contains(carryOver.maxShare.numerator),
                          "carryOver.maxShare", "must be a share from 0/n to n/n")
            check.require(!carryOver.methods.isEmpty, "carryOver.methods", "must name at least one validation method")
        }
        if let short = shortCertificate {
            check.require((1..<certificateValidityYears).contains(short.years), "shortCertificate.years",
                          "must be at least 1 and under certificateValidityYears (\(certificateValidityYears))")
            check.require(short.fullRecordMonths > minimumRecordMonths, "shortCertificate.fullRecordMonths",
                          "must be above minimumRecordMonths (\(minimumRecordMonths))")
        }
    }
}
