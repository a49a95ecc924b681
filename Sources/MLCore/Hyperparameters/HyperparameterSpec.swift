/// The declaration of one hyperparameter: its wire name, type, range, default and effect.
///
/// Each algorithm declares its hyperparameters once as a table of specs. Validation, defaults,
/// every error message, `optml describe` and the README tables are all derived from it.
public struct HyperparameterSpec: Sendable {
    /// The value type and its constraints.
    public enum Kind: Sendable {
        case integer(NumericBound)
        case float(NumericBound)
        case boolean
        /// One of a fixed set of words (compared case-sensitively, as SageMaker's containers do).
        case choice([String])
        /// Free text, checked by the algorithm itself.
        case text(String)
    }

    /// Whether our implementation uses the value.
    public enum Effect: Sendable, Equatable {
        case honored
        /// Used only under a condition (for example only by the stochastic optimizers), stated here.
        case conditional(String)
        /// Accepted for compatibility with SageMaker's algorithm; has no effect here, for this reason.
        case noEffect(String)
    }

    public var name: String
    public var kind: Kind
    /// Whether `auto` is accepted in addition to the kind's values.
    public var acceptsAuto: Bool
    /// Other literal words accepted besides the kind's values (e.g. `balanced`); they decode to `.text`.
    public var words: [String]
    /// The default in wire form (`"auto"`, `"15"`, `"true"`); `nil` for a hyperparameter without default.
    public var defaultValue: String?
    public var required: Bool
    public var summary: String
    public var effect: Effect

    public init(
        _ name: String, _ kind: Kind, auto acceptsAuto: Bool = false, words: [String] = [],
        default defaultValue: String? = nil, required: Bool = false, effect: Effect = .honored, _ summary: String
    ) {
        self.name = name
        self.kind = kind
        self.acceptsAuto = acceptsAuto
        self.words = words
        self.defaultValue = defaultValue
        self.required = required
        self.summary = summary
        self.effect = effect
    }

    /// What a valid value looks like, as used after `Expecting:` in error messages.
    public var expectation: String {
        let base: String
        switch kind {
        case .integer(let bound):
            base = bound.phrase.isEmpty ? "an integer" : "an integer \(bound.phrase)"
        case .float(let bound):
            base = bound.phrase.isEmpty ? "a float" : "a float \(bound.phrase)"
        case .boolean:
            base = "true or false"
        case .choice(let words):
            base = "one of " + words.map { "'\($0)'" }.joined(separator: ", ")
        case .text(let description):
            base = description
        }
        let literals = (acceptsAuto ? ["auto"] : []) + words
        return literals.isEmpty ? base : literals.map { "'\($0)'" }.joined(separator: ", ") + " or \(base)"
    }

    /// A short type name for tables: `int`, `float`, `bool`, `choice`, `string`.
    public var typeName: String {
        switch kind {
        case .integer: return "int"
        case .float: return "float"
        case .boolean: return "bool"
        case .choice: return "choice"
        case .text: return "string"
        }
    }
}
