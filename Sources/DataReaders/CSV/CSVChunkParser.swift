/// Why a row could not be stored, located well enough to build the message afterwards.
struct CSVRowFailure: Sendable {
    enum Kind: Sendable {
        /// The field at `fieldOffset` is not a usable number (`classifyField` says why).
        case invalidField
        case missingLabel
        case missingWeight
        case negativeWeight
        /// Fewer or more fields than the layout.
        case wrongWidth
    }

    var kind: Kind
    /// 1-based line number in the file.
    var line: Int
    /// 0-based index of the row in the whole channel.
    var row: Int
    /// 1-based column of the field.
    var column: Int
    /// Byte offsets in the file's text.
    var lineOffset: Int
    var fieldOffset: Int
    /// The field was a feature (parsed in the output format) rather than a label or weight.
    var isFeature: Bool
}

/// Parses the rows of one chunk (whole lines) into preallocated output.
///
/// `labels`, `weights` and `features` point at the slots of the chunk's first row; the chunk must
/// hold exactly as many rows as the count pass found, which holds because both passes skip the
/// same blank lines. Nothing is allocated; the first bad row stops the chunk.
struct CSVChunkParser<T: DecimalConvertible> {
    let layout: CSVLayout
    let tables: DecimalTables

    func parse(
        base: UnsafePointer<UInt8>, start: Int, end endOffset: Int, firstLine: Int, firstRow: Int,
        labels: UnsafeMutablePointer<Double>, weights: UnsafeMutablePointer<Double>?,
        features: UnsafeMutablePointer<T>
    ) -> CSVRowFailure? {
        let end = base + endOffset
        let featureCount = layout.featureCount
        let hasLabel = layout.hasLabel
        let hasWeight = layout.hasWeight
        let firstFeatureColumn = layout.leadingColumns + 1
        let tables = self.tables
        var p = base + start
        var line = firstLine
        var row = 0
        var out = features

        func failure(_ kind: CSVRowFailure.Kind, _ column: Int, _ lineStart: UnsafePointer<UInt8>,
                     _ field: UnsafePointer<UInt8>, isFeature: Bool) -> CSVRowFailure {
            CSVRowFailure(kind: kind, line: line, row: firstRow + row, column: column,
                          lineOffset: lineStart - base, fieldOffset: field - base, isFeature: isFeature)
        }
        /// The field ended without the expected comma: a short row, or junk inside the field.
        func missingComma(_ p: UnsafePointer<UInt8>, _ column: Int, _ lineStart: UnsafePointer<UInt8>,
                          _ field: UnsafePointer<UInt8>, isFeature: Bool) -> CSVRowFailure {
            failure(atLineEnd(p, end) ? .wrongWidth : .invalidField, column, lineStart, field, isFeature: isFeature)
        }

        while p < end {
            if let next = blankLineEnd(p, end) {
                if next[-1] == UInt8(ascii: "\n") { line += 1 }
                p = next
                continue
            }
            let lineStart = p
            if hasLabel {
                let field = p
                var value = 0.0
                switch readLeadingField(&p, end, tables, &value) {
                case .number: labels[row] = value
                case .missing: return failure(.missingLabel, 1, lineStart, field, isFeature: false)
                case .invalid: return failure(.invalidField, 1, lineStart, field, isFeature: false)
                }
                guard p < end && p.pointee == UInt8(ascii: ",") else {
                    return missingComma(p, 1, lineStart, field, isFeature: false)
                }
                p += 1
            } else {
                labels[row] = .nan
            }
            if hasWeight, let weights {
                let field = p
                let column = layout.weightColumn
                var value = 0.0
                switch readLeadingField(&p, end, tables, &value) {
                case .number:
                    if value < 0 { return failure(.negativeWeight, column, lineStart, field, isFeature: false) }
                    weights[row] = value
                case .missing: return failure(.missingWeight, column, lineStart, field, isFeature: false)
                case .invalid: return failure(.invalidField, column, lineStart, field, isFeature: false)
                }
                guard p < end && p.pointee == UInt8(ascii: ",") else {
                    return missingComma(p, column, lineStart, field, isFeature: false)
                }
                p += 1
            }
            // Every feature but the last ends in a comma; the last one ends the line. One call
            // site for the hot field reader keeps it inlined.
            let lastFeature = featureCount - 1
            var j = 0
            while true {
                let field = p
                // Fast path: a plain decimal directly followed by the separator this column
                // expects (a comma, or the `\n` after the last feature).
                let scan = scanDecimal(from: p, to: end)
                if scan.status == .exact && scan.next < end
                    && scan.next.pointee == (j == lastFeature ? UInt8(ascii: "\n") : UInt8(ascii: ","))
                {
                    let number = T.fromDecimal(
                        mantissa: scan.mantissa, exponent: scan.exponent, negative: scan.negative, tables: tables)
                    if number.isFinite {
                        out[j] = number
                        p = scan.next + 1
                        if j == lastFeature { break }
                        j += 1
                        continue
                    }
                }
                var value: T = 0
                switch readField(&p, end, tables, &value) {
                case .number: out[j] = value
                case .missing: out[j] = .nan
                case .invalid: return failure(.invalidField, firstFeatureColumn + j, lineStart, field, isFeature: true)
                }
                if p < end && p.pointee == UInt8(ascii: ",") {
                    if j == lastFeature {
                        return failure(.wrongWidth, firstFeatureColumn + j, lineStart, field, isFeature: true)
                    }
                    p += 1
                    j += 1
                    continue
                }
                if j != lastFeature {
                    return missingComma(p, firstFeatureColumn + j, lineStart, field, isFeature: true)
                }
                if p < end {
                    if p.pointee == UInt8(ascii: "\n") {
                        p += 1
                    } else if p.pointee == UInt8(ascii: "\r") && (p + 1 == end || p[1] == UInt8(ascii: "\n")) {
                        p += p + 1 == end ? 1 : 2
                    } else {
                        return failure(.invalidField, firstFeatureColumn + j, lineStart, field, isFeature: true)
                    }
                }
                break
            }
            out += featureCount
            row += 1
            line += 1
        }
        return nil
    }
}

/// `p` is at the end of a line: the buffer end, a `\n`, or a `\r` that ends the line.
@inline(always)
func atLineEnd(_ p: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> Bool {
    if p == end { return true }
    let c = p.pointee
    if c == UInt8(ascii: "\n") { return true }
    return c == UInt8(ascii: "\r") && (p + 1 == end || p[1] == UInt8(ascii: "\n"))
}

/// The label or weight field of a row, as Double: out of line, since it is one field per row and
/// the feature loop should keep the inlined reader to itself.
@inline(never)
func readLeadingField(
    _ p: inout UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>, _ tables: DecimalTables, _ value: inout Double
) -> FieldRead {
    readField(&p, end, tables, &value)
}
