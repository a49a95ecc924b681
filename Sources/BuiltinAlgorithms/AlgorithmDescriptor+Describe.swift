import Foundation
import MLCore

extension AlgorithmDescriptor {
    /// The hyperparameter table and metric definitions as JSON (what `optml describe --format json` prints).
    public func describeJSON() throws -> Data {
        var hyperparameters: [[String: Any]] = []
        for spec in self.hyperparameters.specs {
            var entry: [String: Any] = [
                "name": spec.name, "type": spec.typeName, "required": spec.required,
                "accepts": spec.expectation, "description": spec.summary,
            ]
            entry["default"] = spec.defaultValue ?? NSNull()
            switch spec.kind {
            case .integer(let b), .float(let b):
                if let l = b.lower { entry["minimum"] = l; entry["minimum_inclusive"] = b.lowerInclusive }
                if let u = b.upper { entry["maximum"] = u; entry["maximum_inclusive"] = b.upperInclusive }
            case .choice(let words): entry["values"] = words
            case .boolean, .text: break
            }
            if spec.acceptsAuto || !spec.words.isEmpty { entry["words"] = (spec.acceptsAuto ? ["auto"] : []) + spec.words }
            switch spec.effect {
            case .honored: entry["effect"] = "honored"
            case .conditional(let why): entry["effect"] = "conditional"; entry["effect_note"] = why
            case .noEffect(let why): entry["effect"] = "none"; entry["effect_note"] = why
            }
            hyperparameters.append(entry)
        }
        let object: [String: Any] = [
            "algorithm": name, "title": title, "summary": summary,
            "channels": channels.map { ["name": $0.name, "required": $0.required, "purpose": $0.purpose] as [String: Any] },
            "default_content_type": defaultContentType,
            "model_file": modelFileName,
            "hyperparameters": hyperparameters,
            "metric_definitions": metricDefinitions.map { ["Name": $0.name, "Regex": $0.regex, "Direction": $0.maximize ? "Maximize" : "Minimize"] },
        ]
        return try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
    }

    /// A plain-text description for terminals.
    public func describeText() -> String {
        var out = "\(title) (\(name))\n\(summary)\n\nChannels: "
        out += channels.map { "\($0.name)\($0.required ? " (required)" : "")" }.joined(separator: ", ")
        out += "\nModel file: \(modelFileName)\n\nHyperparameters:\n"
        for spec in hyperparameters.specs {
            let def = spec.required ? "required" : (spec.defaultValue.map { "default \($0)" } ?? "no default")
            out += "  \(spec.name)  [\(spec.typeName); \(def)]\n      accepts \(spec.expectation)\n      \(spec.summary)\n"
            switch spec.effect {
            case .honored: break
            case .conditional(let why): out += "      Note: \(why)\n"
            case .noEffect(let why): out += "      Accepted for compatibility, without effect: \(why)\n"
            }
        }
        out += "\nMetric definitions (Name: Regex):\n"
        for m in metricDefinitions { out += "  \(m.name) [\(m.maximize ? "maximize" : "minimize")]: \(m.regex)\n" }
        return out
    }

    /// Markdown tables for the README: hyperparameters, then metric definitions.
    public func describeMarkdown() -> String {
        func cell(_ s: String) -> String { s.replacingOccurrences(of: "|", with: "\\|") }
        var out = "### \(title) (`\(name)`)\n\n| name | type | default | accepts | notes |\n|---|---|---|---|---|\n"
        for spec in hyperparameters.specs {
            var note = spec.summary
            switch spec.effect {
            case .honored: break
            case .conditional(let why): note += " " + why
            case .noEffect(let why): note += " Without effect: " + why
            }
            let def = spec.required ? "**required**" : (spec.defaultValue.map { "`\($0)`" } ?? "–")
            out += "| `\(spec.name)` | \(spec.typeName) | \(def) | \(cell(spec.expectation)) | \(cell(note)) |\n"
        }
        out += "\n| metric | direction | regex |\n|---|---|---|\n"
        for m in metricDefinitions { out += "| `\(m.name)` | \(m.maximize ? "maximize" : "minimize") | `\(cell(m.regex))` |\n" }
        return out
    }
}
