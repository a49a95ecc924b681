/// The predictions for a batch of rows: `rows × scoreWidth` scores and, when the layout has
/// them, one predicted label per row.
public struct Predictions: Sendable, Equatable {
    public let rows: Int
    public let scoreWidth: Int
    /// Row-major scores.
    public var scores: [Double]
    /// `predicted_label` per row (class indices as whole numbers), or nil.
    public var labels: [Double]?

    /// Zero-filled predictions for `rows` rows of `layout`.
    public init(rows: Int, layout: PredictionLayout) {
        self.rows = rows
        self.scoreWidth = layout.scoreWidth
        self.scores = [Double](repeating: 0, count: rows * layout.scoreWidth)
        self.labels = layout.hasPredictedLabel ? [Double](repeating: 0, count: rows) : nil
    }

    /// The scores of row `i`.
    public func scores(ofRow i: Int) -> ArraySlice<Double> { scores[(i * scoreWidth)..<((i + 1) * scoreWidth)] }

    /// Lends the score and label storage (the label buffer is empty without labels).
    public mutating func withUnsafeMutableBuffers<R>(
        _ body: (UnsafeMutableBufferPointer<Double>, UnsafeMutableBufferPointer<Double>) throws -> R
    ) rethrows -> R {
        try scores.withUnsafeMutableBufferPointer { scores in
            if labels != nil {
                return try labels!.withUnsafeMutableBufferPointer { labels in try body(scores, labels) }
            }
            return try body(scores, UnsafeMutableBufferPointer(start: nil, count: 0))
        }
    }
}
