import Foundation

/// Number spellings of XGBoost's JSON model files.
enum XGBoostNumberFormat {
    /// A `float32` as XGBoost writes it: the shortest digits that read back to the same value, in
    /// scientific form with a capital `E` and no `+` (`5E-1`, `-5.04329E-8`, `1.9222841E2`, `0E0`).
    ///
    /// Non-finite values have no JSON spelling; callers check for them first.
    static func float(_ value: Float) -> String {
        if value == 0 { return value.sign == .minus ? "-0E0" : "0E0" }
        // Swift's description is the shortest round-trip spelling; only its layout differs.
        var text = value.magnitude.description
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponent = Int(text[text.index(after: e)...])!
            text = String(text[..<e])
        }
        var integerPart = Substring(text)
        var fraction: Substring = ""
        if let dot = text.firstIndex(of: ".") {
            integerPart = text[..<dot]
            fraction = text[text.index(after: dot)...]
        }
        var digits = Array(integerPart + fraction)
        var point = integerPart.count
        while digits.first == "0" { digits.removeFirst(); point -= 1 }
        while digits.last == "0" { digits.removeLast() }
        let scientificExponent = point - 1 + exponent
        var out = value.sign == .minus ? "-" : ""
        out.append(digits[0])
        if digits.count > 1 {
            out.append(".")
            out.append(contentsOf: digits[1...])
        }
        out += "E\(scientificExponent)"
        return out
    }

    /// A training parameter as XGBoost's parameter manager writes it: the `float32` value with nine
    /// significant digits, trailing zeros dropped (`1.5`, `1`, `0.699999988`).
    static func parameter(_ value: Double) -> String {
        String(format: "%.9g", Double(Float(value)))
    }
}
