import Foundation
import MLCore

/// A trained linear model in the original feature space, ready to predict.
///
/// Feature and label scaling used during training are folded into `coefficients`, so prediction is
/// one affine map per output: raw = x·W + b. What the raw outputs mean depends on the predictor:
/// regression predictions; for `logistic` the log-odds of class 1; for `hinge_loss` a margin score;
/// for multiclass the softmax logits.
public struct LinearModel: Sendable, Codable, Equatable {
    public var predictorType: LinearLearnerConfig.PredictorType
    /// The loss as Linear Learner names it (`logistic`, `hinge_loss`, `squared_loss`, …).
    public var lossName: String
    public var featureCount: Int
    /// Number of classes for multiclass models, else nil.
    public var classCount: Int?
    public var coefficients: LinearCoefficients
    /// Binary models: a row is predicted positive when its score (probability for logistic, raw margin
    /// for hinge) is at least this threshold.
    public var threshold: Double?

    public init(predictorType: LinearLearnerConfig.PredictorType, lossName: String, featureCount: Int, classCount: Int?,
                coefficients: LinearCoefficients, threshold: Double?) {
        self.predictorType = predictorType
        self.lossName = lossName
        self.featureCount = featureCount
        self.classCount = classCount
        self.coefficients = coefficients
        self.threshold = threshold
    }

    enum CodingKeys: String, CodingKey {
        case predictorType = "predictor_type"
        case lossName = "loss"
        case featureCount = "feature_count"
        case classCount = "num_classes"
        case coefficients
        case threshold
    }

    /// Whether binary scores are probabilities (logistic) rather than raw margins (hinge).
    public var scoresAreProbabilities: Bool { predictorType == .binaryClassifier && lossName != "hinge_loss" }

    /// The per-row score: the prediction for regression, P(class 1) (or the hinge margin) for binary
    /// models. For multiclass models use `classProbabilities`.
    public func scores(_ x: DenseMatrix<Double>) -> [Double] {
        precondition(x.columns == featureCount, "expected \(featureCount) features, got \(x.columns)")
        let raw = coefficients.predict(x).storage
        guard scoresAreProbabilities else { return raw }
        return raw.map { 1 / (1 + exp(-$0)) }
    }

    /// Softmax probabilities, n × classes (multiclass models).
    public func classProbabilities(_ x: DenseMatrix<Double>) -> DenseMatrix<Double> {
        precondition(x.columns == featureCount, "expected \(featureCount) features, got \(x.columns)")
        var p = coefficients.predict(x)
        let k = p.columns
        p.storage.withUnsafeMutableBufferPointer { buffer in
            for i in 0..<p.rows {
                let row = UnsafeMutableBufferPointer(rebasing: buffer[(i * k)..<((i + 1) * k)])
                let m = row.max() ?? 0
                var total = 0.0
                for j in 0..<k { row[j] = exp(row[j] - m); total += row[j] }
                for j in 0..<k { row[j] /= total }
            }
        }
        return p
    }

    /// Predicted labels: 0/1 for binary (by `threshold`), the most probable class for multiclass,
    /// the prediction itself for regression.
    public func predictedLabels(_ x: DenseMatrix<Double>) -> [Double] {
        switch predictorType {
        case .regressor:
            return scores(x)
        case .binaryClassifier:
            let t = threshold ?? (scoresAreProbabilities ? 0.5 : 0)
            return scores(x).map { $0 >= t ? 1 : 0 }
        case .multiclassClassifier:
            let p = classProbabilities(x)
            return (0..<p.rows).map { i in
                var best = 0
                for j in 1..<p.columns where p[i, j] > p[i, best] { best = j }
                return Double(best)
            }
        }
    }
}
