import Foundation
import Testing
import TestSupport

/// End-to-end runs of `optml train` with the `xgboost` algorithm (contract §6.2 hyperparameters,
/// §7.2 round lines, §8 `xgboost-model`) on the bundled datasets.
@Suite(.serialized) struct XGBoostTrainTests {
    /// A bundled dataset with train and validation channels only (SageMaker XGBoost reads no
    /// test channel) and the given hyperparameters.
    func tree(_ dataset: String, _ hyperparameters: [String: String]) throws -> TemporaryOptML {
        let tree = try TemporaryOptML(copying: dataset)
        try FileManager.default.removeItem(at: tree.url("input/data/test"))
        try tree.configure(hyperparameters: hyperparameters, channels: ["train", "validation"])
        return tree
    }

    func train(_ tree: TemporaryOptML, environment: [String: String] = [:]) throws -> ProcessResult {
        try runProcess(Repository.optmlExecutable, ["train"],
                       environment: ["SAGEMAKER_BASE_DIR": tree.root.path].merging(environment) { $1 })
    }

    /// `(round, [name: value])` for every round line.
    func roundLines(_ stdout: String) -> [(Int, [String: Double])] {
        stdout.split(separator: "\n").compactMap { line -> (Int, [String: Double])? in
            guard line.hasPrefix("["), let close = line.firstIndex(of: "]"), let round = Int(line[line.index(after: line.startIndex) ..< close]) else { return nil }
            var values: [String: Double] = [:]
            for field in line[line.index(after: close)...].split(separator: "\t") {
                let parts = field.split(separator: ":")
                if parts.count == 2, let v = Double(parts[1]) { values[String(parts[0])] = v }
            }
            return (round, values)
        }
    }

    @Test func binaryLogisticPrintsRoundLinesAndWritesXGBoostJSON() throws {
        let tree = try tree("breast-cancer", [
            "algorithm": "xgboost", "objective": "binary:logistic", "num_round": "25", "max_depth": "3",
            "eta": "0.3", "eval_metric": "logloss,auc",
        ])
        defer { tree.remove() }
        let result = try train(tree)
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        let rounds = roundLines(result.stdout)
        #expect(rounds.map(\.0) == Array(0 ..< 25))
        // Contract §7.2: "[r]\ttrain-<m>:<v>\tvalidation-<m>:<v>", datasets outer, metrics in eval_metric order, 5 decimals.
        let first = try #require(result.stdout.split(separator: "\n").first { $0.hasPrefix("[0]") })
        let pattern = #/^\[0\]\ttrain-logloss:\d\.\d{5}\ttrain-auc:\d\.\d{5}\tvalidation-logloss:\d\.\d{5}\tvalidation-auc:\d\.\d{5}$/#
        #expect(first.wholeMatch(of: pattern) != nil, "\(first)")
        let last = try #require(rounds.last?.1)
        #expect(last["validation-auc"]! > 0.97)
        #expect(last["train-logloss"]! < rounds[0].1["train-logloss"]!)
        let model = try Data(contentsOf: tree.url("model/xgboost-model"))
        let json = try JSONSerialization.jsonObject(with: model) as? [String: Any]
        let learner = try #require(json?["learner"] as? [String: Any])
        let booster = try #require(learner["gradient_booster"] as? [String: Any])
        let trees = try #require((booster["model"] as? [String: Any])?["trees"] as? [Any])
        #expect(trees.count == 25)
        #expect(tree.exists("output/success"))
    }

