/// Converts one decimal literal to the nearest `Double`, with the readers' exact conversion
/// (the Eisel-Lemire fast path, the correctly rounding slow path for long or extreme literals).
///
/// `[start, end)` must be exactly the literal: `[+-]? (digits [. digits?] | . digits) ([eE] [+-]?
/// digits)?` (the JSON number grammar is a subset). Returns nil when it is not, and ±infinity for
/// magnitudes beyond `Double`.
public func parseDecimalDouble(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> Double? {
    let scan = scanDecimal(from: start, to: end)
    guard scan.status != .invalid, scan.next == end else { return nil }
    if scan.status == .exact {
        return Double.fromDecimal(mantissa: scan.mantissa, exponent: scan.exponent, negative: scan.negative,
                                  tables: DecimalTables.shared)
    }
    return Double.fromLongDecimal(Substring(asciiText(start, end)))
}
