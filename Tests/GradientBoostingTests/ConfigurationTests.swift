import Foundation
import MLCore
import Testing
@testable import GradientBoosting

@Suite("XGBoost hyperparameters and configuration")
struct ConfigurationTests {
    func config(_ raw: [String: String]) throws -> XGBoostConfig {
        try XGBoostConfig(XGBoostHyperparameters.table.validate(raw))
    }

    @Test("defaults are XGBoost's")
    func defaults() throws {
        let c = try config(["num_round": "10"])
        let p = c.parameters
        #expect(p.rounds == 10)
        #expect(p.objective == Objective(kind: .squaredError))
        #expect(p.eta == 0.3 && p.gamma == 0 && p.maxDepth == 6 && p.minChildWeight == 1 && p.maxDeltaStep == 0)
        #expect(p.subsample == 1 && p.colsampleByTree == 1 && p.colsampleByLevel == 1 && p.colsampleByNode == 1)
        #expect(p.lambda == 1 && p.alpha == 0 && p.maxLeaves == 0 && p.growPolicy == .depthwise && p.maxBin == 256)
        #expect(p.baseScore == nil && p.seed == 0 && p.parallelTrees == 1 && p.earlyStoppingRounds == nil)
        #expect(p.monotoneConstraints.isEmpty && p.interactionConstraints.isEmpty && p.evalMetrics.isEmpty)
        #expect(p.threads == ProcessInfo.processInfo.activeProcessorCount && !c.threadsGiven)
        #expect(!c.csvWeights && !c.saveModelOnTermination && c.evalMetricNames.isEmpty && c.warnings.isEmpty)
    }

    @Test("every value reaches the trainer's parameters")
    func fullConfiguration() throws {
        let c = try config([
            "num_round": "50", "objective": "binary:logistic", "eta": "0.1", "gamma": "0.5", "max_depth": "4",
            "min_child_weight": "2", "max_delta_step": "1", "subsample": "0.8", "colsample_bytree": "0.7",
            "colsample_bylevel": "0.6", "colsample_bynode": "0.5", "lambda": "3", "alpha": "0.2", "tree_method": "hist",
            "grow_policy": "lossguide", "max_leaves": "31", "max_bin": "128", "scale_pos_weight": "4", "base_score": "0.3",
            "seed": "-7", "num_parallel_tree": "2", "monotone_constraints": "(1, -1, 0)",
            "interaction_constraints": "[[0, 1], [2]]", "early_stopping_rounds": "5", "eval_metric": "auc,error@0.6,logloss",
            "nthread": "3", "csv_weights": "1", "save_model_on_termination": "true",
        ])
        let p = c.parameters
        #expect(p.objective.kind == .binaryLogistic && p.objective.scalePositiveWeight == 4)
        #expect(p.rounds == 50 && p.eta == 0.1 && p.gamma == 0.5 && p.maxDepth == 4 && p.minChildWeight == 2)
        #expect(p.maxDeltaStep == 1 && p.subsample == 0.8 && p.colsampleByTree == 0.7 && p.colsampleByLevel == 0.6)
        #expect(p.colsampleByNode == 0.5 && p.lambda == 3 && p.alpha == 0.2 && p.growPolicy == .lossguide)
        #expect(p.maxLeaves == 31 && p.maxBin == 128 && p.baseScore == 0.3 && p.parallelTrees == 2)
        #expect(p.seed == UInt64(bitPattern: -7))
        #expect(p.monotoneConstraints == [1, -1, 0] && p.interactionConstraints == [[0, 1], [2]])
        #expect(p.earlyStoppingRounds == 5 && p.threads == 3 && c.threadsGiven)
        #expect(p.evalMetrics == [.auc, .error(threshold: 0.6), .logloss])
        #expect(c.evalMetricNames == ["auc", "error@0.6", "logloss"])
        #expect(c.csvWeights && c.saveModelOnTermination)
    }

