extension BinaryMetrics {
    /// Picks the decision threshold that optimises `criterion` on a (validation) set.
    ///
    /// Semantics:
    /// - An example is predicted positive iff `score >= threshold`.
    /// - Candidates are the distinct scores of the examples with non-zero weight, plus
    ///   `max(scores).nextUp`, the threshold above every score ("all negative").
    /// - `accuracy` and `fBeta` maximise the metric. `precisionAtTargetRecall(r)` maximises
    ///   precision among candidates with recall >= r; `recallAtTargetPrecision(p)` maximises
    ///   recall among candidates with precision >= p. Precision is 0 when nothing is predicted
    ///   positive and recall is 0 when there are no positives, as in `BinaryConfusion`.
    /// - Ties go to the higher threshold (candidates are visited from the highest down and only
    ///   a strict improvement moves the choice).
    /// - When no candidate reaches the target, the choice is the candidate whose constrained
    ///   quantity (recall, resp. precision) is largest, i.e. closest to the target, then the best
    ///   objective, then the higher threshold; `met` is false.
    /// - When the total weight is zero the choice is the all-negative threshold with `value` NaN
    ///   (accuracy) or 0.
    ///
    /// Cost: one O(n log n) sort and one pass. Empty input, non-finite scores and labels other
    /// than 0/1 trap.
    public static func bestThreshold(labels: [Double], scores: [Double], weights: [Double]? = nil,
                                     criterion: ThresholdCriterion) -> ThresholdChoice {
        let sweep = checkedSweep(labels: labels, scores: scores, weights: weights)
        switch criterion {
        case .accuracy: break
        case .fBeta(let beta):
            precondition(beta > 0, "bestThreshold: f_beta must be positive, got \(beta)")
        case .precisionAtTargetRecall(let target), .recallAtTargetPrecision(let target):
            precondition(target > 0 && target <= 1, "bestThreshold: target must lie in (0, 1], got \(target)")
        }

        let allNegative = BinaryConfusion(tp: 0, fp: 0, tn: sweep.negativeWeight, fn: sweep.positiveWeight)
        let aboveMax = scores.max()!.nextUp
        // Candidate -1 is "all negative"; candidate i >= 0 is sweep.thresholds[i].
        func candidate(_ i: Int) -> (threshold: Double, confusion: BinaryConfusion) {
            i < 0 ? (aboveMax, allNegative) : (sweep.thresholds[i], sweep.confusion(at: i))
        }

        switch criterion {
        case .accuracy, .fBeta:
            let score: (BinaryConfusion) -> Double = {
                if case .fBeta(let beta) = criterion { return { $0.fBeta(beta) } }
                return { $0.accuracy }
            }()
            var best = (index: -1, value: score(allNegative))
            for i in 0 ..< sweep.count {
                let v = score(sweep.confusion(at: i))
                if v > best.value || (best.value.isNaN && !v.isNaN) { best = (i, v) }
            }
            return ThresholdChoice(threshold: candidate(best.index).threshold, value: best.value, met: true)

        case .precisionAtTargetRecall(let target), .recallAtTargetPrecision(let target):
            let recallIsConstrained: Bool
            if case .precisionAtTargetRecall = criterion { recallIsConstrained = true } else { recallIsConstrained = false }
            func split(_ c: BinaryConfusion) -> (objective: Double, constraint: Double) {
                recallIsConstrained ? (c.precision, c.recall) : (c.recall, c.precision)
            }
            var feasible: (index: Int, objective: Double)?
            var closest = (index: -1, constraint: -Double.infinity, objective: -Double.infinity)
            for i in -1 ..< sweep.count {
                let (objective, constraint) = split(candidate(i).confusion)
                if constraint >= target {
                    if feasible == nil || objective > feasible!.objective { feasible = (i, objective) }
                } else if feasible == nil,
                          constraint > closest.constraint
                          || (constraint == closest.constraint && objective > closest.objective) {
                    closest = (i, constraint, objective)
                }
            }
            if let feasible {
                return ThresholdChoice(threshold: candidate(feasible.index).threshold, value: feasible.objective, met: true)
            }
            return ThresholdChoice(threshold: candidate(closest.index).threshold, value: closest.objective, met: false)
        }
    }
}
