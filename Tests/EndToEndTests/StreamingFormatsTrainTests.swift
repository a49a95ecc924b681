import Foundation
import Testing
import MLCore
import DataReaders
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// `optml train` of Linear Learner streaming RecordIO-protobuf channels, and Pipe-mode channels,
/// larger than the memory budget (`OPTML_MEMORY_LIMIT_BYTES` forces it on small data):
/// the streamed model equals the in-memory one, and bad data fails with the in-memory reader's
/// message. (Linear Learner trains text/csv and RecordIO-protobuf only, as SageMaker's does; the
/// libsvm block reader is tested in DataReadersTests.)
@Suite(.serialized) struct StreamingFormatsTrainTests {
    enum Format: String, CaseIterable, Sendable {
        case csv, recordIODense, recordIOSparse

        var contentType: String {
            switch self {
            case .csv: "text/csv"
            case .recordIODense, .recordIOSparse: "application/x-recordio-protobuf"
            }
        }
    }

    /// Seeded rows of `features` small integer values (exact in Float32), about half of them 0,
    /// with a regression or binary label; the last feature is set on every row so every file
    /// reaches the full width.
    static func rows(_ n: Int, features: Int, binary: Bool, seed: UInt64) -> [(label: Double, values: [Double])] {
        var rng = SeededGenerator(seed: seed)
        return (0..<n).map { _ in
            var values = (0..<features).map { _ in rng.next() % 2 == 0 ? 0 : Double(Int(rng.next() % 9) - 4) }
            values[features - 1] = Double(1 + rng.next() % 3)
            var score = 0.0
            for (j, v) in values.enumerated() { score += (j % 3 == 0 ? 0.7 : -0.4) * v }
            let noise = Double(Int(rng.next() % 7) - 3) / 4
            return (binary ? (score + noise > 0 ? 1 : 0) : score + noise, values)
        }
    }

    /// The rows in `format`'s bytes.
    static func encode(_ rows: ArraySlice<(label: Double, values: [Double])>, format: Format) -> Data {
        switch format {
        case .csv:
            return Data(rows.map { row in ([row.label] + row.values).map { String($0) }.joined(separator: ",") + "\n" }
                .joined().utf8)
        case .recordIODense, .recordIOSparse:
            var writer = RecordIOProtobufWriter()
            for row in rows {
                if format == .recordIODense {
                    writer.appendDense(features: row.values.map(Float.init), label: Float(row.label))
                } else {
                    let stored = row.values.enumerated().filter { $0.element != 0 }
                    writer.appendSparse(keys: stored.map { UInt64($0.offset) }, values: stored.map { Float($0.element) },
                                        columns: row.values.count, label: Float(row.label))
                }
            }
            return Data(writer.bytes)
        }
    }

    /// The rows in two files, the second gzip-compressed.
    static func writeChannel(_ tree: TemporaryOptML, _ channel: String, rows: [(label: Double, values: [Double])], format: Format) throws {
        let half = rows.count / 2
        try tree.write("input/data/\(channel)/part-0", encode(rows[..<half], format: format))
        try tree.write("input/data/\(channel)/part-1.gz", try gzipCompressed(encode(rows[half...], format: format)))
    }

    func train(_ tree: TemporaryOptML, limit: Int?, extra: [String: String] = [:]) throws -> ProcessResult {
        var environment = ["SAGEMAKER_BASE_DIR": tree.root.path, "OPTML_ALGORITHM": "linear-learner"].merging(extra) { $1 }
        if let limit { environment["OPTML_MEMORY_LIMIT_BYTES"] = String(limit) }
        return try runProcess(Repository.optmlExecutable, ["train"], environment: environment)
    }

