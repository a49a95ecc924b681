import Foundation
import MLCore
import LinearLearner
import BuiltinAlgorithms

/// Small Linear Learner models whose predictions are exact in single precision.
enum Models {
    /// Binary logistic, 2 features: score = σ(ln 3 · x₁), threshold 0.6.
    /// Rows [1, 0], [-1, 0], [0, 0] score 0.75, 0.25, 0.5 → labels 1, 0, 0.
    static let binary = LinearLearnerPredictor(model: LinearModel(
        predictorType: .binaryClassifier, lossName: "logistic", featureCount: 2, classCount: nil,
        coefficients: LinearCoefficients(weights: DenseMatrix([[log(3), 0]]), intercepts: [0]), threshold: 0.6))

    /// Multiclass softmax, 3 classes, 2 features: logits [0, ln 2, ln 5 − ln 5 · x₂].
    /// Row [0, 0] → [0.125, 0.25, 0.625], label 2; row [0, 1] → [0.25, 0.5, 0.25], label 1.
    static let multiclass = LinearLearnerPredictor(model: LinearModel(
        predictorType: .multiclassClassifier, lossName: "softmax_loss", featureCount: 2, classCount: 3,
        coefficients: LinearCoefficients(weights: DenseMatrix([[0, 0], [0, 0], [0, -log(5)]]), intercepts: [0, log(2), log(5)]),
        threshold: nil))

    /// Regressor, 2 features: 2·x₁ − x₂ + 0.5. Rows [1, 1], [0.25, 0] → 1.5, 1.0.
    static let regressor = LinearLearnerPredictor(model: LinearModel(
        predictorType: .regressor, lossName: "squared_loss", featureCount: 2, classCount: nil,
        coefficients: LinearCoefficients(weights: DenseMatrix([[2, -1]]), intercepts: [0.5]), threshold: nil))
}

/// A predictor with the XGBoost response conventions (contract §4.5): score only, CSV by default,
/// plain lines under batch transform, missing values allowed. score = x₁ + x₂ (NaN counts 0).
struct PlainScorePredictor: Predictor {
    let algorithm = "plain-score"
    let featureCount = 2
    let task = Task.regression
    let layout = PredictionLayout(scoreWidth: 1, scoreIsList: false, hasPredictedLabel: false, defaultAccept: "text/csv",
                                  batchAnswersPlainLines: true, printsSinglePrecision: true)
    let acceptsMissingFeatures = true
    let absentSparseValue = Double.nan

    func predict(features: UnsafeBufferPointer<Double>, rows: Int,
                 scores: UnsafeMutableBufferPointer<Double>, labels: UnsafeMutableBufferPointer<Double>) {
        for i in 0..<rows {
            let a = features[2 * i], b = features[2 * i + 1]
            scores[i] = (a.isNaN ? 0 : a) + (b.isNaN ? 0 : b)
        }
    }
}
