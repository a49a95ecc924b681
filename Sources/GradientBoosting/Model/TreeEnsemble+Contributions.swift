/// SHAP feature contributions: XGBoost's `predict(pred_contribs=True)`.
extension TreeEnsemble {
    /// Per-row, per-output-group SHAP values by the exact path-dependent TreeSHAP algorithm
    /// (Lundberg, Erion and Lee, 2018), with the training covers (`sumHessians`) as the node
    /// weights, as XGBoost computes them.
    ///
    /// The result is `rows × outputGroups × (featureCount + 1)` row-major values; the last
    /// value of each group is the bias (the base margin plus each tree's cover-weighted mean
    /// leaf value). A group's values sum to the row's margin for that group.
    ///
    /// For analysis, not the serving path: O(rows · trees · leaves · depth²).
    /// - Precondition: `features.count >= rows * featureCount`, and the trees are valid (as the
    ///   codec and the trainer make them).
    /// - Throws: `OptmlError.user` when `baseScore` is outside the objective's domain.
    public func predictContributions(features: UnsafeBufferPointer<Float>, rows: Int) throws -> [Double] {
        precondition(features.count >= rows * featureCount, "features hold fewer than rows × featureCount values")
        let groups = objective.outputGroups
        let width = featureCount + 1
        let base = Double(try objective.baseMargin(fromBaseScore: baseScore))
        var out = [Double](repeating: 0, count: rows * groups * width)
        let used = usedTreeCount
        let means = trees[0..<used].map { Self.nodeMeans($0) }
        for r in 0..<rows {
            let row = UnsafeBufferPointer(rebasing: features[(r * featureCount)..<((r + 1) * featureCount)])
            for g in 0..<groups { out[(r * groups + g) * width + featureCount] = base }
            for t in 0..<used {
                let g = Int(treeGroups[t])
                let offset = (r * groups + g) * width
                out[offset + featureCount] += means[t][0]
                var shap = TreeSHAP(tree: trees[t], row: row)
                shap.recurse(node: 0, path: [], zeroFraction: 1, oneFraction: 1, feature: -1)
                for f in 0..<featureCount { out[offset + f] += shap.phi[f] }
            }
        }
        return out
    }

    /// Cover-weighted mean leaf value under every node (a leaf's own value at a leaf).
    static func nodeMeans(_ tree: RegressionTree) -> [Double] {
        var means = [Double](repeating: 0, count: tree.nodeCount)
        func fill(_ node: Int) -> Double {
            if tree.isLeaf(node) {
                means[node] = Double(tree.splitConditions[node])
            } else {
                let l = Int(tree.leftChildren[node]), r = Int(tree.rightChildren[node])
                let lm = fill(l), rm = fill(r)
                means[node] = (lm * Double(tree.sumHessians[l]) + rm * Double(tree.sumHessians[r])) / Double(tree.sumHessians[node])
            }
            return means[node]
        }
        _ = fill(0)
        return means
    }
}

/// One tree's TreeSHAP walk for one row.
struct TreeSHAP {
    struct PathElement {
        var feature: Int
        var zeroFraction: Double
        var oneFraction: Double
        var weight: Double
    }

    let tree: RegressionTree
    let row: UnsafeBufferPointer<Float>
    var phi: [Double]

    init(tree: RegressionTree, row: UnsafeBufferPointer<Float>) {
        self.tree = tree
        self.row = row
        self.phi = [Double](repeating: 0, count: row.count)
    }

    /// Adds a feature to the path with the fractions of rows that reach the child when the
    /// feature is absent (`zero`) or present (`one`), updating the permutation weights.
    static func extend(_ path: inout [PathElement], zero: Double, one: Double, feature: Int) {
        let depth = path.count
        path.append(PathElement(feature: feature, zeroFraction: zero, oneFraction: one, weight: depth == 0 ? 1 : 0))
        var i = depth - 1
        while i >= 0 {
            path[i + 1].weight += one * path[i].weight * Double(i + 1) / Double(depth + 1)
            path[i].weight = zero * path[i].weight * Double(depth - i) / Double(depth + 1)
            i -= 1
        }
    }

    /// Removes path element `index`, undoing its `extend`.
    static func unwind(_ path: inout [PathElement], index: Int) {
        let depth = path.count - 1
        let one = path[index].oneFraction, zero = path[index].zeroFraction
        var next = path[depth].weight
        var i = depth - 1
        while i >= 0 {
            if one != 0 {
                let saved = path[i].weight
                path[i].weight = next * Double(depth + 1) / (Double(i + 1) * one)
                next = saved - path[i].weight * zero * Double(depth - i) / Double(depth + 1)
            } else {
                path[i].weight = path[i].weight * Double(depth + 1) / (zero * Double(depth - i))
            }
            i -= 1
        }
        for j in index..<depth {
            path[j].feature = path[j + 1].feature
            path[j].zeroFraction = path[j + 1].zeroFraction
            path[j].oneFraction = path[j + 1].oneFraction
        }
        path.removeLast()
    }

    /// The total permutation weight the path would have without element `index`.
    static func unwoundSum(_ path: [PathElement], index: Int) -> Double {
        let depth = path.count - 1
        let one = path[index].oneFraction, zero = path[index].zeroFraction
        var next = path[depth].weight
        var total = 0.0
        var i = depth - 1
        while i >= 0 {
            if one != 0 {
                let value = next * Double(depth + 1) / (Double(i + 1) * one)
                total += value
                next = path[i].weight - value * zero * Double(depth - i) / Double(depth + 1)
            } else {
                total += path[i].weight / zero / (Double(depth - i) / Double(depth + 1))
            }
            i -= 1
        }
        return total
    }

    mutating func recurse(node: Int, path parentPath: [PathElement], zeroFraction: Double, oneFraction: Double, feature: Int) {
        var path = parentPath
        Self.extend(&path, zero: zeroFraction, one: oneFraction, feature: feature)
        if tree.isLeaf(node) {
            let leaf = Double(tree.splitConditions[node])
            for i in 1..<path.count {
                let w = Self.unwoundSum(path, index: i)
                phi[path[i].feature] += w * (path[i].oneFraction - path[i].zeroFraction) * leaf
            }
            return
        }
        let split = Int(tree.splitIndices[node])
        let v = row[split]
        let goesLeft = v.isNaN ? tree.defaultLeft[node] : v < tree.splitConditions[node]
        let left = Int(tree.leftChildren[node]), right = Int(tree.rightChildren[node])
        let hot = goesLeft ? left : right, cold = goesLeft ? right : left
        let cover = Double(tree.sumHessians[node])
        let hotZero = Double(tree.sumHessians[hot]) / cover, coldZero = Double(tree.sumHessians[cold]) / cover
        var incomingZero = 1.0, incomingOne = 1.0
        // A feature split on again above: take its fractions over and drop its earlier element.
        if let k = path.indices.dropFirst().first(where: { path[$0].feature == split }) {
            incomingZero = path[k].zeroFraction
            incomingOne = path[k].oneFraction
            Self.unwind(&path, index: k)
        }
        recurse(node: hot, path: path, zeroFraction: hotZero * incomingZero, oneFraction: incomingOne, feature: split)
        recurse(node: cold, path: path, zeroFraction: coldZero * incomingZero, oneFraction: 0, feature: split)
    }
}
