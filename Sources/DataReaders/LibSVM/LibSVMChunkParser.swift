import MLCore

/// The rows one chunk of whole lines produced, in `malloc`ed buffers the reader copies into the
/// final arrays and then frees.
struct LibSVMChunkOutput<T: BitwiseCopyable> {
    var labels = GrowableBuffer<Double>()
    /// NaN for a line without `:weight`.
    var weights = GrowableBuffer<Double>()
    /// `UInt64.max` for a line without `qid:`.
    var queryIDs = GrowableBuffer<UInt64>()
    /// Entry count after each row, counted from the chunk's first entry.
    var rowEnds = GrowableBuffer<Int>()
    var columns = GrowableBuffer<UInt32>()
    var values = GrowableBuffer<T>()
    var newlines = 0
    var largestIndex: Int = -1
    var weightedRows = 0
    var queryRows = 0
    /// The first row with and without a weight / qid: (line from the chunk start, line offset).
    var firstWeighted: (line: Int, offset: Int)?
    var firstUnweighted: (line: Int, offset: Int)?
    var firstWithQuery: (line: Int, offset: Int)?
    var firstWithoutQuery: (line: Int, offset: Int)?
    var failure: LibSVMFailure?

    var rows: Int { labels.count }

    mutating func deallocate() {
        labels.deallocate()
        weights.deallocate()
        queryIDs.deallocate()
        rowEnds.deallocate()
        columns.deallocate()
        values.deallocate()
    }
}

@inline(__always)
private func isSpace(_ c: UInt8) -> Bool {
    c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") || c == UInt8(ascii: "\r")
}

