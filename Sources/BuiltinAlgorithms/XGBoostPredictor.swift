import Foundation
import MLCore
import GradientBoosting

/// Prediction with a gradient-boosted tree model (`xgboost-model`), answering as the SageMaker
/// XGBoost container does by default (contract §4.5): one `score` per record — the probability
/// for `binary:logistic`, the class index for `multi:softmax`, the class probabilities (a list)
/// for `multi:softprob`, the prediction for regression objectives — no `predicted_label`,
/// `text/csv` when no Accept is named, and plain lines under batch transform.
///
/// Missing features (empty CSV fields, `nan`, JSON `null`, entries a sparse record leaves out)
/// follow each split's learned default direction, as in XGBoost.
public struct XGBoostPredictor: Predictor {
    /// The model as loaded (for feature importance and the objective).
    public let ensemble: TreeEnsemble
    public let forest: CompiledForest
    public let algorithm = "xgboost"
    public let layout: PredictionLayout
    public let acceptsMissingFeatures = true
    public let absentSparseValue = Double.nan
    public var featureCount: Int { forest.featureCount }

    /// Compiles `ensemble` for prediction (the trees up to its best iteration when early stopping
    /// chose one).
    ///
    /// - Throws: `OptmlError.user` when the model cannot predict (for example a base score
    ///   outside its objective's domain).
    public init(ensemble: TreeEnsemble) throws {
        self.ensemble = ensemble
        forest = try CompiledForest(ensemble)
        let width = ensemble.objective.predictionWidth
        layout = PredictionLayout(scoreWidth: width, scoreIsList: ensemble.objective.kind == .multiSoftprob,
                                  hasPredictedLabel: false, defaultAccept: "text/csv", batchAnswersPlainLines: true,
                                  printsSinglePrecision: true)
    }

    public var task: Task {
        switch forest.objective.kind {
        case .binaryLogistic, .binaryLogitRaw, .binaryHinge: .binaryClassification
        case .multiSoftmax, .multiSoftprob: .multiclassClassification(classes: forest.objective.classCount)
        default: .regression
        }
    }

    public func predict(features: UnsafeBufferPointer<Double>, rows: Int,
                        scores: UnsafeMutableBufferPointer<Double>, labels: UnsafeMutableBufferPointer<Double>) {
        // One thread: the serving layers already predict many requests (or pieces of a batch
        // file) at once.
        forest.predict(features: features, rows: rows, into: scores, threads: 1)
    }
}