    @Test("aliases set their canonical parameter; both at once is an error")
    func aliases() throws {
        let p = try config(["num_round": "1", "learning_rate": "0.05", "min_split_loss": "1", "reg_lambda": "2", "reg_alpha": "3"]).parameters
        #expect(p.eta == 0.05 && p.gamma == 1 && p.lambda == 2 && p.alpha == 3)
        #expect(throws: OptmlError.user("Hyperparameters eta and learning_rate are both set; learning_rate is another name for eta. Set only one of them.")) {
            try config(["num_round": "1", "eta": "0.1", "learning_rate": "0.05"])
        }
    }

    @Test("objective parameters: classes, Tweedie power, Poisson's max_delta_step")
    func objectiveParameters() throws {
        let multi = try config(["num_round": "1", "objective": "multi:softprob", "num_class": "4"]).parameters.objective
        #expect(multi.kind == .multiSoftprob && multi.classCount == 4 && multi.outputGroups == 4)
        let tweedie = try config(["num_round": "1", "objective": "reg:tweedie", "tweedie_variance_power": "1.2"]).parameters.objective
        #expect(tweedie.tweedieVariancePower == 1.2)
        let poisson = try config(["num_round": "1", "objective": "count:poisson"]).parameters
        // xgboost 3.2 with max_delta_step unset caps the trees' leaf weights at 0.7 as well
        // (base_weights of a first tree from base_score 0.5, eta 1: max |w| = 0.7).
        #expect(poisson.objective.maxDeltaStep == 0.7 && poisson.maxDeltaStep == 0.7)
        let poisson2 = try config(["num_round": "1", "objective": "count:poisson", "max_delta_step": "2"]).parameters
        #expect(poisson2.objective.maxDeltaStep == 2 && poisson2.maxDeltaStep == 2)
        let linear = try config(["num_round": "1", "objective": "reg:linear"])
        #expect(linear.parameters.objective.kind == .squaredError)
        #expect(linear.warnings == ["objective 'reg:linear' is the deprecated name of 'reg:squarederror' and trains as such."])
    }

    @Test("accepted settings that behave differently say so")
    func warnings() throws {
        #expect(try config(["num_round": "1", "tree_method": "exact"]).warnings
            == ["tree_method 'exact' trains with histograms here (as 'hist'); splits can differ slightly from XGBoost's exact method."])
        #expect(try config(["num_round": "1", "tree_method": "gpu_hist"]).warnings
            == ["tree_method 'gpu_hist' trains with histograms on CPUs here (as 'hist')."])
        #expect(try config(["num_round": "1", "tweedie_variance_power": "1.4"]).warnings
            == ["tweedie_variance_power applies to objective 'reg:tweedie' only and is ignored with 'reg:squarederror'."])
        #expect(try config(["num_round": "1", "updater": "grow_quantile_histmaker,prune"]).warnings
            == ["updater 'grow_quantile_histmaker,prune' is ignored: trees grow with the histogram method and are pruned by gamma."])
    }

    @Test("bad hyperparameters give exact messages", arguments: [
        ([:], "Missing required hyperparameter: num_round. Expecting: an integer >= 1."),
        (["num_round": "0"], "Invalid hyperparameter value 0 for num_round. Expecting: an integer >= 1."),
        (["num_round": "1.5"], "Invalid hyperparameter value 1.5 for num_round. Expecting: an integer >= 1."),
        (["num_round": "1", "eta": "1.5"], "Invalid hyperparameter value 1.5 for eta. Expecting: a float in [0, 1]."),
        (["num_round": "1", "subsample": "0"], "Invalid hyperparameter value 0 for subsample. Expecting: a float in (0, 1]."),
        (["num_round": "1", "tweedie_variance_power": "2"],
         "Invalid hyperparameter value 2 for tweedie_variance_power. Expecting: a float in (1, 2)."),
        (["num_round": "1", "booster": "foo"],
         "Invalid hyperparameter value foo for booster. Expecting: one of 'gbtree', 'gblinear', 'dart'."),
        (["num_round": "1", "max_dept": "3"], "Extraneous hyperparameter found: max_dept. Did you mean 'max_depth'?"),
        (["num_round": "1", "objective": "multi:softprob"],
         "Require input for parameter 'num_class' for multi-classification. Set num_class to the number of classes (labels 0..num_class-1) for objective 'multi:softprob'."),
        (["num_round": "1", "objective": "binary:logistic", "num_class": "3"],
         "Do not need to setup parameter 'num_class' for learning task other than multi-classification. Remove num_class=3 or use objective 'multi:softprob' or 'multi:softmax'."),
        (["num_round": "1", "num_class": "3"],
         "Do not need to setup parameter 'num_class' for learning task other than multi-classification. Remove num_class=3 or use objective 'multi:softprob' or 'multi:softmax'."),
        (["num_round": "1", "objective": "rank:pairwise"],
         "Hyperparameter objective: 'rank:pairwise' is not supported; ranking and survival objectives are not implemented. Expecting one of 'reg:squarederror', 'reg:squaredlogerror', 'reg:logistic', 'reg:pseudohubererror', 'reg:absoluteerror', 'reg:quantileerror', 'binary:logistic', 'binary:logitraw', 'binary:hinge', 'count:poisson', 'reg:gamma', 'reg:tweedie', 'multi:softmax', 'multi:softprob'."),
        (["num_round": "1", "booster": "dart"],
         "Hyperparameter booster: 'dart' is not supported; optml boosts trees only. Set booster to 'gbtree' or remove it."),
        (["num_round": "1", "process_type": "update"],
         "Hyperparameter process_type: 'update' (refreshing the trees of an existing model) is not supported. Set process_type to 'default' or remove it."),
        (["num_round": "1", "_kfold": "5"],
         "Hyperparameter _kfold: k-fold cross-validation is not supported. Remove _kfold (and _num_cv_round) to train one model on the train channel."),
        (["num_round": "1", "eval_metric": "rmse,kappa"],
         "Hyperparameter eval_metric: value ['kappa'] is not a known metric. Expecting a comma-separated list of: accuracy, auc, aucpr, balanced_accuracy, f1, f1_binary, f1_macro, map, ndcg, precision, r2, recall, precision_macro, precision_micro, recall_macro, recall_micro, aft-nloglik, cox-nloglik, error, gamma-deviance, gamma-nloglik, interval-regression-accuracy, logloss, mae, mape, merror, mlogloss, mphe, mse, poisson-nloglik, rmse, rmsle, tweedie-nloglik, or error@t with a threshold t."),
        (["num_round": "1", "eval_metric": "rmsee"],
         "Hyperparameter eval_metric: value ['rmsee'] is not a known metric. Did you mean 'rmse'? Expecting a comma-separated list of: accuracy, auc, aucpr, balanced_accuracy, f1, f1_binary, f1_macro, map, ndcg, precision, r2, recall, precision_macro, precision_micro, recall_macro, recall_micro, aft-nloglik, cox-nloglik, error, gamma-deviance, gamma-nloglik, interval-regression-accuracy, logloss, mae, mape, merror, mlogloss, mphe, mse, poisson-nloglik, rmse, rmsle, tweedie-nloglik, or error@t with a threshold t."),
        (["num_round": "1", "eval_metric": "auc"], "Metric 'auc' can only be applied for classification and ranking problems."),
        (["num_round": "1", "objective": "multi:softprob", "num_class": "3", "eval_metric": "auc"],
         "Metric 'auc' can only be applied for classification and ranking problems."),
        (["num_round": "1", "eval_metric": "aft-nloglik"], "Metric 'aft-nloglik' can only be applied for 'survival:aft' objective."),
        (["num_round": "1", "eval_metric": "logloss@0.5"],
         "Metric 'logloss@0.5' is not supported. Parameter 'eval_metric' with customized threshold should be one of these options: 'error', 'ndcg', 'map'."),
        (["num_round": "1", "objective": "binary:logistic", "eval_metric": "error@high"], "Threshold value 't' in 'error@t' expects float input."),
        (["num_round": "1", "monotone_constraints": "(1,-1)"],
         "monotone_constraints can be used only when the tree_method parameter is set to either 'exact' or 'hist'. Set tree_method to 'hist'."),
        (["num_round": "1", "tree_method": "approx", "monotone_constraints": "(1,-1)"],
         "monotone_constraints can be used only when the tree_method parameter is set to either 'exact' or 'hist'. Set tree_method to 'hist'."),
        (["num_round": "1", "interaction_constraints": "[[0,1]]"],
         "interaction_constraints can be used only when the tree_method parameter is set to either 'exact', 'hist' or 'approx'. Set tree_method to 'hist'."),
        (["num_round": "1", "tree_method": "hist", "monotone_constraints": "(1,2)"],
         "Hyperparameter monotone_constraints: item 1 of (1,2) is '2'. Expecting -1 (decreasing), 0 (none) or 1 (increasing) for each feature, e.g. (1,-1,0)."),
        (["num_round": "1", "tree_method": "hist", "monotone_constraints": "1,-1"],
         "Hyperparameter monotone_constraints: could not parse value 1,-1. Expecting a tuple of -1, 0 or 1 per feature in parentheses, e.g. (1,-1,0)."),
        (["num_round": "1", "tree_method": "hist", "interaction_constraints": "[0,1]"],
         "Hyperparameter interaction_constraints: could not parse value [0,1]: group 0 is not a list. Expecting a list of lists of feature indices, e.g. [[0,1],[2,3,4]]."),
        (["num_round": "1", "tree_method": "hist", "interaction_constraints": "[[0,a]]"],
         "Hyperparameter interaction_constraints: group 0 of [[0,a]] holds 'a'. Expecting feature indices (integers >= 0, counted from 0 after the label column), e.g. [[0,1],[2,3,4]]."),
        (["num_round": "1", "tree_method": "hist", "interaction_constraints": "[[0,1][2]]"],
         "Hyperparameter interaction_constraints: could not parse value [[0,1][2]]: expecting ',' after group 0, e.g. [[0,1],[2,3,4]]."),
        (["num_round": "1", "max_depth": "0"],
         "Hyperparameter max_depth: 0 (no depth limit) needs grow_policy 'lossguide' or max_leaves > 0. Set max_depth to a positive value or grow_policy to 'lossguide'."),
        (["num_round": "1", "max_bin": "1"],
         "Hyperparameter max_bin: 1 is too small; a feature needs at least 2 bins to be split. Expecting an integer >= 2 (default 256)."),
        (["num_round": "1", "objective": "binary:logistic", "base_score": "1"],
         "Hyperparameter base_score: 1.0 is not a probability; objective 'binary:logistic' needs base_score in (0, 1) (base_score must be in (0,1) for logistic loss)."),
        (["num_round": "1", "objective": "count:poisson", "base_score": "0"],
         "Hyperparameter base_score: 0.0 is not positive; objective 'count:poisson' predicts exp(margin), so base_score must be > 0."),
        (["num_round": "1", "updater": "grow_colmaker,grow_histmaker"],
         "Hyperparameter updater: only one tree grow plugin can be selected; 'grow_colmaker,grow_histmaker' names several. Choose one of 'distcol', 'grow_colmaker', 'grow_histmaker', 'grow_local_histmaker', 'grow_quantile_histmaker'."),
        (["num_round": "1", "updater": "shotgun"],
         "Hyperparameter updater: 'shotgun' is not a tree updater. Tree updater should be selected from these options: 'grow_colmaker', 'distcol', 'grow_histmaker', 'grow_local_histmaker', 'grow_skmaker', 'sync', 'refresh', 'prune', 'grow_quantile_histmaker'."),
        (["num_round": "1", "sampling_method": "gradient_based"],
         "Hyperparameter sampling_method: 'gradient_based' is only available with GPU training in XGBoost and not supported here. Set sampling_method to 'uniform' or remove it."),
    ])
    func messages(_ raw: [String: String], _ message: String) {
        #expect(throws: OptmlError.user(message)) { try config(raw) }
    }

    @Test("framework keys are accepted and ignored")
    func frameworkKeys() throws {
        let hp = try XGBoostHyperparameters.table.validate([
            "num_round": "3", "_tuning_objective_metric": "validation:auc", "sagemaker_program": "x",
        ])
        #expect(Set(hp.ignoredKeys) == ["_tuning_objective_metric", "sagemaker_program"])
        #expect(try XGBoostConfig(hp).parameters.rounds == 3)
    }

    @Test("optml's extra metrics: quantile and tweedie-nloglik@rho")
    func extraMetrics() throws {
        let c = try config(["num_round": "1", "objective": "reg:tweedie", "eval_metric": "tweedie-nloglik@1.3,rmse"])
        #expect(c.parameters.evalMetrics == [.tweedieNLogLik(rho: 1.3), .rmse])
        #expect(try config(["num_round": "1", "objective": "reg:quantileerror", "eval_metric": "quantile"]).parameters.evalMetrics == [.quantile])
    }

    @Test("the table declares every SageMaker XGBoost hyperparameter once")
    func tableCoverage() {
        let names = XGBoostHyperparameters.table.specs.map(\.name)
        #expect(Set(names).count == names.count)
        let container = [
            "num_round", "num_class", "csv_weights", "early_stopping_rounds", "booster", "verbosity", "nthread", "eta", "gamma",
            "max_depth", "min_child_weight", "max_delta_step", "subsample", "colsample_bytree", "colsample_bylevel",
            "colsample_bynode", "lambda", "alpha", "tree_method", "sketch_eps", "scale_pos_weight", "updater", "dsplit",
            "refresh_leaf", "process_type", "grow_policy", "max_leaves", "max_bin", "predictor", "monotone_constraints",
            "interaction_constraints", "sample_type", "normalize_type", "rate_drop", "skip_drop", "one_drop", "lambda_bias",
            "tweedie_variance_power", "objective", "base_score", "eval_metric", "seed", "num_parallel_tree",
            "save_model_on_termination", "aft_loss_distribution", "aft_loss_distribution_scale", "deterministic_histogram",
            "sampling_method", "prob_buffer_row", "use_dask_gpu_training", "_kfold", "_num_cv_round",
            "learning_rate", "min_split_loss", "reg_lambda", "reg_alpha",
        ]
        #expect(Set(container).subtracting(names).isEmpty, "missing: \(Set(container).subtracting(names).sorted())")
        #expect(XGBoostHyperparameters.table.spec(named: "num_round")?.required == true)
        // Every default parses against its own declaration.
        #expect(throws: Never.self) { try XGBoostHyperparameters.table.validate(["num_round": "1"]) }
    }

    @Test("metric definitions match the per-round lines as CloudWatch shows them")
    func metricDefinitions() throws {
        let defs = XGBoostHyperparameters.metricDefinitions
        #expect(defs.count == 2 * (XGBoostHyperparameters.maximizedMetrics.count + XGBoostHyperparameters.minimizedMetrics.count))
        let auc = try #require(defs.first { $0.name == "validation:auc" })
        #expect(auc.maximize)
        #expect(auc.regex == ".*\\[[0-9]+\\].*#011validation-auc:([-+]?[0-9]*\\.?[0-9]+(?:[eE][-+]?[0-9]+)?).*")
        let rmse = try #require(defs.first { $0.name == "train:rmse" })
        #expect(!rmse.maximize)
        let line = "[12]#011train-rmse:18.96940#011validation-rmse:2.5e-3"
        for (name, expected) in [("train:rmse", "18.96940"), ("validation:rmse", "2.5e-3")] {
            let def = try #require(defs.first { $0.name == name })
            let regex = try NSRegularExpression(pattern: def.regex)
            let match = try #require(regex.firstMatch(in: line, range: NSRange(line.startIndex..., in: line)))
            #expect(String(line[Range(match.range(at: 1), in: line)!]) == expected)
        }
        // validation-rmse must not match the train definition's channel.
        let trainAUC = try NSRegularExpression(pattern: try #require(defs.first { $0.name == "train:auc" }).regex)
        #expect(trainAUC.firstMatch(in: line, range: NSRange(line.startIndex..., in: line)) == nil)
    }
}

