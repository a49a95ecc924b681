import MLCore

/// How a tree chooses which open node to split next.
public enum GrowPolicy: String, Sendable, Equatable, CaseIterable {
    /// Level by level, as XGBoost's `grow_policy=depthwise`: every node of depth d is considered
    /// before any node of depth d + 1.
    case depthwise
    /// Best first, as XGBoost's `grow_policy=lossguide` (LightGBM's leaf-wise growth): the open node
    /// with the largest loss reduction is split next.
    case lossguide
}

/// The settings of one gradient-boosting run, with XGBoost's meaning for every field.
///
/// Field names are the camelCase of XGBoost's hyperparameters (`eta`, `max_depth` → `maxDepth`,
/// `colsample_bytree` → `colsampleByTree`, …) and the defaults are XGBoost's. `validate(featureCount:)`
/// checks the ranges and the cross-field rules; the trainer calls it before training.
public struct BoostingParameters: Sendable, Equatable {
    /// The loss and its parameters (`objective`, `num_class`, `scale_pos_weight`, …).
    public var objective: Objective
    /// `num_round`: boosting rounds.
    public var rounds: Int
    /// `eta`: the learning rate each leaf value is multiplied by.
    public var eta: Double = 0.3
    /// `gamma` (`min_split_loss`): a split whose loss reduction is below it is pruned away after
    /// the tree has grown (bottom-up, as XGBoost's pruner does).
    public var gamma: Double = 0.0
    /// `max_depth`: 0 means unlimited, which needs `growPolicy == .lossguide` or `maxLeaves > 0`.
    public var maxDepth: Int = 6
    /// `min_child_weight`: least hessian sum a child may hold.
    public var minChildWeight: Double = 1.0
    /// `max_delta_step`: bound on the absolute leaf weight before the learning rate; 0 = none.
    /// `count:poisson` also uses `objective.maxDeltaStep` in its hessian. When the user gives no
    /// `max_delta_step` with `count:poisson`, XGBoost sets 0.7 for both, so callers mapping
    /// hyperparameters should set this field and `objective.maxDeltaStep` to 0.7 then.
    public var maxDeltaStep: Double = 0.0
    /// `subsample`: fraction of rows drawn (without replacement, anew each round) for each tree.
    public var subsample: Double = 1.0
    /// `colsample_bytree`, `colsample_bylevel`, `colsample_bynode`: nested feature fractions.
    public var colsampleByTree: Double = 1.0
    public var colsampleByLevel: Double = 1.0
    public var colsampleByNode: Double = 1.0
    /// `lambda` (L2) and `alpha` (L1) penalties on leaf weights.
    public var lambda: Double = 1.0
    public var alpha: Double = 0.0
    /// `max_leaves`: most leaves per tree; 0 = no limit.
    public var maxLeaves: Int = 0
    public var growPolicy: GrowPolicy = .depthwise
    /// `max_bin`: most bins per feature. Bins are stored in one byte with one code reserved for
    /// missing values, so at most 255 value bins are used (256 is accepted and means 255).
    public var maxBin: Int = 256
    /// `base_score`, in the objective's output space (a probability for logistic objectives).
    /// `nil` estimates it from the training labels as XGBoost ≥ 2 does: the weighted mean of the
    /// labels for squared-error, logistic, Poisson, gamma and Tweedie objectives (for logistic ones
    /// with `scale_pos_weight` ≠ 1, the sigmoid of one Newton step from a zero margin), the weighted
    /// median (quantile) for absolute (quantile) error, one Newton step from a zero margin for
    /// pseudo-Huber and squared-log error, for hinge 1 if that step is positive and 0 otherwise,
    /// and 0.5 for the multi-class objectives (XGBoost 3 estimates one intercept per class there,
    /// which this single value cannot hold; a common shift of all margins leaves the softmax as is).
    public var baseScore: Double? = nil
    /// `seed` of row and feature sampling.
    public var seed: UInt64 = 0
    /// `num_parallel_tree`: trees grown per output group and round (boosted random forests).
    public var parallelTrees: Int = 1
    /// `monotone_constraints`: per feature −1 (decreasing), 0 (free) or 1 (increasing); empty = none.
    /// Shorter than the feature count means the remaining features are free.
    public var monotoneConstraints: [Int] = []
    /// `interaction_constraints`: sets of feature indices allowed to interact along one branch.
    public var interactionConstraints: [[Int]] = []
    /// `early_stopping_rounds`: stop when the last metric on the last evaluation set has not
    /// improved for this many rounds.
    public var earlyStoppingRounds: Int? = nil
    /// `eval_metric`, in order; empty means the objective's default metric.
    public var evalMetrics: [EvalMetric] = []
    /// Worker threads for histogram building (`nthread`).
    public var threads: Int = 1

