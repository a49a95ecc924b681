/// The leaf each row reaches in each tree: XGBoost's `predict(pred_leaf=True)`.
extension TreeEnsemble {
    /// Leaf node ids, `rows × usedTreeCount` row-major, as indices into each tree's node arrays
    /// (the ids XGBoost reports). Features are rounded to `float32` and NaN is missing, as in
    /// prediction.
    ///
    /// A plain walk per row and tree (for analysis, not the serving path): O(rows · trees · depth).
    /// - Precondition: `features.count >= rows * featureCount`, and the trees are valid (as the
    ///   codec and the trainer make them).
    public func predictLeaves(features: UnsafeBufferPointer<Float>, rows: Int) -> [Int32] {
        precondition(features.count >= rows * featureCount, "features hold fewer than rows × featureCount values")
        let used = usedTreeCount
        var out = [Int32](repeating: 0, count: rows * used)
        for r in 0..<rows {
            let row = features.baseAddress! + r * featureCount
            for t in 0..<used {
                let tree = trees[t]
                var node = 0
                while !tree.isLeaf(node) {
                    let v = row[Int(tree.splitIndices[node])]
                    let left = v.isNaN ? tree.defaultLeft[node] : v < tree.splitConditions[node]
                    node = Int(left ? tree.leftChildren[node] : tree.rightChildren[node])
                }
                out[r * used + t] = Int32(node)
            }
        }
        return out
    }
}
