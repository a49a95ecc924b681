/// The decisions "positive iff score >= threshold" summarised at one threshold (a row of the
/// report's threshold table).
public struct ThresholdRow: Sendable, Equatable {
    public var threshold: Double
    /// Weighted share of rows predicted positive.
    public var predictedPositiveRate: Double
    public var confusion: BinaryConfusion

    public init(threshold: Double, predictedPositiveRate: Double, confusion: BinaryConfusion) {
        self.threshold = threshold
        self.predictedPositiveRate = predictedPositiveRate
        self.confusion = confusion
    }
}