@Suite("XGBoost tuning metric and metric lines")
struct ConfigurationMetricLineTests {
    func config(_ raw: [String: String], tuning: String?) throws -> XGBoostConfig {
        try XGBoostConfig(XGBoostHyperparameters.table.validate(raw), tuningObjectiveMetric: tuning)
    }

    @Test("the tuning job's metric goes last in eval_metric, so early stopping watches it")
    func tuningMetricLast() throws {
        let base = ["num_round": "5", "objective": "binary:logistic"]
        #expect(try config(base.merging(["eval_metric": "auc,logloss"]) { $1 }, tuning: "validation:auc").evalMetricNames == ["logloss", "auc"])
        #expect(try config(base.merging(["eval_metric": "logloss"]) { $1 }, tuning: "validation:error").parameters.evalMetrics == [.logloss, .error(threshold: 0.5)])
        #expect(try config(base, tuning: "validation:auc").evalMetricNames == ["auc"])
        #expect(try config(base, tuning: nil).evalMetricNames.isEmpty)
        #expect(throws: OptmlError.user("Hyperparameter _tuning_objective_metric: validation:acu is not a metric of this algorithm. Did you mean 'validation:auc'? Expecting train:<metric> or validation:<metric>, e.g. validation:auc.")) {
            try config(base, tuning: "validation:acu")
        }
        #expect(throws: OptmlError.user("Metric 'auc' can only be applied for classification and ranking problems.")) {
            try config(["num_round": "5"], tuning: "validation:auc")
        }
    }

    @Test("per-round lines as XGBoost prints them, and the metric regexes capture them")
    func lines() throws {
        let line = XGBoostMetricLine.format(round: 12, results: [
            (data: "train", metric: "rmse", value: 18.969404), (data: "validation", metric: "rmse", value: 20.953549),
            (data: "validation", metric: "error@0.7", value: 0.125),
        ])
        #expect(line == "[12]\ttrain-rmse:18.96940\tvalidation-rmse:20.95355\tvalidation-error@0.7:0.12500")
        let cloudWatch = line.replacingOccurrences(of: "\t", with: "#011")
        let def = try #require(XGBoostHyperparameters.metricDefinitions.first { $0.name == "validation:rmse" })
        let regex = try NSRegularExpression(pattern: def.regex)
        let match = try #require(regex.firstMatch(in: cloudWatch, range: NSRange(cloudWatch.startIndex..., in: cloudWatch)))
        #expect(String(cloudWatch[Range(match.range(at: 1), in: cloudWatch)!]) == "20.95355")
        #expect(XGBoostMetricLine.format(round: 0, results: []) == "[0]")
    }
}
