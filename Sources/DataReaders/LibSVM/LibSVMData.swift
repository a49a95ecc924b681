import MLCore

/// What a libsvm channel holds: sparse features with labels and optional weights, and the query
/// ids of ranking data.
public struct LibSVMData<Scalar: BinaryFloatingPoint & Sendable>: Sendable {
    /// Features in CSR form (absent entries are missing values), labels, weights when the lines
    /// carry `label:weight`.
    public var dataset: SparseLabeledDataset<Scalar>
    /// The `qid:` of every row when the lines carry one, else `nil`.
    public var queryIDs: [UInt64]?

    public init(dataset: SparseLabeledDataset<Scalar>, queryIDs: [UInt64]?) {
        self.dataset = dataset
        self.queryIDs = queryIDs
    }
}
