import MLCore

/// Everything the container needs to know about one built-in algorithm, declared once.
public struct AlgorithmDescriptor: Sendable {
    /// How a channel is treated.
    public struct ChannelRule: Sendable {
        public var name: String
        public var required: Bool
        public var purpose: String
    }

    /// The name users select it by (`algorithm` hyperparameter or `OPTML_ALGORITHM`).
    public var name: String
    public var title: String
    public var summary: String
    public var hyperparameters: HyperparameterTable
    public var metricDefinitions: [MetricDefinition]
    public var channels: [ChannelRule]
    /// Content type assumed when a channel's ContentType is absent.
    public var defaultContentType: String
    /// Content types the training channels may declare (media types, lower case).
    public var trainingContentTypes: [String]
    /// The file written into the model directory.
    public var modelFileName: String
}
