import Foundation
import MLCore
import Testing
import TestSupport
@testable import GradientBoosting

@Suite("Prediction")
struct PredictionTests {
    @Test("margins and predictions equal xgboost's to 1e-5", arguments: ModelFixture.all)
    func matchesXGBoost(_ fixture: ModelFixture) throws {
        let ensemble = try fixture.ensemble()
        let forest = try CompiledForest(ensemble)
        let (x, rows) = try fixture.features()
        let expectedMargins = try fixture.rows("margins.csv").flatMap { $0 }
        let expectedPredictions = try fixture.rows("predictions.csv").flatMap { $0 }
        var margins = [Float](repeating: .nan, count: rows * forest.marginWidth)
        var predictions = [Float](repeating: .nan, count: rows * ensemble.objective.predictionWidth)
        x.withUnsafeBufferPointer { f in
            margins.withUnsafeMutableBufferPointer { forest.predictMargins(features: f, rows: rows, into: $0) }
            predictions.withUnsafeMutableBufferPointer { forest.predict(features: f, rows: rows, into: $0) }
        }
        #expect(margins.count == expectedMargins.count)
        #expect(predictions.count == expectedPredictions.count)
        let badMargins = zip(margins, expectedMargins).enumerated().filter { !agrees($0.element.0, $0.element.1) }
        let badPredictions = zip(predictions, expectedPredictions).enumerated().filter { !agrees($0.element.0, $0.element.1) }
        #expect(badMargins.isEmpty, "first: \(badMargins.first.map { "\($0.offset): \($0.element)" } ?? "")")
        #expect(badPredictions.isEmpty, "first: \(badPredictions.first.map { "\($0.offset): \($0.element)" } ?? "")")
    }

    @Test("Double features give the Float results (features are rounded to float32 first, as in XGBoost)")
    func doubleFeatures() throws {
        let fixture = ModelFixture.named("x3-missing-values")
        let forest = try CompiledForest(fixture.ensemble())
        let (x, rows) = try fixture.features()
        let xd = x.map(Double.init)
        var a = [Float](repeating: 0, count: rows), b = [Double](repeating: 0, count: rows)
        x.withUnsafeBufferPointer { f in a.withUnsafeMutableBufferPointer { forest.predict(features: f, rows: rows, into: $0) } }
        xd.withUnsafeBufferPointer { f in b.withUnsafeMutableBufferPointer { forest.predict(features: f, rows: rows, into: $0) } }
        #expect(a.map(Double.init) == b)
    }

