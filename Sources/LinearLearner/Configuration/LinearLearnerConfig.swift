import MLCore

/// Linear Learner's settings after validation: the only form the trainer accepts, so it never sees a
/// bad or contradictory value (the unchecked form is `ValidatedHyperparameters`' raw table values).
public struct LinearLearnerConfig: Sendable {
    public enum PredictorType: String, Sendable, Codable {
        case binaryClassifier = "binary_classifier"
        case multiclassClassifier = "multiclass_classifier"
        case regressor
    }

    /// How the binary decision threshold (and the best of several models) is chosen.
    public enum SelectionCriterion: String, Sendable, Codable {
        case accuracy
        case fBeta = "f_beta"
        case precisionAtTargetRecall = "precision_at_target_recall"
        case recallAtTargetPrecision = "recall_at_target_precision"
        case lossFunction = "loss_function"
    }

    /// A value the trainer searches over (`auto` with several models) or a fixed one.
    public enum Searchable: Sendable, Equatable {
        case fixed(Double)
        case auto
    }

    public enum PositiveWeight: Sendable, Equatable {
        case multiplier(Double)
        case balanced
        case auto
    }

    public var predictorType: PredictorType
    public var numClasses: Int?
    public var featureDim: Int?
    public var loss: LinearLoss
    /// The loss as Linear Learner names it (`squared_loss`, `logistic`, …), used in metric names.
    public var lossName: String
    public var useBias: Bool
    public var wd: Searchable
    public var l1: Searchable
    public var biasWeightDecayMultiplier: Double
    public var positiveWeight: PositiveWeight
    public var balanceMulticlassWeights: Bool
    public var normalizeData: Bool
    public var unbiasData: Bool
    public var normalizeLabel: Bool
    public var unbiasLabel: Bool
    public var scalerSampleSize: Int
    public var selection: SelectionCriterion
    public var fBeta: Double
    public var targetPrecision: Double
    public var targetRecall: Double
    public var calibrationSamples: Int?
    public var numModels: Int?
    public var accuracyTopK: Int
    public var earlyStoppingPatience: Int
    public var earlyStoppingTolerance: Double
    /// nil for the exact solvers (`optimizer` auto).
    public var stochastic: StochasticSolverOptions?
    public var warnings: [String]

