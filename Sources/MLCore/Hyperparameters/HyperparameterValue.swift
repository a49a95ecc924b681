/// A decoded, type-checked hyperparameter value.
public enum HyperparameterValue: Sendable, Equatable, CustomStringConvertible {
    case auto
    case integer(Int)
    case float(Double)
    case boolean(Bool)
    case text(String)

    public var description: String {
        switch self {
        case .auto: return "auto"
        case .integer(let v): return String(v)
        case .float(let v): return String(v)
        case .boolean(let v): return v ? "true" : "false"
        case .text(let v): return v
        }
    }
}
