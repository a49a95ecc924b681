/// A binary floating-point type that decimal text converts into with correct rounding.
///
/// Both conformers (`Double`, `Float`) round the exact decimal value once, to nearest with ties to
/// even, so the result equals `Double(String)` / `Float(String)` for every input the scanner
/// accepts. In particular `Float` is not converted through `Double`, which would round twice.
protocol DecimalConvertible: BinaryFloatingPoint {
    /// The correctly rounded value of `(-1)^negative × mantissa × 10^exponent`; infinite when the
    /// magnitude exceeds the format's range. `mantissa` holds the exact significand (≤ 19 digits).
    static func fromDecimal(mantissa: UInt64, exponent: Int, negative: Bool, tables: DecimalTables) -> Self

    /// The slow path for decimals of more than 19 significant digits; `text` is a literal that
    /// `scanDecimal` accepted in full.
    static func fromLongDecimal(_ text: Substring) -> Self

    /// `Float32` or `Float64`, as named in messages.
    static var formatName: String { get }
}

extension Double: DecimalConvertible {
    @inline(always)
    static func fromDecimal(mantissa: UInt64, exponent: Int, negative: Bool, tables: DecimalTables) -> Double {
        // Clinger's fast path: both operands are exact Doubles, so the one IEEE multiplication
        // or division rounds the exact product or quotient correctly.
        if mantissa <= 1 << 53 && exponent >= -22 && exponent <= 22 {
            var value = Double(mantissa)
            if exponent < 0 {
                value /= tables.powersOfTenDouble[-exponent]
            } else {
                value *= tables.powersOfTenDouble[exponent]
            }
            // Setting the sign bit of the non-negative result negates it without a branch that
            // random signs would mispredict half of the time.
            return Double(bitPattern: value.bitPattern | UInt64(negative ? 1 : 0) << 63)
        }
        return fromDecimalSlowly(mantissa: mantissa, exponent: exponent, negative: negative, tables: tables)
    }

    /// Eisel-Lemire, out of line: rare for typical data, and large.
    @inline(never)
    static func fromDecimalSlowly(mantissa: UInt64, exponent: Int, negative: Bool, tables: DecimalTables) -> Double {
        let (m, power2) = eiselLemire(
            q: exponent, w: mantissa, format: .binary64, powersOfFive: tables.powersOfFive)
        let bits = m | UInt64(power2) << 52 | (negative ? 1 << 63 : 0)
        return Double(bitPattern: bits)
    }

    static func fromLongDecimal(_ text: Substring) -> Double {
        // Double(String) calls strtod in the C locale, which rounds correctly for any length.
        Double(text) ?? .nan
    }

    static var formatName: String { "Float64" }
}

extension Float: DecimalConvertible {
    @inline(always)
    static func fromDecimal(mantissa: UInt64, exponent: Int, negative: Bool, tables: DecimalTables) -> Float {
        if mantissa <= 1 << 24 && exponent >= -10 && exponent <= 10 {
            var value = Float(mantissa)
            if exponent < 0 {
                value /= tables.powersOfTenFloat[-exponent]
            } else {
                value *= tables.powersOfTenFloat[exponent]
            }
            return Float(bitPattern: value.bitPattern | UInt32(negative ? 1 : 0) << 31)
        }
        return fromDecimalSlowly(mantissa: mantissa, exponent: exponent, negative: negative, tables: tables)
    }

    /// Eisel-Lemire, out of line: rare for typical data, and large.
    @inline(never)
    static func fromDecimalSlowly(mantissa: UInt64, exponent: Int, negative: Bool, tables: DecimalTables) -> Float {
        let (m, power2) = eiselLemire(
            q: exponent, w: mantissa, format: .binary32, powersOfFive: tables.powersOfFive)
        let bits = UInt32(truncatingIfNeeded: m) | UInt32(power2) << 23 | (negative ? 1 << 31 : 0)
        return Float(bitPattern: bits)
    }

    static func fromLongDecimal(_ text: Substring) -> Float {
        // Float(String) calls strtof, which rounds the exact decimal once.
        Float(text) ?? .nan
    }

    static var formatName: String { "Float32" }
}
