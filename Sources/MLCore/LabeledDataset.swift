/// Features, labels and optional instance weights read from one channel.
///
/// `features.rows == labels.count`, and `weights` is either `nil` (all ones) or as long as `labels`.
public struct LabeledDataset<Scalar: BinaryFloatingPoint & Sendable>: Sendable {
    public var features: DenseMatrix<Scalar>
    public var labels: [Double]
    public var weights: [Double]?
    /// Where the rows came from (a channel name or a file path), used in messages.
    public var source: String

    public init(features: DenseMatrix<Scalar>, labels: [Double], weights: [Double]? = nil, source: String) {
        precondition(features.rows == labels.count, "\(features.rows) feature rows but \(labels.count) labels")
        if let weights { precondition(weights.count == labels.count, "\(weights.count) weights for \(labels.count) rows") }
        self.features = features
        self.labels = labels
        self.weights = weights
        self.source = source
    }

    public var count: Int { labels.count }
    public var featureCount: Int { features.columns }

    /// The weight of row `i` (1 when the dataset carries none).
    @inlinable public func weight(_ i: Int) -> Double { weights?[i] ?? 1 }
}
