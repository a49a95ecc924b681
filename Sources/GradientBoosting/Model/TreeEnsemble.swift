/// A trained gradient-boosted model: what `model/xgboost-model` holds, in memory.
///
/// The margin of a row for output group `g` is `baseMargin + Σ leaf(tree)` over the trees with
/// `treeGroups[t] == g` (only the first `usedTreeCount` trees when early stopping chose a best
/// iteration); the objective then maps margins to predictions.
public struct TreeEnsemble: Sendable, Equatable {
    public var objective: Objective
    /// Feature columns a row must have.
    public var featureCount: Int
    /// XGBoost's `learner_model_param.base_score`: the global bias in the objective's output
    /// space (a probability for logistic objectives, a mean for `count:poisson`, …).
    public var baseScore: Double
    public var trees: [RegressionTree]
    /// The output group (class) of each tree: XGBoost's `tree_info`.
    public var treeGroups: [Int32]
    /// `num_parallel_tree`: trees per group per round (> 1 for boosted random forests).
    public var parallelTreeCount: Int
    /// The best round (0-based) when early stopping ran; prediction then uses rounds
    /// `0...bestIteration` only, as the SageMaker XGBoost container does.
    public var bestIteration: Int?

    public init(objective: Objective, featureCount: Int, baseScore: Double, trees: [RegressionTree] = [],
                treeGroups: [Int32] = [], parallelTreeCount: Int = 1, bestIteration: Int? = nil) {
        precondition(trees.count == treeGroups.count, "one group per tree")
        self.objective = objective
        self.featureCount = featureCount
        self.baseScore = baseScore
        self.trees = trees
        self.treeGroups = treeGroups
        self.parallelTreeCount = parallelTreeCount
        self.bestIteration = bestIteration
    }

    /// Trees per boosting round.
    public var treesPerRound: Int { objective.outputGroups * parallelTreeCount }

    /// Boosting rounds held.
    public var roundCount: Int { treesPerRound == 0 ? 0 : trees.count / treesPerRound }

    /// Trees prediction uses: all of them, or those up to and including the best round.
    public var usedTreeCount: Int {
        guard let best = bestIteration else { return trees.count }
        return min(trees.count, (best + 1) * treesPerRound)
    }
}
