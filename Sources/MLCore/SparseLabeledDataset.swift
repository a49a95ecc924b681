/// Sparse features (CSR), labels and optional instance weights read from one channel: the sparse
/// counterpart of `LabeledDataset`.
///
/// `features.rows == labels.count`; `weights` is `nil` (all ones) or as long as `labels`. Labels
/// are NaN when the data carries none (`text/csv;label_size=0`, records without a label).
public struct SparseLabeledDataset<Scalar: BinaryFloatingPoint & Sendable>: Sendable {
    public var features: SparseMatrix<Scalar>
    public var labels: [Double]
    public var weights: [Double]?
    /// Where the rows came from (a channel name or a file path), used in messages.
    public var source: String

    public init(features: SparseMatrix<Scalar>, labels: [Double], weights: [Double]? = nil, source: String) {
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

    /// The dense dataset with absent entries set to `absent` (NaN for missing, 0 for zero).
    public func densified(absent: Scalar) -> LabeledDataset<Scalar> {
        LabeledDataset(features: features.densified(absent: absent), labels: labels, weights: weights, source: source)
    }
}
