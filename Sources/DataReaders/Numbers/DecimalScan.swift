/// The result of scanning one decimal literal: `(-1)^negative × mantissa × 10^exponent`.
///
/// `scanDecimal` accepts `[+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?`, the syntax
/// `strtod` accepts for decimals in the C locale, minus hexadecimal floats, `inf` and `nan`.
struct DecimalScan {
    enum Status {
        /// A decimal whose significant digits fit in `mantissa` exactly (at most 19 of them).
        case exact
        /// A syntactically valid decimal with more than 19 significant digits: `mantissa` is
        /// meaningless and the caller converts the text with the correctly rounding slow path.
        case manyDigits
        /// No decimal literal starts here (no digits, or an `e` without exponent digits).
        case invalid
    }

    var status: Status
    /// The first byte after the literal.
    var next: UnsafePointer<UInt8>
    var mantissa: UInt64
    var exponent: Int
    var negative: Bool
}

/// Appends the decimal digits at `p` to `mantissa` (wrapping past 19 digits) and moves `p` past
/// them; returns how many there were.
///
/// Eight bytes at a time where the buffer allows (SWAR, as in simdjson and fast_float): one test
/// finds how many leading bytes are digits, and three multiplications combine up to eight of
/// them. This replaces a data-dependent branch per digit with one per eight bytes.
@inline(always)
func accumulateDigits(_ p: inout UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>, _ mantissa: inout UInt64) -> Int {
    let start = p
    while end - p >= 8 {
        let word = UInt64(littleEndian: UnsafeRawPointer(p).loadUnaligned(as: UInt64.self))
        let digits = word &- 0x3030_3030_3030_3030
        // Bit 7 of a byte is set when the byte is below '0' (the subtraction wrapped) or above
        // '9' (adding 0x46 reaches 0x80). Borrows only move upwards, so the lowest flagged byte
        // is exactly the first non-digit.
        let nonDigit = ((word &+ 0x4646_4646_4646_4646) | digits) & 0x8080_8080_8080_8080
        if nonDigit == 0 {
            mantissa = mantissa &* 100_000_000 &+ eightDigitValue(digits)
            p += 8
            continue
        }
        let count = nonDigit.trailingZeroBitCount >> 3
        if count > 0 {
            // Keep the `count` digit bytes and move them to the top: the bytes below become
            // leading zeros of an eight-digit number.
            let aligned = digits << UInt64(64 - 8 * count)
            mantissa = mantissa &* powerOfTenUInt64(count) &+ eightDigitValue(aligned)
            p += count
        }
        return p - start
    }
    while p < end {
        let d = p.pointee &- UInt8(ascii: "0")
        if d > 9 { break }
        mantissa = mantissa &* 10 &+ UInt64(d)
        p += 1
    }
    return p - start
}

/// The value of eight decimal digits, one per byte (already minus '0'), the first in the lowest
/// byte. Three multiplications: pairs, then quadruples, then the whole.
@inline(always)
func eightDigitValue(_ digits: UInt64) -> UInt64 {
    let mask: UInt64 = 0x0000_00FF_0000_00FF
    let mul1: UInt64 = 0x000F_4240_0000_0064  // 100 + (1_000_000 << 32)
    let mul2: UInt64 = 0x0000_2710_0000_0001  // 1 + (10_000 << 32)
    var v = digits &* 10 &+ (digits >> 8)
    v = ((v & mask) &* mul1 &+ ((v >> 16) & mask) &* mul2) >> 32
    return v & 0xFFFF_FFFF
}

/// 10^n for n in 0...7.
@inline(always)
func powerOfTenUInt64(_ n: Int) -> UInt64 {
    // LLVM turns this switch into a lookup in a constant table: one load, no branch.
    switch n & 7 {
    case 0: 1
    case 1: 10
    case 2: 100
    case 3: 1000
    case 4: 10_000
    case 5: 100_000
    case 6: 1_000_000
    default: 10_000_000
    }
}

/// Exponents are clamped to this magnitude while scanning: any nonzero value beyond it is already
/// infinite or zero in every binary format, so the exact digits no longer matter.
@usableFromInline let decimalExponentLimit = 100_000

