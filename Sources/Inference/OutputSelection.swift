import MLCore
import BuiltinAlgorithms

/// Selectable inference output: `SAGEMAKER_INFERENCE_OUTPUT="predicted_label,probabilities"`
/// reshapes XGBoost answers into the named keys (contract §4.5), computed from each record's
/// score as the SageMaker XGBoost container computes them.
///
/// | key | binary:logistic | binary:logitraw, binary:hinge, multi:softmax | multi:softprob | regression |
/// |---|---|---|---|---|
/// | `predicted_label` | `int(p > 0.5)` | `int(m > 0)`, the label, the class | argmax | NaN |
/// | `labels` | `[0, 1]` | `[0, 1]` or `[0, …, K-1]` | `[0, …, K-1]` | NaN |
/// | `probability` | p | NaN | max p | NaN |
/// | `probabilities` | `[1-p, p]` | NaN | the vector | NaN |
/// | `raw_score` | p | the score | max p | NaN |
/// | `raw_scores` | `[1-p, p]` | `[1-s, s]` | the vector | NaN |
/// | `predicted_score` | NaN | NaN | NaN | the prediction |
///
/// A key the objective cannot answer is written as NaN, as the reference does. Every
/// regression objective answers `predicted_score` (the reference lists four and fails the
/// others). Keys outside the seven are refused when the server starts, naming the valid ones.
public struct OutputSelection: Sendable, Equatable {
    public enum Key: String, Sendable, CaseIterable {
        case predictedLabel = "predicted_label"
        case labels
        case probability
        case probabilities
        case rawScore = "raw_score"
        case rawScores = "raw_scores"
        case predictedScore = "predicted_score"
    }

    /// One key's value for one record.
    public enum Value: Sendable, Equatable {
        /// A number; `integer` prints it without a fraction (`1`), else as a float (`1.0`).
        case number(Double, integer: Bool)
        case list([Double], integers: Bool)
        case notApplicable
    }

    /// The environment variable.
    public static let variable = "SAGEMAKER_INFERENCE_OUTPUT"

    /// The keys in the order the variable names them (CSV columns follow this order).
    public let keys: [Key]
    public let meaning: ScoreMeaning
    /// The keys this objective answers (`valid(for: meaning)`).
    private let answerable: Set<Key>
    /// The keys of a JSON object or a RecordIO record: each once, the answerable ones in the
    /// reference's fixed order, then the others in the order named.
    public let objectKeys: [Key]

    /// Parses the variable's value: comma-separated keys, spaces ignored, any case.
    ///
    /// - Throws: `OptmlError.user` naming an unknown key and the valid ones, or an empty list.
    public init(_ text: String, meaning: ScoreMeaning) throws {
        let names = text.replacingOccurrences(of: " ", with: "").lowercased().split(separator: ",", omittingEmptySubsequences: true)
        var keys: [Key] = []
        for name in names {
            guard let key = Key(rawValue: String(name)) else {
                throw OptmlError.user("\(Self.variable) names '\(name)', which is not a selectable output; use a comma-separated "
                    + "list of " + Key.allCases.map(\.rawValue).joined(separator: ", ") + ".")
            }
            keys.append(key)
        }
        guard !keys.isEmpty else {
            throw OptmlError.user("\(Self.variable) is set but names no keys; use a comma-separated list of "
                + Key.allCases.map(\.rawValue).joined(separator: ", ") + ", or unset it.")
        }
        self.keys = keys
        self.meaning = meaning
        let answerable = Self.valid(for: meaning)
        self.answerable = answerable
        let named = Set(keys)
        var objectKeys = Key.allCases.filter { named.contains($0) && answerable.contains($0) }
        for key in keys where !answerable.contains(key) && !objectKeys.contains(key) { objectKeys.append(key) }
        self.objectKeys = objectKeys
    }

    /// The keys the objective answers.
    public static func valid(for meaning: ScoreMeaning) -> Set<Key> {
        switch meaning {
        case .regression: [.predictedScore]
        case .probabilityOfOne, .classProbabilities: [.predictedLabel, .labels, .probability, .probabilities, .rawScore, .rawScores]
        case .marginOfOne, .hingeLabel, .classIndex: [.predictedLabel, .labels, .rawScore, .rawScores]
        }
    }

    /// Keys named that this objective answers with NaN.
    public var unanswerable: [Key] { keys.filter { !answerable.contains($0) } }

    /// `key` for record `i` of `predictions`.
    public func value(_ key: Key, row i: Int, of predictions: Predictions) -> Value {
        guard answerable.contains(key) else { return .notApplicable }
        let w = predictions.scoreWidth
        let score = predictions.scores[i * w]
        switch (key, meaning) {
        case (.predictedScore, _):
            return .number(score, integer: false)
        case (.labels, .classIndex(let k)), (.labels, .classProbabilities(let k)):
            return .list((0..<k).map(Double.init), integers: true)
        case (.labels, _):
            return .list([0, 1], integers: true)
        case (.predictedLabel, .probabilityOfOne):
            return .number(score > 0.5 ? 1 : 0, integer: true)
        case (.predictedLabel, .marginOfOne):
            return .number(score > 0 ? 1 : 0, integer: true)
        case (.predictedLabel, .classProbabilities):
            return .number(Double(argmax(predictions, i)), integer: true)
        case (.predictedLabel, _):
            return .number(score, integer: false)
        case (.probability, .classProbabilities), (.rawScore, .classProbabilities):
            return .number(predictions.scores[i * w + argmax(predictions, i)], integer: false)
        case (.probabilities, .classProbabilities), (.rawScores, .classProbabilities):
            return .list(Array(predictions.scores(ofRow: i)), integers: false)
        case (.probability, _), (.rawScore, _):
            return .number(score, integer: false)
        case (.probabilities, _), (.rawScores, _):
            return .list([1 - score, score], integers: false)
        }
    }

    /// The first class of highest probability (numpy's argmax).
    private func argmax(_ predictions: Predictions, _ i: Int) -> Int {
        let w = predictions.scoreWidth
        var best = 0
        for k in 1..<max(1, w) where predictions.scores[i * w + k] > predictions.scores[i * w + best] { best = k }
        return best
    }
}
