/// Hyperparameters that passed their table's checks, with defaults filled in.
///
/// Accessors trap on a name the table does not declare or a type it does not have: that is a
/// programming error, never a user's.
public struct ValidatedHyperparameters: Sendable {
    public let algorithm: String
    public let values: [String: HyperparameterValue]
    /// The names the user set explicitly.
    public let given: Set<String>
    /// Framework keys that were accepted and ignored (`sagemaker_*`, `_tuning_objective_metric`).
    public let ignoredKeys: [String]

    public init(algorithm: String, values: [String: HyperparameterValue], given: Set<String>, ignoredKeys: [String] = []) {
        self.algorithm = algorithm
        self.values = values
        self.given = given
        self.ignoredKeys = ignoredKeys
    }

    public subscript(name: String) -> HyperparameterValue? { values[name] }

    public func isSet(_ name: String) -> Bool { given.contains(name) }
    public func isAuto(_ name: String) -> Bool { values[name] == .auto }

    public func int(_ name: String) -> Int? {
        if case .integer(let v)? = values[name] { return v }
        return nil
    }

    public func double(_ name: String) -> Double? {
        switch values[name] {
        case .float(let v)?: return v
        case .integer(let v)?: return Double(v)
        default: return nil
        }
    }

    public func bool(_ name: String) -> Bool? {
        if case .boolean(let v)? = values[name] { return v }
        return nil
    }

    public func string(_ name: String) -> String? {
        switch values[name] {
        case .text(let v)?: return v
        case .auto?: return "auto"
        case .boolean(let v)?: return v ? "true" : "false"
        default: return nil
        }
    }

    /// The final configuration in wire form, for the log's `Final configuration:` line and artifacts.
    public var wireForm: [String: String] {
        values.mapValues(\.description)
    }
}
