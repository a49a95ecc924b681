import Foundation
import MLCore
import Testing
@testable import GradientBoosting

@Suite struct TrainingTests {
    /// The test-set metric reaches xgboost's (same data, same settings, 2000 training rows) within a
    /// small band: quantile cuts and tie-breaking differ, the method must not.
    @Test(arguments: 0..<9)
    func reachesXGBoostQualityOnTheFixtureSets(caseIndex: Int) throws {
        let fixture = try EngineFixtures.json("training.json")
        let entry = (fixture["cases"] as! [[String: Any]])[caseIndex]
        let params = entry["params"] as! [String: Any]
        let (train, test) = try EngineFixtures.split("train-\(entry["data"] as! String).csv")
        let kind = Objective.Kind(rawValue: params["objective"] as! String)!
        let objective = Objective(kind: kind, classCount: params["num_class"] as? Int ?? 1,
                                  maxDeltaStep: kind == .countPoisson ? 0.7 : 0)
        var p = BoostingParameters(objective: objective, rounds: entry["rounds"] as! Int)
        func number(_ key: String) -> Double? { (params[key] as? Double) ?? (params[key] as? Int).map(Double.init) }
        p.eta = params["eta"] as! Double
        p.maxDepth = params["max_depth"] as! Int
        if let v = params["grow_policy"] as? String { p.growPolicy = GrowPolicy(rawValue: v)! }
        if let v = params["max_leaves"] as? Int { p.maxLeaves = v }
        if let v = number("subsample") { p.subsample = v }
        if let v = number("colsample_bytree") { p.colsampleByTree = v }
        if let v = number("colsample_bylevel") { p.colsampleByLevel = v }
        if let v = number("colsample_bynode") { p.colsampleByNode = v }
        if let v = number("lambda") { p.lambda = v }
        if let v = number("alpha") { p.alpha = v }
        if let v = number("gamma") { p.gamma = v }
        if let v = number("min_child_weight") { p.minChildWeight = v }
        if let v = number("max_delta_step") { p.maxDeltaStep = v }
        let metric = try EvalMetric(parsing: entry["metric"] as! String)
        p.evalMetrics = [metric]
        var last = Double.nan
        let ensemble = try BoostingTrainer(parameters: p).train(train, evaluationSets: [("test", test)],
                                                                 onRound: { _, r in last = r[0].value }, shouldStop: { false })
        let reference = entry["test"] as! Double
        // The reported value is the metric of the returned model.
        let direct = metric.evaluate(predictions: try ensemble.testPredictions(test.features), labels: test.labels, weights: nil,
                                     classCount: objective.outputGroups)
        #expect(abs(direct - last) < 1e-6)
        print("fixture case \(caseIndex): optml \(metric.name) \(last), xgboost \(reference)")
        if metric.higherIsBetter {
            #expect(last > reference - 0.015, "optml \(metric.name) \(last) vs xgboost \(reference)")
        } else {
            #expect(last < reference * 1.04, "optml \(metric.name) \(last) vs xgboost \(reference)")
        }
    }

    @Test func sameSeedGivesTheSameEnsembleAndAnotherSeedDoesNot() throws {
        let data = SyntheticData.regression(rows: 1500, features: 8, seed: 3)
        var p = BoostingParameters(objective: Objective(kind: .squaredError), rounds: 8)
        p.subsample = 0.7; p.colsampleByTree = 0.8; p.colsampleByLevel = 0.8; p.colsampleByNode = 0.8
        p.seed = 42
        let a = try BoostingTrainer(parameters: p).fit(data)
        let b = try BoostingTrainer(parameters: p).fit(data)
        #expect(a == b)
        p.threads = 2
        #expect(try BoostingTrainer(parameters: p).fit(data).trees.count == a.trees.count)
        p.threads = 1
        p.seed = 43
        #expect(try BoostingTrainer(parameters: p).fit(data) != a)
    }

