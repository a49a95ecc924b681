import Foundation
import MLCore
import Testing
@testable import GradientBoosting

/// On data with few distinct values per feature, xgboost (`hist`) and this trainer cut every
/// feature at its distinct values, so they must grow the same trees: same split features,
/// thresholds and missing-value directions, same leaf values up to float rounding
/// (Fixtures/engine/exact.json, written by scripts/make_gbdt_metric_fixtures.py). Covers every
/// objective, lossguide, L1/L2, gamma, max_delta_step, min_child_weight, monotone and interaction
/// constraints, scale_pos_weight and row weights.
@Suite struct TrainingExactTests {
    /// One node in breadth-first order: (feature, threshold, default left) or a leaf value.
    enum Node: Equatable, CustomStringConvertible {
        case split(Int32, Float, Bool)
        case leaf(Float)
        var description: String {
            switch self {
            case .split(let f, let t, let d): "f\(f)<\(t)\(d ? " (missing left)" : "")"
            case .leaf(let v): "leaf \(v)"
            }
        }
    }

    /// Breadth-first nodes from array form (XGBoost numbers lossguide nodes in creation order).
    static func breadthFirst(left: [Int32], right: [Int32], indices: [Int32], conditions: [Float], defaults: [Bool]) -> [Node] {
        var queue = [0], out: [Node] = []
        while !queue.isEmpty {
            let n = queue.removeFirst()
            if left[n] < 0 {
                out.append(.leaf(conditions[n]))
            } else {
                out.append(.split(indices[n], conditions[n], defaults[n]))
                queue += [Int(left[n]), Int(right[n])]
            }
        }
        return out
    }

    static let cases: [Int] = {
        guard let fixture = try? EngineFixtures.json("exact.json") else { return [] }
        return Array((fixture["cases"] as! [[String: Any]]).indices)
    }()

    @Test func fixtureHasEveryCase() { #expect(Self.cases.count == 20) }

    @Test(arguments: cases)
    func growsTheTreesXGBoostGrows(caseIndex: Int) throws {
        let entry = (try EngineFixtures.json("exact.json")["cases"] as! [[String: Any]])[caseIndex]
        let params = entry["params"] as! [String: Any]
        let objectiveName = entry["objective"] as! String
        func number(_ key: String) -> Double? { (params[key] as? Double) ?? (params[key] as? Int).map(Double.init) }
        var (data, _) = try EngineFixtures.split("exact.csv", trainRows: 1500)
        let labelFile = "exact-labels-\(entry["labels"] as! String).csv"
        let text = try String(contentsOf: EngineFixtures.root.appendingPathComponent(labelFile), encoding: .utf8)
        data.labels = text.split(separator: "\n").map { Float(String($0))! }
        if params["weighted"] as? Bool == true {
            let weights = try String(contentsOf: EngineFixtures.root.appendingPathComponent("exact-weights.csv"), encoding: .utf8)
            data.weights = weights.split(separator: "\n").map { Float(String($0))! }
        }
        let kind = Objective.Kind(rawValue: objectiveName)!
        let objective = Objective(kind: kind, classCount: Int(number("num_class") ?? 1), scalePositiveWeight: number("scale_pos_weight") ?? 1,
                                  huberSlope: number("huber_slope") ?? 1, quantileAlpha: number("quantile_alpha") ?? 0.5,
                                  tweedieVariancePower: number("tweedie_variance_power") ?? 1.5,
                                  maxDeltaStep: kind == .countPoisson ? 0.7 : 0)
        var p = BoostingParameters(objective: objective, rounds: entry["rounds"] as! Int)
        p.eta = number("eta")!
        p.maxDepth = Int(number("max_depth")!)
        p.lambda = number("lambda") ?? 1
        p.alpha = number("alpha") ?? 0
        p.gamma = number("gamma") ?? 0
        // XGBoost applies its Poisson default max_delta_step of 0.7 to the trees as well.
        p.maxDeltaStep = number("max_delta_step") ?? (kind == .countPoisson ? 0.7 : 0)
        p.minChildWeight = number("min_child_weight") ?? 1
        if let policy = params["grow_policy"] as? String { p.growPolicy = GrowPolicy(rawValue: policy)! }
        p.maxLeaves = Int(number("max_leaves") ?? 0)
        if let text = params["monotone_constraints"] as? String {
            p.monotoneConstraints = text.trimmingCharacters(in: CharacterSet(charactersIn: "()")).split(separator: ",").map { Int($0)! }
        }
        if let text = params["interaction_constraints"] as? String {
            let inner = text.replacingOccurrences(of: " ", with: "").dropFirst(2).dropLast(2)
            p.interactionConstraints = inner.components(separatedBy: "],[").map { $0.split(separator: ",").map { Int($0)! } }
        }
        p.baseScore = number("base_score")
        let model = try BoostingTrainer(parameters: p).fit(data)
        #expect(abs(model.baseScore - (entry["baseScore"] as! Double)) < 1e-6)
        let reference = entry["trees"] as! [[String: Any]]
        #expect(model.trees.count == reference.count)
        for (t, (tree, expected)) in zip(model.trees, reference).enumerated() {
            let ours = Self.breadthFirst(left: tree.leftChildren, right: tree.rightChildren, indices: tree.splitIndices,
                                         conditions: tree.splitConditions, defaults: tree.defaultLeft)
            let theirs = Self.breadthFirst(left: (expected["left_children"] as! [Int]).map(Int32.init),
                                           right: (expected["right_children"] as! [Int]).map(Int32.init),
                                           indices: (expected["split_indices"] as! [Int]).map(Int32.init),
                                           conditions: (expected["split_conditions"] as! [Double]).map(Float.init),
                                           defaults: (expected["default_left"] as! [Int]).map { $0 != 0 })
            #expect(ours.count == theirs.count, "case \(caseIndex) tree \(t): \(ours) vs \(theirs)")
            for (a, b) in zip(ours, theirs) {
                switch (a, b) {
                case (.leaf(let x), .leaf(let y)):
                    #expect(abs(x - y) <= 2e-5 * max(1, abs(y)), "case \(caseIndex) tree \(t): leaf \(x) vs \(y)")
                default:
                    #expect(a == b, "case \(caseIndex) tree \(t): \(a) vs \(b)")
                }
            }
        }
    }
}
