// Reading one CSV field. The inlined fast path takes a plain decimal directly followed by a
// separator; everything else (spaces, quotes, `nan`, empty-after-trim, long significands and all
// errors) goes through the out-of-line slow path, which the error reporting reuses to say exactly
// what is wrong with a field.

/// What a field held.
enum FieldRead {
    case number
    /// Empty, or `nan` in any case: a missing value.
    case missing
    /// Anything else; `classifyField` tells what exactly.
    case invalid
}

@inline(always)
func isFieldTerminator(_ c: UInt8) -> Bool {
    c == UInt8(ascii: ",") || c == UInt8(ascii: "\n") || c == UInt8(ascii: "\r")
}

/// Reads the field at `p`. On `.number` and `.missing`, `p` moves to the byte after the field
/// (a `,`, a `\n`, the `\r` of a line end, or `end`); on `.invalid` it stays at the field start.
@inline(always)
func readField<T: DecimalConvertible>(
    _ p: inout UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>, _ tables: DecimalTables, _ value: inout T
) -> FieldRead {
    if p == end { return .missing }
    let c = p.pointee
    if c == UInt8(ascii: ",") || c == UInt8(ascii: "\n") { return .missing }
    let scan = scanDecimal(from: p, to: end)
    if scan.status == .exact && (scan.next == end || isFieldTerminator(scan.next.pointee)) {
        let v = T.fromDecimal(mantissa: scan.mantissa, exponent: scan.exponent, negative: scan.negative, tables: tables)
        if v.isFinite {
            value = v
            p = scan.next
            return .number
        }
        return .invalid
    }
    return readFieldSlowly(&p, end, tables, &value)
}

@inline(never)
func readFieldSlowly<T: DecimalConvertible>(
    _ p: inout UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>, _ tables: DecimalTables, _ value: inout T
) -> FieldRead {
    let extent = FieldExtent(at: p, end: end)
    if extent.unterminatedQuote { return .invalid }
    switch classifyField(T.self, extent.contentStart, extent.contentEnd, tables) {
    case .number(let v):
        value = v
        p = extent.terminator
        return .number
    case .missing:
        p = extent.terminator
        return .missing
    case .notANumber, .notFinite, .outOfRange, .invalidUTF8:
        return .invalid
    }
}

/// Where a field's text lies: an optional surrounding pair of double quotes is not part of the
/// content; neither are spaces and tabs around it, nor the `\r` of a CRLF line end.
struct FieldExtent {
    var contentStart: UnsafePointer<UInt8>
    var contentEnd: UnsafePointer<UInt8>
    /// The `,`, `\n`, line-end `\r` or `end` after the field.
    var terminator: UnsafePointer<UInt8>
    /// A field that opens a quote and has no closing quote before the line ends.
    var unterminatedQuote = false

    init(at start: UnsafePointer<UInt8>, end: UnsafePointer<UInt8>) {
        var p = start
        while p < end && (p.pointee == UInt8(ascii: " ") || p.pointee == UInt8(ascii: "\t")) { p += 1 }
        if p < end && p.pointee == UInt8(ascii: "\"") {
            var close = p + 1
            while close < end && close.pointee != UInt8(ascii: "\"") && close.pointee != UInt8(ascii: "\n") {
                close += 1
            }
            if close == end || close.pointee != UInt8(ascii: "\"") {
                contentStart = p
                contentEnd = close
                terminator = close
                unterminatedQuote = true
                return
            }
            var after = close + 1
            while after < end && (after.pointee == UInt8(ascii: " ") || after.pointee == UInt8(ascii: "\t")) {
                after += 1
            }
            if after == end || isLineEndOrComma(after, end) {
                contentStart = p + 1
                contentEnd = close
                terminator = after
                return
            }
            // Text after the closing quote: the whole raw field is the content (not a number).
        }
        var q = p
        while q < end && q.pointee != UInt8(ascii: ",") && q.pointee != UInt8(ascii: "\n") { q += 1 }
        terminator = q
        if q > p && q[-1] == UInt8(ascii: "\r") && (q == end || q.pointee == UInt8(ascii: "\n")) {
            q -= 1
            terminator = q
        }
        while q > p && (q[-1] == UInt8(ascii: " ") || q[-1] == UInt8(ascii: "\t")) { q -= 1 }
        contentStart = p
        contentEnd = q
    }
}

