#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Line-level scanning shared by the row-count pass and the parse pass. Both passes must agree on
// which lines are blank, or rows would land at the wrong offsets: they use the same predicate.

@inline(always)
func isLineSpace(_ c: UInt8) -> Bool {
    c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") || c == UInt8(ascii: "\r")
}

/// If the line starting at `p` is blank (nothing, or only spaces, tabs and `\r` before its `\n`
/// or the end of the buffer), the position after it; otherwise `nil`. `p < end`.
@inline(always)
func blankLineEnd(_ p: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> UnsafePointer<UInt8>? {
    let c = p.pointee
    if c == UInt8(ascii: "\n") { return p + 1 }
    if !isLineSpace(c) { return nil }
    return blankLineEndSlowly(p, end)
}

@inline(never)
func blankLineEndSlowly(_ p: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> UnsafePointer<UInt8>? {
    var q = p
    while q < end && isLineSpace(q.pointee) { q += 1 }
    if q == end { return end }
    return q.pointee == UInt8(ascii: "\n") ? q + 1 : nil
}

/// The first `\n` in `[p, end)`, or `end`.
@inline(always)
func lineEnd(_ p: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> UnsafePointer<UInt8> {
    guard p < end, let found = memchr(p, Int32(UInt8(ascii: "\n")), end - p) else { return end }
    return UnsafePointer(found.assumingMemoryBound(to: UInt8.self))
}

/// Newlines and non-blank lines (rows) in `[start, end)`. `start` is at the start of a line.
func countLines(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> (newlines: Int, rows: Int) {
    var p = start
    var newlines = 0
    var rows = 0
    while p < end {
        if let next = blankLineEnd(p, end) {
            if next[-1] == UInt8(ascii: "\n") { newlines += 1 }
            p = next
            continue
        }
        rows += 1
        let e = lineEnd(p, end)
        if e == end { break }
        newlines += 1
        p = e + 1
    }
    return (newlines, rows)
}

/// The fields of the line starting at `start`: one more than the commas outside double quotes.
func countFields(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> Int {
    var p = start
    var fields = 1
    var quoted = false
    while p < end {
        let c = p.pointee
        if c == UInt8(ascii: "\n") { break }
        if c == UInt8(ascii: "\"") {
            quoted.toggle()
        } else if c == UInt8(ascii: ",") && !quoted {
            fields += 1
        }
        p += 1
    }
    return fields
}

/// Byte offsets where a buffer region splits into pieces of about `target` bytes, each piece
/// starting at the start of a line. Returns the piece starts followed by `end`.
func lineAlignedSplits(_ base: UnsafePointer<UInt8>, start: Int, end: Int, target: Int) -> [Int] {
    var splits = [start]
    var position = start
    while end - position > target + target / 2 {
        let guess = base + position + target
        let newline = lineEnd(guess, base + end)
        if newline == base + end { break }
        position = newline + 1 - base
        if position >= end { break }
        splits.append(position)
    }
    splits.append(end)
    return splits
}
