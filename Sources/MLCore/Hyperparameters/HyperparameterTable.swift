import Foundation

/// One algorithm's hyperparameter declarations, and the validation that derives from them.
public struct HyperparameterTable: Sendable {
    public var algorithm: String
    public var specs: [HyperparameterSpec]

    public init(algorithm: String, specs: [HyperparameterSpec]) {
        self.algorithm = algorithm
        self.specs = specs
    }

    public func spec(named name: String) -> HyperparameterSpec? {
        specs.first { $0.name == name }
    }

    /// Keys the platform and the SDK add that are accepted and ignored: `sagemaker_*` framework keys,
    /// `_tuning_objective_metric` from tuning jobs, and the selector `algorithm` read before this table.
    public static func isFrameworkKey(_ key: String) -> Bool {
        key.hasPrefix("sagemaker_") || key == "_tuning_objective_metric" || key == "algorithm"
    }

    /// Decodes raw values as the training toolkit does (JSON-decode, else keep the raw string),
    /// rejects unknown keys, checks every value against its declaration and fills defaults.
    ///
    /// - Throws: `OptmlError.user` naming the first offending hyperparameter and what would be right.
    public func validate(_ raw: [String: String]) throws -> ValidatedHyperparameters {
        var values: [String: HyperparameterValue] = [:]
        var given: Set<String> = []
        var ignored: [String] = []
        for key in raw.keys.sorted() {
            let rawValue = raw[key]!
            if Self.isFrameworkKey(key) { ignored.append(key); continue }
            guard let spec = spec(named: key) else {
                var message = "Extraneous hyperparameter found: \(key)."
                if let suggestion = Self.closest(to: key, among: specs.map(\.name)) {
                    message += " Did you mean '\(suggestion)'?"
                } else {
                    message += " Run 'optml describe \(algorithm)' for the hyperparameters it accepts."
                }
                throw OptmlError.user(message)
            }
            values[key] = try Self.parse(Self.decodeWireValue(rawValue), as: spec)
            given.insert(key)
        }
        for spec in specs where values[spec.name] == nil {
            if spec.required {
                throw OptmlError.user("Missing required hyperparameter: \(spec.name). Expecting: \(spec.expectation).")
            }
            if let def = spec.defaultValue {
                values[spec.name] = try Self.parse(def, as: spec)
            }
        }
        return ValidatedHyperparameters(algorithm: algorithm, values: values, given: given, ignoredKeys: ignored)
    }

    /// The training toolkit's rule: a value that parses as a JSON string literal is that string;
    /// anything else is kept as sent (numbers, `True`, words), trimmed of surrounding white space.
    public static func decodeWireValue(_ raw: String) -> String {
        let trimmed = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.hasPrefix("\""), let data = trimmed.data(using: .utf8),
           let decoded = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) as? String {
            return decoded.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return trimmed
    }

    /// Parses one decoded value against its declaration.
    public static func parse(_ value: String, as spec: HyperparameterSpec) throws -> HyperparameterValue {
        func invalid() -> OptmlError {
            OptmlError.user("Invalid hyperparameter value \(value.isEmpty ? "''" : value) for \(spec.name). Expecting: \(spec.expectation).")
        }
        if spec.acceptsAuto, value.lowercased() == "auto" { return .auto }
        if spec.words.contains(value) { return .text(value) }
        switch spec.kind {
        case .integer(let bound):
            guard let number = Double(value), number.isFinite, number == number.rounded(),
                  abs(number) < 9.0e15, bound.contains(number) else { throw invalid() }
            return .integer(Int(number))
        case .float(let bound):
            guard let number = Double(value), number.isFinite, bound.contains(number) else { throw invalid() }
            return .float(number)
        case .boolean:
            switch value.lowercased() {
            case "true", "1": return .boolean(true)
            case "false", "0": return .boolean(false)
            default: throw invalid()
            }
        case .choice(let words):
            guard words.contains(value) else { throw invalid() }
            return .text(value)
        case .text:
            return .text(value)
        }
    }

    /// The declared name nearest to `key` by edit distance, if it is close enough to be a typo.
    public static func closest(to key: String, among names: [String]) -> String? {
        var best: (String, Int)?
        for name in names {
            let d = editDistance(key, name)
            if best == nil || d < best!.1 { best = (name, d) }
        }
        guard let (name, distance) = best else { return nil }
        let limit = max(2, min(key.count, name.count) / 3)
        if distance <= limit { return name }
        // A name that contains the key or is contained in it (`depth` → `max_depth`).
        if key.count >= 4, let hit = names.first(where: { $0.contains(key) || key.contains($0) }) { return hit }
        return nil
    }

    /// Levenshtein distance over Unicode scalars.
    public static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a.unicodeScalars), b = Array(b.unicodeScalars)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = Swift.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
