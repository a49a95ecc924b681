/// Feature importance with the definitions of XGBoost's `Booster.get_score`.
extension TreeEnsemble {
    /// What an importance value measures.
    public enum ImportanceKind: String, Sendable, CaseIterable {
        /// Splits that use the feature.
        case weight
        /// Mean loss reduction of the splits that use the feature.
        case gain
        /// Mean cover (hessian sum of the rows reaching the split) of the splits that use the feature.
        case cover
        /// Total loss reduction of the feature's splits.
        case totalGain = "total_gain"
        /// Total cover of the feature's splits.
        case totalCover = "total_cover"
    }

    /// Importance per feature, indexed by feature; features no split uses have none (nil), as
    /// XGBoost leaves them out. Like `get_score`, every tree counts, also those after `bestIteration`.
    ///
    /// Sums run in double precision over the trees' `float32` gains and covers. O(nodes).
    public func featureImportance(_ kind: ImportanceKind) -> [Double?] {
        var count = [Int](repeating: 0, count: featureCount)
        var gain = [Double](repeating: 0, count: featureCount)
        var cover = [Double](repeating: 0, count: featureCount)
        for tree in trees {
            // Only nodes reachable from the root: XGBoost keeps pruned nodes in the arrays.
            var stack = [0]
            while let node = stack.popLast() {
                guard !tree.isLeaf(node) else { continue }
                let f = Int(tree.splitIndices[node])
                if f >= 0 && f < featureCount {
                    count[f] += 1
                    gain[f] += Double(tree.lossChanges[node])
                    cover[f] += Double(tree.sumHessians[node])
                }
                stack.append(Int(tree.leftChildren[node]))
                stack.append(Int(tree.rightChildren[node]))
            }
        }
        return (0..<featureCount).map { f -> Double? in
            guard count[f] > 0 else { return nil }
            switch kind {
            case .weight: return Double(count[f])
            case .gain: return gain[f] / Double(count[f])
            case .cover: return cover[f] / Double(count[f])
            case .totalGain: return gain[f]
            case .totalCover: return cover[f]
            }
        }
    }
}