    /// Checks the cross-field rules on top of the per-field checks `table.validate` made.
    ///
    /// - Throws: `OptmlError.user` naming the hyperparameters involved and what would be right.
    public init(_ hp: ValidatedHyperparameters) throws {
        var warnings: [String] = []
        predictorType = PredictorType(rawValue: hp.string("predictor_type")!)!
        numClasses = hp.int("num_classes")
        switch predictorType {
        case .multiclassClassifier:
            guard numClasses != nil else {
                throw OptmlError.user("For predictor_type 'multiclass_classifier', 'num_classes' should be set to a value greater than 2.")
            }
        case .binaryClassifier, .regressor:
            if let k = numClasses {
                warnings.append("num_classes=\(k) is ignored: it applies to predictor_type 'multiclass_classifier' only.")
                numClasses = nil
            }
        }
        featureDim = hp.int("feature_dim")

        let lossWord = hp.string("loss")!
        let allowed: [String]
        switch predictorType {
        case .regressor:
            allowed = ["auto", "squared_loss", "absolute_loss", "eps_insensitive_squared_loss",
                       "eps_insensitive_absolute_loss", "quantile_loss", "huber_loss"]
        case .binaryClassifier:
            allowed = ["auto", "logistic", "hinge_loss"]
        case .multiclassClassifier:
            allowed = ["auto", "softmax_loss"]
        }
        guard allowed.contains(lossWord) else {
            throw OptmlError.user("Invalid hyperparameter value \(lossWord) for loss with predictor_type '\(predictorType.rawValue)'. Expecting: one of "
                + allowed.map { "'\($0)'" }.joined(separator: ", ") + ".")
        }
        let epsilon = hp.double("loss_insensitivity")!
        switch (predictorType, lossWord) {
        case (.regressor, "auto"), (.regressor, "squared_loss"): loss = .squared; lossName = "squared_loss"
        case (.regressor, "absolute_loss"): loss = .absolute; lossName = "absolute_loss"
        case (.regressor, "eps_insensitive_squared_loss"): loss = .epsilonInsensitiveSquared(epsilon: epsilon); lossName = lossWord
        case (.regressor, "eps_insensitive_absolute_loss"): loss = .epsilonInsensitiveAbsolute(epsilon: epsilon); lossName = lossWord
        case (.regressor, "quantile_loss"): loss = .quantile(tau: hp.double("quantile")!); lossName = lossWord
        case (.regressor, "huber_loss"):
            let delta = hp.double("huber_delta")!
            guard delta > 0 else {
                throw OptmlError.user("Invalid hyperparameter value 0 for huber_delta with loss 'huber_loss'. Expecting: a float > 0.")
            }
            loss = .huber(delta: delta); lossName = lossWord
        case (.binaryClassifier, "hinge_loss"): loss = .hinge(margin: hp.double("margin")!); lossName = lossWord
        case (.binaryClassifier, _): loss = .logistic; lossName = "logistic"
        default:
            loss = .softmax(classes: numClasses!); lossName = "softmax_loss"
        }

        useBias = hp.bool("use_bias")!
        wd = hp.isAuto("wd") ? .auto : .fixed(hp.double("wd")!)
        l1 = hp.isAuto("l1") ? .auto : .fixed(hp.double("l1")!)
        biasWeightDecayMultiplier = hp.isAuto("bias_wd_mult") ? 0 : hp.double("bias_wd_mult")!
        if hp.string("positive_example_weight_mult") == "balanced" {
            positiveWeight = .balanced
        } else if hp.isAuto("positive_example_weight_mult") {
            positiveWeight = .auto
        } else {
            positiveWeight = .multiplier(hp.double("positive_example_weight_mult")!)
        }
        if predictorType != .binaryClassifier, hp.isSet("positive_example_weight_mult") {
            warnings.append("positive_example_weight_mult is ignored: it applies to predictor_type 'binary_classifier' only.")
        }
        balanceMulticlassWeights = hp.bool("balance_multiclass_weights")!
        if predictorType != .multiclassClassifier, balanceMulticlassWeights {
            warnings.append("balance_multiclass_weights is ignored: it applies to predictor_type 'multiclass_classifier' only.")
        }
        normalizeData = hp.isAuto("normalize_data") ? true : hp.bool("normalize_data")!
        unbiasData = normalizeData || (hp.isAuto("unbias_data") ? useBias : hp.bool("unbias_data")!)
        let isRegression = predictorType == .regressor
        normalizeLabel = isRegression && (hp.isAuto("normalize_label") ? true : hp.bool("normalize_label")!)
        unbiasLabel = isRegression && (hp.isAuto("unbias_label") ? useBias : hp.bool("unbias_label")!)
        if !useBias, unbiasData || unbiasLabel {
            warnings.append("use_bias is false but the data or label is centered: the model's bias stays 0 and centering is undone in the saved model only for the features.")
        }
        scalerSampleSize = hp.int("num_point_for_scaler")!

        switch hp.string("binary_classifier_model_selection_criteria")! {
        case "accuracy": selection = .accuracy
        case "f_beta", "f1": selection = .fBeta
        case "precision_at_target_recall": selection = .precisionAtTargetRecall
        case "recall_at_target_precision": selection = .recallAtTargetPrecision
        default: selection = .lossFunction
        }
        fBeta = hp.string("binary_classifier_model_selection_criteria") == "f1" ? 1 : hp.double("f_beta")!
        targetPrecision = hp.double("target_precision")!
        targetRecall = hp.double("target_recall")!
        calibrationSamples = hp.int("num_calibration_samples")
        numModels = hp.int("num_models")
        accuracyTopK = hp.int("accuracy_top_k")!
        earlyStoppingPatience = hp.int("early_stopping_patience")!
        earlyStoppingTolerance = hp.double("early_stopping_tolerance")!

        let optimizerWord = hp.string("optimizer")!
        if let optimizer = StochasticOptimizer(rawValue: optimizerWord) {
            var options = StochasticSolverOptions.defaults(for: optimizer)
            options.epochs = hp.int("epochs")!
            options.miniBatchSize = hp.int("mini_batch_size")!
            if let v = hp.double("learning_rate") { options.learningRate = v }
            if let v = hp.double("momentum") { options.momentum = v }
            if let v = hp.double("beta_1") { options.beta1 = v }
            if let v = hp.double("beta_2") { options.beta2 = v }
            if let v = hp.double("bias_lr_mult") { options.biasLearningRateMultiplier = v }
            options.useScheduler = hp.bool("use_lr_scheduler")!
            if let v = hp.int("lr_scheduler_step") { options.schedulerStep = v }
            if let v = hp.double("lr_scheduler_factor") { options.schedulerFactor = v }
            if let v = hp.double("lr_scheduler_minimum_lr") { options.schedulerMinimumLearningRate = v }
            options.initialization = hp.string("init_method") == "normal"
                ? .normal(sigma: hp.double("init_sigma")!) : .uniform(scale: hp.double("init_scale")!)
            options.initialBias = hp.double("init_bias")!
            stochastic = options
        } else {
            stochastic = nil
        }
        self.warnings = warnings
    }

    /// The task the trained model performs.
    public var task: Task {
        switch predictorType {
        case .regressor: return .regression
        case .binaryClassifier: return .binaryClassification
        case .multiclassClassifier: return .multiclassClassification(classes: numClasses!)
        }
    }
}
