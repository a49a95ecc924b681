import Dispatch

/// Least-significant-digit radix sort of Float32 values (no NaN), three passes of 11 bits.
///
/// Each float's bits are mapped to an unsigned key with the same order (negative values have all
/// bits flipped, positive values their sign bit set), so sorting the keys sorts the values. For
/// the few hundred thousand sampled values of a feature this is several times faster than a
/// comparison sort.
enum RadixSort {
    /// Stable least-significant-digit passes over `words`, one per 11-bit digit starting at each
    /// of `shifts` (counting, prefix sums, scatter). With `threads` above 1 and a large input,
    /// each pass counts and scatters contiguous parts concurrently; a digit's slots are handed
    /// out part by part, so the order stays stable and the result is the same.
    static func lsdPasses<Word: FixedWidthInteger & UnsignedInteger & Sendable>(_ words: inout [Word], shifts: [Int], threads: Int = 1) {
        let n = words.count
        let parts = threads > 1 && n >= 1 << 16 ? min(threads, 8) : 1
        let bounds = (0...parts).map { n * $0 / parts }
        var other = [Word](repeating: 0, count: n)
        var counts = [Int](repeating: 0, count: 2048 * parts)
        for shift in shifts {
            let s = Word(shift)
            words.withUnsafeBufferPointer { from in
                other.withUnsafeMutableBufferPointer { to in
                    counts.withUnsafeMutableBufferPointer { c in
                        nonisolated(unsafe) let source = from.baseAddress!, target = to.baseAddress!, histograms = c.baseAddress!
                        let run = { (body: @Sendable (Int) -> Void) in
                            if parts == 1 { body(0) } else { DispatchQueue.concurrentPerform(iterations: parts, execute: body) }
                        }
                        run { t in
                            let h = histograms + t * 2048
                            for i in 0..<2048 { h[i] = 0 }
                            for i in bounds[t]..<bounds[t + 1] { h[Int(truncatingIfNeeded: (source[i] >> s) & 0x7FF)] += 1 }
                        }
                        var total = 0
                        for digit in 0..<2048 {
                            for t in 0..<parts {
                                let k = histograms[t * 2048 + digit]
                                histograms[t * 2048 + digit] = total
                                total += k
                            }
                        }
                        run { t in
                            let h = histograms + t * 2048
                            for i in bounds[t]..<bounds[t + 1] {
                                let w = source[i]
                                let digit = Int(truncatingIfNeeded: (w >> s) & 0x7FF)
                                target[h[digit]] = w
                                h[digit] += 1
                            }
                        }
                    }
                }
            }
            swap(&words, &other)
        }
    }

    static func sort(_ values: inout [Float]) {
        let n = values.count
        if n < 512 { values.sort(); return }
        var keys = values.map { v -> UInt32 in
            let bits = v.bitPattern
            return bits & 0x8000_0000 != 0 ? ~bits : bits | 0x8000_0000
        }
        lsdPasses(&keys, shifts: [0, 11, 22])
        for i in 0..<n {
            let k = keys[i]
            values[i] = Float(bitPattern: k & 0x8000_0000 != 0 ? k & 0x7FFF_FFFF : ~k)
        }
    }
}

extension RadixSort {
    /// The indices of `values` ordered by descending value (ties in ascending index order), by a
    /// stable three-pass radix sort of the order-preserving 32-bit keys. O(n), for the per-round
    /// AUC of large evaluation sets.
    static func descendingOrder(_ values: [Float]) -> [Int] {
        descendingKeys(values, payload: (0..<values.count).map { UInt32($0) }).payload.map { Int($0) }
    }

    /// Sorts `payload` by descending `values` (stable) and returns it with the order-preserving
    /// keys in the same order (equal keys ⇔ equal values), so callers can walk ties sequentially.
    ///
    /// Key and payload travel as one 64-bit word (key high, payload low), so each of the three
    /// 11-bit passes scatters one array.
    static func descendingKeys(_ values: [Float], payload: [UInt32], threads: Int = 1) -> (keys: [UInt32], payload: [UInt32]) {
        let n = values.count
        var words = (0..<n).map { i -> UInt64 in UInt64(descendingKey(values[i])) << 32 | UInt64(payload[i]) }
        if n < 512 {
            let order = (0..<n).sorted { (words[$0] >> 32) < (words[$1] >> 32) || ((words[$0] >> 32) == (words[$1] >> 32) && $0 < $1) }
            return (order.map { UInt32(truncatingIfNeeded: words[$0] >> 32) }, order.map { UInt32(truncatingIfNeeded: words[$0]) })
        }
        lsdPasses(&words, shifts: [32, 43, 54], threads: threads)
        return (words.map { UInt32(truncatingIfNeeded: $0 >> 32) }, words.map { UInt32(truncatingIfNeeded: $0) })
    }

    /// A key whose ascending order is the descending order of the values (equal keys ⇔ equal values).
    @inline(__always)
    static func descendingKey(_ value: Float) -> UInt32 {
        let bits = value.bitPattern
        return ~(bits & 0x8000_0000 != 0 ? ~bits : bits | 0x8000_0000)
    }

    /// Sorts words `key << 32 | payload` by key (`descendingKey`), in place: for callers that
    /// build the words themselves and read key and payload back from them. Order within equal
    /// keys is unspecified.
    static func sortByKey(_ words: inout [UInt64], threads: Int = 1) {
        if words.count < 512 {
            words.sort()
        } else {
            lsdPasses(&words, shifts: [32, 43, 54], threads: threads)
        }
    }
}
