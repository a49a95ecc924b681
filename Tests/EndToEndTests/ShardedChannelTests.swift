import Foundation
import Testing
import TestSupport

/// Contract §10.1: `ShardedByS3Key` gives each host about 1/n of a channel's S3 objects, so a host
/// can get none. Such a host sits out (exit 0, says so, writes no model); everywhere else an empty
/// channel is still an error.
@Suite(.serialized) struct ShardedChannelTests {
    func tree(hosts: [String], current: String, distribution: String, trainFiles: Bool) throws -> TemporaryOptML {
        let tree = try TemporaryOptML()
        try tree.writeJSON("input/config/hyperparameters.json", ["predictor_type": "binary_classifier", "feature_dim": "2"])
        try tree.writeJSON("input/config/inputdataconfig.json", [
            "train": ["ContentType": "text/csv", "TrainingInputMode": "File", "S3DistributionType": distribution, "RecordWrapperType": "None"]])
        try tree.writeJSON("input/config/resourceconfig.json", ["current_host": current, "hosts": hosts, "network_interface_name": "eth0"])
        try FileManager.default.createDirectory(at: tree.url("input/data/train"), withIntermediateDirectories: true)
        if trainFiles {
            var text = ""
            for i in 0..<200 { text += "\(i % 2),\(Double(i % 2) + Double(i % 7) / 10),\(Double(i % 5) / 3)\n" }
            try tree.write("input/data/train/part-0.csv", text)
        }
        return tree
    }

    func run(_ tree: TemporaryOptML) throws -> ProcessResult {
        try runProcess(Repository.optmlExecutable, ["train"],
                       environment: ["SAGEMAKER_BASE_DIR": tree.root.path, "OPTML_ALGORITHM": "linear-learner"])
    }

    @Test(arguments: ["algo-1", "algo-2"])
    func hostWithEmptyShardSitsOut(current: String) throws {
        let tree = try tree(hosts: ["algo-1", "algo-2", "algo-3"], current: current, distribution: "ShardedByS3Key", trainFiles: false)
        defer { tree.remove() }
        let result = try run(tree)
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        #expect(result.stdout.contains("Host \(current) does not have training data: its shard of the 'train' channel (ShardedByS3Key over 3 hosts) holds no files"))
        #expect(!tree.exists("output/failure"))
        #expect(!tree.exists("model/model_algo-1"))
    }

    @Test func hostWithDataInItsShardTrains() throws {
        let tree = try tree(hosts: ["algo-1", "algo-2"], current: "algo-1", distribution: "ShardedByS3Key", trainFiles: true)
        defer { tree.remove() }
        let result = try run(tree)
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        #expect(tree.exists("model/model_algo-1"))
    }

    @Test(arguments: [(["algo-1"], "ShardedByS3Key"), (["algo-1", "algo-2"], "FullyReplicated")])
    func emptyChannelIsStillAnErrorOtherwise(hosts: [String], distribution: String) throws {
        let tree = try tree(hosts: hosts, current: "algo-1", distribution: distribution, trainFiles: false)
        defer { tree.remove() }
        let result = try run(tree)
        #expect(result.status == 1)
        #expect(tree.read("output/failure")?.hasPrefix("ClientError: No data in train channel path") == true, "\(tree.read("output/failure") ?? "none")")
    }
}
