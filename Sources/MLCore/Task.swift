/// What a model predicts.
public enum Task: Equatable, Sendable, Codable {
    case regression
    case binaryClassification
    case multiclassClassification(classes: Int)

    public var classCount: Int? {
        switch self {
        case .regression: return nil
        case .binaryClassification: return 2
        case .multiclassClassification(let k): return k
        }
    }
}
