/// The fixed column layout of a CSV channel once its width is known.
struct CSVLayout: Sendable {
    let hasLabel: Bool
    let hasWeight: Bool
    let featureCount: Int

    /// Fields before the first feature (label and weight).
    var leadingColumns: Int { (hasLabel ? 1 : 0) + (hasWeight ? 1 : 0) }
    /// Fields per row.
    var columns: Int { leadingColumns + featureCount }
    /// 1-based column of the weight.
    var weightColumn: Int { hasLabel ? 2 : 1 }

    /// `label + weight + 28 features`, the parenthesised part of width messages.
    var columnDescription: String {
        var parts: [String] = []
        if hasLabel { parts.append("label") }
        if hasWeight { parts.append("weight") }
        parts.append(featureCount == 1 ? "1 feature" : "\(featureCount) features")
        return parts.joined(separator: " + ")
    }
}

/// `1 column`, `5 columns`.
func columnsPhrase(_ count: Int) -> String { count == 1 ? "1 column" : "\(count) columns" }
