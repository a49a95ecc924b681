import MLCore

/// Trains a gradient-boosted tree ensemble with XGBoost's `hist` semantics.
///
/// Each round computes the objective's gradient pairs at the current margins, grows
/// `num_parallel_tree` trees per output group on them (each scaled by `eta / num_parallel_tree`,
/// as XGBoost does), adds the leaf values to the training margins through the leaf each row
/// landed in (no tree walk for the training rows), walks the new trees for the evaluation sets,
/// and reports the metrics.
public struct BoostingTrainer: Sendable {
    public var parameters: BoostingParameters

    public init(parameters: BoostingParameters) {
        self.parameters = parameters
    }

    /// Trains on `train`, reporting metrics of every evaluation set after each round.
    ///
    /// - Parameters:
    ///   - evaluationSets: named sets (e.g. `train`, `validation`) evaluated after every round, in
    ///     this order; early stopping watches the last metric of the last set. A set whose
    ///     features are the training features themselves reuses the training margins.
    ///   - onRound: called after round `r` (0-based) with `(data, metric, value)` for every set and
    ///     metric, sets outer and metrics inner, so the caller can print `[r]\ttrain-rmse:…`.
    ///   - shouldStop: polled before every round; when it returns true training ends by throwing,
    ///     or, with `keepTreesOnStop` and at least one round grown, by returning the trees so far.
    /// - Returns: the ensemble with all trees grown; `bestIteration` is set when early stopping ran.
    /// - Throws: `OptmlError.user` for invalid parameters or data; `OptmlError.platform` when
    ///   `shouldStop` asked training to end (the message says after how many rounds).
    public func train(_ train: BoostingData, evaluationSets: [(name: String, data: BoostingData)],
                      onRound: (Int, [(data: String, metric: String, value: Double)]) -> Void,
                      shouldStop: () -> Bool, keepTreesOnStop: Bool = false) throws -> TreeEnsemble {
        let p = parameters
        let featureCount = train.featureCount
        try p.validate(featureCount: featureCount)
        guard train.rowCount > 0 else {
            throw OptmlError.user("The train data has no rows; gradient boosting needs at least one training row.")
        }
        try train.validate(name: "train", objective: p.objective, featureCount: featureCount)
        for set in evaluationSets {
            try set.data.validate(name: set.name, objective: p.objective, featureCount: featureCount)
        }
        if p.earlyStoppingRounds != nil && evaluationSets.isEmpty {
            throw OptmlError.user("Hyperparameter early_stopping_rounds needs at least one evaluation set (a validation channel) to watch.")
        }
        let metrics = p.effectiveMetrics
        let objective = p.objective
        let groups = objective.outputGroups
        let n = train.rowCount

        let baseScore = p.baseScore ?? ObjectiveFunctions.estimateBaseScore(objective: objective, labels: train.labels, weights: train.weights)
        let baseMargin = try ObjectiveFunctions.baseMargin(objective: objective, baseScore: baseScore)

        // Sparse training sets are cut from their CSR entries (absent = missing): the same cuts as
        // their densified-with-NaN copy, without that copy. Below `SparseBinnedMatrix.densityThreshold`
        // they keep only their stored entries' bins (histograms visit stored entries only); denser
        // ones get the one-byte code matrix, as dense sets do.
        let makeGrower: (BoostingParameters) -> TreeGrower
        switch train.matrix {
        case .dense(let features):
            let cuts = BinCuts.compute(features: features, weights: train.weights, maxBin: p.maxBin, seed: p.seed, threads: p.threads)
            let matrix = BinnedMatrix(features: features, cuts: cuts, threads: p.threads)
            makeGrower = { TreeGrower(matrix: matrix, parameters: $0) }
        case .sparse(let features):
            let cuts = BinCuts.compute(sparse: features, weights: train.weights, maxBin: p.maxBin, seed: p.seed, threads: p.threads)
            if train.usesSparseBins {
                let matrix = SparseBinnedMatrix(sparse: features, cuts: cuts, threads: p.threads)
                makeGrower = { TreeGrower(sparse: matrix, parameters: $0) }
            } else {
                let matrix = BinnedMatrix(sparse: features, cuts: cuts, threads: p.threads)
                makeGrower = { TreeGrower(matrix: matrix, parameters: $0) }
            }
        }
        // Several output groups (multiclass) on several threads: the groups' trees of a round are
        // independent, so each worker grows whole trees on one thread with its own grower, instead
        // of all threads sharing each tree's histograms (which small nodes cannot use). Only when
        // no tree draws random numbers (row or column sampling), so every tree is the one the
        // one-thread run grows and the model does not depend on the thread count.
        let classParallel = groups > 1 && p.threads > 1 && p.subsample >= 1 && p.colsampleByTree >= 1
            && p.colsampleByLevel >= 1 && p.colsampleByNode >= 1
            && objective.kind != .absoluteError && objective.kind != .quantileError
        let growers: [TreeGrower]
        if classParallel {
            var single = p
            single.threads = 1
            growers = (0..<min(p.threads, groups)).map { _ in makeGrower(single) }
        } else {
            growers = [makeGrower(p)]
        }
        let grower = growers[0]

        var margins = [Float](repeating: baseMargin, count: n * groups)
        let sharesTraining = evaluationSets.map { $0.data.matrix.sharesStorage(with: train.matrix) }
        var evalMargins = evaluationSets.enumerated().map { i, set in
            sharesTraining[i] ? [] : [Float](repeating: baseMargin, count: set.data.rowCount * groups)
        }
        var gradientPairs = [Float](repeating: 0, count: 2 * n * groups)
        var forestScratch: [Float] = []
        var sampled = [Float](repeating: 0, count: p.subsample < 1 ? 2 * n : 0)
        var inSample = [Bool](repeating: true, count: n)
        var sampler = SeededGenerator(seed: p.seed &+ 0x0005_AB5A_3B1E)
        let eta = p.eta / Double(p.parallelTrees)

        var ensemble = TreeEnsemble(objective: objective, featureCount: featureCount, baseScore: baseScore,
                                    parallelTreeCount: p.parallelTrees)
        var bestScore: Double? = nil
        var bestRound = 0

        for round in 0..<p.rounds {
            if shouldStop() {
                if keepTreesOnStop && round > 0 { return ensemble }
                throw OptmlError.platform("Training was stopped by a termination request after \(round) of \(p.rounds) rounds.")
            }
            margins.withUnsafeBufferPointer { m in
                gradientPairs.withUnsafeMutableBufferPointer { out in
                    ObjectiveFunctions.gradients(objective: objective, margins: m, labels: train.labels, weights: train.weights, into: out,
                                                 threads: p.threads)
                }
            }
            // Margins as they were before this round: the leaf refresh of absolute and quantile
            // error fits residuals against them.
            let roundStart = (objective.kind == .absoluteError || objective.kind == .quantileError) ? margins : []
            var newTrees: [(tree: RegressionTree, group: Int)] = []
            if classParallel {
                newTrees = growGroupsConcurrently(growers: growers, groups: groups, rows: n, gradientPairs: gradientPairs,
                                                  margins: &margins, eta: eta)
            } else {
                for group in 0..<groups {
                    for _ in 0..<p.parallelTrees {
                        var grown: (tree: RegressionTree, leaves: [GrownLeaf])
                        if p.subsample < 1 {
                            for i in 0..<n {
                                let keep = sampler.nextUnit() < p.subsample
                                inSample[i] = keep
                                sampled[2 * i] = keep ? gradientPairs[2 * (group * n + i)] : 0
                                sampled[2 * i + 1] = keep ? gradientPairs[2 * (group * n + i) + 1] : 0
                            }
                            grown = sampled.withUnsafeBufferPointer { grower.grow(gradients: $0.baseAddress!, eta: eta) }
                        } else {
                            grown = gradientPairs.withUnsafeBufferPointer {
                                grower.grow(gradients: $0.baseAddress! + 2 * group * n, eta: eta)
                            }
                        }
                        if objective.kind == .absoluteError || objective.kind == .quantileError {
                            refreshLeaves(&grown.tree, leaves: grown.leaves, grower: grower, margins: roundStart, labels: train.labels,
                                          weights: train.weights, inSample: p.subsample < 1 ? inSample : nil, eta: eta,
                                          alpha: objective.kind == .absoluteError ? 0.5 : objective.quantileAlpha)
                        }
                        // Training margins through the rows' leaves (leaves hold disjoint rows, so
                        // threads can take different leaves).
                        let leaves = grown.leaves, values = leaves.map { grown.tree.splitConditions[$0.node] }
                        margins.withUnsafeMutableBufferPointer { m in
                            ParallelRunner.forEach(count: leaves.count, threads: n >= 65_536 ? p.threads : 1) { l in
                                let value = values[l]
                                grower.forEachRow(of: leaves[l]) { row in m[row * groups + group] += value }
                            }
                        }
                        newTrees.append((grown.tree, group))
                    }
                }
            }
            for (tree, group) in newTrees {
                ensemble.trees.append(tree)
                ensemble.treeGroups.append(Int32(group))
            }
            for (i, set) in evaluationSets.enumerated() where !sharesTraining[i] {
                switch set.data.matrix {
                case .dense(let features):
                    if p.parallelTrees == 1 && features.rows >= 16_384 {
                        // One tree per group: the batch prediction kernel (rows interleaved)
                        // gives each row 0 + its leaf, added to the margin as `addTrees` adds it.
                        Self.addTreesByForest(newTrees, features: features, groups: groups, to: &evalMargins[i],
                                              scratch: &forestScratch, threads: p.threads)
                    } else {
                        Self.addTrees(newTrees, features: features, groups: groups, to: &evalMargins[i], threads: p.threads)
                    }
                case .sparse(let features):
                    Self.addTrees(newTrees, sparse: features, groups: groups, to: &evalMargins[i], threads: p.threads)
                }
            }

            var results: [(data: String, metric: String, value: Double)] = []
            for (i, set) in evaluationSets.enumerated() {
                var predictions = sharesTraining[i] ? margins : evalMargins[i]
                ObjectiveFunctions.transform(objective: objective, margins: &predictions, threads: p.threads)
                for metric in metrics {
                    let value = MetricEvaluation.evaluate(metric, predictions: predictions, labels: set.data.labels,
                                                          weights: set.data.weights, objective: objective, threads: p.threads)
                    results.append((set.name, metric.name, value))
                }
            }
            onRound(round, results)

            if let patience = p.earlyStoppingRounds, let watched = results.last, let metric = metrics.last {
                let score = watched.value
                let improved: Bool
                if let best = bestScore {
                    improved = metric.higherIsBetter ? score > best : score < best
                } else {
                    improved = !score.isNaN
                }
                if improved { bestScore = score; bestRound = round }
                ensemble.bestIteration = bestRound
                if round - bestRound >= patience { break }
            }
        }
        return ensemble
    }