    // Models with more than `transposeFeatureLimit` features walk blocks row-major instead of
    // feature-major: the same model declared with 1500 features (the extra ones unused, filled
    // with noise) predicts what xgboost predicted, with and without missing values.
    @Test("wide models (row-major blocks) give the same predictions", arguments: ["x3-missing-values", "x3-binary-logistic"])
    func wideModels(_ name: String) throws {
        let fixture = ModelFixture.named(name)
        let text = String(decoding: try fixture.data("model.json"), as: UTF8.self)
            .replacingOccurrences(of: #""num_feature":"6""#, with: #""num_feature":"1500""#)
        let ensemble = try TreeEnsemble(xgboostJSON: Data(text.utf8))
        #expect(ensemble.featureCount == 1500)
        let forest = try CompiledForest(ensemble)
        #expect(!forest.transposesBlocks)
        let (x6, rows) = try fixture.features()
        var x = [Float](repeating: 0, count: rows * 1500)
        for r in 0..<rows {
            for f in 0..<6 { x[r * 1500 + f] = x6[r * 6 + f] }
            for f in 6..<1500 { x[r * 1500 + f] = Float((r * 31 + f * 17) % 101) / 7 }
        }
        var predictions = [Float](repeating: .nan, count: rows * ensemble.objective.predictionWidth)
        x.withUnsafeBufferPointer { f in predictions.withUnsafeMutableBufferPointer { forest.predict(features: f, rows: rows, into: $0) } }
        let expected = try fixture.rows("predictions.csv").flatMap { $0 }
        #expect(zip(predictions, expected).allSatisfy { agrees($0, $1) })
        #expect(predictions.count == expected.count)
    }

    @Test("results do not depend on the thread count or on where block boundaries fall")
    func threadInvariance() throws {
        let fixture = ModelFixture.named("x3-multi-softprob")
        let forest = try CompiledForest(fixture.ensemble())
        let (x0, rows0) = try fixture.features()
        // 150 rows repeated to 20 × 150 = 3000 rows: many blocks, a partial last block.
        let copies = 20
        let x = Array([[Float]](repeating: x0, count: copies).joined())
        let rows = rows0 * copies
        let width = forest.objective.predictionWidth
        var single = [Float](repeating: 0, count: rows * width), multi = single
        x.withUnsafeBufferPointer { f in
            single.withUnsafeMutableBufferPointer { forest.predict(features: f, rows: rows, into: $0, threads: 1) }
            multi.withUnsafeMutableBufferPointer { forest.run(f, rows: rows, output: $0, transform: true, threads: 2) }
        }
        #expect(single == multi)
        #expect(Array(single[0..<(rows0 * width)]) == Array(single[(rows0 * width)..<(2 * rows0 * width)]))
    }

    /// A one-split tree on feature 0 at 0.5, left leaf 1, right leaf 2, missing going `defaultLeft`.
    func stump(defaultLeft: Bool) -> RegressionTree {
        RegressionTree(leftChildren: [1, -1, -1], rightChildren: [2, -1, -1], parents: [Int32.max, 0, 0],
                       splitIndices: [0, 0, 0], splitConditions: [0.5, 1, 2], defaultLeft: [defaultLeft, false, false],
                       baseWeights: [0, 1, 2], lossChanges: [1, 0, 0], sumHessians: [2, 1, 1])
    }

    @Test("a value equal to the threshold goes right, a missing one the default way")
    func routing() throws {
        for defaultLeft in [true, false] {
            let e = TreeEnsemble(objective: Objective(kind: .squaredError), featureCount: 1, baseScore: 0.25,
                                 trees: [stump(defaultLeft: defaultLeft)], treeGroups: [0])
            let x: [Float] = [0.4999, 0.5, 0.5001, .nan, -.infinity, .infinity]
            var out = [Float](repeating: 0, count: x.count)
            try x.withUnsafeBufferPointer { f in try out.withUnsafeMutableBufferPointer { try e.predict(features: f, rows: x.count, into: $0) } }
            #expect(out == [1.25, 2.25, 2.25, defaultLeft ? 1.25 : 2.25, 1.25, 2.25])
        }
    }

    @Test("routing at a zero threshold: signed zeros and the smallest subnormals")
    func routingAtZero() throws {
        for defaultLeft in [true, false] {
            var tree = stump(defaultLeft: defaultLeft)
            tree.splitConditions[0] = 0
            let e = TreeEnsemble(objective: Objective(kind: .squaredError), featureCount: 1, baseScore: 0,
                                 trees: [tree], treeGroups: [0])
            let x: [Float] = [-0.0, 0.0, -Float.leastNonzeroMagnitude, Float.leastNonzeroMagnitude, -.greatestFiniteMagnitude]
            var out = [Float](repeating: 0, count: x.count)
            try x.withUnsafeBufferPointer { f in try out.withUnsafeMutableBufferPointer { try e.predict(features: f, rows: x.count, into: $0) } }
            #expect(out == [2, 2, 1, 2, 1], "defaultLeft \(defaultLeft)")
        }
    }

    @Test("objective transforms", arguments: [
        (Objective.Kind.binaryLogistic, Float(0.7), Float(1 / (1 + exp(-0.7)))),
        (.logistic, 0.7, Float(1 / (1 + exp(-0.7)))),
        (.binaryLogitRaw, 0.7, 0.7),
        (.binaryHinge, 0.7, 1), (.binaryHinge, -0.1, 0), (.binaryHinge, 0, 0),
        (.countPoisson, 0.7, expf(0.7)), (.gamma, 0.7, expf(0.7)), (.tweedie, 0.7, expf(0.7)),
        (.squaredError, 0.7, 0.7), (.absoluteError, 0.7, 0.7), (.quantileError, 0.7, 0.7), (.pseudoHuberError, 0.7, 0.7),
        (.squaredLogError, 0.7, 0.7),
    ])
    func transforms(_ kind: Objective.Kind, _ margin: Float, _ expected: Float) {
        var m = margin, out: Float = .nan
        Objective(kind: kind).transform(margins: &m, into: &out)
        #expect(agrees(out, expected, tolerance: 1e-6))
    }

    @Test("softmax probabilities and the argmax of multi:softmax (first class on ties)")
    func softmax() {
        var margins: [Float] = [1, 3, 3]
        var probabilities = [Float](repeating: 0, count: 3)
        Objective(kind: .multiSoftprob, classCount: 3).transform(margins: &margins, into: &probabilities)
        let denominator = expf(-2) + 2
        #expect(zip(probabilities, [expf(-2) / denominator, 1 / denominator, 1 / denominator]).allSatisfy { agrees($0, $1, tolerance: 1e-6) })
        var label: Float = .nan
        Objective(kind: .multiSoftmax, classCount: 3).transform(margins: &margins, into: &label)
        #expect(label == 1)
    }

    @Test("base_score and base margin convert both ways per objective")
    func baseMargin() throws {
        let logistic = Objective(kind: .binaryLogistic)
        #expect(agrees(try logistic.baseMargin(fromBaseScore: 0.8), logf(4), tolerance: 1e-6))
        #expect(abs(logistic.baseScore(fromBaseMargin: Double(logf(4))) - 0.8) < 1e-6)
        let poisson = Objective(kind: .countPoisson)
        #expect(agrees(try poisson.baseMargin(fromBaseScore: 2), logf(2), tolerance: 1e-6))
        #expect(abs(poisson.baseScore(fromBaseMargin: log(2)) - 2) < 1e-12)
        #expect(try Objective(kind: .squaredError).baseMargin(fromBaseScore: -3.5) == -3.5)
        #expect(throws: OptmlError.user("base_score 1.0 is not in (0, 1); objective 'binary:logistic' needs a probability (base_score must be in (0,1) for logistic loss).")) {
            try logistic.baseMargin(fromBaseScore: 1)
        }
        #expect(throws: OptmlError.user("base_score 0.0 is not positive; objective 'reg:gamma' predicts exp(margin), so base_score must be > 0.")) {
            try Objective(kind: .gamma).baseMargin(fromBaseScore: 0)
        }
    }

    @Test("an ensemble without trees predicts its base score")
    func emptyEnsemble() throws {
        let e = TreeEnsemble(objective: Objective(kind: .binaryLogistic), featureCount: 2, baseScore: 0.3)
        let x: [Float] = [1, 2, 3, 4]
        var out = [Float](repeating: 0, count: 2)
        try x.withUnsafeBufferPointer { f in try out.withUnsafeMutableBufferPointer { try e.predict(features: f, rows: 2, into: $0) } }
        #expect(out.allSatisfy { agrees($0, 0.3, tolerance: 1e-6) })
    }
}