    @Test func twoThreadsGrowTheSameTreesAsOne() throws {
        // 70 000 rows so that gradients, partitions and node histograms are split across threads.
        let data = SyntheticData.binary(rows: 70_000, features: 6, seed: 9)
        var p = BoostingParameters(objective: Objective(kind: .binaryLogistic), rounds: 3)
        let one = try BoostingTrainer(parameters: p).fit(data)
        p.threads = 2
        let two = try BoostingTrainer(parameters: p).fit(data)
        #expect(one.trees.map(\.splitIndices) == two.trees.map(\.splitIndices))
        #expect(one.trees.map(\.splitConditions).elementsEqual(two.trees.map(\.splitConditions)) { a, b in
            zip(a, b).allSatisfy { abs($0 - $1) <= 1e-5 * max(1, abs($0)) }
        })
    }

    @Test func earlyStoppingKeepsTheBestIterationAndAllTrees() throws {
        let (train, test) = try EngineFixtures.split("train-regression.csv")
        var p = BoostingParameters(objective: Objective(kind: .squaredError), rounds: 300)
        p.eta = 0.5; p.maxDepth = 8; p.minChildWeight = 0; p.lambda = 0
        p.earlyStoppingRounds = 5
        var history: [Double] = []
        let model = try BoostingTrainer(parameters: p).train(train, evaluationSets: [("train", train), ("validation", test)],
                                                             onRound: { _, r in history.append(r[1].value) }, shouldStop: { false })
        let best = try #require(model.bestIteration)
        #expect(history.count < 300, "overfitting with eta 0.5 and depth 8 must stop early")
        #expect(history.count == best + 1 + 5)
        #expect(model.roundCount == history.count)
        #expect(history[best] == history.min())
        #expect(history[(best + 1)...].allSatisfy { $0 >= history[best] })
        // Prediction with the best iteration reproduces the best validation score.
        let rmse = EvalMetric.rmse.evaluate(predictions: try model.testPredictions(test.features), labels: test.labels, weights: nil)
        #expect(abs(rmse - history[best]) < 1e-5)
    }

    @Test func metricLinesFollowSetAndMetricOrder() throws {
        let data = SyntheticData.binary(rows: 300, features: 4, seed: 1)
        var p = BoostingParameters(objective: Objective(kind: .binaryLogistic), rounds: 2)
        p.evalMetrics = [.auc, .error(threshold: 0.7)]
        var seen: [[String]] = []
        _ = try BoostingTrainer(parameters: p).train(data, evaluationSets: [("train", data), ("validation", data)],
                                                     onRound: { round, r in seen.append(["\(round)"] + r.map { "\($0.data)-\($0.metric)" }) },
                                                     shouldStop: { false })
        #expect(seen == [["0", "train-auc", "train-error@0.7", "validation-auc", "validation-error@0.7"],
                         ["1", "train-auc", "train-error@0.7", "validation-auc", "validation-error@0.7"]])
    }

    @Test func stopRequestEndsTrainingWithAnError() throws {
        let data = SyntheticData.regression(rows: 200, features: 3, seed: 1)
        var rounds = 0
        #expect(throws: OptmlError.self) {
            _ = try BoostingTrainer(parameters: BoostingParameters(objective: Objective(kind: .squaredError), rounds: 50))
                .train(data, evaluationSets: [], onRound: { _, _ in rounds += 1 }, shouldStop: { rounds >= 3 })
        }
        #expect(rounds == 3)
    }

    @Test func missingValuesLearnTheirDefaultDirection() throws {
        // Label 1 for x < 0, 0 for x >= 0; missing x behaves like the positive side in the first
        // set and like the negative side in the second.
        for missingLikeLow in [false, true] {
            var values: [Float] = [], labels: [Float] = []
            for i in 0..<600 {
                let kind = i % 3
                if kind == 0 { values.append(-Float(i % 50) - 1); labels.append(1) }
                else if kind == 1 { values.append(Float(i % 50) + 1); labels.append(0) }
                else { values.append(.nan); labels.append(missingLikeLow ? 1 : 0) }
            }
            let data = BoostingData(features: DenseMatrix(rows: 600, columns: 1, storage: values), labels: labels)
            var p = BoostingParameters(objective: Objective(kind: .binaryLogistic), rounds: 1)
            p.maxDepth = 1
            let tree = try BoostingTrainer(parameters: p).fit(data).trees[0]
            #expect(tree.nodeCount == 3)
            #expect(tree.defaultLeft[0] == missingLikeLow)
            let predictions = try BoostingTrainer(parameters: p).fit(data).testPredictions(
                DenseMatrix(rows: 1, columns: 1, storage: [.nan]))
            #expect((predictions[0] > 0.5) == missingLikeLow)
        }
    }

    @Test func depthAndLeafLimitsHold() throws {
        let data = SyntheticData.regression(rows: 3000, features: 6, seed: 5)
        var p = BoostingParameters(objective: Objective(kind: .squaredError), rounds: 3)
        p.maxDepth = 3
        for tree in try BoostingTrainer(parameters: p).fit(data).trees {
            #expect(depth(of: tree) <= 3)
        }
        p.maxDepth = 0; p.growPolicy = .lossguide; p.maxLeaves = 7
        for tree in try BoostingTrainer(parameters: p).fit(data).trees {
            #expect((0..<tree.nodeCount).filter(tree.isLeaf).count == 7)
        }
    }

    @Test func monotoneConstraintsHoldOnAGrid() throws {
        let data = SyntheticData.regression(rows: 2000, features: 3, seed: 11)
        var p = BoostingParameters(objective: Objective(kind: .squaredError), rounds: 20)
        // Feature 2 enters the label through x0·x2, whose sign varies: force it increasing.
        p.monotoneConstraints = [1, 0, 1]
        let model = try BoostingTrainer(parameters: p).fit(data)
        for a in stride(from: -2.0, through: 2.0, by: 0.5) {
            for b in stride(from: -2.0, through: 2.0, by: 1.0) {
                let xs = stride(from: -3.0, through: 3.0, by: 0.05).map { Float($0) }
                let rows = xs.flatMap { [$0, Float(a), Float(b)] } + xs.flatMap { [Float(a), Float(b), $0] }
                let m = try model.testMargins(DenseMatrix(rows: 2 * xs.count, columns: 3, storage: rows))
                for i in 1..<xs.count {
                    #expect(m[i] >= m[i - 1] - 1e-6)
                    #expect(m[xs.count + i] >= m[xs.count + i - 1] - 1e-6)
                }
            }
        }
    }

    @Test func interactionConstraintsKeepBranchesInsideOneSet() throws {
        let data = SyntheticData.regression(rows: 2000, features: 4, seed: 12)
        var p = BoostingParameters(objective: Objective(kind: .squaredError), rounds: 10)
        p.interactionConstraints = [[0, 1], [2, 3]]
        for tree in try BoostingTrainer(parameters: p).fit(data).trees {
            for leaf in 0..<tree.nodeCount where tree.isLeaf(leaf) {
                var features = Set<Int32>()
                var node = leaf
                while tree.parents[node] != Int32.max { node = Int(tree.parents[node]); features.insert(tree.splitIndices[node]) }
                #expect(features.isSubset(of: [0, 1]) || features.isSubset(of: [2, 3]), "path uses \(features)")
            }
        }
    }

    @Test func gammaPrunesWeakSplits() throws {
        let data = SyntheticData.regression(rows: 2000, features: 6, seed: 13)
        var p = BoostingParameters(objective: Objective(kind: .squaredError), rounds: 1)
        let free = try BoostingTrainer(parameters: p).fit(data).trees[0]
        p.gamma = 50
        let pruned = try BoostingTrainer(parameters: p).fit(data).trees[0]
        #expect(pruned.nodeCount < free.nodeCount)
        for n in 0..<pruned.nodeCount where !pruned.isLeaf(n) {
            let l = Int(pruned.leftChildren[n]), r = Int(pruned.rightChildren[n])
            if pruned.isLeaf(l) && pruned.isLeaf(r) { #expect(pruned.lossChanges[n] >= 50) }
        }
    }

    @Test func parallelTreesShareTheLearningRate() throws {
        let data = SyntheticData.regression(rows: 500, features: 3, seed: 14)
        var p = BoostingParameters(objective: Objective(kind: .squaredError), rounds: 1)
        p.maxDepth = 2
        let single = try BoostingTrainer(parameters: p).fit(data)
        p.parallelTrees = 2
        let forest = try BoostingTrainer(parameters: p).fit(data)
        #expect(forest.trees.count == 2 && forest.treesPerRound == 2)
        let a = try single.testMargins(data.features), b = try forest.testMargins(data.features)
        #expect(zip(a, b).allSatisfy { abs($0 - $1) < 1e-5 })
    }

    @Test func multiclassGrowsOneTreePerClassAndLearns() throws {
        let base = SyntheticData.regression(rows: 1500, features: 5, seed: 15)
        let labels = base.labels.map { $0 < -1 ? Float(0) : ($0 < 1 ? 1 : 2) }
        let data = BoostingData(features: base.features, labels: labels)
        var p = BoostingParameters(objective: Objective(kind: .multiSoftprob, classCount: 3), rounds: 10)
        p.evalMetrics = [.merror, .mlogloss]
        var last: [Double] = []
        let model = try BoostingTrainer(parameters: p).train(data, evaluationSets: [("train", data)],
                                                             onRound: { _, r in last = r.map(\.value) }, shouldStop: { false })
        #expect(model.trees.count == 30)
        #expect(model.treeGroups.prefix(3) == [0, 1, 2])
        #expect(last[0] < 0.1)
        #expect(last[1] < 0.35)
    }

    // With several threads the classes' trees of a round grow concurrently, one thread each: the
    // model must be the one-thread model bit for bit (also with two parallel trees per class, more
    // threads than classes, a validation set and evaluated metrics), and column sampling, which
    // draws random numbers tree after tree, keeps the shared-tree path and its determinism.
    @Test(arguments: [2, 3, 5])
    func multiclassWithThreadsIsTheOneThreadModel(threads: Int) throws {
        let base = SyntheticData.regression(rows: 4000, features: 6, seed: 21)
        let labels = base.labels.map { $0 < -1.5 ? Float(0) : ($0 < 0 ? 1 : ($0 < 1.5 ? 2 : 3)) }
        let data = BoostingData(features: base.features, labels: labels)
        var p = BoostingParameters(objective: Objective(kind: .multiSoftprob, classCount: 4), rounds: 6)
        p.parallelTrees = 2
        p.evalMetrics = [.mlogloss]
        func fit(_ p: BoostingParameters) throws -> (TreeEnsemble, [Double]) {
            var history: [Double] = []
            let model = try BoostingTrainer(parameters: p).train(data, evaluationSets: [("train", data)],
                                                                 onRound: { _, r in history.append(r[0].value) }, shouldStop: { false })
            return (model, history)
        }
        let (one, oneHistory) = try fit(p)
        p.threads = threads
        let (many, manyHistory) = try fit(p)
        #expect(one == many)
        #expect(oneHistory == manyHistory)
        #expect(many.trees.count == 6 * 4 * 2 && Array(many.treeGroups.prefix(4)) == [0, 0, 1, 1])
        p.colsampleByNode = 0.5
        p.seed = 3
        let (sampled, _) = try fit(p)
        #expect(sampled != many)
        #expect(try fit(p).0 == sampled)
    }

    @Test func badInputIsAUserErrorNamingTheProblem() throws {
        let data = SyntheticData.regression(rows: 50, features: 3, seed: 1)
        func message(_ p: BoostingParameters, _ d: BoostingData = data) -> String {
            do { _ = try BoostingTrainer(parameters: p).fit(d); return "" } catch let e as OptmlError { return e.message } catch { return "\(error)" }
        }
        var p = BoostingParameters(objective: Objective(kind: .squaredError), rounds: 2)
        p.eta = 1.5
        #expect(message(p) == "Hyperparameter eta: 1.5 is not in [0, 1].")
        p = BoostingParameters(objective: Objective(kind: .binaryLogistic), rounds: 2)
        #expect(message(p).contains("needs labels in [0, 1]"))
        p = BoostingParameters(objective: Objective(kind: .squaredError), rounds: 2)
        p.monotoneConstraints = [1, 2]
        #expect(message(p).contains("monotone_constraints: entry 1 is 2"))
        p = BoostingParameters(objective: Objective(kind: .squaredError), rounds: 2)
        var bad = data
        bad.weights = [Float](repeating: 1, count: 49)
        #expect(message(p, bad).contains("50 rows but 49 weights"))
    }

    private func depth(of tree: RegressionTree) -> Int {
        func d(_ n: Int) -> Int { tree.isLeaf(n) ? 0 : 1 + max(d(Int(tree.leftChildren[n])), d(Int(tree.rightChildren[n]))) }
        return d(0)
    }
}

