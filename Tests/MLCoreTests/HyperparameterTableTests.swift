import Testing
import MLCore

/// Hyperparameter decoding and validation (contract §1.1 encodings, §6.1 messages).
@Suite struct HyperparameterTableTests {
    static let table = HyperparameterTable(algorithm: "demo", specs: [
        HyperparameterSpec("predictor_type", .choice(["binary_classifier", "regressor"]), required: true, "kind"),
        HyperparameterSpec("epochs", .integer(.atLeast(1)), default: "15", "passes"),
        HyperparameterSpec("wd", .float(.nonNegative), auto: true, default: "auto", "ridge"),
        HyperparameterSpec("quantile", .float(.openUnit), default: "0.5", "tau"),
        HyperparameterSpec("use_bias", .boolean, default: "true", "bias"),
        HyperparameterSpec("positive_example_weight_mult", .float(.positive), auto: true, words: ["balanced"], default: "1.0", "w"),
        HyperparameterSpec("max_depth", .integer(.closed(0, 32)), default: "6", "depth"),
    ])

    // contract §1.1: str(v), json.dumps(v) and the SDK's cast-then-str all decode to the same value.
    @Test(arguments: [
        ("binary_classifier", "binary_classifier"),
        ("\"binary_classifier\"", "binary_classifier"),
        ("  regressor ", "regressor"),
    ])
    func stringEncodings(raw: String, expected: String) throws {
        let v = try Self.table.validate(["predictor_type": raw])
        #expect(v.string("predictor_type") == expected)
    }

    @Test(arguments: [("True", true), ("true", true), ("FALSE", false), ("0", false), ("1", true), ("\"false\"", false)])
    func booleanEncodings(raw: String, expected: Bool) throws {
        let v = try Self.table.validate(["predictor_type": "regressor", "use_bias": raw])
        #expect(v.bool("use_bias") == expected)
    }

    @Test func integralFloatsAreIntegers() throws {
        let v = try Self.table.validate(["predictor_type": "regressor", "epochs": "10.0"])
        #expect(v.int("epochs") == 10)
        #expect(v.isSet("epochs"))
        #expect(!v.isSet("wd"))
    }

    @Test func defaultsAndAuto() throws {
        let v = try Self.table.validate(["predictor_type": "regressor"])
        #expect(v.int("epochs") == 15)
        #expect(v.isAuto("wd"))
        #expect(v.double("quantile") == 0.5)
        #expect(v.bool("use_bias") == true)
        #expect(v.double("positive_example_weight_mult") == 1.0)
        let w = try Self.table.validate(["predictor_type": "regressor", "positive_example_weight_mult": "balanced", "wd": "AUTO"])
        #expect(w.string("positive_example_weight_mult") == "balanced")
        #expect(w.isAuto("wd"))
    }

    @Test func frameworkKeysAreIgnored() throws {
        let v = try Self.table.validate([
            "predictor_type": "regressor", "sagemaker_program": "x", "_tuning_objective_metric": "validation:rmse",
            "sagemaker_region": "\"us-east-1\"",
        ])
        #expect(v.ignoredKeys == ["_tuning_objective_metric", "sagemaker_program", "sagemaker_region"])
        #expect(v["sagemaker_program"] == nil)
    }

    // Exact messages (contract §6.1 phrasing: "Invalid hyperparameter value <v> for <name>. Expecting: ...").
    @Test(arguments: [
        (["epochs": "0"], "Invalid hyperparameter value 0 for epochs. Expecting: an integer >= 1."),
        (["epochs": "2.5"], "Invalid hyperparameter value 2.5 for epochs. Expecting: an integer >= 1."),
        (["quantile": "1"], "Invalid hyperparameter value 1 for quantile. Expecting: a float in (0, 1)."),
        (["wd": "-1"], "Invalid hyperparameter value -1 for wd. Expecting: 'auto' or a float >= 0."),
        (["wd": "nan"], "Invalid hyperparameter value nan for wd. Expecting: 'auto' or a float >= 0."),
        (["use_bias": "yes"], "Invalid hyperparameter value yes for use_bias. Expecting: true or false."),
        (["max_depth": "33"], "Invalid hyperparameter value 33 for max_depth. Expecting: an integer in [0, 32]."),
        (["positive_example_weight_mult": "0"],
         "Invalid hyperparameter value 0 for positive_example_weight_mult. Expecting: 'auto', 'balanced' or a float > 0."),
        (["predictor_type": "classifier"],
         "Invalid hyperparameter value classifier for predictor_type. Expecting: one of 'binary_classifier', 'regressor'."),
        (["max_dept": "3"], "Extraneous hyperparameter found: max_dept. Did you mean 'max_depth'?"),
        (["epoch": "3"], "Extraneous hyperparameter found: epoch. Did you mean 'epochs'?"),
        (["zzzzzzzzzz": "3"], "Extraneous hyperparameter found: zzzzzzzzzz. Run 'optml describe demo' for the hyperparameters it accepts."),
    ] as [([String: String], String)])
    func errorMessages(extra: [String: String], message: String) {
        var raw = ["predictor_type": "regressor"]
        raw.merge(extra) { $1 }
        #expect(throws: OptmlError.user(message)) { try Self.table.validate(raw) }
    }

    @Test func missingRequired() {
        #expect(throws: OptmlError.user(
            "Missing required hyperparameter: predictor_type. Expecting: one of 'binary_classifier', 'regressor'.")) {
            try Self.table.validate([:])
        }
    }

    @Test func editDistance() {
        #expect(HyperparameterTable.editDistance("kitten", "sitting") == 3)
        #expect(HyperparameterTable.editDistance("", "abc") == 3)
        #expect(HyperparameterTable.editDistance("same", "same") == 0)
    }
}
