import Foundation
import Testing
import TestSupport

/// End-to-end runs of the built `optml train` on temporary /opt/ml trees (contract §1, §6.1, §7.1).
@Suite(.serialized) struct TrainCommandTests {
    static let datasets = ["breast-cancer", "diabetes", "wine", "iris"]

    func train(_ tree: TemporaryOptML, environment: [String: String] = [:], arguments: [String] = []) throws -> ProcessResult {
        try runProcess(Repository.optmlExecutable, ["train"] + arguments,
                       environment: ["SAGEMAKER_BASE_DIR": tree.root.path, "OPTML_ALGORITHM": ""].merging(environment) { $1 })
    }

    /// Final (non-epoch) quality metrics: channel → metric → value.
    func finalMetrics(_ stdout: String) -> [String: [String: Double]] {
        var out: [String: [String: Double]] = [:]
        for line in stdout.split(separator: "\n") where line.hasPrefix("#quality_metric: ") && !line.contains("epoch=") {
            let parts = line.split(separator: " ")
            // "#quality_metric:", "host=algo-1,", channel, metric, "<score>=v"
            guard parts.count == 5, let eq = parts[4].firstIndex(of: "="), let value = Double(parts[4][parts[4].index(after: eq)...]) else { continue }
            out[String(parts[2]), default: [:]][String(parts[3])] = value
        }
        return out
    }

