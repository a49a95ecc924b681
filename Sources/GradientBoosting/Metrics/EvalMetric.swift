import Foundation
import MLCore

/// An evaluation metric of XGBoost's `eval_metric`, printed each round as `<data>-<name>:<value>`.
///
/// Metrics are computed on predictions in the objective's output space (probabilities for the
/// logistic and multi-class objectives, means for Poisson/gamma/Tweedie), weighted by the row
/// weights when the set has them, with XGBoost's formulas (see `MetricEvaluation`).
public enum EvalMetric: Sendable, Equatable, Hashable {
    case rmse, rmsle, mae, mape
    /// Mean pseudo-Huber error, with the objective's `huber_slope` (1 by default).
    case mphe
    case logloss
    /// Binary error rate: a prediction above `threshold` counts as class 1 (`error`, `error@t`).
    case error(threshold: Double)
    case merror, mlogloss
    case auc, aucpr
    case poissonNLogLik, gammaNLogLik, gammaDeviance
    case tweedieNLogLik(rho: Double)
    /// Pinball loss at the objective's `quantile_alpha` (the default metric of `reg:quantileerror`).
    case quantile

    /// The names `init(parsing:)` accepts, for messages.
    public static let validNames = ["rmse", "rmsle", "mae", "mape", "mphe", "logloss", "error", "error@<t>", "merror",
                                    "mlogloss", "auc", "aucpr", "poisson-nloglik", "gamma-nloglik", "gamma-deviance",
                                    "tweedie-nloglik", "tweedie-nloglik@<rho>", "quantile"]

    /// Parses one `eval_metric` entry, e.g. `rmse`, `error@0.7`, `tweedie-nloglik@1.5`.
    ///
    /// - Throws: `OptmlError.user` naming the entry and listing the valid names.
    public init(parsing text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let parts = trimmed.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        let base = parts[0]
        var parameter: Double?
        if parts.count == 2 {
            guard let value = Double(parts[1]), value.isFinite else {
                throw OptmlError.user("Threshold value '\(parts[1])' in '\(trimmed)' expects float input.")
            }
            parameter = value
        }
        switch (base, parameter) {
        case ("rmse", nil): self = .rmse
        case ("rmsle", nil): self = .rmsle
        case ("mae", nil): self = .mae
        case ("mape", nil): self = .mape
        case ("mphe", nil): self = .mphe
        case ("logloss", nil): self = .logloss
        case ("error", let t): self = .error(threshold: t ?? 0.5)
        case ("merror", nil): self = .merror
        case ("mlogloss", nil): self = .mlogloss
        case ("auc", nil): self = .auc
        case ("aucpr", nil): self = .aucpr
        case ("poisson-nloglik", nil): self = .poissonNLogLik
        case ("gamma-nloglik", nil): self = .gammaNLogLik
        case ("gamma-deviance", nil): self = .gammaDeviance
        case ("tweedie-nloglik", let rho):
            let r = rho ?? 1.5
            guard r >= 1 && r < 2 else {
                throw OptmlError.user("Metric '\(trimmed)': the Tweedie variance power must be in [1, 2).")
            }
            self = .tweedieNLogLik(rho: r)
        case ("quantile", nil): self = .quantile
        default:
            if parameter != nil, Self.validNames.contains(base) {
                throw OptmlError.user("Metric '\(trimmed)' is not supported. Parameter 'eval_metric' with customized threshold should be one of these options: 'error', 'tweedie-nloglik'.")
            }
            throw OptmlError.user("Metric '\(trimmed)' is not supported; eval_metric entries must be one of: \(Self.validNames.joined(separator: ", ")).")
        }
    }

    /// The name as XGBoost prints it in the per-round lines (`error@0.7`, `tweedie-nloglik@1.5`).
    public var name: String {
        switch self {
        case .rmse: "rmse"
        case .rmsle: "rmsle"
        case .mae: "mae"
        case .mape: "mape"
        case .mphe: "mphe"
        case .logloss: "logloss"
        case .error(let t): t == 0.5 ? "error" : "error@\(Self.format(t))"
        case .merror: "merror"
        case .mlogloss: "mlogloss"
        case .auc: "auc"
        case .aucpr: "aucpr"
        case .poissonNLogLik: "poisson-nloglik"
        case .gammaNLogLik: "gamma-nloglik"
        case .gammaDeviance: "gamma-deviance"
        case .tweedieNLogLik(let rho): "tweedie-nloglik@\(Self.format(rho))"
        case .quantile: "quantile"
        }
    }

    /// Whether larger values are better (early stopping maximises these).
    public var higherIsBetter: Bool {
        switch self {
        case .auc, .aucpr: true
        default: false
        }
    }

    /// The metric XGBoost reports when `eval_metric` is not given.
    public static func defaultMetric(for objective: Objective) -> EvalMetric {
        switch objective.kind {
        case .squaredError, .logistic: .rmse
        case .squaredLogError: .rmsle
        case .pseudoHuberError: .mphe
        case .absoluteError: .mae
        case .quantileError: .quantile
        case .binaryLogistic, .binaryLogitRaw: .logloss
        case .binaryHinge: .error(threshold: 0.5)
        case .countPoisson: .poissonNLogLik
        case .gamma: .gammaDeviance
        case .tweedie: .tweedieNLogLik(rho: objective.tweedieVariancePower)
        case .multiSoftmax, .multiSoftprob: .mlogloss
        }
    }

    /// A number the way C++ streams print a float: up to 6 significant digits, no trailing zeros.
    private static func format(_ value: Double) -> String {
        String(format: "%g", value)
    }
}
