import MLCore

/// SageMaker XGBoost's hyperparameters (contract §6.2), declared once.
///
/// Names, types, ranges and defaults follow the SageMaker XGBoost container (algorithm mode) and
/// the XGBoost library defaults it relies on. Keys that only matter to parts of XGBoost optml does
/// not have (the dart and linear boosters, GPUs, the exact and approx tree methods) are accepted so
/// that existing training jobs run unchanged; their `effect` says what happens instead.
/// Validation, defaults, `optml describe` and the README table derive from this table;
/// `XGBoostConfig` adds the checks that involve several keys.
public enum XGBoostHyperparameters {
    /// Every `objective` value the SageMaker container accepts, plus `reg:quantileerror`.
    /// `XGBoostConfig` rejects the ranking and survival objectives optml does not train.
    public static let objectives = [
        "binary:hinge", "binary:logistic", "binary:logitraw", "count:poisson", "multi:softmax", "multi:softprob",
        "rank:map", "rank:ndcg", "rank:pairwise", "reg:absoluteerror", "reg:gamma", "reg:linear", "reg:logistic",
        "reg:pseudohubererror", "reg:quantileerror", "reg:squarederror", "reg:squaredlogerror", "reg:tweedie",
        "survival:aft", "survival:cox",
    ]

    /// Metrics where larger is better, as the SageMaker container lists them (`XGB_MAXIMIZE_METRICS`).
    public static let maximizedMetrics = [
        "accuracy", "auc", "aucpr", "balanced_accuracy", "f1", "f1_binary", "f1_macro", "map", "ndcg", "precision",
        "r2", "recall", "precision_macro", "precision_micro", "recall_macro", "recall_micro",
    ]

    /// Metrics where smaller is better, as the SageMaker container lists them (`XGB_MINIMIZE_METRICS`).
    public static let minimizedMetrics = [
        "aft-nloglik", "cox-nloglik", "error", "gamma-deviance", "gamma-nloglik", "interval-regression-accuracy",
        "logloss", "mae", "mape", "merror", "mlogloss", "mphe", "mse", "poisson-nloglik", "rmse", "rmsle",
        "tweedie-nloglik",
    ]

    /// Alternative names XGBoost accepts, mapped to the canonical name `XGBoostConfig` reads.
    public static let aliases = [
        "learning_rate": "eta", "min_split_loss": "gamma", "reg_lambda": "lambda", "reg_alpha": "alpha",
    ]

    static let dartOnly = HyperparameterSpec.Effect.noEffect(
        "a parameter of the dart booster; optml boosts trees with booster gbtree only.")
    static let gpuOnly = HyperparameterSpec.Effect.noEffect("a GPU setting; optml trains on CPUs.")

    /// A value in the container's `(a, b)` sense for the `seed` range (−2^31, 2^31 − 1).
    static let seedBound = NumericBound(lower: -2_147_483_648, lowerInclusive: false, upper: 2_147_483_647,
                                        upperInclusive: false)

