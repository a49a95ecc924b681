import Foundation
import Testing
import MLCore
import TestSupport
@testable import ContainerRuntime

/// Reading the three config files (contract §1.1-§1.3).
@Suite struct TrainingConfigurationTests {
    @Test func rootFromEnvironment() {
        #expect(SageMakerPaths(environment: [:]).root.path == "/opt/ml")
        #expect(SageMakerPaths(environment: ["SAGEMAKER_BASE_DIR": "/tmp/x"]).model.path == "/tmp/x/model")
        #expect(SageMakerPaths(environment: ["SAGEMAKER_BASE_DIR": ""]).root.path == "/opt/ml")
    }

    // contract §1.2: SDK local mode writes only TrainingInputMode and ContentType.
    @Test func localModeMinimalInputDataConfig() throws {
        let tree = try TemporaryOptML()
        defer { tree.remove() }
        try tree.writeJSON("input/config/hyperparameters.json", ["epochs": "3"])
        try tree.writeJSON("input/config/inputdataconfig.json", ["train": ["TrainingInputMode": "File", "ContentType": "text/csv"]])
        try tree.writeJSON("input/config/resourceconfig.json", ["current_host": "algo-2-abcde", "hosts": ["algo-2-abcde", "algo-1-xyz12"]])
        let config = try TrainingConfiguration.load(from: SageMakerPaths(root: tree.root))
        #expect(config.channels["train"] == ChannelConfig(contentType: "text/csv", inputMode: "File", distribution: "FullyReplicated"))
        #expect(config.resources.currentHost == "algo-2-abcde")
        #expect(config.resources.hosts == ["algo-1-xyz12", "algo-2-abcde"])
        #expect(config.hyperparameters == ["epochs": "3"])
    }

    @Test func channelWithoutContentTypeAndAllFields() throws {
        let tree = try TemporaryOptML()
        defer { tree.remove() }
        try tree.writeJSON("input/config/inputdataconfig.json", [
            "train": ["TrainingInputMode": "Pipe", "S3DistributionType": "ShardedByS3Key", "RecordWrapperType": "RecordIO", "CompressionType": "Gzip"],
        ])
        let config = try TrainingConfiguration.load(from: SageMakerPaths(root: tree.root))
        #expect(config.channels["train"] == ChannelConfig(contentType: nil, inputMode: "Pipe", distribution: "ShardedByS3Key",
                                                          compression: "Gzip", recordWrapper: "RecordIO"))
        #expect(config.hyperparameters.isEmpty)
        #expect(config.notes.contains { $0.contains("hyperparameters.json does not exist") })
    }

    @Test func numbersAndBooleansInHyperparametersAreText() throws {
        let tree = try TemporaryOptML()
        defer { tree.remove() }
        try tree.write("input/config/hyperparameters.json", #"{"epochs": 3, "use_bias": true, "wd": 0.5, "loss": "auto"}"#)
        let config = try TrainingConfiguration.load(from: SageMakerPaths(root: tree.root))
        #expect(config.hyperparameters == ["epochs": "3", "use_bias": "true", "wd": "0.5", "loss": "auto"])
    }

    @Test func channelsFromFoldersWithoutInputDataConfig() throws {
        let tree = try TemporaryOptML()
        defer { tree.remove() }
        try tree.write("input/data/train/a.csv", "1,2\n")
        try tree.write("input/data/validation/a.csv", "1,2\n")
        let config = try TrainingConfiguration.load(from: SageMakerPaths(root: tree.root))
        #expect(Set(config.channels.keys) == ["train", "validation"])
    }

    @Test func invalidJSONNamesTheFile() throws {
        let tree = try TemporaryOptML()
        defer { tree.remove() }
        try tree.write("input/config/inputdataconfig.json", "{\"train\": ")
        #expect {
            try TrainingConfiguration.load(from: SageMakerPaths(root: tree.root))
        } throws: { error in
            let e = error as? OptmlError
            return e?.kind == .user && e!.message.hasPrefix("\(tree.url("input/config/inputdataconfig.json").path) is not valid JSON")
        }
        try tree.write("input/config/inputdataconfig.json", "[1, 2]")
        #expect(throws: OptmlError.user("\(tree.url("input/config/inputdataconfig.json").path) must hold a JSON object ({...}).")) {
            try TrainingConfiguration.load(from: SageMakerPaths(root: tree.root))
        }
    }

    @Test func atomicWriteReplacesWholeFileAndLeavesNoTemporary() throws {
        let tree = try TemporaryOptML()
        defer { tree.remove() }
        let url = tree.url("model/model_algo-1")
        try AtomicFile.write(Data("first".utf8), to: url)
        try AtomicFile.write(Data("second".utf8), to: url)
        #expect(tree.read("model/model_algo-1") == "second")
        #expect(try FileManager.default.contentsOfDirectory(atPath: tree.url("model").path) == ["model_algo-1"])
    }

    @Test func failureFileHoldsTheCauseFirst() throws {
        let tree = try TemporaryOptML()
        defer { tree.remove() }
        let lines = LinesCollector()
        let job = TrainingJob(paths: SageMakerPaths(root: tree.root), environment: [:], log: TrainingLog(sink: { lines.append($0) }),
                              stop: StopSignal())
        #expect(job.run() == 1)
        #expect(tree.read("output/failure")?.hasPrefix("ClientError: No algorithm selected.") == true)
        #expect(lines.all.contains { $0.hasPrefix("Training failed. ClientError: No algorithm selected.") })
    }

    @Test func stopRequestedBeforeTrainingEndsWith143() throws {
        let tree = try TemporaryOptML(copying: "iris")
        defer { tree.remove() }
        let stop = StopSignal()
        stop.requestStop(reason: "SIGTERM")
        let job = TrainingJob(paths: SageMakerPaths(root: tree.root), environment: [:], log: TrainingLog(sink: { _ in }), stop: stop)
        #expect(job.run() == 143)
        #expect(tree.read("output/failure")?.hasPrefix("Training was stopped by SIGTERM") == true)
        #expect(!tree.exists("model/model_algo-1"))
    }
}

final class LinesCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func append(_ line: String) { lock.lock(); lines.append(line); lock.unlock() }
    var all: [String] { lock.lock(); defer { lock.unlock() }; return lines }
}
