import Foundation

/// Number spellings of XGBoost's JSON model files.
enum XGBoostNumberFormat {
    /// A `float32` as XGBoost writes it: the shortest digits that read back to the same value, in
    /// scientific form with a capital `E` and no `+` (`5E-1`, `-5.04329E-8`, `1.9222841E2`, `0E0`).
    ///
    /// Non-finite values have no JSON spelling; callers check for them first.
    static func float(_ value: Float) -> String {
        var bytes: [UInt8] = []
        appendFloat(value, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends `float(value)` as UTF-8, without intermediate strings beyond Swift's own spelling.
    static func appendFloat(_ value: Float, to out: inout [UInt8]) {
        if value.sign == .minus { out.append(UInt8(ascii: "-")) }
        if value == 0 {
            out.append(UInt8(ascii: "0")); out.append(UInt8(ascii: "E")); out.append(UInt8(ascii: "0"))
            return
        }
        // Swift's description is the shortest round-trip spelling ("0.0022116026", "5e-08",
        // "192.22841", "1e+10"); only its layout differs from XGBoost's.
        var digits: (UInt64, UInt64) = (0, 0)   // up to 16 ASCII digits, more than a float needs
        var count = 0
        var point = -1          // digits before the decimal point
        var exponent = 0
        var exponentSign = 1
        var inExponent = false
        var leadingZeros = 0    // zeros before the first significant digit, after the point
        var text = value.magnitude.description
        text.withUTF8 { utf8 in
            withUnsafeMutableBytes(of: &digits) { d in
                for c in utf8 {
                    if inExponent {
                        if c == UInt8(ascii: "-") { exponentSign = -1 } else if c != UInt8(ascii: "+") {
                            exponent = exponent * 10 + Int(c &- UInt8(ascii: "0"))
                        }
                    } else if c == UInt8(ascii: ".") {
                        point = count
                    } else if c == UInt8(ascii: "e") || c == UInt8(ascii: "E") {
                        inExponent = true
                    } else if c == UInt8(ascii: "0") && count == 0 {
                        if point >= 0 { leadingZeros += 1 }
                    } else if count < 16 {
                        d[count] = c
                        count += 1
                    }
                }
            }
        }
        if point < 0 { point = count }
        // Drop trailing zeros ("1000.0" has digits "1000", point 4).
        withUnsafeBytes(of: &digits) { d in
            while count > 1 && d[count - 1] == UInt8(ascii: "0") { count -= 1 }
        }
        let scientific = (point == 0 ? -leadingZeros - 1 : point - 1) + exponentSign * exponent
        withUnsafeBytes(of: &digits) { d in
            out.append(d[0])
            if count > 1 {
                out.append(UInt8(ascii: "."))
                for i in 1..<count { out.append(d[i]) }
            }
        }
        out.append(UInt8(ascii: "E"))
        appendInteger(scientific, to: &out)
    }

    /// Appends a decimal integer as UTF-8.
    static func appendInteger<I: BinaryInteger>(_ value: I, to out: inout [UInt8]) {
        var v = Int64(value)
        if v < 0 { out.append(UInt8(ascii: "-")); v = -v }
        var buffer: (UInt64, UInt64, UInt64) = (0, 0, 0)
        var n = 0
        withUnsafeMutableBytes(of: &buffer) { b in
            repeat {
                b[n] = UInt8(ascii: "0") + UInt8(v % 10)
                v /= 10
                n += 1
            } while v > 0
            while n > 0 { n -= 1; out.append(b[n]) }
        }
    }

    /// A training parameter as XGBoost's parameter manager writes it: the `float32` value with nine
    /// significant digits, trailing zeros dropped (`1.5`, `1`, `0.699999988`).
    static func parameter(_ value: Double) -> String {
        String(format: "%.9g", Double(Float(value)))
    }
}
