import Foundation
import MLCore
import Testing
@testable import GradientBoosting

/// On data with few distinct values per feature, xgboost (`hist`) and this trainer cut every
/// feature at its distinct values, so they must grow the same trees: same split features,
/// thresholds and missing-value directions, same leaf values up to float rounding
/// (Fixtures/engine/exact.json, written by scripts/make_gbdt_metric_fixtures.py).
@Suite struct TrainingExactTests {
    @Test(arguments: ["reg:squarederror", "binary:logistic"])
    func growsTheTreesXGBoostGrows(objectiveName: String) throws {
        let fixture = try EngineFixtures.json("exact.json")
        let entry = (fixture["cases"] as! [[String: Any]]).first { $0["objective"] as! String == objectiveName }!
        var (data, _) = try EngineFixtures.split("exact.csv", trainRows: 1500)
        if objectiveName == "binary:logistic" {
            let text = try String(contentsOf: EngineFixtures.root.appendingPathComponent("exact-binary-labels.csv"), encoding: .utf8)
            data.labels = text.split(separator: "\n").map { Float(String($0))! }
        }
        var p = BoostingParameters(objective: Objective(kind: Objective.Kind(rawValue: objectiveName)!), rounds: entry["rounds"] as! Int)
        p.eta = 0.3; p.maxDepth = 4; p.lambda = 1; p.minChildWeight = 1
        let model = try BoostingTrainer(parameters: p).fit(data)
        #expect(abs(model.baseScore - (entry["baseScore"] as! Double)) < 1e-6)
        let reference = entry["trees"] as! [[String: Any]]
        #expect(model.trees.count == reference.count)
        for (t, (tree, expected)) in zip(model.trees, reference).enumerated() {
            let left = (expected["left_children"] as! [Int]).map(Int32.init)
            #expect(tree.leftChildren == left, "tree \(t) shape")
            guard tree.leftChildren == left else { continue }
            let indices = (expected["split_indices"] as! [Int]).map(Int32.init)
            let conditions = (expected["split_conditions"] as! [Double]).map(Float.init)
            let defaults = (expected["default_left"] as! [Int]).map { $0 != 0 }
            for n in 0..<tree.nodeCount {
                if tree.isLeaf(n) {
                    #expect(abs(tree.splitConditions[n] - conditions[n]) <= 1e-5 * max(1, abs(conditions[n])), "tree \(t) leaf \(n)")
                } else {
                    #expect(tree.splitIndices[n] == indices[n], "tree \(t) node \(n) feature")
                    #expect(tree.splitConditions[n] == conditions[n], "tree \(t) node \(n) threshold")
                    #expect(tree.defaultLeft[n] == defaults[n], "tree \(t) node \(n) missing direction")
                }
            }
        }
    }
}