@Suite("Prediction of corrupt ensembles")
struct PredictionCorruptTests {
    @Test("a tree that points outside itself or at a missing feature is refused, not followed")
    func refusesCorruptTrees() throws {
        var tree = RegressionTree(leftChildren: [1, -1, -1], rightChildren: [2, -1, -1], parents: [Int32.max, 0, 0],
                                  splitIndices: [3, 0, 0], splitConditions: [0.5, 1, 2], defaultLeft: [true, false, false],
                                  baseWeights: [0, 1, 2], lossChanges: [1, 0, 0], sumHessians: [2, 1, 1])
        let objective = Objective(kind: .squaredError)
        #expect(throws: OptmlError.user("Tree 0 node 0 of the model points outside the tree or at feature 3 of 2; the model is corrupt.")) {
            try CompiledForest(TreeEnsemble(objective: objective, featureCount: 2, baseScore: 0, trees: [tree], treeGroups: [0]))
        }
        tree.splitIndices[0] = 0
        tree.leftChildren[0] = 0
        #expect(throws: OptmlError.user("Tree 0 of the model is not a tree (a node is reached twice); the model is corrupt.")) {
            try CompiledForest(TreeEnsemble(objective: objective, featureCount: 2, baseScore: 0, trees: [tree], treeGroups: [0]))
        }
    }
}

@Suite("Prediction from sparse rows")
struct PredictionSparseTests {
    /// The fixture's rows as CSR, leaving out the missing values.
    func sparse(_ x: [Float], rows: Int, columns: Int) -> SparseMatrix<Float> {
        var offsets = [0], indices: [UInt32] = [], values: [Float] = []
        for r in 0..<rows {
            for c in 0..<columns where !x[r * columns + c].isNaN {
                indices.append(UInt32(c))
                values.append(x[r * columns + c])
            }
            offsets.append(indices.count)
        }
        return SparseMatrix(rows: rows, columns: columns, rowOffsets: offsets, columnIndices: indices, values: values)
    }

    @Test("absent entries predict as missing values, on one thread and on two", arguments: ["x3-missing-values", "x3-multi-softprob", "x2-count-poisson"])
    func matchesDense(_ name: String) throws {
        let fixture = ModelFixture.named(name)
        let forest = try CompiledForest(fixture.ensemble())
        let (x0, rows0) = try fixture.features()
        // 40 copies: enough rows for several blocks and both threads.
        let x = Array([[Float]](repeating: x0, count: 40).joined()), rows = rows0 * 40
        let dense = forest.predict(DenseMatrix(rows: rows, columns: forest.featureCount, storage: x), threads: 1)
        let csr = sparse(x, rows: rows, columns: forest.featureCount)
        #expect(try forest.predict(csr, threads: 1) == dense)
        #expect(try forest.predict(csr, threads: 2) == dense)
        let expected = try fixture.rows("predictions.csv").flatMap { $0 }
        #expect(zip(dense.prefix(expected.count), expected).allSatisfy { agrees($0, $1) })
    }

