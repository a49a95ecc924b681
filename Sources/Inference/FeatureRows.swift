/// Decoded records: `rows × featureCount` feature values, row-major, ready for a `Predictor`.
public struct FeatureRows: Sendable, Equatable {
    public var rows: Int
    public let featureCount: Int
    public var values: [Double]

    public init(featureCount: Int) {
        self.rows = 0
        self.featureCount = featureCount
        self.values = []
    }

    public init(rows: Int, featureCount: Int, values: [Double]) {
        precondition(values.count == rows * featureCount, "\(values.count) values for \(rows) × \(featureCount)")
        self.rows = rows
        self.featureCount = featureCount
        self.values = values
    }

    /// The values of row `i`.
    public func row(_ i: Int) -> ArraySlice<Double> { values[(i * featureCount)..<((i + 1) * featureCount)] }
}
