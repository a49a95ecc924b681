import Foundation
import MLCore

/// SageMaker XGBoost's settings after validation: the trainer's parameters plus what the
/// container itself needs (row weights in CSV, the metric names, termination behaviour).
///
/// `XGBoostHyperparameters.table.validate` checks each key alone; this type adds the rules that
/// involve several keys, with the SageMaker container's messages (followed by what would be right).
public struct XGBoostConfig: Sendable {
    /// Everything the trainer reads.
    public var parameters: BoostingParameters
    /// `csv_weights=1`: CSV channels carry a weight column after the label.
    public var csvWeights: Bool
    /// `eval_metric` as given, in order (empty: the objective's default metric is printed).
    public var evalMetricNames: [String]
    /// `save_model_on_termination=true`: save the model trained so far on SIGTERM.
    public var saveModelOnTermination: Bool
    /// Whether `nthread` was set; otherwise `parameters.threads` is every core.
    public var threadsGiven: Bool
    /// Accepted settings that behave differently from SageMaker's XGBoost, one sentence each,
    /// for the training log.
    public var warnings: [String]

    /// Builds the configuration from validated hyperparameters.
    ///
    /// - Parameters:
    ///   - tuningObjectiveMetric: the raw `_tuning_objective_metric` a tuning job adds (for
    ///     example `validation:auc`; the table accepts and ignores the key itself). As in the
    ///     SageMaker container, its metric is moved to (or added at) the end of `eval_metric`, so
    ///     it is the one early stopping watches.
    /// - Throws: `OptmlError.user` naming the hyperparameters involved and what would be right.
    public init(_ hp: ValidatedHyperparameters, tuningObjectiveMetric: String? = nil) throws {
        var warnings: [String] = []

        // Aliases: XGBoost accepts either name; both at once is ambiguous.
        func value(_ name: String) throws -> Double {
            let alias = XGBoostHyperparameters.aliases.first { $0.value == name }!.key
            if hp.isSet(alias) {
                if hp.isSet(name) {
                    throw OptmlError.user("Hyperparameters \(name) and \(alias) are both set; \(alias) is another name for \(name). Set only one of them.")
                }
                return hp.double(alias)!
            }
            return hp.double(name)!
        }

        let booster = hp.string("booster")!
        guard booster == "gbtree" else {
            throw OptmlError.user("Hyperparameter booster: '\(booster)' is not supported; optml boosts trees only. Set booster to 'gbtree' or remove it.")
        }
        if hp.string("process_type") == "update" {
            throw OptmlError.user("Hyperparameter process_type: 'update' (refreshing the trees of an existing model) is not supported. Set process_type to 'default' or remove it.")
        }
        if hp.string("sampling_method") == "gradient_based" {
            throw OptmlError.user("Hyperparameter sampling_method: 'gradient_based' is only available with GPU training in XGBoost and not supported here. Set sampling_method to 'uniform' or remove it.")
        }
        if hp.isSet("_kfold") {
            throw OptmlError.user("Hyperparameter _kfold: k-fold cross-validation is not supported. Remove _kfold (and _num_cv_round) to train one model on the train channel.")
        }

        // Objective and classes, with the container's messages.
        let objectiveName = hp.string("objective")!
        let numClass = hp.int("num_class")
        let kind: Objective.Kind
        if objectiveName == "reg:linear" {
            kind = .squaredError
            warnings.append("objective 'reg:linear' is the deprecated name of 'reg:squarederror' and trains as such.")
        } else if let known = Objective.Kind(rawValue: objectiveName) {
            kind = known
        } else {
            let supported = Objective.Kind.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")
            throw OptmlError.user("Hyperparameter objective: '\(objectiveName)' is not supported; ranking and survival objectives are not implemented. Expecting one of \(supported).")
        }
        let isMulti = kind == .multiSoftmax || kind == .multiSoftprob
        if isMulti && numClass == nil {
            throw OptmlError.user("Require input for parameter 'num_class' for multi-classification. Set num_class to the number of classes (labels 0..num_class-1) for objective '\(objectiveName)'.")
        }
        if !isMulti, let k = numClass {
            throw OptmlError.user("Do not need to setup parameter 'num_class' for learning task other than multi-classification. Remove num_class=\(k) or use objective 'multi:softprob' or 'multi:softmax'.")
        }
        if hp.isSet("tweedie_variance_power") && kind != .tweedie {
            warnings.append("tweedie_variance_power applies to objective 'reg:tweedie' only and is ignored with '\(objectiveName)'.")
        }
        let maxDeltaStep = hp.double("max_delta_step")!
        let objective = Objective(
            kind: kind, classCount: numClass ?? 1, scalePositiveWeight: hp.double("scale_pos_weight")!,
            huberSlope: hp.double("huber_slope")!, quantileAlpha: hp.double("quantile_alpha")!,
            tweedieVariancePower: hp.double("tweedie_variance_power")!,
            maxDeltaStep: hp.isSet("max_delta_step") ? maxDeltaStep : (kind == .countPoisson ? 0.7 : 0))

        // Evaluation metrics: container rules first, then the trainer's parser.
        var metricNames = try Self.metricNames(hp.string("eval_metric"), objective: objectiveName)
        if let tuning = tuningObjectiveMetric?.trimmingCharacters(in: .whitespaces) {
            let names = XGBoostHyperparameters.metricDefinitions.map(\.name)
            guard names.contains(tuning), let colon = tuning.firstIndex(of: ":") else {
                var message = "Hyperparameter _tuning_objective_metric: \(tuning) is not a metric of this algorithm."
                if let guess = HyperparameterTable.closest(to: tuning, among: names) { message += " Did you mean '\(guess)'?" }
                message += " Expecting train:<metric> or validation:<metric>, e.g. validation:auc."
                throw OptmlError.user(message)
            }
            let metric = String(tuning[tuning.index(after: colon)...])
            _ = try Self.metricNames(metric, objective: objectiveName)
            metricNames.removeAll { $0 == metric }
            metricNames.append(metric)
        }
        var metrics: [EvalMetric] = []
        for name in metricNames {
            metrics.append(try EvalMetric(parsing: name))
        }

        // Tree method and the constraints that depend on it.
        let treeMethod = hp.isSet("tree_method") ? hp.string("tree_method") : nil
        switch treeMethod {
        case "exact", "approx":
            warnings.append("tree_method '\(treeMethod!)' trains with histograms here (as 'hist'); splits can differ slightly from XGBoost's \(treeMethod!) method.")
        case "gpu_hist":
            warnings.append("tree_method 'gpu_hist' trains with histograms on CPUs here (as 'hist').")
        default:
            break
        }
        var monotone: [Int] = []
        if let text = hp.string("monotone_constraints") {
            guard treeMethod == "exact" || treeMethod == "hist" else {
                throw OptmlError.user("monotone_constraints can be used only when the tree_method parameter is set to either 'exact' or 'hist'. Set tree_method to 'hist'.")
            }
            monotone = try ConstraintSyntax.monotoneConstraints(text)
        }
        var interactions: [[Int]] = []
        if let text = hp.string("interaction_constraints") {
            guard treeMethod == "exact" || treeMethod == "hist" || treeMethod == "approx" else {
                throw OptmlError.user("interaction_constraints can be used only when the tree_method parameter is set to either 'exact', 'hist' or 'approx'. Set tree_method to 'hist'.")
            }
            interactions = try ConstraintSyntax.interactionConstraints(text)
        }
        if let updater = hp.string("updater") {
            try Self.checkUpdater(updater)
            warnings.append("updater '\(updater)' is ignored: trees grow with the histogram method and are pruned by gamma.")
        }

        let growPolicy = GrowPolicy(rawValue: hp.string("grow_policy")!)!
        let maxDepth = hp.int("max_depth")!
        let maxLeaves = hp.int("max_leaves")!
        if maxDepth == 0 && growPolicy == .depthwise && maxLeaves == 0 {
            throw OptmlError.user("Hyperparameter max_depth: 0 (no depth limit) needs grow_policy 'lossguide' or max_leaves > 0. Set max_depth to a positive value or grow_policy to 'lossguide'.")
        }
        let maxBin = hp.int("max_bin")!
        guard maxBin >= 2 else {
            throw OptmlError.user("Hyperparameter max_bin: \(maxBin) is too small; a feature needs at least 2 bins to be split. Expecting an integer >= 2 (default 256).")
        }
        let baseScore = hp.double("base_score")
        if let b = baseScore, kind == .binaryLogistic || kind == .logistic, !(b > 0 && b < 1) {
            throw OptmlError.user("Hyperparameter base_score: \(b) is not a probability; objective '\(objectiveName)' needs base_score in (0, 1) (base_score must be in (0,1) for logistic loss).")
        }
        if let b = baseScore, [.countPoisson, .gamma, .tweedie].contains(kind), !(b > 0) {
            throw OptmlError.user("Hyperparameter base_score: \(b) is not positive; objective '\(objectiveName)' predicts exp(margin), so base_score must be > 0.")
        }

        var p = BoostingParameters(objective: objective, rounds: hp.int("num_round")!)
        p.eta = try value("eta")
        p.gamma = try value("gamma")
        p.lambda = try value("lambda")
        p.alpha = try value("alpha")
        p.maxDepth = maxDepth
        p.minChildWeight = hp.double("min_child_weight")!
        // XGBoost raises an unset max_delta_step to 0.7 for count:poisson in the trees as well as
        // in the objective.
        p.maxDeltaStep = objective.maxDeltaStep
        p.subsample = hp.double("subsample")!
        p.colsampleByTree = hp.double("colsample_bytree")!
        p.colsampleByLevel = hp.double("colsample_bylevel")!
        p.colsampleByNode = hp.double("colsample_bynode")!
        p.maxLeaves = maxLeaves
        p.growPolicy = growPolicy
        p.maxBin = maxBin
        p.baseScore = baseScore
        p.seed = UInt64(bitPattern: Int64(hp.int("seed")!))
        p.parallelTrees = hp.int("num_parallel_tree")!
        p.monotoneConstraints = monotone
        p.interactionConstraints = interactions
        p.earlyStoppingRounds = hp.int("early_stopping_rounds")
        p.evalMetrics = metrics
        threadsGiven = hp.isSet("nthread")
        p.threads = hp.int("nthread") ?? max(1, ProcessInfo.processInfo.activeProcessorCount)

        parameters = p
        csvWeights = hp.int("csv_weights")! == 1
        evalMetricNames = metricNames
        saveModelOnTermination = hp.string("save_model_on_termination")! == "true"
        self.warnings = warnings
    }

