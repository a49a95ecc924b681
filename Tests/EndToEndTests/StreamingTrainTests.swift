import Foundation
import Testing
import MLCore
import TestSupport

/// `optml train` of Linear Learner on a train channel larger than its memory budget (issue on
/// data channels: channels larger than memory): `OPTML_MEMORY_LIMIT_BYTES` forces streaming on
/// small data; the job reads the CSV files in blocks, prints the same metrics as the in-memory
/// job, and its peak resident memory stays far below the dense matrix.
@Suite(.serialized) struct StreamingTrainTests {
    /// CSV of single-digit values (cheap to write and parse, 8 bytes each as Double): `rows` ×
    /// `features`, a regression label, the pattern of `distinct` seeded rows repeated.
    static func digitsCSV(rows: Int, features: Int, distinct: Int = 997, binary: Bool = false, seed: UInt64 = 3) -> Data {
        var out = Data()
        digitsCSV(rows: rows, features: features, distinct: distinct, binary: binary, seed: seed) { out.append($0) }
        return out
    }

    /// Writes the rows of `digitsCSV` to `relative` in `tree` a piece at a time: the test process
    /// never holds the whole file (its resident set would count in other tests' measurements of
    /// child processes through `wait4`).
    static func writeDigitsCSV(_ tree: TemporaryOptML, _ relative: String, rows: Int, features: Int) throws {
        try tree.write(relative, Data())
        let handle = try FileHandle(forWritingTo: tree.url(relative))
        defer { try? handle.close() }
        var pending = Data()
        digitsCSV(rows: rows, features: features) { line in
            pending.append(line)
            if pending.count >= 1 << 20 { handle.write(pending); pending.removeAll(keepingCapacity: true) }
        }
        handle.write(pending)
    }

    static func digitsCSV(rows: Int, features: Int, distinct: Int = 997, binary: Bool = false, seed: UInt64 = 3,
                          emit: (Data) -> Void) {
        var rng = SeededGenerator(seed: seed)
        var lines: [Data] = []
        for _ in 0..<distinct {
            var values: [Int] = []
            var score = 0
            for j in 0..<features {
                let v = Int(rng.next() % 10)
                values.append(v)
                score += (j % 3 == 0 ? 1 : -1) * v
            }
            let label = binary ? (Double(score) / Double(features) + rng.nextGaussian() > 0 ? "1" : "0") : String(score + Int(rng.next() % 5))
            lines.append(Data((label + "," + values.map(String.init).joined(separator: ",") + "\n").utf8))
        }
        for i in 0..<rows { emit(lines[i % distinct]) }
    }

    static func metrics(_ stdout: String) -> [String: Double] {
        var out: [String: Double] = [:]
        for line in stdout.split(separator: "\n") where line.hasPrefix("#quality_metric: ") && !line.contains("epoch=") {
            let parts = line.split(separator: " ")
            guard parts.count == 5, let eq = parts[4].firstIndex(of: "="), let v = Double(parts[4][parts[4].index(after: eq)...]) else { continue }
            out["\(parts[2]) \(parts[3])"] = v
        }
        return out
    }

    func train(_ tree: TemporaryOptML, limit: Int?, extra: [String: String] = [:]) throws -> ProcessResult {
        var environment = ["SAGEMAKER_BASE_DIR": tree.root.path, "OPTML_ALGORITHM": "linear-learner"].merging(extra) { $1 }
        if let limit { environment["OPTML_MEMORY_LIMIT_BYTES"] = String(limit) }
        return try runProcess(Repository.optmlExecutable, ["train"], environment: environment)
    }

