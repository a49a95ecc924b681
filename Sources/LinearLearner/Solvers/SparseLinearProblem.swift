import MLCore

/// The data a linear-model solver fits when the features are sparse: CSR rows, optionally with an
/// implicit shift `m` subtracted from every feature (absent entries included), so centered and
/// standardized features need not be stored densely.
///
/// The solver fits rows `x_i − m`; everything else is as in `LinearProblem`.
public struct SparseLinearProblem: Sendable {
    /// `n × d` CSR features, already scaled by the caller.
    public var features: SparseMatrix<Double>
    /// `d` values subtracted from every row (the centering), or nil for none.
    public var shift: [Double]?
    public var labels: [Double]
    public var weights: [Double]?
    public var fitIntercept: Bool

    public init(features: SparseMatrix<Double>, shift: [Double]? = nil, labels: [Double], weights: [Double]? = nil,
                fitIntercept: Bool = true) {
        precondition(features.rows == labels.count, "\(features.rows) feature rows but \(labels.count) labels")
        if let weights { precondition(weights.count == labels.count, "\(weights.count) weights for \(labels.count) rows") }
        if let shift { precondition(shift.count == features.columns, "\(shift.count) shift values for \(features.columns) columns") }
        self.features = features
        self.shift = shift
        self.labels = labels
        self.weights = weights
        self.fitIntercept = fitIntercept
    }

    public var exampleCount: Int { features.rows }
    public var featureCount: Int { features.columns }
    public var totalWeight: Double {
        guard let weights else { return Double(features.rows) }
        return weights.reduce(0, +)
    }
}