/// Large validation sets get each round's tree through the batch prediction kernel; their
/// reported metrics must be those of the final model's predictions, exactly (same additions in the
/// same order as walking every tree row by row).
@Suite struct ValidationMarginTests {
    @Test(arguments: [1, 2])
    func largeValidationMetricsAreTheModelsMetrics(threads: Int) throws {
        let train = SyntheticData.binary(rows: 20_000, features: 6, seed: 4)
        let validation = SyntheticData.binary(rows: 20_000, features: 6, seed: 5)
        var p = BoostingParameters(objective: Objective(kind: .binaryLogistic), rounds: 4)
        p.evalMetrics = [.logloss, .auc]
        p.threads = threads
        var last: [Double] = []
        let model = try BoostingTrainer(parameters: p).train(train, evaluationSets: [("validation", validation)],
                                                             onRound: { _, r in last = r.map(\.value) }, shouldStop: { false })
        let predictions = try model.testPredictions(validation.features)
        #expect(last[0] == EvalMetric.logloss.evaluate(predictions: predictions, labels: validation.labels, weights: nil))
        #expect(last[1] == EvalMetric.auc.evaluate(predictions: predictions, labels: validation.labels, weights: nil))

        // Three classes: one tree per class and round through the kernel.
        func classes(_ x: DenseMatrix<Float>) -> [Float] {
            (0 ..< x.rows).map { i in
                let v = x[i, 0]
                return v.isNaN ? 0 : (v < -0.5 ? 0 : (v < 0.5 ? 1 : 2))
            }
        }
        let multiTrain = BoostingData(features: train.features, labels: classes(train.features))
        let labels = classes(validation.features)
        let multi = BoostingData(features: validation.features, labels: labels)
        var q = BoostingParameters(objective: Objective(kind: .multiSoftprob, classCount: 3), rounds: 3)
        q.evalMetrics = [.mlogloss]
        q.threads = threads
        let multiModel = try BoostingTrainer(parameters: q).train(multiTrain, evaluationSets: [("validation", multi)],
                                                                  onRound: { _, r in last = r.map(\.value) }, shouldStop: { false })
        let multiPredictions = try multiModel.testPredictions(multi.features)
        #expect(last[0] == EvalMetric.mlogloss.evaluate(predictions: multiPredictions, labels: labels, weights: nil, classCount: 3))
    }
}