    // A 200 MB-as-Double channel (100 000 rows × 250 features) trains streamed with a peak resident
    // set under 100 MB, and its metrics equal the in-memory job's.
    @Test func streamedRegressorStaysFarBelowTheDenseSize() throws {
        let tree = try TemporaryOptML()
        defer { tree.remove() }
        try tree.configure(hyperparameters: ["predictor_type": "regressor", "feature_dim": "250"], channels: ["train"])
        try Self.writeDigitsCSV(tree, "input/data/train/part-0.csv", rows: 100_000, features: 250)
        let streamed = try train(tree, limit: 50_000_000)
        #expect(streamed.status == 0, "\(streamed.stdout)\n\(streamed.stderr)")
        #expect(streamed.stdout.contains("does not fit the memory budget 50.0 MB (OPTML_MEMORY_LIMIT_BYTES): training in streaming passes"))
        #expect(tree.exists("model/model_algo-1"))
        let peakLine = try #require(streamed.stdout.split(separator: "\n").first { $0.hasPrefix("#memory: peak_rss_bytes=") })
        let peak = try #require(Int(peakLine.split(separator: "=").last!))
        #expect(peak < 100_000_000, "peak resident set \(peak) bytes for a 200 MB dense matrix")

        let memory = try train(tree, limit: nil)
        #expect(memory.status == 0)
        #expect(memory.stdout.contains("fits the memory budget"))
        let a = Self.metrics(memory.stdout), b = Self.metrics(streamed.stdout)
        #expect(!a.isEmpty && a.keys.sorted() == b.keys.sorted())
        for (key, value) in a { #expect(isClose(value, b[key]!, relative: 1e-9), "\(key): in memory \(value), streamed \(b[key]!)") }
    }

    // Binary classification over gzip files and a streamed test channel, in many small blocks:
    // L-BFGS over passes gives the in-memory job's metrics within the solver tolerance.
    @Test func streamedBinaryWithGzipAndTestChannelMatchesInMemory() throws {
        let tree = try TemporaryOptML()
        defer { tree.remove() }
        try tree.configure(hyperparameters: ["predictor_type": "binary_classifier", "feature_dim": "6", "wd": "0.001",
                                             "positive_example_weight_mult": "1",
                                             "binary_classifier_model_selection_criteria": "loss_function"],
                           channels: ["train", "test"])
        let text = Self.digitsCSV(rows: 6_000, features: 6, distinct: 6_000, binary: true)
        let cut = text[..<(text.count / 2)].lastIndex(of: UInt8(ascii: "\n"))! + 1
        try tree.write("input/data/train/part-0.csv.gz", try gzipCompressed(Data(text[..<cut])))
        try tree.write("input/data/train/part-1.csv", Data(text[cut...]))
        try tree.write("input/data/test/test.csv", Self.digitsCSV(rows: 2_000, features: 6, distinct: 2_000, binary: true, seed: 4))
        let streamed = try train(tree, limit: 10_000, extra: ["OPTML_STREAM_BLOCK_BYTES": "20000"])
        #expect(streamed.status == 0, "\(streamed.stdout)\n\(streamed.stderr)")
        #expect(streamed.stdout.contains("training in streaming passes over its 2 file(s)"))
        #expect(streamed.stdout.contains("solved by lbfgs"))
        let memory = try train(tree, limit: nil)
        #expect(memory.status == 0)
        let a = Self.metrics(memory.stdout), b = Self.metrics(streamed.stdout)
        #expect(a.keys.contains("test roc_auc_score") && a.keys.sorted() == b.keys.sorted())
        for (key, value) in a { #expect(isClose(value, b[key]!, relative: 1e-4, absolute: 1e-6), "\(key): in memory \(value), streamed \(b[key]!)") }
    }

    // What streaming cannot train fails with a message naming the hyperparameter, the channel's
    // size, the budget and what would work.
    @Test(arguments: [["optimizer": "adam"], ["loss": "absolute_loss"]])
    func unsupportedSettingsFailClearly(setting: [String: String]) throws {
        let tree = try TemporaryOptML()
        defer { tree.remove() }
        try tree.configure(hyperparameters: ["predictor_type": "regressor"].merging(setting) { $1 }, channels: ["train"])
        try tree.write("input/data/train/part-0.csv", Self.digitsCSV(rows: 2_000, features: 5))
        let result = try train(tree, limit: 10_000)
        #expect(result.status == 1)
        let failure = tree.read("output/failure") ?? ""
        let name = setting["optimizer"].map { "optimizer '\($0)'" } ?? "loss '\(setting["loss"]!)'"
        #expect(failure.contains("Channel 'train' (about "), "\(failure)")
        #expect(failure.contains("does not fit the memory budget 10 KB (OPTML_MEMORY_LIMIT_BYTES)"), "\(failure)")
        #expect(failure.contains("and \(name) cannot be"), "\(failure)")
        #expect(failure.contains("Streaming trains optimizer 'auto'"), "\(failure)")
        #expect(!tree.exists("model/model_algo-1"))
    }

    // A bad value in a later block fails the job naming the file and the line.
    @Test func badValueInALaterBlockNamesFileAndLine() throws {
        let tree = try TemporaryOptML()
        defer { tree.remove() }
        try tree.configure(hyperparameters: ["predictor_type": "regressor"], channels: ["train"])
        var text = Self.digitsCSV(rows: 3_000, features: 5)
        text.append(Data("1,2,x,4,5,6\n".utf8))
        try tree.write("input/data/train/part-0.csv", text)
        let result = try train(tree, limit: 10_000, extra: ["OPTML_STREAM_BLOCK_BYTES": "8192"])
        #expect(result.status == 1)
        #expect(tree.read("output/failure")?.contains("train/part-0.csv line 3001, column 3: 'x' is not a number") == true,
                "\(tree.read("output/failure") ?? "")")
    }

    // SIGTERM during a streamed job: exit 143 and the stop message, as the in-memory job.
    @Test func sigtermStopsAStreamedJob() throws {
        let tree = try TemporaryOptML()
        defer { tree.remove() }
        try tree.configure(hyperparameters: ["predictor_type": "regressor", "feature_dim": "250"], channels: ["train"])
        try Self.writeDigitsCSV(tree, "input/data/train/part-0.csv", rows: 60_000, features: 250)
        try tree.writeJSON("input/config/hyperparameters.json", ["predictor_type": "regressor", "feature_dim": "250"])
        setenv("OPTML_MEMORY_LIMIT_BYTES", "1000000", 1)
        defer { unsetenv("OPTML_MEMORY_LIMIT_BYTES") }
        setenv("OPTML_ALGORITHM", "linear-learner", 1)
        defer { unsetenv("OPTML_ALGORITHM") }
        let (status, output) = try trainUntil("training in streaming passes", root: tree.root)
        #expect(status == 143, "\(output)")
        #expect(tree.read("output/failure")?.contains("Training was stopped by SIGTERM") == true, "\(tree.read("output/failure") ?? "")")
    }
}
