/// One scalar metric of `evaluation.json`: `{"value": …, "standard_deviation": …}`.
///
/// Undefined numbers (NaN, infinities) are written as the string `"NaN"`, as SageMaker Model
/// Monitor writes them, because JSON has no NaN; decoding accepts the string back as NaN.
public struct MetricValue: Codable, Sendable, Equatable {
    public var value: Double
    public var standardDeviation: Double

    public init(value: Double, standardDeviation: Double = .nan) {
        self.value = value
        self.standardDeviation = standardDeviation
    }

    enum CodingKeys: String, CodingKey {
        case value
        case standardDeviation = "standard_deviation"
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        value = try Self.decodeNumber(container, .value)
        standardDeviation = try Self.decodeNumber(container, .standardDeviation)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try Self.encodeNumber(value, &container, .value)
        try Self.encodeNumber(standardDeviation, &container, .standardDeviation)
    }

    /// NaN == NaN here: two reports with the same undefined metrics are equal.
    public static func == (a: MetricValue, b: MetricValue) -> Bool {
        func same(_ x: Double, _ y: Double) -> Bool { x == y || (x.isNaN && y.isNaN) }
        return same(a.value, b.value) && same(a.standardDeviation, b.standardDeviation)
    }

    static func encodeNumber(_ v: Double, _ container: inout KeyedEncodingContainer<CodingKeys>, _ key: CodingKeys) throws {
        if v.isFinite { try container.encode(v, forKey: key) } else { try container.encode("NaN", forKey: key) }
    }

    static func decodeNumber(_ container: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys) throws -> Double {
        if let v = try? container.decode(Double.self, forKey: key) { return v }
        let text = try container.decode(String.self, forKey: key)
        guard text == "NaN" else {
            throw DecodingError.dataCorruptedError(forKey: key, in: container,
                                                   debugDescription: "expected a number or \"NaN\", found \"\(text)\"")
        }
        return .nan
    }
}
