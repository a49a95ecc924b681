import MLCore

/// The data a linear-model solver fits: features, labels, optional per-example weights and whether
/// an intercept is learned.
///
/// The features are used as given: the caller normalizes them (and folds class weights into
/// `weights`) before building the problem. Labels are regression targets, 0/1 for binary losses and
/// class indices `0 ..< k` for `softmax(classes: k)`.
public struct LinearProblem: Sendable {
    /// `n × d` row-major feature matrix, already normalized by the caller.
    public var features: DenseMatrix<Double>
    /// `n` labels: regression targets, 0/1 for binary losses, `0 ..< k` for softmax.
    public var labels: [Double]
    /// `n` non-negative per-example weights, or `nil` for all ones. Class weighting is already folded in.
    public var weights: [Double]?
    /// Whether the model has a (learned) intercept per output.
    public var fitIntercept: Bool

    /// A problem over `features` and `labels`; `weights`, when given, must be as long as `labels`.
    public init(features: DenseMatrix<Double>, labels: [Double], weights: [Double]? = nil, fitIntercept: Bool = true) {
        precondition(features.rows == labels.count, "\(features.rows) feature rows but \(labels.count) labels")
        if let weights { precondition(weights.count == labels.count, "\(weights.count) weights for \(labels.count) rows") }
        self.features = features
        self.labels = labels
        self.weights = weights
        self.fitIntercept = fitIntercept
    }

    /// Number of examples `n`.
    public var exampleCount: Int { features.rows }
    /// Number of features `d`.
    public var featureCount: Int { features.columns }

    /// `S = Σ s_i`, the total example weight (the objective's normalizer).
    public var totalWeight: Double {
        guard let weights else { return Double(features.rows) }
        return weights.reduce(0, +)
    }
}
