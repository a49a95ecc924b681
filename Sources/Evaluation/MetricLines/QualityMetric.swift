/// One value of a `#quality_metric` line: a Linear Learner metric name, whether it is a loss
/// (printed `<loss>`, smaller is better) or a score (printed `<score>`, larger is better), and
/// its value.
public struct QualityMetric: Sendable, Equatable {
    public var name: String
    public var isLoss: Bool
    public var value: Double

    public init(name: String, isLoss: Bool, value: Double) {
        self.name = name
        self.isLoss = isLoss
        self.value = value
    }
}
