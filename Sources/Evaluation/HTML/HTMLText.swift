import Foundation

/// Escaping and number formatting for the HTML report.
enum HTMLText {
    /// Escapes `&`, `<`, `>`, `"` and `'` for text and attribute values.
    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.count)
        for ch in s {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(ch)
            }
        }
        return out
    }

    /// A metric value with `digits` significant digits ("—" when undefined).
    static func number(_ v: Double, digits: Int = 4) -> String {
        guard v.isFinite else { return "—" }
        if v == 0 { return "0" }
        let magnitude = abs(v)
        if magnitude >= 1e6 || magnitude < 1e-4 { return String(format: "%.\(max(digits - 1, 1))e", v) }
        let decimals = max(0, digits - 1 - Int(floor(log10(magnitude))))
        return String(format: "%.\(decimals)f", v)
    }

    /// A tick label: as short as the value allows.
    static func tick(_ v: Double) -> String {
        if v == v.rounded() && abs(v) < 1e6 { return String(Int(v)) }
        var s = String(format: "%.4g", v)
        if s.contains("e") { return s }
        while s.contains(".") && (s.hasSuffix("0") || s.hasSuffix(".")) { s.removeLast() }
        return s
    }

    /// A coordinate with two decimals (enough for pixels, short files).
    static func px(_ v: Double) -> String { String(format: "%.2f", v) }

    /// A weight or count: an integer when it is one, else 4 significant digits.
    static func count(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : number(v)
    }
}
