import Foundation
@testable import LinearLearner
import MLCore
import Testing

/// The solver's internal objective and batch gradient against central finite differences and the
/// independent objective of `StochasticTestProblems`, with example weights and every penalty.
@Suite struct StochasticObjectiveTests {
    static let losses: [LinearLoss] = [
        .squared, .logistic, .softmax(classes: 3), .huber(delta: 0.7), .epsilonInsensitiveSquared(epsilon: 0.1),
    ]

    static func problem(for loss: LinearLoss) -> LinearProblem {
        let kind: StochasticTestProblems.Kind
        switch loss {
        case .logistic: kind = .binary
        case .softmax: kind = .multiclass
        default: kind = .regression
        }
        var p = StochasticTestProblems.make(kind, rows: 25, features: 3, seed: 2)
        p.weights = (0 ..< 25).map { 0.5 + Double($0 % 4) }
        return p
    }

    /// Runs `body` with an objective over `p` (the buffers live for the call).
    static func withObjective<R>(
        _ p: LinearProblem, _ loss: LinearLoss, _ r: Regularization, _ body: (StochasticObjective) -> R
    ) -> R {
        p.features.storage.withUnsafeBufferPointer { x in
            p.labels.withUnsafeBufferPointer { y in
                p.weights!.withUnsafeBufferPointer { s in
                    body(StochasticObjective(
                        x: x, y: y, s: s, features: p.featureCount, loss: loss, regularization: r,
                        fitIntercept: p.fitIntercept, totalWeight: p.totalWeight))
                }
            }
        }
    }

    /// The solver's batch gradient over `rows`, staged through `stagingRows` rows at a time
    /// (default: what the solver uses).
    static func batchGradient(
        _ p: LinearProblem, _ loss: LinearLoss, _ r: Regularization, at theta: [Double], rows: [Int], stagingRows: Int? = nil
    ) -> [Double] {
        var out = [Double](repeating: 0, count: theta.count)
        var scratch = [Double](repeating: 0, count: loss.outputs)
        withObjective(p, loss, r) { objective in
            var staging = [Double](
                repeating: 0, count: (stagingRows ?? objective.stagingRows(batchSize: rows.count)) * p.featureCount)
            rows.withUnsafeBufferPointer { batch in
                theta.withUnsafeBufferPointer { t in
                    out.withUnsafeMutableBufferPointer { o in
                        scratch.withUnsafeMutableBufferPointer { work in
                            staging.withUnsafeMutableBufferPointer { stage in
                                objective.batchGradient(batch, at: t, into: o, scratch: work, staging: stage)
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    @Test(arguments: losses)
    func fullBatchGradientMatchesFiniteDifferences(_ loss: LinearLoss) {
        let p = Self.problem(for: loss)
        let r = Regularization(l2: 0.3, interceptL2Multiplier: 0.5)
        var g = SeededGenerator(seed: 1)
        let theta = (0 ..< loss.outputs * 4).map { _ in 0.5 * g.nextGaussian() }
        let gradient = Self.batchGradient(p, loss, r, at: theta, rows: Array(0 ..< p.exampleCount))
        let h = 1e-6
        for j in theta.indices {
            var plus = theta, minus = theta
            plus[j] += h
            minus[j] -= h
            let numeric = (StochasticTestProblems.objective(plus, p, loss, r) - StochasticTestProblems.objective(minus, p, loss, r)) / (2 * h)
            #expect(abs(gradient[j] - numeric) <= 1e-6 * max(1, abs(numeric)), "\(loss) coordinate \(j)")
        }
    }

    @Test(arguments: losses)
    func dataLossMatchesTheIndependentObjective(_ loss: LinearLoss) {
        let p = Self.problem(for: loss)
        var g = SeededGenerator(seed: 3)
        let theta = (0 ..< loss.outputs * 4).map { _ in g.nextGaussian() }
        var scratch = [Double](repeating: 0, count: loss.outputs)
        let value = Self.withObjective(p, loss, Regularization()) { objective in
            theta.withUnsafeBufferPointer { t in scratch.withUnsafeMutableBufferPointer { objective.dataLoss(t, scratch: $0) } }
        }
        let want = StochasticTestProblems.objective(theta, p, loss, Regularization())
        #expect(abs(value - want) <= 1e-13 * max(1, want))
    }

    /// A batch's gradient is normalized by `|B| · s̄`, so the batch gradients of a partition,
    /// weighted by batch size, average to the full gradient.
    @Test func batchGradientsAverageToTheFullGradient() {
        let loss = LinearLoss.logistic
        let p = Self.problem(for: loss)
        let r = Regularization(l2: 0.2)
        let theta = [0.3, -0.2, 0.1, 0.05]
        func gradient(_ rows: [Int]) -> [Double] { Self.batchGradient(p, loss, r, at: theta, rows: rows) }
        let full = gradient(Array(0 ..< 25))
        let parts = [Array(0 ..< 10), Array(10 ..< 17), Array(17 ..< 25)]
        var average = [Double](repeating: 0, count: 4)
        for part in parts {
            let gPart = gradient(part)
            for j in 0 ..< 4 { average[j] += gPart[j] * Double(part.count) / 25 }
        }
        for j in 0 ..< 4 { #expect(abs(average[j] - full[j]) <= 1e-14) }
    }

    /// Rows are copied into the staging buffer in chunks; the chunk size changes nothing, bit for bit.
    @Test(arguments: losses)
    func stagingChunkSizeDoesNotChangeTheGradient(_ loss: LinearLoss) {
        let p = Self.problem(for: loss)
        let r = Regularization(l2: 0.1)
        var g = SeededGenerator(seed: 4)
        let theta = (0 ..< loss.outputs * 4).map { _ in g.nextGaussian() }
        let rows = [3, 17, 0, 9, 9, 24, 11, 5, 20, 1, 14]
        let reference = Self.batchGradient(p, loss, r, at: theta, rows: rows)
        for chunk in [1, 2, 7, 11] {
            #expect(Self.batchGradient(p, loss, r, at: theta, rows: rows, stagingRows: chunk) == reference, "chunk \(chunk)")
        }
    }
}
