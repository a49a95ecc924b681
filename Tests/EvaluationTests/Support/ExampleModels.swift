import Evaluation
import Foundation
import MLCore

/// Seeded synthetic evaluations that look like real ones: the data behind the report tests and
/// the picture in the README (`scripts/render_report.sh`).
enum ExampleModels {
    /// A binary data set where `strength` sets how well the scores separate the classes.
    static func binary(rows: Int = 4000, strength: Double, seed: UInt64, name: String) -> EvaluationInput {
        var rng = SeededGenerator(seed: 17)  // the same rows for every model
        var noise = SeededGenerator(seed: seed)
        var labels: [Double] = []
        var scores: [Double] = []
        for _ in 0 ..< rows {
            let signal = rng.nextGaussian()
            let y: Double = rng.nextUnit() < 1 / (1 + exp(-(2.2 * signal - 0.6))) ? 1 : 0
            labels.append(y)
            let margin = strength * signal + (1 - strength) * 1.6 * noise.nextGaussian() - 0.5
            scores.append(1 / (1 + exp(-1.9 * margin)))
        }
        let features = ["income", "age", "tenure_months", "num_products", "balance", "credit_score", "is_active",
                        "region_code", "card_type", "complaints"]
        let gain = [412.5, 288.1, 190.4, 151.0, 96.3, 71.9, 40.2, 22.8, 11.5, 4.1].map { $0 * strength }
        let rounds = (1 ... 60).map(Double.init)
        let train = rounds.map { 0.69 * exp(-$0 / 18) + 0.30 - 0.0008 * $0 }
        let validation = rounds.map { 0.69 * exp(-$0 / 16) + 0.34 + 0.0004 * $0 }
        return EvaluationInput(labels: labels, predictions: .binary(scores: scores, areProbabilities: true), modelName: name,
                               classNames: ["stays", "churns"],
                               featureImportance: [FeatureImportance(kind: "gain", names: features, values: gain)],
                               history: [TrainingSeries(name: "train:logloss", steps: rounds, values: train),
                                         TrainingSeries(name: "validation:logloss", steps: rounds, values: validation)])
    }

    static func multiclass(rows: Int = 3000, classes k: Int = 5, seed: UInt64) -> EvaluationInput {
        var rng = SeededGenerator(seed: seed)
        var labels: [Double] = []
        var probabilities = DenseMatrix<Double>(rows: rows, columns: k)
        for i in 0 ..< rows {
            let y = Int(rng.next() % UInt64(k))
            labels.append(Double(y))
            var z = (0 ..< k).map { _ in rng.nextGaussian() }
            z[y] += 1.4
            let m = z.max()!
            let e = z.map { exp($0 - m) }
            let s = e.reduce(0, +)
            for c in 0 ..< k { probabilities[i, c] = e[c] / s }
        }
        return EvaluationInput(labels: labels, predictions: .multiclass(probabilities: probabilities), modelName: "iris-like",
                               classNames: ["setosa", "versicolor", "virginica", "arctica", "borealis"].prefix(k).map { $0 })
    }

    static func regression(rows: Int = 3000, seed: UInt64) -> EvaluationInput {
        var rng = SeededGenerator(seed: seed)
        var labels: [Double] = []
        var predictions: [Double] = []
        for _ in 0 ..< rows {
            let x = rng.nextGaussian()
            let y = 250 + 60 * x + 18 * rng.nextGaussian()
            labels.append(y)
            predictions.append(252 + 55 * x + 4 * rng.nextGaussian())
        }
        let features = (1 ... 8).map { "x\($0)" }
        return EvaluationInput(labels: labels, predictions: .regression(predictions), modelName: "house-prices",
                               featureImportance: [FeatureImportance(kind: "standardised coefficient", names: features,
                                                                     values: [55, -21, 14.5, 9, -6.2, 3, 1.1, -0.4])],
                               history: [TrainingSeries(name: "validation:rmse", steps: (1 ... 15).map(Double.init),
                                                        values: (1 ... 15).map { 19 + 40 * exp(-Double($0) / 3) }, stepName: "epoch")])
    }
}