    /// Every number of the model object in the model file, in order.
    static func modelNumbers(_ tree: TemporaryOptML) throws -> [Double] {
        let data = try Data(contentsOf: tree.url("model/model_algo-1"))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        var out: [Double] = []
        func walk(_ value: Any) {
            if let number = value as? NSNumber, !(value is Bool) { out.append(number.doubleValue) }
            else if let array = value as? [Any] { array.forEach(walk) }
            else if let dictionary = value as? [String: Any] { for key in dictionary.keys.sorted() { walk(dictionary[key]!) } }
        }
        walk(try #require(object["model"]))
        return out
    }

    // Each format in two files (one gzip), with a validation channel of the same format: the model
    // trained in streaming passes equals the in-memory model — to rounding for squared loss
    // (normal equations), within the solver tolerance for logistic (L-BFGS over passes).
    @Test(arguments: [Format.recordIODense, .recordIOSparse], [false, true])
    func streamedModelEqualsInMemory(format: Format, binary: Bool) throws {
        let tree = try TemporaryOptML()
        defer { tree.remove() }
        var hyperparameters = ["predictor_type": binary ? "binary_classifier" : "regressor", "wd": "0.001"]
        if binary {
            hyperparameters["binary_classifier_model_selection_criteria"] = "loss_function"
            hyperparameters["positive_example_weight_mult"] = "1"
        }
        try tree.configure(hyperparameters: hyperparameters, channels: ["train", "validation"], contentType: format.contentType)
        try Self.writeChannel(tree, "train", rows: Self.rows(6_000, features: 8, binary: binary, seed: 11), format: format)
        try Self.writeChannel(tree, "validation", rows: Self.rows(1_500, features: 8, binary: binary, seed: 12), format: format)

        let streamed = try train(tree, limit: 10_000, extra: ["OPTML_STREAM_BLOCK_BYTES": "8192"])
        #expect(streamed.status == 0, "\(streamed.stdout)\n\(streamed.stderr)")
        #expect(streamed.stdout.contains("training in streaming passes over its 2 file(s)"), "\(streamed.stdout)")
        #expect(streamed.stdout.contains("Channel 'validation' (recordioProtobuf, File mode) is read in streaming passes"))
        if format != .recordIODense {
            #expect(streamed.stdout.contains("reading its 2 file(s) once to find the feature count"))
        }
        let streamedModel = try Self.modelNumbers(tree)

        let memory = try train(tree, limit: nil)
        #expect(memory.status == 0, "\(memory.stdout)\n\(memory.stderr)")
        #expect(memory.stdout.contains("fits the memory budget"))
        let memoryModel = try Self.modelNumbers(tree)
        #expect(memoryModel.count == streamedModel.count && memoryModel.count >= 9)
        // Logistic: the in-memory job's Newton iterations and the streamed L-BFGS stop at their
        // tolerances, a few thousandths apart on coefficients of about 1.
        for (a, b) in zip(memoryModel, streamedModel) {
            #expect(binary ? abs(a - b) < 5e-3 : isClose(a, b, relative: 1e-9, absolute: 1e-12), "in memory \(a), streamed \(b)")
        }
        let a = StreamingTrainTests.metrics(memory.stdout), b = StreamingTrainTests.metrics(streamed.stdout)
        #expect(a.keys.contains { $0.hasPrefix("validation") } && a.keys.sorted() == b.keys.sorted(), "\(a.keys.sorted())")
        for (key, value) in a {
            #expect(isClose(value, b[key]!, relative: binary ? 1e-4 : 1e-9, absolute: 1e-9), "\(key): in memory \(value), streamed \(b[key]!)")
        }
    }

    // Pipe mode: a child writes the channel into `train_0`, `train_1`, … one FIFO per pass; the
    // streamed model equals the File-mode in-memory model of the same bytes.
    @Test(arguments: [Format.csv, .recordIODense, .recordIOSparse])
    func pipeModeStreamsOneFIFOPerPass(format: Format) throws {
        let tree = try TemporaryOptML()
        defer { tree.remove() }
        let hyperparameters = ["predictor_type": "regressor", "wd": "0.001"]
        try tree.configure(hyperparameters: hyperparameters, channels: ["train"], contentType: format.contentType)
        let bytes = Self.encode(Self.rows(4_000, features: 6, binary: false, seed: 21)[...], format: format)
        try tree.write("input/data/train/part-0", bytes)
        let memory = try train(tree, limit: nil)
        #expect(memory.status == 0, "\(memory.stdout)\n\(memory.stderr)")
        let memoryModel = try Self.modelNumbers(tree)

        try FileManager.default.removeItem(at: tree.url("input/data/train"))
        try FileManager.default.removeItem(at: tree.url("model/model_algo-1"))
        try tree.write("train-source", bytes)
        try tree.writeJSON("input/config/inputdataconfig.json", ["train": [
            "ContentType": format.contentType, "TrainingInputMode": "Pipe", "S3DistributionType": "FullyReplicated",
            "RecordWrapperType": "None"]])
        let data = tree.url("input/data").path
        let writer = Process()
        writer.executableURL = URL(fileURLWithPath: "/bin/sh")
        writer.arguments = ["-c", """
            k=0
            while [ $k -lt 200 ]; do
              mkfifo '\(data)'/train_$k || exit 1
              cat '\(tree.url("train-source").path)' > '\(data)'/train_$k || exit 0
              k=$((k+1))
            done
            """]
        try writer.run()
        let streamed = try train(tree, limit: 10_000, extra: ["OPTML_STREAM_BLOCK_BYTES": "8192"])
        // The writer waits on the next FIFO, which no pass reads: open and close it so it stops.
        let deadline = Date().addingTimeInterval(20)
        while writer.isRunning && Date() < deadline {
            let fifos = (try? FileManager.default.contentsOfDirectory(atPath: data)) ?? []
            let last = fifos.compactMap { $0.hasPrefix("train_") ? Int($0.dropFirst(6)) : nil }.max() ?? 0
            let fd = open("\(data)/train_\(last)", O_RDONLY | O_NONBLOCK)
            usleep(100_000)
            if fd >= 0 { close(fd) }
        }
        writer.waitUntilExit()
        #expect(streamed.status == 0, "\(streamed.stdout)\n\(streamed.stderr)")
        #expect(streamed.stdout.contains("each pass reading the next FIFO (train_0, train_1, …)"), "\(streamed.stdout)")
        #expect(streamed.stdout.contains("pass 3 reads \(data)/train_2"))
        if format == .recordIOSparse {
            #expect(streamed.stdout.contains("the first FIFO is read to find the feature count"))
        }
        let streamedModel = try Self.modelNumbers(tree)
        #expect(memoryModel.count == streamedModel.count && memoryModel.count >= 7)
        for (a, b) in zip(memoryModel, streamedModel) { #expect(isClose(a, b, relative: 1e-9, absolute: 1e-12), "File mode \(a), Pipe mode \(b)") }
    }

    // A truncated record in a later block fails the streamed job with the in-memory reader's
    // message (file and byte offset), writes output/failure and exits non-zero.
    @Test(arguments: [Format.recordIODense])
    func badDataInALaterBlockFailsLikeInMemory(format: Format) throws {
        let tree = try TemporaryOptML()
        defer { tree.remove() }
        try tree.configure(hyperparameters: ["predictor_type": "regressor", "feature_dim": "8"], channels: ["train"],
                           contentType: format.contentType)
        // Past the first MiB, so the in-memory job meets the error in its reader, not in the size estimate.
        var bytes = Self.encode(Self.rows(40_000, features: 8, binary: false, seed: 31)[...], format: format)
        bytes.removeLast(5)
        try tree.write("input/data/train/part-0", bytes)
        let streamed = try train(tree, limit: 10_000, extra: ["OPTML_STREAM_BLOCK_BYTES": "8192"])
        #expect(streamed.status != 0)
        #expect(streamed.stdout.contains("training in streaming passes"), "\(streamed.stdout)")
        let streamedFailure = try #require(tree.read("output/failure"))
        #expect(streamedFailure.contains("train/part-0: the RecordIO record at byte offset "), "\(streamedFailure)")
        #expect(streamedFailure.contains("(truncated file)"), "\(streamedFailure)")

        let memory = try train(tree, limit: nil)
        #expect(memory.status != 0)
        #expect(memory.stdout.contains("fits the memory budget"))
        #expect(tree.read("output/failure") == streamedFailure)
    }
}
