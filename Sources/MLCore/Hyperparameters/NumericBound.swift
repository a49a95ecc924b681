/// An interval a numeric hyperparameter must lie in, with open or closed ends.
public struct NumericBound: Sendable, Equatable {
    public var lower: Double?
    public var lowerInclusive: Bool
    public var upper: Double?
    public var upperInclusive: Bool

    public init(lower: Double? = nil, lowerInclusive: Bool = true, upper: Double? = nil, upperInclusive: Bool = true) {
        self.lower = lower
        self.lowerInclusive = lowerInclusive
        self.upper = upper
        self.upperInclusive = upperInclusive
    }

    public static let any = NumericBound()
    public static let positive = NumericBound(lower: 0, lowerInclusive: false)
    public static let nonNegative = NumericBound(lower: 0)
    public static let openUnit = NumericBound(lower: 0, lowerInclusive: false, upper: 1, upperInclusive: false)
    /// [0, 1)
    public static let unitHalfOpen = NumericBound(lower: 0, upper: 1, upperInclusive: false)
    public static let unit = NumericBound(lower: 0, upper: 1)
    public static func atLeast(_ x: Double) -> NumericBound { NumericBound(lower: x) }
    public static func closed(_ a: Double, _ b: Double) -> NumericBound { NumericBound(lower: a, upper: b) }

    public func contains(_ x: Double) -> Bool {
        if x.isNaN { return false }
        if let lower { if lowerInclusive ? x < lower : x <= lower { return false } }
        if let upper { if upperInclusive ? x > upper : x >= upper { return false } }
        return true
    }

    /// `in (0,1)`, `in [1, 1000000]`, `> 0`, `>= 0`, or an empty string when unbounded.
    public var phrase: String {
        switch (lower, upper) {
        case let (l?, u?):
            return "in \(lowerInclusive ? "[" : "(")\(Self.format(l)), \(Self.format(u))\(upperInclusive ? "]" : ")")"
        case let (l?, nil):
            return "\(lowerInclusive ? ">=" : ">") \(Self.format(l))"
        case let (nil, u?):
            return "\(upperInclusive ? "<=" : "<") \(Self.format(u))"
        case (nil, nil):
            return ""
        }
    }

    static func format(_ x: Double) -> String {
        if x == x.rounded(), abs(x) < 1e15 { return String(Int64(x)) }
        return String(x)
    }
}
