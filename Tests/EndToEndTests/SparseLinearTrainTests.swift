import Foundation
import Testing
import MLCore
import DataReaders
import TestSupport

/// `optml train` of Linear Learner on sparse RecordIO-protobuf channels (contract §5.3; issue:
/// sparse data in both learners): wide sparse channels train on their stored entries, with the
/// same model a dense channel of the same values gives.
@Suite(.serialized) struct SparseLinearTrainTests {
    struct Rows {
        var keys: [[UInt64]] = []
        var values: [[Float]] = []
        var labels: [Float] = []
    }

    /// A seeded binary problem, `columns` wide at about `density`.
    static func rows(_ n: Int, columns: Int, density: Double, seed: UInt64) -> Rows {
        var rng = SeededGenerator(seed: seed)
        var truthRng = SeededGenerator(seed: 99)
        let truth = (0..<columns).map { _ in Float(truthRng.nextUnit() * 4 - 2) }
        var out = Rows()
        for _ in 0..<n {
            var keys: [UInt64] = [], values: [Float] = []
            var score: Float = 0
            for j in 0..<columns where rng.nextUnit() < density {
                let v = Float(rng.nextUnit() * 2)
                keys.append(UInt64(j)); values.append(v); score += v * truth[j]
            }
            out.keys.append(keys); out.values.append(values)
            out.labels.append(rng.nextUnit() < 1 / (1 + exp(-Double(score))) ? 1 : 0)
        }
        return out
    }

    static func write(_ rows: Rows, columns: Int, sparse: Bool, to tree: TemporaryOptML, channel: String) throws {
        var writer = RecordIOProtobufWriter()
        for i in 0..<rows.labels.count {
            if sparse {
                writer.appendSparse(keys: rows.keys[i], values: rows.values[i], columns: columns, label: rows.labels[i])
            } else {
                var dense = [Float](repeating: 0, count: columns)
                for (k, v) in zip(rows.keys[i], rows.values[i]) { dense[Int(k)] = v }
                writer.appendDense(features: dense, label: rows.labels[i])
            }
        }
        try tree.write("input/data/\(channel)/part-0.rec", Data(writer.bytes))
    }

    func train(columns: Int, sparse: Bool, hyperparameters: [String: String]) throws -> (ProcessResult, [String: Double], TemporaryOptML) {
        let tree = try TemporaryOptML()
        try tree.configure(hyperparameters: hyperparameters, channels: ["train", "validation"], contentType: "application/x-recordio-protobuf")
        try Self.write(Self.rows(3000, columns: columns, density: 0.01, seed: 1), columns: columns, sparse: sparse, to: tree, channel: "train")
        try Self.write(Self.rows(1000, columns: columns, density: 0.01, seed: 2), columns: columns, sparse: sparse, to: tree, channel: "validation")
        let result = try runProcess(Repository.optmlExecutable, ["train"],
                                    environment: ["SAGEMAKER_BASE_DIR": tree.root.path, "OPTML_ALGORITHM": "linear-learner"])
        var metrics: [String: Double] = [:]
        for line in result.stdout.split(separator: "\n") where line.hasPrefix("#quality_metric: ") && !line.contains("epoch=") {
            let parts = line.split(separator: " ")
            guard parts.count == 5, let eq = parts[4].firstIndex(of: "="), let v = Double(parts[4][parts[4].index(after: eq)...]) else { continue }
            metrics["\(parts[2]) \(parts[3])"] = v
        }
        return (result, metrics, tree)
    }

    // A 3000 × 400 channel at 1 % density trains on its stored entries, and its metrics equal those
    // of the same values written as dense records (which train on the dense matrix).
    @Test func wideSparseChannelTrainsOnStoredEntriesLikeDense() throws {
        let hp = ["predictor_type": "binary_classifier", "feature_dim": "400", "wd": "0.01",
                  "positive_example_weight_mult": "1", "binary_classifier_model_selection_criteria": "loss_function"]
        let (sparse, sparseMetrics, sparseTree) = try train(columns: 400, sparse: true, hyperparameters: hp)
        defer { sparseTree.remove() }
        #expect(sparse.status == 0, "\(sparse.stdout)\n\(sparse.stderr)")
        #expect(sparse.stdout.contains("Channel 'train' is sparse (3000 rows × 400 features"))
        #expect(sparse.stdout.contains("training on its stored entries"))
        #expect(sparseTree.exists("model/model_algo-1"))
        let (dense, denseMetrics, denseTree) = try train(columns: 400, sparse: false, hyperparameters: hp)
        defer { denseTree.remove() }
        #expect(dense.status == 0)
        #expect(!dense.stdout.contains("is sparse"))
        #expect(!sparseMetrics.isEmpty && Set(sparseMetrics.keys) == Set(denseMetrics.keys))
        for (name, value) in denseMetrics {
            let other = try #require(sparseMetrics[name])
            // The CSR path stops at scikit-learn's lbfgs tolerance, the dense one at 1e-7: the
            // metrics agree to a few parts in ten thousand.
            #expect(abs(other - value) <= 2e-3 * max(1, abs(value)), "\(name): dense \(value), sparse \(other)")
        }
    }

    // A loss without a CSR solver densifies a channel whose dense copy is small, and says why.
    @Test func hingeLossDensifiesSmallSparseChannel() throws {
        let (result, metrics, tree) = try train(columns: 400, sparse: true, hyperparameters: [
            "predictor_type": "binary_classifier", "feature_dim": "400", "loss": "hinge_loss"])
        defer { tree.remove() }
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        #expect(result.stdout.contains("training on a dense copy"))
        #expect(result.stdout.contains("loss 'hinge_loss' trains on dense rows"))
        #expect(metrics["test binary_classification_accuracy"] == nil && metrics["validation binary_classification_accuracy"] != nil)
    }
}
