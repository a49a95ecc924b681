import Foundation
import MLCore

/// The link between margins (sums of leaf values) and predictions, per objective, computed in
/// single precision exactly as XGBoost computes it so that predictions agree to the last bits.
extension Objective {
    /// What `predict` returns per row.
    public enum OutputKind: Sendable, Equatable {
        /// One value per row (a probability, a count, a regression value, a 0/1 decision, or a class index).
        case scalar
        /// `classCount` probabilities per row (`multi:softprob`).
        case classProbabilities
    }

    /// The shape of a prediction.
    public var outputKind: OutputKind { kind == .multiSoftprob ? .classProbabilities : .scalar }

    /// Values `predict` writes per row: `classCount` for `multi:softprob`, else 1.
    public var predictionWidth: Int { kind == .multiSoftprob ? classCount : 1 }

    /// Whether the objective's output is the inverse logit of the margin.
    var usesSigmoid: Bool { kind == .binaryLogistic || kind == .logistic }

    /// Whether the objective's output is the exponential of the margin (log link).
    var usesExp: Bool { kind == .countPoisson || kind == .gamma || kind == .tweedie }

    /// Maps `base_score` (output space) to the margin every row starts from, as XGBoost does:
    /// logit for the logistic objectives, log for Poisson, gamma and Tweedie, identity otherwise.
    ///
    /// - Throws: `OptmlError.user` when the score is outside the link's domain (a probability
    ///   outside (0, 1), a non-positive mean).
    public func baseMargin(fromBaseScore score: Double) throws -> Float {
        let s = Float(score)
        if usesSigmoid {
            guard s > 0 && s < 1 else {
                throw OptmlError.user("base_score \(score) is not in (0, 1); objective '\(kind.rawValue)' needs a probability (base_score must be in (0,1) for logistic loss).")
            }
            return -logf(1 / s - 1)
        }
        if usesExp {
            guard s > 0 else {
                throw OptmlError.user("base_score \(score) is not positive; objective '\(kind.rawValue)' predicts exp(margin), so base_score must be > 0.")
            }
            return logf(s)
        }
        return s
    }

    /// Maps a starting margin back to `base_score` (output space): the inverse of `baseMargin(fromBaseScore:)`.
    public func baseScore(fromBaseMargin margin: Double) -> Double {
        if usesSigmoid { return 1 / (1 + exp(-margin)) }
        if usesExp { return exp(margin) }
        return margin
    }

    /// Turns one row's margins (`outputGroups` values) into its prediction (`predictionWidth`
    /// values), in place for the single-output objectives.
    ///
    /// sigmoid for `binary:logistic` and `reg:logistic`; exp for `count:poisson`, `reg:gamma` and
    /// `reg:tweedie`; 1 when the margin is > 0, else 0 for `binary:hinge`; softmax for
    /// `multi:softprob`; the index of the largest margin (first on ties) for `multi:softmax`;
    /// the margin itself otherwise.
    func transform(margins: UnsafeMutablePointer<Float>, into output: UnsafeMutablePointer<Float>) {
        switch kind {
        case .binaryLogistic, .logistic:
            output[0] = 1 / (1 + expf(-margins[0]))
        case .countPoisson, .gamma, .tweedie:
            output[0] = expf(margins[0])
        case .binaryHinge:
            output[0] = margins[0] > 0 ? 1 : 0
        case .multiSoftprob:
            var largest = margins[0]
            for k in 1..<classCount where margins[k] > largest { largest = margins[k] }
            var sum: Float = 0
            for k in 0..<classCount {
                let e = expf(margins[k] - largest)
                output[k] = e
                sum += e
            }
            for k in 0..<classCount { output[k] /= sum }
        case .multiSoftmax:
            var best = 0
            for k in 1..<classCount where margins[k] > margins[best] { best = k }
            output[0] = Float(best)
        case .squaredError, .squaredLogError, .pseudoHuberError, .absoluteError, .quantileError, .binaryLogitRaw:
            output[0] = margins[0]
        }
    }
}