/// A token ends at a space, a tab, a `\r`, a `\n`, a `#` (comment) or the end of the text.
@inline(__always)
private func endsToken(_ p: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> Bool {
    if p == end { return true }
    let c = p.pointee
    return c <= UInt8(ascii: " ") && (c == UInt8(ascii: " ") || c == UInt8(ascii: "\t")
        || c == UInt8(ascii: "\n") || c == UInt8(ascii: "\r")) || c == UInt8(ascii: "#")
}

/// The end of the token starting at `p`.
func libsvmTokenEnd(_ p: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> UnsafePointer<UInt8> {
    var q = p
    while !endsToken(q, end) { q += 1 }
    return q
}

/// Parses the lines of one chunk:
/// `label[:weight] [qid:id] index:value ... [# comment]`, tokens separated by spaces or tabs,
/// blank and comment-only lines skipped. Indices are zero-based; a line whose indices are not
/// increasing is sorted (XGBoost accepts any order), a repeated index is an error.
///
/// Nothing is allocated per row beyond the amortised growth of the chunk's buffers. The first
/// bad line stops the chunk.
struct LibSVMChunkParser<T: DecimalConvertible & BitwiseCopyable> {
    let tables: DecimalTables
    /// Indices must be below this (`UInt32.max` when the feature count is inferred).
    let indexLimit: UInt64

    func parse(base: UnsafePointer<UInt8>, start: Int, end endOffset: Int, into out: inout LibSVMChunkOutput<T>) {
        let end = base + endOffset
        let tables = self.tables
        let indexLimit = self.indexLimit
        // Pessimistic but cheap reservations: about one entry per 8 bytes of text.
        let bytes = endOffset - start
        out.columns.reserve(bytes / 8 + 16)
        out.values.reserve(bytes / 8 + 16)
        var p = base + start
        var line = 0
        var largest = out.largestIndex

        while p < end {
            let lineStart = p
            while p < end && isSpace(p.pointee) { p += 1 }
            if p == end { break }
            if p.pointee == UInt8(ascii: "\n") || p.pointee == UInt8(ascii: "#") {
                p = lineEnd(p, end)
                if p < end { p += 1; line += 1 }
                continue
            }
            func fail(_ kind: LibSVMFailure.Kind, _ token: UnsafePointer<UInt8>, index: UInt64 = 0) {
                out.failure = LibSVMFailure(kind: kind, line: line, lineOffset: lineStart - base,
                                            tokenOffset: token - base, index: index)
            }
            let rowStart = out.columns.count

            // Label, then an optional `:weight`.
            let labelToken = p
            var label = 0.0
            guard readNumber(&p, end, tables, &label, colonEnds: true) else { return fail(.badLabel, labelToken) }
            if p < end && p.pointee == UInt8(ascii: ":") {
                p += 1
                var weight = 0.0
                guard readNumber(&p, end, tables, &weight, colonEnds: false) else { return fail(.badWeight, labelToken) }
                guard weight >= 0 else { return fail(.negativeWeight, labelToken) }
                out.weights.append(weight)
                out.weightedRows += 1
                if out.firstWeighted == nil { out.firstWeighted = (line, lineStart - base) }
            } else {
                out.weights.append(.nan)
                if out.firstUnweighted == nil { out.firstUnweighted = (line, lineStart - base) }
            }
            out.labels.append(label)

            var hasQuery = false
            var previous: Int = -1
            var sorted = true
            while true {
                while p < end && isSpace(p.pointee) { p += 1 }
                if p == end || p.pointee == UInt8(ascii: "\n") || p.pointee == UInt8(ascii: "#") { break }
                let token = p
                // The index: decimal digits, then a colon.
                var index: UInt64 = 0
                var digits = 0
                while p < end, case let d = p.pointee &- UInt8(ascii: "0"), d <= 9 {
                    if index <= UInt64(UInt32.max) { index = index * 10 + UInt64(d) }
                    digits += 1
                    p += 1
                }
                if digits == 0 || p == end || p.pointee != UInt8(ascii: ":") {
                    if digits == 0 && end - p >= 4 && p[0] == UInt8(ascii: "q") && p[1] == UInt8(ascii: "i")
                        && p[2] == UInt8(ascii: "d") && p[3] == UInt8(ascii: ":") && !hasQuery && previous < 0 {
                        p += 4
                        var id: UInt64 = 0
                        var idDigits = 0
                        var overflow = false
                        while p < end, case let d = p.pointee &- UInt8(ascii: "0"), d <= 9 {
                            let (times, o1) = id.multipliedReportingOverflow(by: 10)
                            let (sum, o2) = times.addingReportingOverflow(UInt64(d))
                            overflow = overflow || o1 || o2
                            id = sum
                            idDigits += 1
                            p += 1
                        }
                        guard idDigits > 0, !overflow, id != UInt64.max, endsToken(p, end) else {
                            return fail(.badQueryID, token)
                        }
                        out.queryIDs.append(id)
                        hasQuery = true
                        continue
                    }
                    let tokenEnd = libsvmTokenEnd(token, end)
                    let hasColon = UnsafeBufferPointer(start: token, count: tokenEnd - token).contains(UInt8(ascii: ":"))
                    return fail(hasColon ? .badIndex : .notAPair, token)
                }
                guard index < indexLimit else { return fail(.indexTooLarge, token, index: index) }
                p += 1
                // The value: the inlined decimal fast path, or the exact slow path.
                var value: T = 0
                let scan = scanDecimal(from: p, to: end)
                if scan.status == .exact && endsToken(scan.next, end) {
                    value = T.fromDecimal(mantissa: scan.mantissa, exponent: scan.exponent, negative: scan.negative, tables: tables)
                    guard value.isFinite else { return fail(.badValue, token) }
                    p = scan.next
                } else {
                    let valueEnd = libsvmTokenEnd(p, end)
                    guard case .number(let v) = classifyField(T.self, p, valueEnd, tables) else {
                        return fail(.badValue, token)
                    }
                    value = v
                    p = valueEnd
                }
                let column = Int(index)
                if column <= previous { sorted = false }
                previous = max(previous, column)
                out.columns.append(UInt32(truncatingIfNeeded: index))
                out.values.append(value)
            }
            if !sorted, let duplicate = sortRow(out.columns.base! + rowStart, out.values.base! + rowStart,
                                                count: out.columns.count - rowStart) {
                // Point at the second occurrence of the index on the line.
                return fail(.duplicateIndex, locateSecondIndex(duplicate, from: labelToken, end: end), index: UInt64(duplicate))
            }
            largest = max(largest, previous)
            if hasQuery {
                out.queryRows += 1
                if out.firstWithQuery == nil { out.firstWithQuery = (line, lineStart - base) }
            } else {
                out.queryIDs.append(UInt64.max)
                if out.firstWithoutQuery == nil { out.firstWithoutQuery = (line, lineStart - base) }
            }
            out.rowEnds.append(out.columns.count)
            if p < end && p.pointee == UInt8(ascii: "#") { p = lineEnd(p, end) }
            if p < end { p += 1; line += 1 }
        }
        out.newlines = line
        out.largestIndex = largest
    }

    /// Sorts one row's entries by column (insertion sort: rows out of order are rare and short);
    /// returns a column that appears twice, if any.
    private func sortRow(_ columns: UnsafeMutablePointer<UInt32>, _ values: UnsafeMutablePointer<T>, count: Int) -> UInt32? {
        var i = 1
        while i < count {
            let c = columns[i], v = values[i]
            var j = i - 1
            while j >= 0 && columns[j] > c {
                columns[j + 1] = columns[j]
                values[j + 1] = values[j]
                j -= 1
            }
            columns[j + 1] = c
            values[j + 1] = v
            i += 1
        }
        for k in 1..<max(count, 1) where columns[k] == columns[k - 1] { return columns[k] }
        return nil
    }

    /// The token of the second `index:` on the line that starts with `token`.
    private func locateSecondIndex(_ index: UInt32, from token: UnsafePointer<UInt8>, end: UnsafePointer<UInt8>) -> UnsafePointer<UInt8> {
        let stop = lineEnd(token, end)
        var p = libsvmTokenEnd(token, end)
        var seen = 0
        var last = token
        while p < stop {
            while p < stop && isSpace(p.pointee) { p += 1 }
            if p == stop || p.pointee == UInt8(ascii: "#") { break }
            let start = p
            var value: UInt64 = 0
            while p < stop, case let d = p.pointee &- UInt8(ascii: "0"), d <= 9 {
                if value <= UInt64(UInt32.max) { value = value * 10 + UInt64(d) }
                p += 1
            }
            if p < stop && p.pointee == UInt8(ascii: ":") && value == UInt64(index) {
                seen += 1
                last = start
                if seen == 2 { return start }
            }
            p = libsvmTokenEnd(p, stop)
        }
        return last
    }
}

/// Reads a label or weight (a finite decimal, as Double) ending at a token end or, when
/// `colonEnds`, at a colon. Moves `p` past it; false when it is not a finite number.
@inline(never)
private func readNumber(
    _ p: inout UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>, _ tables: DecimalTables, _ value: inout Double,
    colonEnds: Bool
) -> Bool {
    var stop = p
    while !endsToken(stop, end) && !(colonEnds && stop.pointee == UInt8(ascii: ":")) { stop += 1 }
    guard case .number(let v) = classifyField(Double.self, p, stop, tables) else { return false }
    value = v
    p = stop
    return true
}