    /// Whether `python3 -c "import xgboost"` works (CI installs the package; elsewhere the check is skipped).
    static let pythonHasXGBoost: Bool = (try? runProcess(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", "import xgboost"]).status) == 0

    @Test(.enabled(if: pythonHasXGBoost, "skipped: the xgboost Python package is not installed (pip install xgboost)"))
    func xgboostPackageLoadsTheModelAndPredictsTheSame() throws {
        let tree = try tree("diabetes", [
            "algorithm": "xgboost", "objective": "reg:squarederror", "num_round": "40", "max_depth": "4", "eta": "0.2",
            "subsample": "0.8", "colsample_bytree": "0.8", "seed": "7",
        ])
        defer { tree.remove() }
        let result = try train(tree)
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        // optml's own predictions of the validation rows, through batch transform.
        let features = tree.url("features")
        try FileManager.default.createDirectory(at: features, withIntermediateDirectories: true)
        let validation = try String(contentsOf: tree.url("input/data/validation/validation.csv"), encoding: .utf8)
        let rows = validation.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).dropFirst().joined(separator: ",") }
        try rows.joined(separator: "\n").appending("\n").write(to: features.appendingPathComponent("x.csv"), atomically: true, encoding: .utf8)
        let out = tree.url("predictions")
        let transform = try runProcess(Repository.optmlExecutable, [
            "transform", "--model-dir", tree.url("model").path, "--input", features.path, "--output", out.path,
            "--content-type", "text/csv", "--accept", "text/csv",
        ])
        #expect(transform.status == 0, "\(transform.stdout)\n\(transform.stderr)")
        let ours = try String(contentsOf: out.appendingPathComponent("x.csv.out"), encoding: .utf8)
            .split(separator: "\n").map { Double($0)! }
        let script = """
        import sys, numpy as np, xgboost as xgb
        b = xgb.Booster(model_file=sys.argv[1])
        x = np.loadtxt(sys.argv[2], delimiter=",", ndmin=2)
        print("\\n".join(repr(float(v)) for v in b.predict(xgb.DMatrix(x))))
        """
        let python = try runProcess(URL(fileURLWithPath: "/usr/bin/env"), [
            "python3", "-c", script, tree.url("model/xgboost-model").path, features.appendingPathComponent("x.csv").path,
        ])
        #expect(python.status == 0, "\(python.stderr)")
        let theirs = python.stdout.split(separator: "\n").map { Double($0)! }
        #expect(ours.count == rows.count && theirs.count == rows.count)
        for (a, b) in zip(ours, theirs) { #expect(abs(a - b) <= 1e-5 * max(1, abs(b)), "optml \(a) vs xgboost \(b)") }
    }

    @Test func multiclassSoftprobWithEarlyStopping() throws {
        let tree = try tree("iris", [
            "algorithm": "xgboost", "objective": "multi:softprob", "num_class": "3", "num_round": "200",
            "early_stopping_rounds": "5", "eta": "0.5",
        ])
        defer { tree.remove() }
        let result = try train(tree)
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        let rounds = roundLines(result.stdout)
        #expect(rounds.count < 200, "early stopping should end training well before 200 rounds")
        #expect(rounds.allSatisfy { $0.1["validation-mlogloss"] != nil })
        #expect(result.stdout.contains("Early stopping kept round"))
        // The saved model is cut at the best round (as SageMaker's XGBoost saves it): 3 trees a round.
        let line = try #require(result.stdout.split(separator: "\n").first { $0.hasPrefix("Early stopping kept round") })
        let best = try #require(Int(line.split(separator: " ")[4]))
        let model = try JSONSerialization.jsonObject(with: Data(contentsOf: tree.url("model/xgboost-model"))) as? [String: Any]
        let trees = (((model?["learner"] as? [String: Any])?["gradient_booster"] as? [String: Any])?["model"] as? [String: Any])?["trees"] as? [Any]
        #expect(trees?.count == 3 * (best + 1))
    }

    // Issue: the evaluation report of a tree model shows its feature importance and the training
    // history the job recorded; the model folder holds no second regular file (contract §8).
    @Test func evaluateReportsImportanceAndRoundHistory() throws {
        let tree = try tree("breast-cancer", [
            "algorithm": "xgboost", "objective": "binary:logistic", "num_round": "15", "max_depth": "3", "eval_metric": "auc",
        ])
        defer { tree.remove() }
        let result = try train(tree)
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        let files = try FileManager.default.contentsOfDirectory(atPath: tree.url("model").path).sorted()
        #expect(files == [".optml-training.json", "xgboost-model"])
        let record = try JSONSerialization.jsonObject(with: Data(contentsOf: tree.url("model/.optml-training.json"))) as? [String: Any]
        let series = try #require(record?["metrics"] as? [[String: Any]])
        #expect(series.map { $0["name"] as? String } == ["train-auc", "validation-auc"])
        #expect((series[1]["values"] as? [Double])?.count == 15)

        let out = tree.url("evaluation")
        let evaluation = try runProcess(Repository.optmlExecutable, [
            "evaluate", "--model-dir", tree.url("model").path, "--input", tree.url("input/data/validation").path,
            "--output", out.path, "--bootstrap", "20", "--bootstrap-minimum-rows", "20",
        ])
        #expect(evaluation.status == 0, "\(evaluation.stdout)\n\(evaluation.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("evaluation.json"))) as? [String: Any]
        let auc = try #require(((json?["binary_classification_metrics"] as? [String: Any])?["auc"] as? [String: Any])?["value"] as? Double)
        // The last round line printed the same validation AUC (5 decimals).
        let printed = try #require(roundLines(result.stdout).last?.1["validation-auc"])
        #expect(abs(auc - printed) < 1e-5)
        let html = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(html.contains("Feature importance: gain"))
        #expect(html.contains("Training history"))
        #expect(html.contains("validation-auc"))
    }

    // contract §6.2: the tuning job's objective metric is the one early stopping watches.
    @Test func tuningObjectiveMetricIsWatchedLast() throws {
        let tree = try tree("breast-cancer", [
            "algorithm": "xgboost", "objective": "binary:logistic", "num_round": "5", "eval_metric": "auc",
            "_tuning_objective_metric": "validation:logloss",
        ])
        defer { tree.remove() }
        let result = try train(tree)
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        let first = try #require(result.stdout.split(separator: "\n").first { $0.hasPrefix("[0]") })
        #expect(first.hasSuffix(String(first.split(separator: "\t").last!)) && first.split(separator: "\t").last!.hasPrefix("validation-logloss:"), "\(first)")
    }

    // contract §6.2 save_model_on_termination: SIGTERM saves the rounds grown so far; without it
    // nothing is written.
    @Test(arguments: [true, false])
    func sigtermWithSaveModelOnTermination(save: Bool) throws {
        let tree = try tree("breast-cancer", [
            "algorithm": "xgboost", "objective": "binary:logistic", "num_round": "1000000", "eta": "0.01",
            "save_model_on_termination": save ? "true" : "false",
        ])
        defer { tree.remove() }
        let (status, output) = try trainUntil("\n[3]\t", root: tree.root)
        #expect(status == 143, "\(output)")
        let failure = tree.read("output/failure") ?? ""
        #expect(failure.hasPrefix("Training was stopped by SIGTERM"), "\(failure)")
        #expect(!tree.exists("output/success"))
        if save {
            #expect(failure.contains("the model trained so far was saved as \(tree.url("model/xgboost-model").path)"), "\(failure)")
            let model = try JSONSerialization.jsonObject(with: Data(contentsOf: tree.url("model/xgboost-model"))) as? [String: Any]
            let trees = (((model?["learner"] as? [String: Any])?["gradient_booster"] as? [String: Any])?["model"] as? [String: Any])?["trees"] as? [Any]
            #expect((trees?.count ?? 0) >= 4)
        } else {
            #expect(failure.contains("no model was written"), "\(failure)")
            #expect(!tree.exists("model/xgboost-model"))
        }
    }

    @Test func missingNumRoundIsTheContainersMessage() throws {
        let tree = try tree("breast-cancer", ["algorithm": "xgboost", "objective": "binary:logistic"])
        defer { tree.remove() }
        let result = try train(tree)
        #expect(result.status == 1)
        #expect(tree.read("output/failure")?.contains("Missing required hyperparameter: num_round") == true, "\(tree.read("output/failure") ?? "")")
        #expect(!tree.exists("model/xgboost-model"))
    }

    @Test func algorithmFromEnvironmentAndLibSVMWithoutContentType() throws {
        let tree = try TemporaryOptML()
        defer { tree.remove() }
        // y = 1 when feature 0 > 0.5; libsvm 0-based indices, feature 1 often absent (missing).
        var lines: [String] = []
        for i in 0 ..< 400 {
            let a = Double((i * 37) % 100) / 100, b = Double((i * 11) % 7)
            lines.append("\(a > 0.5 ? 1 : 0) 0:\(a)" + (i % 3 == 0 ? "" : " 1:\(b)"))
        }
        try tree.write("input/data/train/part-0", lines.joined(separator: "\n") + "\n")
        try tree.configure(hyperparameters: ["objective": "binary:logistic", "num_round": "10", "eval_metric": "error"],
                           channels: ["train"], contentType: nil)
        let result = try train(tree, environment: ["OPTML_ALGORITHM": "xgboost"])
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        #expect(result.stdout.contains("reading it as text/libsvm"))
        let last = try #require(roundLines(result.stdout).last?.1["train-error"])
        #expect(last == 0)
    }
}
