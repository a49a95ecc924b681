import Foundation
import Testing
import TestSupport

/// Pipe-mode channels (contract §1.5): the train channel streamed through the FIFO `train_0` by a
/// child process, plain, gzip-compressed, and RecordIO-wrapped; the metrics must equal those of
/// the same data in File mode.
@Suite(.serialized) struct PipeModeTests {
    /// The breast-cancer tree with `train` switched to Pipe mode (its folder moved away, so the
    /// data can only come through the FIFO); returns the tree and the train CSV's bytes.
    func pipeTree(compression: String = "None", wrapper: String = "None") throws -> (TemporaryOptML, Data) {
        let tree = try TemporaryOptML(copying: "breast-cancer")
        let csv = try Data(contentsOf: tree.url("input/data/train/train.csv"))
        try FileManager.default.removeItem(at: tree.url("input/data/train"))
        func channel(_ mode: String, _ compression: String = "None", _ wrapper: String = "None") -> [String: Any] {
            ["ContentType": "text/csv", "TrainingInputMode": mode, "S3DistributionType": "FullyReplicated",
             "CompressionType": compression, "RecordWrapperType": wrapper]
        }
        try tree.writeJSON("input/config/inputdataconfig.json", [
            "train": channel("Pipe", compression, wrapper), "validation": channel("File"), "test": channel("File"),
        ])
        let made = try runProcess(URL(fileURLWithPath: "/usr/bin/mkfifo"), [tree.url("input/data/train_0").path])
        try #require(made.status == 0, "mkfifo failed: \(made.stderr)")
        return (tree, csv)
    }

    /// Starts a child process that writes `command`'s output into the FIFO, runs `optml train`,
    /// and waits for the writer.
    func trainWithWriter(_ tree: TemporaryOptML, _ command: String, environment: [String: String] = [:]) throws -> ProcessResult {
        let writer = Process()
        writer.executableURL = URL(fileURLWithPath: "/bin/sh")
        writer.arguments = ["-c", "\(command) > '\(tree.url("input/data/train_0").path)'"]
        try writer.run()
        let result = try runProcess(Repository.optmlExecutable, ["train"],
                                    environment: ["SAGEMAKER_BASE_DIR": tree.root.path].merging(environment) { $1 })
        writer.waitUntilExit()
        return result
    }

    func testMetrics(_ stdout: String) -> [Substring] {
        stdout.split(separator: "\n").filter { $0.hasPrefix("#quality_metric: host=algo-1, test ") }
    }

    /// The File-mode run's test metric lines, for comparison.
    func fileModeMetrics() throws -> [Substring] {
        let tree = try TemporaryOptML(copying: "breast-cancer")
        defer { tree.remove() }
        let result = try runProcess(Repository.optmlExecutable, ["train"], environment: ["SAGEMAKER_BASE_DIR": tree.root.path])
        #expect(result.status == 0, "\(result.stderr)")
        return testMetrics(result.stdout)
    }

    @Test func plainAndGzipStreamsGiveTheFileModeMetrics() throws {
        let expected = try fileModeMetrics()
        #expect(!expected.isEmpty)
        let (plain, csv) = try pipeTree()
        defer { plain.remove() }
        let source = plain.url("train-source.csv")
        try csv.write(to: source)
        let result = try trainWithWriter(plain, "cat '\(source.path)'")
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        #expect(result.stdout.contains("Channel 'train' is in Pipe mode"))
        #expect(testMetrics(result.stdout) == expected)

        let (zipped, _) = try pipeTree(compression: "Gzip")
        defer { zipped.remove() }
        try csv.write(to: zipped.url("train-source.csv"))
        let gz = try trainWithWriter(zipped, "gzip -c '\(zipped.url("train-source.csv").path)'")
        #expect(gz.status == 0, "\(gz.stdout)\n\(gz.stderr)")
        #expect(testMetrics(gz.stdout) == expected)
    }

    @Test func recordIOWrappedObjectsAreUnwrapped() throws {
        let expected = try fileModeMetrics()
        let (tree, csv) = try pipeTree(wrapper: "RecordIO")
        defer { tree.remove() }
        // Two S3 objects (the first lacking its final newline), each one RecordIO record:
        // magic 0xCED7230A, a length word (no continuation flags), the payload, zero padding to 4 bytes.
        var text = [UInt8](csv)
        if text.last == 0x0A { text.removeLast() }
        let lines = text.split(separator: 0x0A, omittingEmptySubsequences: false)
        let half = lines.count / 2
        let objects = [Array(lines[..<half].joined(separator: [0x0A])), Array(lines[half...].joined(separator: [0x0A])) + [0x0A]]
        var stream: [UInt8] = []
        for object in objects {
            for value in [UInt32(0xCED7_230A), UInt32(object.count)] {
                withUnsafeBytes(of: value.littleEndian) { stream.append(contentsOf: $0) }
            }
            stream.append(contentsOf: object)
            stream.append(contentsOf: [UInt8](repeating: 0, count: (4 - object.count % 4) % 4))
        }
        let source = tree.url("train-source.rec")
        try Data(stream).write(to: source)
        let result = try trainWithWriter(tree, "cat '\(source.path)'")
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        #expect(testMetrics(result.stdout) == expected)
    }

    @Test func missingFIFOIsAClearError() throws {
        let tree = try TemporaryOptML(copying: "breast-cancer")
        defer { tree.remove() }
        var config = try JSONSerialization.jsonObject(with: Data(contentsOf: tree.url("input/config/inputdataconfig.json"))) as! [String: [String: Any]]
        config["train"]?["TrainingInputMode"] = "Pipe"
        try tree.writeJSON("input/config/inputdataconfig.json", config)
        let result = try runProcess(Repository.optmlExecutable, ["train"],
                                    environment: ["SAGEMAKER_BASE_DIR": tree.root.path, "OPTML_PIPE_TIMEOUT_SECONDS": "0.2"])
        #expect(result.status == 1)
        #expect(tree.read("output/failure")?.hasPrefix("ClientError: Channel 'train' is in Pipe mode but \(tree.url("input/data/train_0").path) did not appear within 0.2 s.") == true,
                "\(tree.read("output/failure") ?? "")")
    }
}
