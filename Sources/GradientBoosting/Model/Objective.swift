/// A learning objective of XGBoost, by its name in the `objective` hyperparameter, with the
/// parameters that shape it.
///
/// The gradient math lives in `Objectives/`, the margin ↔ output transforms in `Model/`.
public struct Objective: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case squaredError = "reg:squarederror"
        case squaredLogError = "reg:squaredlogerror"
        case logistic = "reg:logistic"
        case pseudoHuberError = "reg:pseudohubererror"
        case absoluteError = "reg:absoluteerror"
        case quantileError = "reg:quantileerror"
        case binaryLogistic = "binary:logistic"
        case binaryLogitRaw = "binary:logitraw"
        case binaryHinge = "binary:hinge"
        case countPoisson = "count:poisson"
        case gamma = "reg:gamma"
        case tweedie = "reg:tweedie"
        case multiSoftmax = "multi:softmax"
        case multiSoftprob = "multi:softprob"
    }

    public var kind: Kind
    /// Classes for `multi:*` (the `num_class` hyperparameter); 1 otherwise.
    public var classCount: Int
    /// `scale_pos_weight`: weight of positive rows for binary objectives.
    public var scalePositiveWeight: Double
    /// `huber_slope` of `reg:pseudohubererror`.
    public var huberSlope: Double
    /// `quantile_alpha` of `reg:quantileerror`.
    public var quantileAlpha: Double
    /// `tweedie_variance_power` of `reg:tweedie`, in (1, 2).
    public var tweedieVariancePower: Double
    /// `max_delta_step` as the objective sees it (XGBoost raises it to 0.7 for `count:poisson`).
    public var maxDeltaStep: Double

    public init(kind: Kind, classCount: Int = 1, scalePositiveWeight: Double = 1, huberSlope: Double = 1,
                quantileAlpha: Double = 0.5, tweedieVariancePower: Double = 1.5, maxDeltaStep: Double = 0) {
        self.kind = kind
        self.classCount = classCount
        self.scalePositiveWeight = scalePositiveWeight
        self.huberSlope = huberSlope
        self.quantileAlpha = quantileAlpha
        self.tweedieVariancePower = tweedieVariancePower
        self.maxDeltaStep = maxDeltaStep
    }

    /// Trees grown per boosting round (per parallel tree): one per class for `multi:*`, else one.
    public var outputGroups: Int {
        switch kind {
        case .multiSoftmax, .multiSoftprob: return classCount
        default: return 1
        }
    }
}