/// Scans the longest decimal literal starting at `start` (not beyond `end`).
///
/// Complexity O(length of the literal). The significand is accumulated in a `UInt64`; with more
/// than 19 significant digits (leading zeros do not count) the status is `.manyDigits`.
///
/// The inlined fast path takes the shape of nearly every value in real data: an optional sign,
/// at most 7 integer digits, an optional point and at most 8 fraction digits, no exponent. Two
/// 8-byte loads find both digit runs and convert them (see `accumulateDigits`) without a branch
/// per digit. Anything else, or fewer than 18 readable bytes, goes to `scanDecimalCompletely`.
@inline(always)
func scanDecimal(from start: UnsafePointer<UInt8>, to end: UnsafePointer<UInt8>) -> DecimalScan {
    guard end - start >= 18 else { return scanDecimalCompletely(from: start, to: end) }
    let first = start.pointee
    let negative = first == UInt8(ascii: "-")
    let integerStart = start + (negative || first == UInt8(ascii: "+") ? 1 : 0)
    let word1 = UInt64(littleEndian: UnsafeRawPointer(integerStart).loadUnaligned(as: UInt64.self))
    let digits1 = word1 &- 0x3030_3030_3030_3030
    let nonDigit1 = ((word1 &+ 0x4646_4646_4646_4646) | digits1) & 0x8080_8080_8080_8080
    if nonDigit1 == 0 { return scanDecimalCompletely(from: start, to: end) }
    let integerCount = nonDigit1.trailingZeroBitCount >> 3
    // `<<` by 64 (no integer digits) gives 0, the value of an empty run.
    var mantissa = eightDigitValue(digits1 << UInt64(64 - 8 * integerCount))
    var next = integerStart + integerCount
    var after = UInt8(truncatingIfNeeded: word1 >> UInt64(8 * integerCount))
    var digitCount = integerCount
    var exponent = 0
    if after == UInt8(ascii: ".") {
        next += 1
        let word2 = UInt64(littleEndian: UnsafeRawPointer(next).loadUnaligned(as: UInt64.self))
        let digits2 = word2 &- 0x3030_3030_3030_3030
        let nonDigit2 = ((word2 &+ 0x4646_4646_4646_4646) | digits2) & 0x8080_8080_8080_8080
        if nonDigit2 == 0 {
            mantissa = mantissa &* 100_000_000 &+ eightDigitValue(digits2)
            next += 8
            after = next.pointee
            if after &- UInt8(ascii: "0") <= 9 { return scanDecimalCompletely(from: start, to: end) }
            digitCount += 8
            exponent = -8
        } else {
            let fractionCount = nonDigit2.trailingZeroBitCount >> 3
            mantissa = mantissa &* powerOfTenUInt64(fractionCount)
                &+ eightDigitValue(digits2 << UInt64(64 - 8 * fractionCount))
            next += fractionCount
            after = UInt8(truncatingIfNeeded: word2 >> UInt64(8 * fractionCount))
            digitCount += fractionCount
            exponent = -fractionCount
        }
    }
    if digitCount == 0 || after | 0x20 == UInt8(ascii: "e") {
        return scanDecimalCompletely(from: start, to: end)
    }
    return DecimalScan(status: .exact, next: next, mantissa: mantissa, exponent: exponent, negative: negative)
}

/// `scanDecimal` for every shape: exponents, long digit runs, the end of the buffer.
@inline(never)
func scanDecimalCompletely(from start: UnsafePointer<UInt8>, to end: UnsafePointer<UInt8>) -> DecimalScan {
    var p = start
    var negative = false
    if p < end {
        let c = p.pointee
        if c == UInt8(ascii: "-") {
            negative = true
            p += 1
        } else if c == UInt8(ascii: "+") {
            p += 1
        }
    }
    let digitsStart = p
    var mantissa: UInt64 = 0
    var digitCount = accumulateDigits(&p, end, &mantissa)
    var exponent = 0
    if p < end && p.pointee == UInt8(ascii: ".") {
        p += 1
        let fractionCount = accumulateDigits(&p, end, &mantissa)
        digitCount += fractionCount
        exponent = -fractionCount
    }
    if digitCount == 0 {
        return DecimalScan(status: .invalid, next: p, mantissa: 0, exponent: 0, negative: negative)
    }
    if p < end && p.pointee | 0x20 == UInt8(ascii: "e") {
        p += 1
        var exponentNegative = false
        if p < end {
            let c = p.pointee
            if c == UInt8(ascii: "-") {
                exponentNegative = true
                p += 1
            } else if c == UInt8(ascii: "+") {
                p += 1
            }
        }
        let exponentStart = p
        var written = 0
        while p < end {
            let d = p.pointee &- UInt8(ascii: "0")
            if d > 9 { break }
            if written < decimalExponentLimit { written = written * 10 + Int(d) }
            p += 1
        }
        if p == exponentStart {
            return DecimalScan(status: .invalid, next: p, mantissa: 0, exponent: 0, negative: negative)
        }
        exponent += exponentNegative ? -written : written
    }
    var status = DecimalScan.Status.exact
    if digitCount > 19 && significantDigitCount(from: digitsStart, to: p) > 19 {
        status = .manyDigits
    }
    return DecimalScan(status: status, next: p, mantissa: mantissa, exponent: exponent, negative: negative)
}

/// The number of digits of the significand in `[start, end)` after leading zeros (the exponent
/// part, if any, is not counted). Only called for literals of more than 19 digits.
@inline(never)
func significantDigitCount(from start: UnsafePointer<UInt8>, to end: UnsafePointer<UInt8>) -> Int {
    var p = start
    var count = 0
    var leading = true
    while p < end {
        let c = p.pointee
        if c | 0x20 == UInt8(ascii: "e") { break }
        if c != UInt8(ascii: ".") {
            if c != UInt8(ascii: "0") { leading = false }
            if !leading { count += 1 }
        }
        p += 1
    }
    return count
}
