import Foundation
import MLCore
@testable import GradientBoosting

/// The trainer's reference data written by scripts/make_gbdt_metric_fixtures.py.
enum EngineFixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/engine")

    static func json(_ name: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: root.appendingPathComponent(name))) as! [String: Any]
    }

    /// A CSV set (label first, empty field = missing) split into its first `trainRows` rows and the rest.
    static func split(_ name: String, trainRows: Int = 2000) throws -> (train: BoostingData, test: BoostingData) {
        let text = try String(contentsOf: root.appendingPathComponent(name), encoding: .utf8)
        var labels: [Float] = [], values: [Float] = []
        var columns = 0
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            labels.append(Float(String(fields[0]))!)
            columns = fields.count - 1
            for field in fields.dropFirst() { values.append(field.isEmpty ? .nan : Float(String(field))!) }
        }
        func part(_ rows: Range<Int>) -> BoostingData {
            BoostingData(features: DenseMatrix(rows: rows.count, columns: columns,
                                               storage: Array(values[(rows.lowerBound * columns)..<(rows.upperBound * columns)])),
                         labels: Array(labels[rows]))
        }
        return (part(0..<trainRows), part(trainRows..<labels.count))
    }
}

/// Seeded synthetic sets for tests that need no reference numbers.
enum SyntheticData {
    static func regression(rows: Int, features: Int, seed: UInt64, missing: Double = 0) -> BoostingData {
        var generator = SeededGenerator(seed: seed)
        var values = [Float](repeating: 0, count: rows * features)
        var labels = [Float](repeating: 0, count: rows)
        for i in 0..<rows {
            for f in 0..<features { values[i * features + f] = Float(generator.nextGaussian()) }
            let x = values[(i * features)..<(i * features + features)].map(Double.init)
            labels[i] = Float(2 * x[0] + (x[1] > 0 ? 1 : -1) + 0.5 * x[0] * x[2] + 0.1 * generator.nextGaussian())
            if missing > 0 {
                for f in 0..<features where generator.nextUnit() < missing { values[i * features + f] = .nan }
            }
        }
        return BoostingData(features: DenseMatrix(rows: rows, columns: features, storage: values), labels: labels)
    }

    static func binary(rows: Int, features: Int, seed: UInt64) -> BoostingData {
        var data = regression(rows: rows, features: features, seed: seed)
        var generator = SeededGenerator(seed: seed ^ 0xB1)
        data.labels = data.labels.map { generator.nextUnit() < 1 / (1 + exp(-Double($0))) ? 1 : 0 }
        return data
    }
}

extension BoostingTrainer {
    /// Trains without evaluation sets or cancellation.
    func fit(_ data: BoostingData) throws -> TreeEnsemble {
        try train(data, evaluationSets: [], onRound: { _, _ in }, shouldStop: { false })
    }
}

extension TreeEnsemble {
    /// Margins of every row (rows × groups), by walking the trees the simple way.
    func testMargins(_ features: DenseMatrix<Float>) throws -> [Float] {
        let groups = objective.outputGroups
        let base = try ObjectiveFunctions.baseMargin(objective: objective, baseScore: baseScore)
        var margins = [Float](repeating: base, count: features.rows * groups)
        let used = Array(zip(trees, treeGroups).prefix(usedTreeCount)).map { (tree: $0.0, group: Int($0.1)) }
        BoostingTrainer.addTrees(used, features: features, groups: groups, to: &margins)
        return margins
    }

    func testPredictions(_ features: DenseMatrix<Float>) throws -> [Float] {
        var m = try testMargins(features)
        ObjectiveFunctions.transform(objective: objective, margins: &m)
        return m
    }
}