    public init(objective: Objective, rounds: Int) {
        self.objective = objective
        self.rounds = rounds
    }

    /// The metrics reported each round: `evalMetrics`, or the objective's default metric.
    public var effectiveMetrics: [EvalMetric] {
        evalMetrics.isEmpty ? [EvalMetric.defaultMetric(for: objective)] : evalMetrics
    }

    /// Checks every range and the cross-field rules.
    ///
    /// - Parameter featureCount: columns of the training data, to check constraint indices.
    /// - Throws: `OptmlError.user` naming the hyperparameter, the bad value and the valid range.
    public func validate(featureCount: Int) throws {
        func check(_ ok: Bool, _ name: String, _ value: Any, _ range: String) throws {
            if !ok { throw OptmlError.user("Hyperparameter \(name): \(value) is not in \(range).") }
        }
        try check(rounds >= 1, "num_round", rounds, "[1, +inf)")
        try check(eta >= 0 && eta <= 1, "eta", eta, "[0, 1]")
        try check(gamma >= 0, "gamma", gamma, "[0, +inf)")
        try check(maxDepth >= 0, "max_depth", maxDepth, "[0, +inf)")
        try check(minChildWeight >= 0, "min_child_weight", minChildWeight, "[0, +inf)")
        try check(maxDeltaStep >= 0, "max_delta_step", maxDeltaStep, "[0, +inf)")
        try check(subsample > 0 && subsample <= 1, "subsample", subsample, "(0, 1]")
        try check(colsampleByTree > 0 && colsampleByTree <= 1, "colsample_bytree", colsampleByTree, "(0, 1]")
        try check(colsampleByLevel > 0 && colsampleByLevel <= 1, "colsample_bylevel", colsampleByLevel, "(0, 1]")
        try check(colsampleByNode > 0 && colsampleByNode <= 1, "colsample_bynode", colsampleByNode, "(0, 1]")
        try check(lambda >= 0, "lambda", lambda, "[0, +inf)")
        try check(alpha >= 0, "alpha", alpha, "[0, +inf)")
        try check(maxLeaves >= 0, "max_leaves", maxLeaves, "[0, +inf)")
        try check(maxBin >= 2, "max_bin", maxBin, "[2, +inf)")
        try check(parallelTrees >= 1, "num_parallel_tree", parallelTrees, "[1, +inf)")
        try check(threads >= 1, "nthread", threads, "[1, +inf)")
        if let rounds = earlyStoppingRounds { try check(rounds >= 1, "early_stopping_rounds", rounds, "[1, +inf)") }
        if maxDepth == 0 && growPolicy == .depthwise && maxLeaves == 0 {
            throw OptmlError.user("Hyperparameter max_depth: 0 (no depth limit) needs grow_policy 'lossguide' or max_leaves > 0; set max_depth to a positive value or grow_policy to 'lossguide'.")
        }
        let k = objective.classCount
        switch objective.kind {
        case .multiSoftmax, .multiSoftprob:
            if k < 2 { throw OptmlError.user("Hyperparameter num_class: \(k) is not in [2, +inf); objective '\(objective.kind.rawValue)' needs the number of classes.") }
        default: break
        }
        try check(objective.scalePositiveWeight > 0, "scale_pos_weight", objective.scalePositiveWeight, "(0, +inf)")
        try check(objective.huberSlope > 0, "huber_slope", objective.huberSlope, "(0, +inf)")
        try check(objective.quantileAlpha > 0 && objective.quantileAlpha < 1, "quantile_alpha", objective.quantileAlpha, "(0, 1)")
        try check(objective.tweedieVariancePower > 1 && objective.tweedieVariancePower < 2, "tweedie_variance_power",
                  objective.tweedieVariancePower, "(1, 2)")
        try check(objective.maxDeltaStep >= 0, "max_delta_step", objective.maxDeltaStep, "[0, +inf)")
        if monotoneConstraints.count > featureCount {
            throw OptmlError.user("Hyperparameter monotone_constraints: \(monotoneConstraints.count) entries given but the data has \(featureCount) features; give at most one entry per feature.")
        }
        for (i, c) in monotoneConstraints.enumerated() where !(c == -1 || c == 0 || c == 1) {
            throw OptmlError.user("Hyperparameter monotone_constraints: entry \(i) is \(c); each entry must be -1 (decreasing), 0 (free) or 1 (increasing).")
        }
        for set in interactionConstraints {
            for f in set where f < 0 || f >= featureCount {
                throw OptmlError.user("Hyperparameter interaction_constraints: feature index \(f) is out of range; the data has features 0...\(featureCount - 1).")
            }
        }
    }
}