    /// One round's trees of every output group, the groups dealt round-robin to the growers (one
    /// thread each). Worker `w` grows all `num_parallel_tree` trees of its groups in order and adds
    /// their leaf values to its groups' training margins: the same additions in the same order as
    /// the one-thread loop, and no two workers write the same margin.
    private func growGroupsConcurrently(growers: [TreeGrower], groups: Int, rows n: Int, gradientPairs: [Float],
                                        margins: inout [Float], eta: Double) -> [(tree: RegressionTree, group: Int)] {
        let p = parameters
        var grown = [[RegressionTree]](repeating: [], count: groups)
        let workers = growers.count
        gradientPairs.withUnsafeBufferPointer { gradients in
            margins.withUnsafeMutableBufferPointer { m in
                grown.withUnsafeMutableBufferPointer { out in
                    let shared = Unshared((gradients: gradients.baseAddress!, margins: m.baseAddress!, trees: out.baseAddress!))
                    ParallelRunner.forEach(count: workers, threads: workers) { w in
                        let grower = growers[w]
                        for group in stride(from: w, to: groups, by: workers) {
                            for _ in 0..<p.parallelTrees {
                                let tree = grower.grow(gradients: shared.value.gradients + 2 * group * n, eta: eta)
                                for leaf in tree.leaves {
                                    let value = tree.tree.splitConditions[leaf.node]
                                    grower.forEachRow(of: leaf) { row in shared.value.margins[row * groups + group] += value }
                                }
                                shared.value.trees[group].append(tree.tree)
                            }
                        }
                    }
                }
            }
        }
        return grown.enumerated().flatMap { group, trees in trees.map { ($0, group) } }
    }

