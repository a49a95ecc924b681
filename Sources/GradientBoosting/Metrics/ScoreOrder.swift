/// The order of scores from highest to lowest, for the ranking metrics (auc, aucpr) that run on
/// every evaluation set after every round.
///
/// A least-significant-digit radix sort of (key, row) pairs packed in 64 bits, where the key is
/// the score rounded to `Float` mapped to an unsigned integer whose ascending order is the scores'
/// descending order (three passes of 11-, 11- and 10-bit digits; a digit every key shares is
/// skipped). Rounding to `Float` is monotonic, so only scores that round alike can be out of
/// order afterwards; one pass finds those runs and sorts them by the full `Double`. Rows with
/// equal scores keep their input order. About 10 ns a row where a comparison sort of indices
/// took over 100, which made the per-round AUC on the train channel cost more than growing the
/// tree.
enum ScoreOrder {
    static func descending(_ scores: [Double]) -> [Int] {
        let n = scores.count
        if n < 2048 {
            return scores.indices.sorted { scores[$0] > scores[$1] || (scores[$0] == scores[$1] && $0 < $1) }
        }
        precondition(n < Int(UInt32.max), "too many rows for a 32-bit row index")
        @inline(__always) func key(_ score: Double) -> UInt32 {
            let bits = Float(score).bitPattern
            let ascending = bits & (1 << 31) != 0 ? ~bits : bits | (1 << 31)
            return ~ascending
        }
        var items = [UInt64](unsafeUninitializedCapacity: n) { buffer, count in
            for i in 0 ..< n { buffer[i] = UInt64(key(scores[i])) << 32 | UInt64(i) }
            count = n
        }
        let bucketCount = 2048
        var histograms = [Int](repeating: 0, count: 3 * bucketCount)
        items.withUnsafeBufferPointer { source in
            histograms.withUnsafeMutableBufferPointer { counts in
                for item in source {
                    let k = UInt32(truncatingIfNeeded: item >> 32)
                    counts[Int(k & 0x7FF)] += 1
                    counts[bucketCount + Int((k >> 11) & 0x7FF)] += 1
                    counts[2 * bucketCount + Int(k >> 22)] += 1
                }
            }
        }
        var buffer = [UInt64](unsafeUninitializedCapacity: n) { _, count in count = n }
        let firstKey = UInt32(truncatingIfNeeded: items[0] >> 32)
        var offsets = [Int](repeating: 0, count: bucketCount)
        for pass in 0 ..< 3 {
            let shift = UInt32(11 * pass)
            let base = pass * bucketCount
            if histograms[base + Int((firstKey >> shift) & 0x7FF)] == n { continue }
            var running = 0
            for b in 0 ..< bucketCount {
                offsets[b] = running
                running += histograms[base + b]
            }
            items.withUnsafeBufferPointer { src in
                buffer.withUnsafeMutableBufferPointer { dst in
                    offsets.withUnsafeMutableBufferPointer { next in
                        for item in src {
                            let b = Int((UInt32(truncatingIfNeeded: item >> 32) >> shift) & 0x7FF)
                            dst[next[b]] = item
                            next[b] += 1
                        }
                    }
                }
            }
            swap(&items, &buffer)
        }
        var order = [Int](unsafeUninitializedCapacity: n) { out, count in
            items.withUnsafeBufferPointer { sorted in
                for i in 0 ..< n { out[i] = Int(truncatingIfNeeded: sorted[i] & 0xFFFF_FFFF) }
            }
            count = n
        }
        // Runs of equal Float keys: order by the full score, keeping row order among equals.
        var start = 0
        while start < n {
            let k = items[start] >> 32
            var end = start + 1
            var ordered = true
            while end < n && items[end] >> 32 == k {
                if scores[order[end]] > scores[order[end - 1]] { ordered = false }
                end += 1
            }
            if !ordered {
                let run = order[start ..< end].sorted { scores[$0] > scores[$1] || (scores[$0] == scores[$1] && $0 < $1) }
                order.replaceSubrange(start ..< end, with: run)
            }
            start = end
        }
        return order
    }
}
