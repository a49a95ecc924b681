import Foundation

/// How to read a CSV channel: which leading columns are the label and the instance weight, the
/// expected feature count, and the parse parallelism.
///
/// Column layout of every row (SageMaker CSV, contract §5.1): `[label] [weight] feature…`, the
/// label in column 1 when `hasLabel` and the weight next when `hasWeight` (XGBoost's
/// `csv_weights=1`: label column 0, weight column 1, features from column 2).
public struct CSVOptions: Sendable {
    /// Column 1 is the label. `text/csv;label_size=0` (unsupervised data) means `false`.
    public var hasLabel: Bool
    /// The column after the label is an instance weight (finite, ≥ 0), not a feature.
    public var hasWeight: Bool
    /// When set, every row must carry exactly this many features; otherwise the first row of the
    /// first file decides and the others must match it.
    public var expectedFeatureCount: Int?
    /// Worker threads for parsing; values below 1 count as 1.
    public var threads: Int

    public init(
        hasLabel: Bool = true,
        hasWeight: Bool = false,
        expectedFeatureCount: Int? = nil,
        threads: Int = ProcessInfo.processInfo.activeProcessorCount
    ) {
        self.hasLabel = hasLabel
        self.hasWeight = hasWeight
        self.expectedFeatureCount = expectedFeatureCount
        self.threads = threads
    }
}
