import MLCore

/// Trains a gradient-boosted tree ensemble with XGBoost's `hist` semantics.
public struct BoostingTrainer: Sendable {
    public var parameters: BoostingParameters

    public init(parameters: BoostingParameters) {
        self.parameters = parameters
    }

    /// Trains on `train`, reporting metrics of every evaluation set after each round.
    ///
    /// - Parameters:
    ///   - evaluationSets: named sets (e.g. `train`, `validation`) evaluated after every round, in
    ///     this order; early stopping watches the last metric of the last set.
    ///   - onRound: called after round `r` (0-based) with `(data, metric, value)` for every set and
    ///     metric, sets outer and metrics inner, so the caller can print `[r]\ttrain-rmse:…`.
    ///   - shouldStop: polled between rounds; when it returns true training ends by throwing.
    /// - Returns: the ensemble with all trees grown; `bestIteration` is set when early stopping ran.
    /// - Throws: `OptmlError.user` for invalid parameters or data; `OptmlError.platform` when
    ///   `shouldStop` asked training to end.
    public func train(_ train: BoostingData, evaluationSets: [(name: String, data: BoostingData)],
                      onRound: (Int, [(data: String, metric: String, value: Double)]) -> Void,
                      shouldStop: () -> Bool) throws -> TreeEnsemble {
        throw OptmlError.algorithm("gradient boosting training is not available in this build")
    }
}
