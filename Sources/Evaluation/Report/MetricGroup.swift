/// One metric group of `evaluation.json` (`binary_classification_metrics`, …): an ordered list
/// of named entries, each a scalar metric, a confusion matrix or a curve.
///
/// Encoded as a JSON object whose keys keep this order. Decoding accepts any entry in Model
/// Monitor's shapes and keeps the document's order.
public struct MetricGroup: Codable, Sendable, Equatable {
    /// One value of the group.
    public enum Entry: Sendable, Equatable {
        /// `{"value": …, "standard_deviation": …}`.
        case metric(MetricValue)
        /// `{"<actual>": {"<predicted>": weight}}` with class names as keys, rows and columns in
        /// `classes` order.
        case confusionMatrix(classes: [String], counts: [[Double]])
        /// `{"false_positive_rates": […], "true_positive_rates": […]}`.
        case rocCurve(falsePositiveRates: [Double], truePositiveRates: [Double])
        /// `{"precisions": […], "recalls": […]}`.
        case precisionRecallCurve(precisions: [Double], recalls: [Double])
    }

    public private(set) var names: [String] = []
    public private(set) var entries: [String: Entry] = [:]

    public init() {}

    /// Adds or replaces `name`; a new name goes to the end.
    public mutating func set(_ name: String, _ entry: Entry) {
        if entries[name] == nil { names.append(name) }
        entries[name] = entry
    }

    public subscript(name: String) -> Entry? { entries[name] }

    /// The scalar metric `name`, if the group has one by that name.
    public func metric(_ name: String) -> MetricValue? {
        if case .metric(let m)? = entries[name] { return m }
        return nil
    }

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ s: String) { stringValue = s }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    enum CurveKeys: String, CodingKey {
        case falsePositiveRates = "false_positive_rates"
        case truePositiveRates = "true_positive_rates"
        case precisions, recalls
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        for name in names {
            switch entries[name]! {
            case .metric(let m):
                try container.encode(m, forKey: Key(name))
            case .confusionMatrix(let classes, let counts):
                var matrix = container.nestedContainer(keyedBy: Key.self, forKey: Key(name))
                for (a, actual) in classes.enumerated() {
                    var row = matrix.nestedContainer(keyedBy: Key.self, forKey: Key(actual))
                    for (p, predicted) in classes.enumerated() { try row.encode(counts[a][p], forKey: Key(predicted)) }
                }
            case .rocCurve(let fpr, let tpr):
                var curve = container.nestedContainer(keyedBy: CurveKeys.self, forKey: Key(name))
                try curve.encode(fpr, forKey: .falsePositiveRates)
                try curve.encode(tpr, forKey: .truePositiveRates)
            case .precisionRecallCurve(let precisions, let recalls):
                var curve = container.nestedContainer(keyedBy: CurveKeys.self, forKey: Key(name))
                try curve.encode(precisions, forKey: .precisions)
                try curve.encode(recalls, forKey: .recalls)
            }
        }
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        // JSON objects are unordered to Codable; keys come back in the decoder's order.
        for key in container.allKeys {
            if let m = try? container.decode(MetricValue.self, forKey: key) {
                set(key.stringValue, .metric(m))
            } else if let curve = try? container.nestedContainer(keyedBy: CurveKeys.self, forKey: key),
                      curve.contains(.falsePositiveRates) {
                set(key.stringValue, .rocCurve(falsePositiveRates: try curve.decode([Double].self, forKey: .falsePositiveRates),
                                               truePositiveRates: try curve.decode([Double].self, forKey: .truePositiveRates)))
            } else if let curve = try? container.nestedContainer(keyedBy: CurveKeys.self, forKey: key),
                      curve.contains(.precisions) {
                set(key.stringValue, .precisionRecallCurve(precisions: try curve.decode([Double].self, forKey: .precisions),
                                                           recalls: try curve.decode([Double].self, forKey: .recalls)))
            } else {
                let matrix = try container.decode([String: [String: Double]].self, forKey: key)
                let classes = matrix.keys.sorted { (Int($0) ?? Int.max, $0) < (Int($1) ?? Int.max, $1) }
                let counts = classes.map { a in classes.map { p in matrix[a]?[p] ?? 0 } }
                set(key.stringValue, .confusionMatrix(classes: classes, counts: counts))
            }
        }
    }
}
