import MLCore

/// A training or evaluation set for gradient boosting: dense features (NaN = missing), one label
/// per row and optional non-negative row weights.
public struct BoostingData: Sendable {
    public var features: DenseMatrix<Float>
    public var labels: [Float]
    public var weights: [Float]?

    public init(features: DenseMatrix<Float>, labels: [Float], weights: [Float]? = nil) {
        self.features = features
        self.labels = labels
        self.weights = weights
    }

    /// Rows in the set.
    public var rowCount: Int { features.rows }

    /// Checks the shapes and the label and weight values against the objective.
    ///
    /// - Parameter name: the set's name in messages (`train`, `validation`).
    /// - Throws: `OptmlError.user` naming the set, the first bad row and what would be right.
    func validate(name: String, objective: Objective, featureCount: Int) throws {
        guard labels.count == features.rows else {
            throw OptmlError.user("The \(name) data has \(features.rows) rows but \(labels.count) labels; every row needs one label.")
        }
        guard features.columns == featureCount else {
            throw OptmlError.user("The \(name) data has \(features.columns) features but the training data has \(featureCount); every set needs the same columns.")
        }
        if let weights {
            guard weights.count == features.rows else {
                throw OptmlError.user("The \(name) data has \(features.rows) rows but \(weights.count) weights; give one weight per row.")
            }
            if let i = weights.firstIndex(where: { !($0 >= 0) || !$0.isFinite }) {
                throw OptmlError.user("The \(name) data has weight \(weights[i]) in row \(i + 1); weights must be finite and non-negative.")
            }
        }
        if let i = labels.firstIndex(where: { !$0.isFinite }) {
            throw OptmlError.user("The \(name) data has label \(labels[i]) in row \(i + 1); labels must be finite numbers.")
        }
        try ObjectiveFunctions.checkLabels(labels, objective: objective, dataName: name)
    }
}
