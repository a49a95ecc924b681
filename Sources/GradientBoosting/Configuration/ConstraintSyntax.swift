import MLCore

/// Parsers for the two structured hyperparameters, in the syntax the SageMaker XGBoost container
/// accepts: `monotone_constraints` as a tuple `(1,-1,0)` and `interaction_constraints` as a nested
/// list `[[0,1],[2,3,4]]`.
enum ConstraintSyntax {
    /// Parses `(1,-1,0)` (brackets `[...]` are accepted too; white space is ignored) into one
    /// direction per feature. `()` gives no constraints.
    ///
    /// - Throws: `OptmlError.user` naming the hyperparameter, the offending item and what would be right.
    static func monotoneConstraints(_ text: String) throws -> [Int] {
        let name = "monotone_constraints"
        let compact = text.filter { !$0.isWhitespace }
        guard let first = compact.first, let last = compact.last,
              (first == "(" && last == ")") || (first == "[" && last == "]") else {
            throw OptmlError.user("Hyperparameter \(name): could not parse value \(text). Expecting a tuple of -1, 0 or 1 per feature in parentheses, e.g. (1,-1,0).")
        }
        let inner = compact.dropFirst().dropLast()
        if inner.isEmpty { return [] }
        var items = inner.split(separator: ",", omittingEmptySubsequences: false)
        // Python accepts a trailing comma in a tuple: `(1,)`.
        if items.count > 1, items.last?.isEmpty == true { items.removeLast() }
        return try items.enumerated().map { position, item in
            guard let value = Int(item), (-1...1).contains(value) else {
                throw OptmlError.user("Hyperparameter \(name): item \(position) of \(text) is '\(item)'. Expecting -1 (decreasing), 0 (none) or 1 (increasing) for each feature, e.g. (1,-1,0).")
            }
            return value
        }
    }

    /// Parses `[[0,1],[2,3,4]]` into feature-index groups. `[]` gives no constraints.
    ///
    /// - Throws: `OptmlError.user` naming the hyperparameter, the offending group or item and what would be right.
    static func interactionConstraints(_ text: String) throws -> [[Int]] {
        let name = "interaction_constraints"
        let example = "e.g. [[0,1],[2,3,4]]"
        let compact = Array(text.filter { !$0.isWhitespace })
        guard compact.first == "[", compact.last == "]" else {
            throw OptmlError.user("Hyperparameter \(name): could not parse value \(text). Expecting a list of lists of feature indices, \(example).")
        }
        var groups: [[Int]] = []
        var index = 1
        let end = compact.count - 1
        while index < end {
            guard compact[index] == "[" || compact[index] == "(" else {
                throw OptmlError.user("Hyperparameter \(name): could not parse value \(text): group \(groups.count) is not a list. Expecting a list of lists of feature indices, \(example).")
            }
            let closer: Character = compact[index] == "[" ? "]" : ")"
            guard let close = compact[index...].firstIndex(of: closer), close < end else {
                throw OptmlError.user("Hyperparameter \(name): could not parse value \(text): group \(groups.count) is not closed. Expecting a list of lists of feature indices, \(example).")
            }
            let body = compact[(index + 1)..<close]
            var group: [Int] = []
            if !body.isEmpty {
                for item in body.split(separator: ",", omittingEmptySubsequences: false) {
                    guard let feature = Int(String(item)), feature >= 0 else {
                        throw OptmlError.user("Hyperparameter \(name): group \(groups.count) of \(text) holds '\(String(item))'. Expecting feature indices (integers >= 0, counted from 0 after the label column), \(example).")
                    }
                    group.append(feature)
                }
            }
            groups.append(group)
            index = close + 1
            if index < end {
                guard compact[index] == "," else {
                    throw OptmlError.user("Hyperparameter \(name): could not parse value \(text): expecting ',' after group \(groups.count - 1), \(example).")
                }
                index += 1
            }
        }
        return groups
    }
}
