import Foundation
import MLCore
import Testing
import TestSupport
@testable import GradientBoosting

@Suite("XGBoost model codec")
struct CodecTests {
    @Test("every fixture model written by xgboost 1.x, 2.x and 3.x loads with its shape", arguments: ModelFixture.all)
    func loadsFixture(_ fixture: ModelFixture) throws {
        let meta = try fixture.meta()
        let e = try fixture.ensemble()
        #expect(e.objective.kind.rawValue == meta["objective"] as! String)
        #expect(e.featureCount == meta["num_feature"] as! Int)
        #expect(e.roundCount == meta["rounds"] as! Int)
        #expect(e.usedTreeCount == (meta["rounds_used"] as! Int) * e.treesPerRound)
        if let best = meta["best_iteration"] as? Int {
            #expect(e.bestIteration == best)
        }
        if fixture.name.hasSuffix("parallel-trees") { #expect(e.parallelTreeCount == 2) }
        if fixture.name.contains("multi-") { #expect(e.objective.classCount == 3 && e.treesPerRound == 3) }
        if fixture.name.hasSuffix("reg-tweedie") { #expect(Float(e.objective.tweedieVariancePower) == Float(1.3)) }
    }

    @Test("writing then reading gives the same ensemble", arguments: ModelFixture.all)
    func roundTrip(_ fixture: ModelFixture) throws {
        let e = try fixture.ensemble()
        let again = try TreeEnsemble(xgboostJSON: try e.xgboostJSON())
        #expect(again == e)
    }

    @Test("a model read from xgboost 2.x is written back byte for byte (apart from the version)")
    func byteIdenticalRewrite() throws {
        // xgboost 2.x writes base_score as a scalar, as optml does; 3.x adds a "cats" object and brackets.
        for name in ["x2-binary-logistic", "x2-multi-softprob", "x2-count-poisson", "x2-reg-tweedie", "x2-missing-values"] {
            let fixture = ModelFixture.named(name)
            let original = String(decoding: try fixture.data("model.json"), as: UTF8.self)
            let written = String(decoding: try fixture.ensemble().xgboostJSON(), as: UTF8.self)
            #expect(written.replacingOccurrences(of: "\"version\":[3,0,5]", with: "\"version\":[2,1,4]") == original, "\(name)")
        }
    }

    @Test("UBJSON models (xgboost's default format since 2.0) read the same as their JSON twins",
          arguments: ["x1-binary-logistic", "x2-binary-logistic", "x3-binary-logistic"])
    func ubjson(_ name: String) throws {
        let fixture = ModelFixture.named(name)
        let fromJSON = try fixture.ensemble()
        let fromUBJSON = try TreeEnsemble(xgboostJSON: try fixture.data("model.ubj"))
        #expect(fromUBJSON == fromJSON)
    }

    @Test("best_iteration and best_score are written as XGBoost's early stopping records them")
    func bestIterationAttributes() throws {
        var e = try ModelFixture.named("x3-early-stopping").ensemble()
        let text = String(decoding: try e.xgboostJSON(bestScore: 3.5), as: UTF8.self)
        #expect(text.contains("\"attributes\":{\"best_iteration\":\"11\",\"best_score\":\"3.5\"}"))
        e.bestIteration = nil
        #expect(String(decoding: try e.xgboostJSON(), as: UTF8.self).contains("\"attributes\":{}"))
    }

    @Test("truncating to the best iteration keeps exactly the rounds prediction uses")
    func truncation() throws {
        let e = try ModelFixture.named("x3-early-stopping").ensemble()
        let cut = e.truncatedToBestIteration()
        #expect(cut.bestIteration == nil)
        #expect(cut.trees.count == 12 && e.trees.count == 17)
        let (x, rows) = try ModelFixture.named("x3-early-stopping").features()
        var a = [Float](repeating: 0, count: rows), b = a
        try x.withUnsafeBufferPointer { f in
            try a.withUnsafeMutableBufferPointer { try e.predict(features: f, rows: rows, into: $0) }
            try b.withUnsafeMutableBufferPointer { try cut.predict(features: f, rows: rows, into: $0) }
        }
        #expect(a == b)
    }

    @Test("XGBoost's number spelling", arguments: [
        (Float(0.5), "5E-1"), (Float(0), "0E0"), (Float(1), "1E0"), (Float(-5.04329e-8), "-5.04329E-8"),
        (Float(192.22841), "1.9222841E2"), (Float(0.0022116026), "2.2116026E-3"), (Float(1e10), "1E10"),
        (Float(-0.545383), "-5.45383E-1"), (Float(123456789), "1.2345679E8"), (Float(1000), "1E3"),
        (Float(100.5), "1.005E2"), (Float(-0.0), "-0E0"), (Float.leastNonzeroMagnitude, "1E-45"),
        (Float.greatestFiniteMagnitude, "3.4028235E38"), (Float(0.1), "1E-1"), (Float(1.5e-7), "1.5E-7"),
    ])
    func numberSpelling(_ value: Float, _ expected: String) {
        #expect(XGBoostNumberFormat.float(value) == expected)
        #expect(Float(expected) == value && Float(expected)!.sign == value.sign)
    }

    @Test("base_score in every spelling XGBoost has used")
    func baseScoreSpellings() throws {
        let source = String(decoding: try ModelFixture.named("x2-binary-logistic").data("model.json"), as: UTF8.self)
        for spelling in ["5E-1", "[5E-1]", "0.5", "[ 5E-1 ]"] {
            let start = source.range(of: "\"base_score\":\"")!.upperBound
            let end = source[start...].firstIndex(of: "\"")!
            let edited = source.replacingCharacters(in: start..<end, with: spelling)
            #expect(try TreeEnsemble(xgboostJSON: Data(edited.utf8)).baseScore == 0.5, "\(spelling)")
        }
    }

    @Test("pretty-printed JSON (white space between every token) reads the same")
    func prettyJSON() throws {
        let fixture = ModelFixture.named("x3-missing-values")
        let compact = String(decoding: try fixture.data("model.json"), as: UTF8.self)
        let pretty = compact.replacingOccurrences(of: "{", with: "{\n  ").replacingOccurrences(of: ",", with: " ,\r\n\t")
            .replacingOccurrences(of: "\":", with: "\" : ").replacingOccurrences(of: "}", with: "\n}")
        #expect(try TreeEnsemble(xgboostJSON: Data(("\n " + pretty + "\n").utf8)) == fixture.ensemble())
    }

    @Test("truncated or corrupted model files give errors, never crashes")
    func corruptFiles() throws {
        for (name, file) in [("x2-binary-logistic", "model.json"), ("x3-binary-logistic", "model.ubj")] {
            let bytes = [UInt8](try ModelFixture.named(name).data(file))
            for cut in stride(from: 0, to: bytes.count, by: 211) {
                #expect(throws: OptmlError.self) { try TreeEnsemble(xgboostJSON: Data(bytes[0..<cut])) }
            }
            // Seeded byte flips: each must load (and compile for prediction) or throw a user error.
            var rng = SeededGenerator(seed: 5)
            for _ in 0..<300 {
                var damaged = bytes
                for _ in 0..<3 { damaged[Int(rng.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: rng.next()) }
                do {
                    let e = try TreeEnsemble(xgboostJSON: Data(damaged))
                    if let forest = try? CompiledForest(e), forest.featureCount == 6 {
                        #expect(forest.predict(DenseMatrix(rows: 2, columns: 6, storage: [0, 1, .nan, -1, 2, 0.5, 3, -2, 1, .nan, 0, 1])).count
                                == 2 * e.objective.predictionWidth)
                    }
                } catch let error as OptmlError {
                    #expect(error.kind == .user)
                }
            }
        }
    }

    // MARK: Models that cannot be loaded, with their messages.

    func edited(_ replace: String, with replacement: String, in fixture: String = "x2-binary-logistic") throws -> Data {
        let source = String(decoding: try ModelFixture.named(fixture).data("model.json"), as: UTF8.self)
        #expect(source.contains(replace), "fixture lacks \(replace)")
        return Data(source.replacingOccurrences(of: replace, with: replacement).utf8)
    }

    @Test("unsupported models are refused with a message that says why")
    func refusals() throws {
        let cases: [(Data, String)] = [
            (try edited("\"name\":\"gbtree\"", with: "\"name\":\"dart\""),
             "The XGBoost model uses booster 'dart', which is not supported; only 'gbtree' models can be loaded."),
            (try edited("\"name\":\"gbtree\"", with: "\"name\":\"gblinear\""),
             "The XGBoost model uses booster 'gblinear' (a linear model), which is not supported; only 'gbtree' models can be loaded."),
            (try edited("\"split_type\":[0,", with: "\"split_type\":[1,"),
             "The XGBoost model's tree 0 has categorical splits, which are not supported; train with numerically encoded features."),
            (try edited("\"num_target\":\"1\"", with: "\"num_target\":\"2\""),
             "The XGBoost model has 2 targets (multi-output regression), which is not supported; only single-target and multi-class models can be loaded."),
            (try edited("\"feature_types\":[]", with: "\"feature_types\":[\"q\",\"c\",\"q\",\"q\",\"q\",\"q\"]"),
             "The XGBoost model has categorical features (feature_types 'c'), which are not supported; train with numerically encoded features."),
            (try edited("\"name\":\"binary:logistic\"", with: "\"name\":\"rank:pairwise\""),
             "The XGBoost model's objective 'rank:pairwise' is not supported; supported objectives: " + Objective.Kind.allCases.map(\.rawValue).joined(separator: ", ") + "."),
            (Data("binf\u{0}\u{0}".utf8),
             "The model is in XGBoost's old binary format, which is not supported. Load it with XGBoost and save it again as JSON: booster.save_model('xgboost-model.json')."),
            (Data("\u{80}\u{04}pickle".utf8),
             "The model is not an XGBoost JSON or UBJSON document (it does not start with '{'). Pickled models are not supported; save the booster with booster.save_model('xgboost-model.json')."),
            (Data("{\"version\":[1,0,0]}".utf8), "The document is not an XGBoost model: it has no 'learner' object."),
            (Data("{\"learner\":{\"x\":[1,2}}".utf8), "The XGBoost model is not valid JSON: expected ']' at byte 20."),
        ]
        for (data, message) in cases {
            #expect(throws: OptmlError.user(message)) { try TreeEnsemble(xgboostJSON: data) }
        }
    }

    @Test("a tree that points outside itself or at a feature the model lacks is refused")
    func malformedTrees() throws {
        let bad = try edited("\"left_children\":[1,", with: "\"left_children\":[99,")
        #expect(throws: OptmlError.user("The XGBoost model is malformed: tree 0 node 0 has children 99 and 2 outside the tree.")) {
            try TreeEnsemble(xgboostJSON: bad)
        }
        let badFeature = try edited("\"split_indices\":[0,", with: "\"split_indices\":[7,")
        #expect(throws: OptmlError.user("The XGBoost model is malformed: tree 0 node 0 splits on feature 7 but the model has 6 features.")) {
            try TreeEnsemble(xgboostJSON: badFeature)
        }
    }

    @Test("a model written by optml loads in xgboost and predicts the same")
    func xgboostLoadsOurModel() throws {
        guard let python = pythonWithXGBoost else {
            print("skipped: python3 with xgboost is not available (pip install xgboost)")
            return
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("optml-codec-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        for name in ["x3-binary-logistic", "x3-multi-softprob", "x3-count-poisson", "x2-reg-tweedie", "x3-missing-values",
                     "x1-parallel-trees", "x3-binary-hinge", "x3-reg-gamma"] {
            let fixture = ModelFixture.named(name)
            let ensemble = try fixture.ensemble()
            let modelURL = folder.appendingPathComponent("\(name).json")
            try ensemble.xgboostJSON().write(to: modelURL)
            let (x, rows) = try fixture.features()
            var ours = [Float](repeating: 0, count: rows * ensemble.objective.predictionWidth)
            try x.withUnsafeBufferPointer { f in
                try ours.withUnsafeMutableBufferPointer { try ensemble.predict(features: f, rows: rows, into: $0) }
            }
            let script = """
            import sys, numpy as np, xgboost as xgb
            x = np.genfromtxt(sys.argv[2], delimiter=",", dtype=np.float32, missing_values="", filling_values=np.nan)
            b = xgb.Booster(model_file=sys.argv[1])
            p = b.predict(xgb.DMatrix(x, missing=np.nan))
            print("\\n".join("%.9g" % v for v in np.ravel(p)))
            """
            let result = try runProcess(python, ["-c", script, modelURL.path, fixture.folder.appendingPathComponent("features.csv").path])
            #expect(result.status == 0, "\(name): \(result.stderr)")
            let theirs = result.stdout.split(separator: "\n").map { Float(String($0))! }
            #expect(theirs.count == ours.count, "\(name)")
            let mismatches = zip(ours, theirs).filter { !agrees($0, $1) }.count
            #expect(mismatches == 0, "\(name): \(mismatches) predictions differ from xgboost's")
        }
    }
}
