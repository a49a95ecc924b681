import MLCore

extension EvaluationInput {
    /// Checks the input as a user's data: every problem is an `OptmlError.user` naming the row
    /// (1-based) and saying what would be right.
    public func validate() throws {
        let n = labels.count
        guard n > 0 else { throw OptmlError.user("Nothing to evaluate: the data has no rows.") }
        let predictionRows: Int
        switch predictions {
        case .binary(let scores, _): predictionRows = scores.count
        case .multiclass(let p): predictionRows = p.rows
        case .regression(let values): predictionRows = values.count
        }
        guard predictionRows == n else {
            throw OptmlError.user("The data has \(n) labelled rows but the model made \(predictionRows) predictions; they must match row for row.")
        }
        for i in 0 ..< n where !labels[i].isFinite {
            throw OptmlError.user("Row \(i + 1): the label is \(labels[i]); every row needs a finite label.")
        }
        if let weights {
            guard weights.count == n else {
                throw OptmlError.user("The data has \(n) rows but \(weights.count) weights; give one weight per row.")
            }
            var total = 0.0
            for i in 0 ..< n {
                guard weights[i].isFinite && weights[i] >= 0 else {
                    throw OptmlError.user("Row \(i + 1): the weight is \(weights[i]); weights must be finite and non-negative.")
                }
                total += weights[i]
            }
            guard total > 0 else { throw OptmlError.user("Every row has weight 0; at least one row needs a positive weight.") }
        }
        switch predictions {
        case .binary(let scores, let areProbabilities):
            for i in 0 ..< n where labels[i] != 0 && labels[i] != 1 {
                throw OptmlError.user("Row \(i + 1): the label is \(labels[i]); binary classification labels must be 0 or 1.")
            }
            for i in 0 ..< n {
                guard scores[i].isFinite else {
                    throw OptmlError.user("Row \(i + 1): the model's score is \(scores[i]); scores must be finite numbers.")
                }
                if areProbabilities && !(scores[i] >= 0 && scores[i] <= 1) {
                    throw OptmlError.user("Row \(i + 1): the predicted probability is \(scores[i]); probabilities must lie in [0, 1].")
                }
            }
            if let t = decisionThreshold, !t.isFinite {
                throw OptmlError.user("The decision threshold is \(t); it must be a finite number.")
            }
            try checkClassNames(2)
        case .multiclass(let p):
            let k = p.columns
            guard k >= 2 else {
                throw OptmlError.user("Multiclass predictions have \(k) column(s); give one probability per class (at least 2).")
            }
            for i in 0 ..< n where !(labels[i] >= 0 && labels[i] < Double(k) && labels[i].rounded() == labels[i]) {
                throw OptmlError.user("Row \(i + 1): the label is \(labels[i]); with \(k) classes labels must be integers 0 to \(k - 1).")
            }
            for i in 0 ..< n {
                for c in 0 ..< k {
                    let v = p.storage[i * k + c]
                    guard v >= 0 && v <= 1 else {
                        throw OptmlError.user("Row \(i + 1): the probability of class \(c) is \(v); class probabilities must lie in [0, 1].")
                    }
                }
            }
            try checkClassNames(k)
        case .regression(let values):
            for i in 0 ..< n where !values[i].isFinite {
                throw OptmlError.user("Row \(i + 1): the prediction is \(values[i]); predictions must be finite numbers.")
            }
        }
    }

    private func checkClassNames(_ k: Int) throws {
        if let classNames, classNames.count != k {
            throw OptmlError.user("\(classNames.count) class names were given for \(k) classes; give one name per class.")
        }
    }
}