    /// Splits and checks `eval_metric` as the SageMaker container does: every name must be one
    /// of its metrics (or `error@t`, `ndcg@t`, `map@t`; optml also accepts XGBoost's `quantile`
    /// and `tweedie-nloglik@rho`), `auc` needs a binary or ranking
    /// objective and `aft-nloglik` needs `survival:aft`.
    static func metricNames(_ text: String?, objective: String) throws -> [String] {
        guard let text else { return [] }
        let names = text.split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        let known = XGBoostHyperparameters.maximizedMetrics + XGBoostHyperparameters.minimizedMetrics
        for name in names {
            if name.contains("<function") {
                throw OptmlError.user("User defined evaluation metric \(name) is not supported yet.")
            }
            if let at = name.firstIndex(of: "@") {
                let base = name[..<at].trimmingCharacters(in: .whitespaces)
                let threshold = name[name.index(after: at)...].trimmingCharacters(in: .whitespaces)
                // tweedie-nloglik@rho is XGBoost's spelling of the Tweedie metric's power; the
                // container's list predates it.
                guard ["error", "ndcg", "map", "tweedie-nloglik"].contains(base) else {
                    throw OptmlError.user("Metric '\(name)' is not supported. Parameter 'eval_metric' with customized threshold should be one of these options: 'error', 'ndcg', 'map'.")
                }
                guard Double(threshold) != nil else {
                    throw OptmlError.user("Threshold value 't' in '\(base)@t' expects float input.")
                }
                continue
            }
            // `quantile` is XGBoost's metric of reg:quantileerror, which the container's list predates.
            guard known.contains(name) || name == "quantile" else {
                var message = "Hyperparameter eval_metric: value ['\(name)'] is not a known metric."
                if let guess = HyperparameterTable.closest(to: name, among: known) { message += " Did you mean '\(guess)'?" }
                message += " Expecting a comma-separated list of: " + known.joined(separator: ", ") + ", or error@t with a threshold t."
                throw OptmlError.user(message)
            }
        }
        if names.contains("auc"), !(objective.hasPrefix("binary:") || objective.hasPrefix("rank:")) {
            throw OptmlError.user("Metric 'auc' can only be applied for classification and ranking problems.")
        }
        if names.contains("aft-nloglik"), objective != "survival:aft" {
            throw OptmlError.user("Metric 'aft-nloglik' can only be applied for 'survival:aft' objective.")
        }
        return names
    }

    /// The container's updater rules: names from XGBoost's tree updaters, at most one that grows trees.
    static func checkUpdater(_ text: String) throws {
        let trees = ["grow_colmaker", "distcol", "grow_histmaker", "grow_local_histmaker", "grow_skmaker",
                     "sync", "refresh", "prune", "grow_quantile_histmaker"]
        let growers: Set<String> = ["grow_colmaker", "distcol", "grow_histmaker", "grow_local_histmaker", "grow_quantile_histmaker"]
        let names = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        for name in names where !trees.contains(name) {
            throw OptmlError.user("Hyperparameter updater: '\(name)' is not a tree updater. Tree updater should be selected from these options: "
                + trees.map { "'\($0)'" }.joined(separator: ", ") + ".")
        }
        if names.filter({ growers.contains($0) }).count > 1 {
            throw OptmlError.user("Hyperparameter updater: only one tree grow plugin can be selected; '\(text)' names several. Choose one of "
                + growers.sorted().map { "'\($0)'" }.joined(separator: ", ") + ".")
        }
    }
}