    @Test("a feature index the model does not have is a user error naming the row")
    func featureOutOfRange() throws {
        let forest = try CompiledForest(ModelFixture.named("x3-binary-logistic").ensemble())
        let x = SparseMatrix<Double>(rows: 2, columns: 9, rowOffsets: [0, 1, 3], columnIndices: [0, 2, 8], values: [1, 2, 3])
        #expect(throws: OptmlError.user("Row 2 has feature index 8 but the model has 6 features (indices 0 to 5).")) {
            try forest.predict(x)
        }
    }
}

@Suite("Leaf indices")
struct PredictionLeafTests {
    @Test("leaf ids equal xgboost's pred_leaf", arguments: ["x3-missing-values", "x3-multi-softprob", "x1-parallel-trees", "x2-early-stopping"])
    func matchesXGBoost(_ name: String) throws {
        guard let python = pythonWithXGBoost else {
            print("skipped: python3 with xgboost is not available (pip install xgboost)")
            return
        }
        let fixture = ModelFixture.named(name)
        let ensemble = try fixture.ensemble()
        let (x, rows) = try fixture.features()
        let ours = x.withUnsafeBufferPointer { ensemble.predictLeaves(features: $0, rows: rows) }
        let script = """
        import sys, numpy as np, xgboost as xgb
        x = np.genfromtxt(sys.argv[2], delimiter=",", dtype=np.float32, missing_values="", filling_values=np.nan)
        b = xgb.Booster(model_file=sys.argv[1])
        used = int(sys.argv[3])
        leaves = b.predict(xgb.DMatrix(x, missing=np.nan), pred_leaf=True, iteration_range=(0, used))
        print("\\n".join(str(int(v)) for v in np.ravel(leaves)))
        """
        let rounds = ensemble.usedTreeCount / ensemble.treesPerRound
        let result = try runProcess(python, ["-c", script, fixture.folder.appendingPathComponent("model.json").path,
                                             fixture.folder.appendingPathComponent("features.csv").path, String(rounds)])
        #expect(result.status == 0, "\(result.stderr)")
        let theirs = result.stdout.split(separator: "\n").map { Int32(String($0))! }
        #expect(theirs == ours)
    }
}

@Suite("SHAP contributions")
struct PredictionContributionTests {
    @Test("each group's contributions sum to its margin", arguments: ["x3-missing-values", "x3-multi-softprob", "x1-parallel-trees", "x2-count-poisson"])
    func sumToMargins(_ name: String) throws {
        let fixture = ModelFixture.named(name)
        let ensemble = try fixture.ensemble()
        let (x, rows) = try fixture.features()
        let contributions = try x.withUnsafeBufferPointer { try ensemble.predictContributions(features: $0, rows: rows) }
        let margins = try fixture.rows("margins.csv").flatMap { $0 }
        let width = ensemble.featureCount + 1
        #expect(contributions.count == margins.count * width)
        for (i, margin) in margins.enumerated() {
            let sum = contributions[(i * width)..<((i + 1) * width)].reduce(0, +)
            #expect(abs(sum - Double(margin)) <= 1e-4 * max(1, abs(Double(margin))), "row-group \(i)")
        }
    }

    @Test("contributions equal xgboost's pred_contribs", arguments: ["x3-missing-values", "x3-multi-softprob", "x2-early-stopping"])
    func matchesXGBoost(_ name: String) throws {
        guard let python = pythonWithXGBoost else {
            print("skipped: python3 with xgboost is not available (pip install xgboost)")
            return
        }
        let fixture = ModelFixture.named(name)
        let ensemble = try fixture.ensemble()
        let (x, rows) = try fixture.features()
        let ours = try x.withUnsafeBufferPointer { try ensemble.predictContributions(features: $0, rows: rows) }
        let script = """
        import sys, numpy as np, xgboost as xgb
        x = np.genfromtxt(sys.argv[2], delimiter=",", dtype=np.float32, missing_values="", filling_values=np.nan)
        b = xgb.Booster(model_file=sys.argv[1])
        c = b.predict(xgb.DMatrix(x, missing=np.nan), pred_contribs=True, iteration_range=(0, int(sys.argv[3])))
        print("\\n".join("%.9g" % v for v in np.ravel(c)))
        """
        let rounds = ensemble.usedTreeCount / ensemble.treesPerRound
        let result = try runProcess(python, ["-c", script, fixture.folder.appendingPathComponent("model.json").path,
                                             fixture.folder.appendingPathComponent("features.csv").path, String(rounds)])
        #expect(result.status == 0, "\(result.stderr)")
        let theirs = result.stdout.split(separator: "\n").map { Double(String($0))! }
        #expect(theirs.count == ours.count)
        let bad = zip(ours, theirs).enumerated().filter { abs($0.element.0 - $0.element.1) > 1e-4 * max(1, abs($0.element.1)) }
        #expect(bad.isEmpty, "\(bad.count) differ; first: \(bad.first.map { "\($0.offset): \($0.element)" } ?? "")")
    }
}