@inline(always)
private func isLineEndOrComma(_ p: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> Bool {
    let c = p.pointee
    if c == UInt8(ascii: ",") || c == UInt8(ascii: "\n") { return true }
    return c == UInt8(ascii: "\r") && (p + 1 == end || p[1] == UInt8(ascii: "\n"))
}

/// What a field's content is, in the order the checks run.
enum FieldClass<T> {
    case number(T)
    case missing
    /// `inf`, `-Infinity`, …: parseable, but not a usable value.
    case notFinite
    /// A decimal whose magnitude exceeds the format (e.g. `1e39` as Float32).
    case outOfRange
    /// The first byte that breaks UTF-8.
    case invalidUTF8(UnsafePointer<UInt8>)
    case notANumber
}

/// Classifies `[start, end)` (spaces and tabs around it are ignored): a decimal, a missing value
/// (empty or `nan` in any case, optionally signed), or the reason it is neither.
func classifyField<T: DecimalConvertible>(
    _: T.Type, _ startIn: UnsafePointer<UInt8>, _ endIn: UnsafePointer<UInt8>, _ tables: DecimalTables
) -> FieldClass<T> {
    var start = startIn
    var end = endIn
    while start < end && (start.pointee == UInt8(ascii: " ") || start.pointee == UInt8(ascii: "\t")) { start += 1 }
    while end > start && (end[-1] == UInt8(ascii: " ") || end[-1] == UInt8(ascii: "\t")) { end -= 1 }
    if start == end { return .missing }

    let scan = scanDecimal(from: start, to: end)
    if scan.status != .invalid && scan.next == end {
        let value: T
        if scan.status == .exact {
            value = T.fromDecimal(mantissa: scan.mantissa, exponent: scan.exponent, negative: scan.negative, tables: tables)
        } else {
            value = T.fromLongDecimal(Substring(asciiText(start, end)))
        }
        return value.isFinite ? .number(value) : .outOfRange
    }

    var word = start
    if word.pointee == UInt8(ascii: "-") || word.pointee == UInt8(ascii: "+") { word += 1 }
    if matchesCaseInsensitively(word, end, "nan") { return .missing }
    if matchesCaseInsensitively(word, end, "inf") || matchesCaseInsensitively(word, end, "infinity") {
        return .notFinite
    }
    if let bad = firstInvalidUTF8(start, end) { return .invalidUTF8(bad) }
    return .notANumber
}

/// The bytes as a String (invalid UTF-8 becomes U+FFFD).
func asciiText(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> String {
    String(decoding: UnsafeBufferPointer(start: start, count: end - start), as: UTF8.self)
}

private func matchesCaseInsensitively(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>, _ word: StaticString) -> Bool {
    guard end - start == word.utf8CodeUnitCount else { return false }
    let w = word.utf8Start
    for i in 0..<word.utf8CodeUnitCount where start[i] | 0x20 != w[i] { return false }
    return true
}

/// The first byte in `[start, end)` that is not part of a well-formed UTF-8 sequence (Unicode
/// Table 3-7: no overlong forms, no surrogates, nothing above U+10FFFF), or `nil`.
func firstInvalidUTF8(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> UnsafePointer<UInt8>? {
    var p = start
    while p < end {
        let b0 = p.pointee
        if b0 < 0x80 {
            p += 1
            continue
        }
        var length = 0
        var low: UInt8 = 0x80
        var high: UInt8 = 0xBF
        switch b0 {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; high = 0x9F
        case 0xF0: length = 4; low = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; high = 0x8F
        default: return p
        }
        if end - p < length { return p }
        let b1 = p[1]
        if b1 < low || b1 > high { return p }
        for i in 2..<max(2, length) where p[i] & 0xC0 != 0x80 { return p }
        p += length
    }
    return nil
}
