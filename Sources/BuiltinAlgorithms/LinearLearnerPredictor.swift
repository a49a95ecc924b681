import Foundation
import MLCore
import LinearLearner

/// Prediction with a trained Linear Learner model (contract §4.4 response columns).
///
/// - binary classifier: `score` = P(label 1) for logistic loss (the raw margin for hinge loss),
///   `predicted_label` = 1 when the score reaches the model's calibrated threshold;
/// - multiclass classifier: `score` = softmax probabilities (one per class), `predicted_label` =
///   the most probable class (the first one on ties);
/// - regressor: `score` = the prediction.
///
/// The same numbers as `LinearModel.scores` / `classProbabilities` / `predictedLabels`, computed
/// row by row without BLAS (a dot product per output is memory-bound at these widths), so many
/// requests can predict at once without sharing a BLAS thread pool.
public struct LinearLearnerPredictor: Predictor {
    public let model: LinearModel
    public let algorithm = "linear-learner"
    public let layout: PredictionLayout
    public var featureCount: Int { model.featureCount }
    public let acceptsMissingFeatures = false
    public let absentSparseValue = 0.0

    private let outputs: Int
    private let threshold: Double

    public init(model: LinearModel) {
        self.model = model
        outputs = model.coefficients.outputs
        threshold = model.threshold ?? (model.scoresAreProbabilities ? 0.5 : 0)
        switch model.predictorType {
        case .binaryClassifier:
            layout = Self.layout(width: 1, list: false, label: true)
        case .multiclassClassifier:
            layout = Self.layout(width: outputs, list: true, label: true)
        case .regressor:
            layout = Self.layout(width: 1, list: false, label: false)
        }
    }

    private static func layout(width: Int, list: Bool, label: Bool) -> PredictionLayout {
        PredictionLayout(scoreWidth: width, scoreIsList: list, hasPredictedLabel: label,
                         defaultAccept: "application/json", batchAnswersPlainLines: false, printsSinglePrecision: true)
    }

    public var task: Task {
        switch model.predictorType {
        case .binaryClassifier: .binaryClassification
        case .multiclassClassifier: .multiclassClassification(classes: outputs)
        case .regressor: .regression
        }
    }

    public func predict(
        features: UnsafeBufferPointer<Double>, rows: Int,
        scores: UnsafeMutableBufferPointer<Double>, labels: UnsafeMutableBufferPointer<Double>
    ) {
        let d = model.featureCount
        let k = outputs
        precondition(features.count >= rows * d && scores.count >= rows * k, "prediction buffers too small")
        guard rows > 0 else { return }
        let type = model.predictorType
        let probabilities = model.scoresAreProbabilities
        let threshold = self.threshold
        model.coefficients.weights.storage.withUnsafeBufferPointer { weights in
            model.coefficients.intercepts.withUnsafeBufferPointer { intercepts in
                let x = features.baseAddress!
                let w = weights.baseAddress!
                let out = scores.baseAddress!
                for i in 0..<rows {
                    let row = x + i * d
                    let score = out + i * k
                    for o in 0..<k { score[o] = intercepts[o] + dot(row, w + o * d, d) }
                    switch type {
                    case .regressor:
                        break
                    case .binaryClassifier:
                        if probabilities { score[0] = 1 / (1 + exp(-score[0])) }
                        labels[i] = score[0] >= threshold ? 1 : 0
                    case .multiclassClassifier:
                        // Softmax shifted by the largest logit, as LinearModel.classProbabilities.
                        var m = score[0]
                        for o in 1..<k where score[o] > m { m = score[o] }
                        var total = 0.0
                        for o in 0..<k { score[o] = exp(score[o] - m); total += score[o] }
                        var best = 0
                        for o in 0..<k {
                            score[o] /= total
                            if score[o] > score[best] { best = o }
                        }
                        labels[i] = Double(best)
                    }
                }
            }
        }
    }
}

/// Σ a[j]·b[j] with four independent accumulators (the additions of one chain would otherwise
/// serialise on the adder's latency).
@inline(__always)
private func dot(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ n: Int) -> Double {
    var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
    var j = 0
    while j + 4 <= n {
        s0 += a[j] * b[j]
        s1 += a[j + 1] * b[j + 1]
        s2 += a[j + 2] * b[j + 2]
        s3 += a[j + 3] * b[j + 3]
        j += 4
    }
    while j < n { s0 += a[j] * b[j]; j += 1 }
    return (s0 + s1) + (s2 + s3)
}
