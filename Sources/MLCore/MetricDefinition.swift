/// A metric as SageMaker's `MetricDefinitions` scrape it from the training log: a name such as
/// `validation:rmse` and a regex whose first capture group is the value.
public struct MetricDefinition: Sendable, Equatable, Codable {
    public var name: String
    public var regex: String
    /// Whether larger values are better (used by tuning jobs to pick a direction).
    public var maximize: Bool

    public init(name: String, regex: String, maximize: Bool) {
        self.name = name
        self.regex = regex
        self.maximize = maximize
    }
}
