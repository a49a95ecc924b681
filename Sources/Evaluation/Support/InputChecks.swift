/// Preconditions shared by every metric: they catch programming errors (mismatched lengths,
/// empty inputs, labels of the wrong kind), never data-dependent conditions, which the metrics
/// report through their documented return values instead.
enum InputChecks {
    /// Non-empty, equally long inputs; `weights`, when present, finite and non-negative.
    static func sizes(labels: Int, other: Int, otherName: String, weights: [Double]?, function: StaticString = #function) {
        precondition(labels > 0, "\(function): empty input (the metric is undefined for zero examples)")
        precondition(other == labels, "\(function): \(labels) labels but \(other) \(otherName)")
        if let weights {
            precondition(weights.count == labels, "\(function): \(labels) labels but \(weights.count) weights")
            for w in weights {
                precondition(w.isFinite && w >= 0, "\(function): weights must be finite and non-negative, found \(w)")
            }
        }
    }

    /// Every label is exactly 0 or 1.
    static func binaryLabels(_ labels: [Double], function: StaticString = #function) {
        for y in labels {
            precondition(y == 0 || y == 1, "\(function): binary labels must be 0 or 1, found \(y)")
        }
    }

    /// Every score is finite (NaN would break the ordering; scikit-learn rejects both).
    static func finiteScores(_ scores: [Double], function: StaticString = #function) {
        for s in scores {
            precondition(s.isFinite, "\(function): scores must be finite, found \(s)")
        }
    }

    /// Every label is an integer class index in `0 ..< classCount`.
    static func classLabels(_ labels: [Double], classCount: Int, function: StaticString = #function) {
        precondition(classCount >= 2, "\(function): need at least 2 classes, got \(classCount)")
        for y in labels {
            precondition(y >= 0 && y < Double(classCount) && y.rounded(.towardZero) == y,
                         "\(function): class labels must be integers in 0..<\(classCount), found \(y)")
        }
    }
}
