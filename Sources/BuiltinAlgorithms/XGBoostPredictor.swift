import Foundation
import MLCore
import GradientBoosting

/// Prediction with gradient-boosted tree models (`xgboost-model`), answering as the SageMaker
/// XGBoost container does by default (contract §4.5): one `score` per record — the probability
/// for `binary:logistic`, the class index for `multi:softmax`, the class probabilities (a list)
/// for `multi:softprob`, the prediction for regression objectives — no `predicted_label`,
/// `text/csv` when no Accept is named, and plain lines under batch transform.
///
/// Several models (the files of a model directory, loaded as an ensemble) predict together:
/// their predictions are averaged, except for objectives that predict a class (`multi:softmax`,
/// `binary:hinge`), where the class most members predict wins (the smallest on a tie).
///
/// Missing features (empty CSV fields, `nan`, JSON `null`, entries a sparse record leaves out)
/// follow each split's learned default direction, as in XGBoost.
public struct XGBoostPredictor: Predictor {
    /// The first model as loaded (for feature importance and the objective).
    public var ensemble: TreeEnsemble { members[0] }
    /// Every model of the ensemble, in load order (one for a single model file).
    public let members: [TreeEnsemble]
    /// The first member compiled for prediction.
    public var forest: CompiledForest { forests[0] }
    public let forests: [CompiledForest]
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
        try self.init(members: [ensemble], names: ["model"])
    }

    /// Compiles several models that predict together. `names` name them in messages.
    ///
    /// - Throws: `OptmlError.user` when a model cannot predict, or when the models disagree on
    ///   objective, class count or feature count (an ensemble needs all three equal).
    public init(members: [TreeEnsemble], names: [String]) throws {
        precondition(!members.isEmpty && members.count == names.count, "one name per model, at least one model")
        self.members = members
        forests = try members.map { try CompiledForest($0) }
        let first = forests[0]
        for (forest, name) in zip(forests, names).dropFirst() {
            if forest.objective.kind != first.objective.kind || forest.objective.classCount != first.objective.classCount {
                throw OptmlError.user("The models \(names[0]) and \(name) cannot be averaged: \(names[0]) has objective "
                    + "\(first.objective.kind.rawValue)\(Self.classes(first)), \(name) has \(forest.objective.kind.rawValue)"
                    + "\(Self.classes(forest)). Keep only models of one objective in the model directory, or set "
                    + "SAGEMAKER_INFERENCE_ENSEMBLE=false to serve xgboost-model alone.")
            }
            if forest.featureCount != first.featureCount {
                throw OptmlError.user("The models \(names[0]) and \(name) cannot be averaged: \(names[0]) takes "
                    + "\(first.featureCount) features, \(name) takes \(forest.featureCount). Keep only models of one feature "
                    + "set in the model directory, or set SAGEMAKER_INFERENCE_ENSEMBLE=false to serve xgboost-model alone.")
            }
        }
        let objective = first.objective
        let width = objective.predictionWidth
        let meaning: ScoreMeaning
        switch objective.kind {
        case .binaryLogistic: meaning = .probabilityOfOne
        case .binaryLogitRaw: meaning = .marginOfOne
        case .binaryHinge: meaning = .hingeLabel
        case .multiSoftmax: meaning = .classIndex(classes: objective.classCount)
        case .multiSoftprob: meaning = .classProbabilities(classes: objective.classCount)
        default: meaning = .regression
        }
        layout = PredictionLayout(scoreWidth: width, scoreIsList: objective.kind == .multiSoftprob,
                                  hasPredictedLabel: false, defaultAccept: "text/csv", batchAnswersPlainLines: true,
                                  printsSinglePrecision: true, scoreMeaning: meaning)
    }

    private static func classes(_ forest: CompiledForest) -> String {
        forest.objective.outputGroups > 1 ? " with \(forest.objective.classCount) classes" : ""
    }

    public var task: Task {
        switch forest.objective.kind {
        case .binaryLogistic, .binaryLogitRaw, .binaryHinge: .binaryClassification
        case .multiSoftmax, .multiSoftprob: .multiclassClassification(classes: forest.objective.classCount)
        default: .regression
        }
    }

    /// Whether members vote (class-deciding objectives) rather than average.
    private var votes: Bool { forest.objective.kind == .multiSoftmax || forest.objective.kind == .binaryHinge }

    public func predict(features: UnsafeBufferPointer<Double>, rows: Int,
                        scores: UnsafeMutableBufferPointer<Double>, labels: UnsafeMutableBufferPointer<Double>) {
        // One thread: the serving layers already predict many requests (or pieces of a batch
        // file) at once.
        forest.predict(features: features, rows: rows, into: scores, threads: 1)
        guard forests.count > 1 else { return }
        let count = rows * layout.scoreWidth
        var member = [Double](repeating: 0, count: count)
        if votes {
            // Tally per row: class index -> votes. Classes are small whole numbers.
            let classes = max(2, forest.objective.classCount)
            var tally = [Int](repeating: 0, count: rows * classes)
            func tallyVotes(_ values: UnsafeMutableBufferPointer<Double>) {
                for i in 0..<rows {
                    let c = Int(values[i])
                    if c >= 0 && c < classes { tally[i * classes + c] += 1 }
                }
            }
            tallyVotes(scores)
            for other in forests.dropFirst() {
                member.withUnsafeMutableBufferPointer { buffer in
                    other.predict(features: features, rows: rows, into: buffer, threads: 1)
                    tallyVotes(buffer)
                }
            }
            for i in 0..<rows {
                var best = 0
                for c in 1..<classes where tally[i * classes + c] > tally[i * classes + best] { best = c }
                scores[i] = Double(best)
            }
            return
        }
        for other in forests.dropFirst() {
            member.withUnsafeMutableBufferPointer { buffer in
                other.predict(features: features, rows: rows, into: buffer, threads: 1)
                for j in 0..<count { scores[j] += buffer[j] }
            }
        }
        let scale = 1 / Double(forests.count)
        for j in 0..<count { scores[j] *= scale }
    }
}
