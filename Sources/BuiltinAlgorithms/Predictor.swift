import Foundation
import Dispatch
import MLCore

/// A trained model loaded for prediction: it maps a batch of feature rows to scores (and, for
/// classifiers that decide, predicted labels), and says how its predictions look on the wire.
///
/// Conformances are value types built once from a model directory (`PredictorLoader`) and shared
/// by every request, so `predict` must be safe to call from many threads at once. The serving
/// layers see only this protocol: a new algorithm is one more conformance plus one line in
/// `PredictorLoader`.
public protocol Predictor: Sendable {
    /// The algorithm's name as `optml describe` prints it (`linear-learner`).
    var algorithm: String { get }
    /// Features every row must have.
    var featureCount: Int { get }
    /// What the model predicts.
    var task: Task { get }
    /// The columns of a prediction and the response conventions of the algorithm.
    var layout: PredictionLayout { get }
    /// Whether a missing feature (an empty CSV field, `nan`, JSON `null`) can be predicted.
    /// When false, the serving layer rejects such a record with a message naming it.
    var acceptsMissingFeatures: Bool { get }
    /// The value of a feature a sparse record leaves out: 0 for linear models, missing (NaN)
    /// for tree models that learn a default direction.
    var absentSparseValue: Double { get }

    /// Predicts `rows` rows.
    ///
    /// - Parameters:
    ///   - features: `rows × featureCount` values, row-major.
    ///   - scores: `rows × layout.scoreWidth` slots to fill, row-major.
    ///   - labels: `rows` slots for `predicted_label` when `layout.hasPredictedLabel`, else empty.
    ///
    /// Allocates nothing; cost O(rows · featureCount · scoreWidth) for linear models.
    func predict(
        features: UnsafeBufferPointer<Double>, rows: Int,
        scores: UnsafeMutableBufferPointer<Double>, labels: UnsafeMutableBufferPointer<Double>)
}

extension Predictor {
    /// Predicts every row of `x` (which must have `featureCount` columns) into new arrays, on
    /// `threads` workers over blocks of rows (`predict` is thread-safe by contract).
    public func predict(_ x: DenseMatrix<Double>, threads: Int = 1) -> Predictions {
        precondition(x.columns == featureCount, "expected \(featureCount) features, got \(x.columns)")
        var result = Predictions(rows: x.rows, layout: layout)
        let rows = x.rows, d = featureCount, width = layout.scoreWidth, hasLabels = layout.hasPredictedLabel
        x.storage.withUnsafeBufferPointer { features in
            result.withUnsafeMutableBuffers { scores, labels in
                let blocks = rows >= 4096 ? max(1, min(threads, rows / 2048)) : 1
                if blocks == 1 {
                    predict(features: features, rows: rows, scores: scores, labels: labels)
                    return
                }
                nonisolated(unsafe) let f = features.baseAddress!
                nonisolated(unsafe) let s = scores.baseAddress!
                nonisolated(unsafe) let l = labels.baseAddress
                let per = (rows + blocks - 1) / blocks
                DispatchQueue.concurrentPerform(iterations: blocks) { b in
                    let lo = b * per, hi = min(rows, lo + per)
                    guard lo < hi else { return }
                    predict(features: UnsafeBufferPointer(start: f + lo * d, count: (hi - lo) * d), rows: hi - lo,
                            scores: UnsafeMutableBufferPointer(start: s + lo * width, count: (hi - lo) * width),
                            labels: hasLabels ? UnsafeMutableBufferPointer(start: l! + lo, count: hi - lo)
                                : UnsafeMutableBufferPointer(start: nil, count: 0))
                }
            }
        }
        return result
    }
}