    // datasets/<name>/expected.json bands; contract §7.1 line format; §8 model file name.
    @Test(arguments: datasets)
    func bundledDatasetTrainsWithinBand(name: String) throws {
        let tree = try TemporaryOptML(copying: name)
        defer { tree.remove() }
        let result = try train(tree)
        #expect(result.status == 0, "stdout:\n\(result.stdout)\nstderr:\n\(result.stderr)")
        #expect(tree.exists("model/model_algo-1"))
        #expect(!tree.exists("output/failure"))
        #expect(tree.exists("output/success"))
        let artifact = try JSONSerialization.jsonObject(with: Data(contentsOf: tree.url("model/model_algo-1"))) as! [String: Any]
        #expect(artifact["format"] as? String == "optml-model")
        #expect(artifact["algorithm"] as? String == "linear-learner")

        for line in result.stdout.split(separator: "\n") where line.hasPrefix("#") {
            #expect(!line.lowercased().contains("nan") && !line.lowercased().contains("inf "), "non-finite metric: \(line)")
        }
        let metrics = finalMetrics(result.stdout)
        #expect(Set(metrics.keys) == ["train", "validation", "test"])
        let expected = try JSONSerialization.jsonObject(with: Data(contentsOf: Repository.root.appendingPathComponent("datasets/\(name)/expected.json"))) as! [String: Any]
        let bands = (expected["band"] as! [String: Any])["test"] as! [String: [String: Double]]
        for (metric, band) in bands {
            let value = try #require(metrics["test"]?[metric], "test \(metric) was not printed:\n\(result.stdout)")
            if let min = band["min"] { #expect(value >= min, "\(name) test \(metric) = \(value) < \(min)") }
            if let max = band["max"] { #expect(value <= max, "\(name) test \(metric) = \(value) > \(max)") }
        }
    }

    // contract §7.1: every printed metric is captured by the definition that names it, once per channel.
    @Test func metricDefinitionsCaptureFinalLines() throws {
        let tree = try TemporaryOptML(copying: "breast-cancer")
        defer { tree.remove() }
        let result = try train(tree)
        #expect(result.status == 0)
        let describe = try runProcess(Repository.optmlExecutable, ["describe", "linear-learner", "--format", "json"])
        let json = try JSONSerialization.jsonObject(with: Data(describe.stdout.utf8)) as! [String: Any]
        let definitions = json["metric_definitions"] as! [[String: String]]
        let lines = result.stdout.split(separator: "\n").map(String.init)
        func captures(_ name: String) throws -> [String] {
            let regex = try NSRegularExpression(pattern: try #require(definitions.first { $0["Name"] == name }?["Regex"]))
            return lines.compactMap { line in
                guard let m = regex.firstMatch(in: line, range: NSRange(line.startIndex..., in: line)),
                      let r = Range(m.range(at: 1), in: line) else { return nil }
                return String(line[r])
            }
        }
        for name in ["test:roc_auc_score", "validation:binary_classification_accuracy", "test:binary_f_beta",
                     "validation:precision", "validation:recall", "test:objective_loss", "validation:objective_loss:final"] {
            let values = try captures(name)
            #expect(values.count == 1, "\(name) captured \(values)")
            #expect(values.allSatisfy { Double($0)?.isFinite == true }, "\(name) captured \(values)")
        }
        #expect(try captures("train:objective_loss").count >= 1)
        #expect(try captures("train:progress") == ["100"])
    }

    // contract §1.1: the SDK's encodings (JSON-quoted strings, "True") decode to the same job.
    @Test func sdkEncodingsAreAccepted() throws {
        let tree = try TemporaryOptML(copying: "iris")
        defer { tree.remove() }
        try tree.writeJSON("input/config/hyperparameters.json", [
            "predictor_type": "\"multiclass_classifier\"", "num_classes": "3", "use_bias": "True",
            "normalize_data": "\"true\"", "sagemaker_program": "train.py", "_tuning_objective_metric": "validation:multiclass_accuracy",
            "algorithm": "\"linear-learner\"", "epochs": "15.0",
        ])
        let result = try train(tree)
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        #expect(finalMetrics(result.stdout)["test"]?["multiclass_accuracy"] ?? 0 >= 0.9)
    }

    // contract §5.3/§5.4: a train channel written by the SDK's write_numpy_to_dense_tensor (the same
    // rows as the bundled CSV, Float64) trains the same model as the CSV channel.
    @Test func recordIOProtobufTrainChannelMatchesCSV() throws {
        let csvTree = try TemporaryOptML(copying: "breast-cancer")
        defer { csvTree.remove() }
        let csv = try train(csvTree)
        #expect(csv.status == 0, "\(csv.stdout)")

        let tree = try TemporaryOptML(copying: "breast-cancer")
        defer { tree.remove() }
        try FileManager.default.removeItem(at: tree.url("input/data/train/train.csv"))
        try tree.write("input/data/train/part-0.pbr", Data(contentsOf: Repository.root.appendingPathComponent(
            "Tests/EndToEndTests/Fixtures/breast-cancer-train.recordio")))
        var config = try JSONSerialization.jsonObject(with: Data(contentsOf: tree.url("input/config/inputdataconfig.json"))) as! [String: [String: Any]]
        config["train"]!["ContentType"] = "application/x-recordio-protobuf"
        try tree.writeJSON("input/config/inputdataconfig.json", config)
        let result = try train(tree)
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        let metrics = finalMetrics(result.stdout)
        #expect(metrics["test"]?["roc_auc_score"] != nil)
        #expect(metrics == finalMetrics(csv.stdout))
    }

    @Test func algorithmFromEnvironment() throws {
        let tree = try TemporaryOptML(copying: "diabetes")
        defer { tree.remove() }
        try tree.writeJSON("input/config/hyperparameters.json", ["predictor_type": "regressor"])
        let result = try train(tree, environment: ["OPTML_ALGORITHM": "linear-learner"])
        #expect(result.status == 0, "\(result.stdout)")
        #expect(tree.exists("model/model_algo-1"))
    }

    /// A bad input: how to break a good tree, and the exact failure text.
    struct BadInput: Sendable, CustomTestStringConvertible {
        var name: String
        var dataset = "breast-cancer"
        var hyperparameters: [String: String]? = nil
        var files: [String: String] = [:]
        var removing: [String] = []
        var channelConfig: [String: [String: String]]? = nil
        var failure: String
        var testDescription: String { name }
    }

    static let badInputs: [BadInput] = [
        BadInput(name: "missing predictor_type", hyperparameters: ["algorithm": "linear-learner"],
                 failure: "ClientError: Missing required hyperparameter: predictor_type. Expecting: one of 'binary_classifier', 'multiclass_classifier', 'regressor'."),
        BadInput(name: "typo in a key", hyperparameters: ["algorithm": "linear-learner", "predictor_type": "binary_classifier", "epoch": "5"],
                 failure: "ClientError: Extraneous hyperparameter found: epoch. Did you mean 'epochs'?"),
        BadInput(name: "no algorithm", hyperparameters: ["predictor_type": "binary_classifier"],
                 failure: "ClientError: No algorithm selected. Set the hyperparameter 'algorithm' (for example \"algorithm\": \"linear-learner\") or the environment variable OPTML_ALGORITHM. Available: linear-learner, xgboost."),
        BadInput(name: "unknown algorithm", hyperparameters: ["algorithm": "linear-lerner", "predictor_type": "binary_classifier"],
                 failure: "ClientError: Unknown algorithm 'linear-lerner'. Did you mean 'linear-learner'? Available: linear-learner, xgboost."),
        BadInput(name: "bad value", hyperparameters: ["algorithm": "linear-learner", "predictor_type": "binary_classifier", "target_recall": "1.5"],
                 failure: "ClientError: Invalid hyperparameter value 1.5 for target_recall. Expecting: a float in (0, 1)."),
        BadInput(name: "multiclass without num_classes", dataset: "iris", hyperparameters: ["algorithm": "linear-learner", "predictor_type": "multiclass_classifier"],
                 failure: "ClientError: For predictor_type 'multiclass_classifier', 'num_classes' should be set to a value greater than 2."),
        BadInput(name: "loss for another predictor", hyperparameters: ["algorithm": "linear-learner", "predictor_type": "binary_classifier", "loss": "squared_loss"],
                 failure: "ClientError: Invalid hyperparameter value squared_loss for loss with predictor_type 'binary_classifier'. Expecting: one of 'auto', 'logistic', 'hinge_loss'."),
        BadInput(name: "feature_dim mismatch", hyperparameters: ["algorithm": "linear-learner", "predictor_type": "binary_classifier", "feature_dim": "29"],
                 failure: "ClientError: feature_dim is 29 but the train channel has 30 feature columns (each row holds the label, then the features). Set feature_dim to 30 or to auto."),
        BadInput(name: "label outside 0/1", files: ["input/data/train/extra.csv": "2" + String(repeating: ",1.5", count: 30) + "\n"],
                 failure: "ClientError: train channel, row 1: label 2 is not 0 or 1. predictor_type 'binary_classifier' needs labels 0 and 1 in the first column."),
        BadInput(name: "missing train channel", channelConfig: ["validation": ["ContentType": "text/csv"]],
                 failure: "ClientError: Missing required channel: train"),
        BadInput(name: "extraneous channel", channelConfig: ["train": ["ContentType": "text/csv"], "training": ["ContentType": "text/csv"]],
                 failure: "ClientError: Extraneous channel found: training. linear-learner reads the channels train, validation, test."),
        BadInput(name: "unknown input mode", channelConfig: ["train": ["ContentType": "text/csv", "TrainingInputMode": "Stream"]],
                 failure: "ClientError: Channel 'train' has TrainingInputMode 'Stream'. Expecting: File, FastFile or Pipe."),
        BadInput(name: "libsvm channel", channelConfig: ["train": ["ContentType": "text/libsvm"]],
                 failure: "ClientError: Channel 'train' has ContentType 'text/libsvm', which linear-learner does not train on. Use one of: text/csv, application/x-recordio-protobuf."),
        BadInput(name: "label_size=0", channelConfig: ["train": ["ContentType": "text/csv;label_size=0"]],
                 failure: "ClientError: Channel 'train' has ContentType 'text/csv;label_size=0': linear-learner trains on labelled rows, so label_size must be 1 (the label in the first column)."),
        BadInput(name: "empty train channel", removing: ["input/data/train/train.csv"],
                 failure: "ClientError: No data in train channel path"),
        BadInput(name: "hyperparameters.json not JSON", files: ["input/config/hyperparameters.json": "{\"predictor_type\": "],
                 failure: "ClientError: "),
        BadInput(name: "non-string hyperparameter", files: ["input/config/hyperparameters.json": "{\"algorithm\": \"linear-learner\", \"predictor_type\": [1]}"],
                 failure: "ClientError: "),
    ]

    @Test(arguments: badInputs)
    func badInputFails(_ bad: BadInput) throws {
        let tree = try TemporaryOptML(copying: bad.dataset)
        defer { tree.remove() }
        if let hp = bad.hyperparameters { try tree.writeJSON("input/config/hyperparameters.json", hp) }
        if let channels = bad.channelConfig { try tree.writeJSON("input/config/inputdataconfig.json", channels) }
        for (path, text) in bad.files { try tree.write(path, text) }
        for path in bad.removing { try FileManager.default.removeItem(at: tree.url(path)) }
        let result = try train(tree)
        #expect(result.status == 1, "exit \(result.status)\n\(result.stdout)")
        let failure = try #require(tree.read("output/failure"), "no failure file; stdout:\n\(result.stdout)")
        #expect(failure.hasPrefix(bad.failure), "failure was: \(failure)")
        #expect(failure.count <= 1024 || failure.prefix(1024).contains(":"))
        let modelFiles = (try? FileManager.default.contentsOfDirectory(atPath: tree.url("model").path)) ?? []
        #expect(modelFiles.isEmpty, "model/ holds \(modelFiles)")
        #expect(!tree.exists("output/success"))
    }

    // A CSV error names the file, line and column (contract §5.1; the issue's CSV rules).
    @Test func csvErrorNamesFileLineAndColumn() throws {
        let tree = try TemporaryOptML(copying: "breast-cancer")
        defer { tree.remove() }
        try tree.write("input/data/train/sub/more.csv", "1" + String(repeating: ",2.5", count: 29) + ",abc\n")
        let result = try train(tree)
        #expect(result.status == 1)
        let failure = tree.read("output/failure") ?? ""
        #expect(failure.hasPrefix("ClientError: "))
        #expect(failure.contains("sub/more.csv"), "\(failure)")
        #expect(failure.contains("line 1"), "\(failure)")
        #expect(failure.contains("column 31"), "\(failure)")
        #expect(failure.contains("abc"), "\(failure)")
    }

    // contract §0 / §1.6: SIGTERM stops training cleanly, says so, and leaves no model.
    @Test func sigtermStopsCleanly() throws {
        let tree = try TemporaryOptML()
        defer { tree.remove() }
        let data = SyntheticData.binary(rows: 4000, features: 10, seed: 11)
        try tree.writeCSV(channel: "train", labels: data.y, features: data.x)
        try tree.configure(hyperparameters: ["algorithm": "linear-learner", "predictor_type": "binary_classifier",
                                             "optimizer": "sgd", "epochs": "1000000", "mini_batch_size": "10"], channels: ["train"])
        let (status, seen) = try trainUntil("epoch=1,", root: tree.root)
        #expect(seen.contains("epoch="), "training never reported an epoch:\n\(seen)")
        #expect(status == 143, "\(seen)")
        #expect(tree.read("output/failure")?.hasPrefix("Training was stopped by SIGTERM") == true)
        #expect(try FileManager.default.contentsOfDirectory(atPath: tree.url("model").path).isEmpty)
    }

    @Test func describeListsEveryLinearLearnerHyperparameter() throws {
        let result = try runProcess(Repository.optmlExecutable, ["describe", "linear-learner", "--format", "json"])
        #expect(result.status == 0)
        let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
        let names = Set((json["hyperparameters"] as! [[String: Any]]).compactMap { $0["name"] as? String })
        // contract §6.1, every row of the table.
        let contract: Set<String> = [
            "predictor_type", "num_classes", "feature_dim", "mini_batch_size", "epochs", "accuracy_top_k",
            "balance_multiclass_weights", "beta_1", "beta_2", "bias_lr_mult", "bias_wd_mult",
            "binary_classifier_model_selection_criteria", "early_stopping_patience", "early_stopping_tolerance",
            "f_beta", "huber_delta", "init_bias", "init_method", "init_scale", "init_sigma", "l1", "learning_rate",
            "loss", "loss_insensitivity", "lr_scheduler_factor", "lr_scheduler_minimum_lr", "lr_scheduler_step",
            "margin", "momentum", "normalize_data", "normalize_label", "num_calibration_samples", "num_models",
            "num_point_for_scaler", "optimizer", "positive_example_weight_mult", "quantile", "target_precision",
            "target_recall", "unbias_data", "unbias_label", "use_bias", "use_lr_scheduler", "wd",
        ]
        #expect(names == contract)
        let text = try runProcess(Repository.optmlExecutable, ["describe", "linear-learner"])
        #expect(text.stdout.contains("predictor_type"))
        #expect(text.stdout.contains("#quality_metric"))
    }

    /// The README's tables are the declaration's own rendering (issue: "the README tables all come
    /// from that declaration"); scripts/readme-tables.sh rewrites them.
    @Test func readmeTablesMatchDescribe() throws {
        let result = try runProcess(Repository.optmlExecutable, ["describe", "--format", "markdown"])
        #expect(result.status == 0)
        let readme = try String(contentsOf: Repository.root.appendingPathComponent("README.md"), encoding: .utf8)
        let begin = "<!-- optml describe: begin -->\n", end = "<!-- optml describe: end -->"
        let section = try #require(readme.range(of: begin).flatMap { b in
            readme.range(of: end, range: b.upperBound..<readme.endIndex).map { readme[b.upperBound..<$0.lowerBound] }
        }, "README.md lacks the describe markers")
        let expected = result.stdout.trimmingCharacters(in: .newlines) + "\n"
        #expect(String(section) == expected, "README.md tables differ from `optml describe --format markdown`; run scripts/readme-tables.sh")
    }
}