    public static let table = HyperparameterTable(algorithm: "xgboost", specs: [
        HyperparameterSpec("num_round", .integer(.atLeast(1)), required: true,
                           "Boosting rounds. Each round adds one tree per class (multi:*) or one tree, times num_parallel_tree."),
        HyperparameterSpec("num_class", .integer(.atLeast(2)),
                           "Number of classes; required by multi:softmax and multi:softprob (labels 0..num_class-1), not allowed otherwise."),
        HyperparameterSpec("csv_weights", .integer(.closed(0, 1)), default: "0",
                           "1: the second column of CSV channels (after the label) holds row weights."),
        HyperparameterSpec("early_stopping_rounds", .integer(.atLeast(1)),
                           "Stop when the last eval_metric (the objective's default metric without eval_metric; a tuning job's objective metric when set) on the validation channel has not improved for this many rounds; prediction uses the best round. Needs a validation channel."),
        HyperparameterSpec("booster", .choice(["gbtree", "gblinear", "dart"]), default: "gbtree",
                           effect: .conditional("Only gbtree is trained; gblinear and dart are rejected with an error."),
                           "Booster type."),
        HyperparameterSpec("verbosity", .integer(.closed(0, 3)), default: "1",
                           effect: .noEffect("the per-round metric lines are always printed; other XGBoost library messages do not exist here."),
                           "Verbosity of XGBoost's library messages."),
        HyperparameterSpec("nthread", .integer(.atLeast(1)),
                           "Threads used for training and prediction (default: all cores)."),
        HyperparameterSpec("eta", .float(.unit), default: "0.3",
                           "Learning rate: every leaf value is multiplied by eta. Alias: learning_rate."),
        HyperparameterSpec("learning_rate", .float(.unit), "Alias of eta."),
        HyperparameterSpec("gamma", .float(.nonNegative), default: "0",
                           "Minimum loss reduction a split must bring. Alias: min_split_loss."),
        HyperparameterSpec("min_split_loss", .float(.nonNegative), "Alias of gamma."),
        HyperparameterSpec("max_depth", .integer(.nonNegative), default: "6",
                           "Maximum tree depth; 0 means no limit and requires grow_policy lossguide."),
        HyperparameterSpec("min_child_weight", .float(.nonNegative), default: "1",
                           "Minimum sum of hessians (cover) in a child for a split to be kept."),
        HyperparameterSpec("max_delta_step", .float(.nonNegative), default: "0",
                           "Maximum absolute leaf weight before eta (0: no limit; count:poisson uses 0.7 when unset)."),
        HyperparameterSpec("subsample", .float(NumericBound(lower: 0, lowerInclusive: false, upper: 1)), default: "1",
                           "Fraction of rows sampled (without replacement) for each tree."),
        HyperparameterSpec("colsample_bytree", .float(NumericBound(lower: 0, lowerInclusive: false, upper: 1)), default: "1",
                           "Fraction of features sampled for each tree."),
        HyperparameterSpec("colsample_bylevel", .float(NumericBound(lower: 0, lowerInclusive: false, upper: 1)), default: "1",
                           "Fraction of the tree's features sampled for each depth level."),
        HyperparameterSpec("colsample_bynode", .float(NumericBound(lower: 0, lowerInclusive: false, upper: 1)), default: "1",
                           "Fraction of the level's features sampled for each split."),
        HyperparameterSpec("lambda", .float(.nonNegative), default: "1",
                           "L2 penalty on leaf weights. Alias: reg_lambda."),
        HyperparameterSpec("reg_lambda", .float(.nonNegative), "Alias of lambda."),
        HyperparameterSpec("alpha", .float(.nonNegative), default: "0",
                           "L1 penalty on leaf weights. Alias: reg_alpha."),
        HyperparameterSpec("reg_alpha", .float(.nonNegative), "Alias of alpha."),
        HyperparameterSpec("tree_method", .choice(["auto", "exact", "approx", "hist", "gpu_hist"]), default: "auto",
                           effect: .conditional("auto and hist train with histograms, as XGBoost 2.0 and later resolve auto. exact, approx and gpu_hist are accepted and also train with histograms on CPUs (a warning says so); splits may differ slightly from XGBoost's exact and approx methods."),
                           "Tree construction algorithm."),
        HyperparameterSpec("sketch_eps", .float(.openUnit), default: "0.03",
                           effect: .noEffect("a setting of tree_method approx; histogram bins come from max_bin."),
                           "Sketch accuracy of the approx method."),
        HyperparameterSpec("scale_pos_weight", .float(.positive), default: "1",
                           "Weight of positive rows for binary objectives (sum of negatives / sum of positives balances classes)."),
        HyperparameterSpec("updater", .text("a comma-separated list of XGBoost updaters, e.g. grow_histmaker,prune"),
                           effect: .noEffect("optml grows every tree with its histogram updater and prunes by gamma."),
                           "Sequence of tree updaters."),
        HyperparameterSpec("dsplit", .choice(["row", "col"]),
                           effect: .noEffect("distributed data splitting of old XGBoost versions; data is split by rows."),
                           "Data split mode for distributed training."),
        HyperparameterSpec("refresh_leaf", .integer(.closed(0, 1)), default: "1",
                           effect: .noEffect("a setting of the refresh updater (process_type update), which optml does not have."),
                           "Whether the refresh updater updates leaf values."),
        HyperparameterSpec("process_type", .choice(["default", "update"]), default: "default",
                           effect: .conditional("Only default (build new trees) is supported; update is rejected with an error."),
                           "Boosting process."),
        HyperparameterSpec("grow_policy", .choice(["depthwise", "lossguide"]), default: "depthwise",
                           "depthwise splits the nodes closest to the root first; lossguide splits the node with the largest loss reduction first."),
        HyperparameterSpec("max_leaves", .integer(.nonNegative), default: "0",
                           "Maximum leaves per tree (0: no limit); mostly used with grow_policy lossguide."),
        HyperparameterSpec("max_bin", .integer(.nonNegative), default: "256",
                           "Maximum histogram bins per feature."),
        HyperparameterSpec("predictor", .choice(["auto", "cpu_predictor", "gpu_predictor"]), default: "auto",
                           effect: .noEffect("prediction always runs on CPUs."),
                           "Prediction algorithm."),
        HyperparameterSpec("monotone_constraints", .text("a tuple of -1, 0 or 1 per feature, e.g. (1,-1,0)"),
                           "Monotone constraint per feature: 1 increasing, -1 decreasing, 0 none. Features beyond the tuple are unconstrained."),
        HyperparameterSpec("interaction_constraints", .text("a nested list of feature indices, e.g. [[0,1],[2,3,4]]"),
                           "Groups of features allowed to interact: every branch of a tree uses features of one group only."),
        HyperparameterSpec("sample_type", .choice(["uniform", "weighted"]), default: "uniform", effect: dartOnly,
                           "Dart: how dropped trees are selected."),
        HyperparameterSpec("normalize_type", .choice(["tree", "forest"]), default: "tree", effect: dartOnly,
                           "Dart: normalization of new trees."),
        HyperparameterSpec("rate_drop", .float(.unit), default: "0", effect: dartOnly,
                           "Dart: fraction of trees dropped per round."),
        HyperparameterSpec("skip_drop", .float(.unit), default: "0", effect: dartOnly,
                           "Dart: probability of skipping the dropout in a round."),
        HyperparameterSpec("one_drop", .integer(.closed(0, 1)), default: "0", effect: dartOnly,
                           "Dart: always drop at least one tree."),
        HyperparameterSpec("lambda_bias", .float(.unit), default: "0",
                           effect: .noEffect("a parameter of the gblinear booster."),
                           "L2 penalty on the bias of the linear booster."),
        HyperparameterSpec("tweedie_variance_power", .float(NumericBound(lower: 1, lowerInclusive: false, upper: 2, upperInclusive: false)),
                           default: "1.5",
                           "Variance power of reg:tweedie: near 1 like Poisson, near 2 like gamma."),
        HyperparameterSpec("huber_slope", .float(.positive), default: "1",
                           "Slope (delta) of reg:pseudohubererror (an XGBoost parameter the SageMaker container does not list)."),
        HyperparameterSpec("quantile_alpha", .float(.openUnit), default: "0.5",
                           "Quantile predicted by reg:quantileerror (an XGBoost parameter the SageMaker container does not list)."),
        HyperparameterSpec("objective", .choice(objectives), default: "reg:squarederror",
                           "Learning objective. rank:*, survival:* are rejected with an error; reg:linear is trained as reg:squarederror."),
        HyperparameterSpec("base_score", .float(.nonNegative),
                           "Initial prediction of every row, in the objective's output space (a probability for logistic objectives). Unset: estimated from the training labels, as XGBoost 2.0 and later do."),
        HyperparameterSpec("eval_metric", .text("a comma-separated list of metric names, e.g. auc,logloss or error@0.6"),
                           "Metrics printed every round for train and validation (default: the objective's metric). The last one drives early stopping."),
        HyperparameterSpec("seed", .integer(seedBound), default: "0",
                           "Random seed for row and feature sampling."),
        HyperparameterSpec("num_parallel_tree", .integer(.atLeast(1)), default: "1",
                           "Trees grown per class per round (boosted random forests when > 1)."),
        HyperparameterSpec("save_model_on_termination", .choice(["true", "false"]), default: "false",
                           "Save the model trained so far when the job is stopped (SIGTERM)."),
        HyperparameterSpec("aft_loss_distribution", .choice(["normal", "logistic", "extreme"]), default: "normal",
                           effect: .noEffect("a parameter of survival:aft, which optml does not train."),
                           "Distribution of survival:aft."),
        HyperparameterSpec("aft_loss_distribution_scale", .float(.nonNegative), default: "1",
                           effect: .noEffect("a parameter of survival:aft, which optml does not train."),
                           "Scale of the survival:aft distribution."),
        HyperparameterSpec("deterministic_histogram", .choice(["true", "false"]), default: "true",
                           effect: .noEffect("optml's histograms are always deterministic (same data, seed and threads give the same model)."),
                           "GPU histogram determinism."),
        HyperparameterSpec("sampling_method", .choice(["uniform", "gradient_based"]), default: "uniform",
                           effect: .conditional("Rows are sampled uniformly; gradient_based (a GPU method in XGBoost) is rejected with an error."),
                           "How subsample selects rows."),
        HyperparameterSpec("prob_buffer_row", .integer(NumericBound(lower: 1, lowerInclusive: false)), effect: gpuOnly,
                           "GPU prediction buffer size."),
        HyperparameterSpec("use_dask_gpu_training", .choice(["true", "false"]), default: "false", effect: gpuOnly,
                           "Multi-GPU training with Dask."),
        HyperparameterSpec("_kfold", .integer(.atLeast(2)),
                           effect: .conditional("k-fold cross-validation is not implemented; setting it is an error."),
                           "k-fold cross-validation folds."),
        HyperparameterSpec("_num_cv_round", .integer(.atLeast(1)), default: "1",
                           effect: .conditional("Used with _kfold only, which is not implemented."),
                           "Repetitions of k-fold cross-validation."),
    ])

    /// The `MetricDefinitions` SageMaker scrapes from an XGBoost training log (contract §7.2): one
    /// `train:<metric>` and one `validation:<metric>` per metric the container knows, matching the
    /// per-round line `[<round>]\t<data>-<metric>:<value>` as CloudWatch renders the tab (`#011`).
    public static let metricDefinitions: [MetricDefinition] = {
        let number = "([-+]?[0-9]*\\.?[0-9]+(?:[eE][-+]?[0-9]+)?)"
        var definitions: [MetricDefinition] = []
        for channel in ["train", "validation"] {
            for (metric, maximize) in maximizedMetrics.map({ ($0, true) }) + minimizedMetrics.map({ ($0, false) }) {
                definitions.append(MetricDefinition(
                    name: "\(channel):\(metric)", regex: ".*\\[[0-9]+\\].*#011\(channel)-\(metric):\(number).*",
                    maximize: maximize))
            }
        }
        return definitions
    }()
}
