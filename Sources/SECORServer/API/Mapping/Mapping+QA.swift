import SECORCore

extension Components.Schemas.QACheck.ItemPayload {
    init(_ item: QACheckItem) {
        switch item {
        case .assessorTraining: self = .assessorTraining
        case .reportData: self = .reportData
        case .notesJustifyScores: self = .notesJustifyScores
        case .actionItemsForNo: self = .actionItemsForNo
        case .evidenceInWindow: self = .evidenceInWindow
        case .answersConsistent: self = .answersConsistent
        case .protocolFollowed: self = .protocolFollowed
        case .actionPlanGuides: self = .actionPlanGuides
        }
    }
}