    /// Sets each leaf of a fresh absolute/quantile-error tree to the `alpha`-quantile of its
    /// sampled rows' residuals (label − margin), times the learning rate, as XGBoost does.
    private func refreshLeaves(_ tree: inout RegressionTree, leaves: [GrownLeaf], grower: TreeGrower, margins: [Float], labels: [Float],
                               weights: [Float]?, inSample: [Bool]?, eta: Double, alpha: Double) {
        var residuals: [Double] = []
        var leafWeights: [Float] = []
        for leaf in leaves {
            residuals.removeAll(keepingCapacity: true)
            leafWeights.removeAll(keepingCapacity: true)
            grower.forEachRow(of: leaf) { r in
                if let inSample, !inSample[r] { return }
                residuals.append(Double(labels[r]) - Double(margins[r]))
                if let weights { leafWeights.append(weights[r]) }
            }
            guard !residuals.isEmpty else { continue }
            let q = ObjectiveFunctions.weightedQuantile(residuals, weights: weights == nil ? nil : leafWeights, alpha: alpha)
            tree.splitConditions[leaf.node] = Float(q * eta)
            tree.baseWeights[leaf.node] = Float(q * eta)
        }
    }

    /// Adds the leaf values of `trees` for every row of `features` to `margins` (rows × groups).
    static func addTrees(_ trees: [(tree: RegressionTree, group: Int)], features: DenseMatrix<Float>, groups: Int, to margins: inout [Float],
                         threads: Int = 1) {
        let columns = features.columns, rows = features.rows
        // Rows in blocks of 4096 spread over the threads; each row's trees are added in order.
        let blocks = (rows + 4095) / 4096
        features.storage.withUnsafeBufferPointer { x in
            margins.withUnsafeMutableBufferPointer { m in
                let shared = Unshared((x: x.baseAddress!, margins: m.baseAddress!))
                ParallelRunner.forEach(count: blocks, threads: rows >= 65_536 ? threads : 1) { block in
                    let lower = block * 4096, upper = min(rows, lower + 4096)
                    for (tree, group) in trees {
                        tree.leftChildren.withUnsafeBufferPointer { left in
                            tree.rightChildren.withUnsafeBufferPointer { right in
                                tree.splitIndices.withUnsafeBufferPointer { index in
                                    tree.splitConditions.withUnsafeBufferPointer { condition in
                                        tree.defaultLeft.withUnsafeBufferPointer { defaultLeft in
                                            for i in lower..<upper {
                                                var node = 0
                                                while left[node] >= 0 {
                                                    let v = shared.value.x[i * columns + Int(index[node])]
                                                    let goLeft = v.isNaN ? defaultLeft[node] : v < condition[node]
                                                    node = Int(goLeft ? left[node] : right[node])
                                                }
                                                shared.value.margins[i * groups + group] += condition[node]
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// `addTrees` for rounds with one new tree per group, through `CompiledForest`'s batch kernel:
    /// the trees as an ensemble whose base margin is 0, so each row's result is exactly its leaf
    /// value, then one addition per margin, as `addTrees` makes.
    static func addTreesByForest(_ trees: [(tree: RegressionTree, group: Int)], features: DenseMatrix<Float>, groups: Int,
                                 to margins: inout [Float], scratch: inout [Float], threads: Int) {
        let objective = groups > 1 ? Objective(kind: .multiSoftprob, classCount: groups) : Objective(kind: .squaredError)
        let ensemble = TreeEnsemble(objective: objective, featureCount: features.columns, baseScore: 0,
                                    trees: trees.map(\.tree), treeGroups: trees.map { Int32($0.group) })
        guard let forest = try? CompiledForest(ensemble) else {
            addTrees(trees, features: features, groups: groups, to: &margins, threads: threads)
            return
        }
        let count = features.rows * groups
        if scratch.count != count { scratch = [Float](repeating: 0, count: count) }
        features.storage.withUnsafeBufferPointer { x in
            scratch.withUnsafeMutableBufferPointer { out in
                forest.predictMargins(features: x, rows: features.rows, into: out, threads: threads)
            }
        }
        margins.withUnsafeMutableBufferPointer { m in
            scratch.withUnsafeBufferPointer { leaf in
                for i in 0..<count { m[i] += leaf[i] }
            }
        }
    }

    /// Adds the leaf values of `trees` for every row of CSR `features` to `margins` (rows ×
    /// groups); absent entries are missing values and go each split's default way.
    ///
    /// Each row is scattered into a NaN-filled dense row buffer (one per worker, `columns` floats),
    /// walked through every tree exactly as the dense walk does, and cleared again, so the margins
    /// equal those of `addTrees(_:features:groups:to:)` on the densified-with-NaN matrix bit for
    /// bit: each margin receives the same leaf values in the same tree order. Blocks of rows run on
    /// up to `threads` threads (rows write disjoint margins).
    static func addTrees(_ trees: [(tree: RegressionTree, group: Int)], sparse features: SparseMatrix<Float>, groups: Int,
                         to margins: inout [Float], threads: Int) {
        let columns = features.columns, rows = features.rows
        let blockRows = 4096
        let blocks = (rows + blockRows - 1) / blockRows
        features.rowOffsets.withUnsafeBufferPointer { offsets in
            features.columnIndices.withUnsafeBufferPointer { indices in
                features.values.withUnsafeBufferPointer { values in
                    margins.withUnsafeMutableBufferPointer { m in
                        ParallelRunner.forEach(count: blocks, threads: rows * trees.count >= 16_384 ? threads : 1) { b in
                            let x = UnsafeMutableBufferPointer<Float>.allocate(capacity: max(1, columns))
                            x.initialize(repeating: .nan)
                            defer { x.deallocate() }
                            for i in (b * blockRows)..<min(rows, (b + 1) * blockRows) {
                                let entries = offsets[i]..<offsets[i + 1]
                                for k in entries { x[Int(indices[k])] = values[k] }
                                for (tree, group) in trees {
                                    var node = 0
                                    while tree.leftChildren[node] >= 0 {
                                        let v = x[Int(tree.splitIndices[node])]
                                        let goLeft = v.isNaN ? tree.defaultLeft[node] : v < tree.splitConditions[node]
                                        node = Int(goLeft ? tree.leftChildren[node] : tree.rightChildren[node])
                                    }
                                    m[i * groups + group] += tree.splitConditions[node]
                                }
                                for k in entries { x[Int(indices[k])] = .nan }
                            }
                        }
                    }
                }
            }
        }
    }
}
