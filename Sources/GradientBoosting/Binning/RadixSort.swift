/// Least-significant-digit radix sort of Float32 values (no NaN), three passes of 11 bits.
///
/// Each float's bits are mapped to an unsigned key with the same order (negative values have all
/// bits flipped, positive values their sign bit set), so sorting the keys sorts the values. For
/// the few hundred thousand sampled values of a feature this is several times faster than a
/// comparison sort.
enum RadixSort {
    static func sort(_ values: inout [Float]) {
        let n = values.count
        if n < 512 { values.sort(); return }
        var keys = values.map { v -> UInt32 in
            let bits = v.bitPattern
            return bits & 0x8000_0000 != 0 ? ~bits : bits | 0x8000_0000
        }
        var other = [UInt32](repeating: 0, count: n)
        var counts = [Int](repeating: 0, count: 2048)
        for shift in [0, 11, 22] {
            keys.withUnsafeBufferPointer { from in
                other.withUnsafeMutableBufferPointer { to in
                    counts.withUnsafeMutableBufferPointer { c in
                        for i in 0..<2048 { c[i] = 0 }
                        for k in from { c[Int((k >> UInt32(shift)) & 0x7FF)] += 1 }
                        var total = 0
                        for i in 0..<2048 { let t = c[i]; c[i] = total; total += t }
                        for k in from {
                            let digit = Int((k >> UInt32(shift)) & 0x7FF)
                            to[c[digit]] = k
                            c[digit] += 1
                        }
                    }
                }
            }
            swap(&keys, &other)
        }
        for i in 0..<n {
            let k = keys[i]
            values[i] = Float(bitPattern: k & 0x8000_0000 != 0 ? k & 0x7FFF_FFFF : ~k)
        }
    }
}
