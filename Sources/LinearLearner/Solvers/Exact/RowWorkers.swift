import Dispatch
import LinearAlgebra

/// Splits the rows of a data pass among worker threads.
///
/// Workers own contiguous row ranges (so each streams its own part of the row-major matrix) and
/// write into per-worker buffers that the caller reduces afterwards; nothing is shared while they
/// run. During a parallel pass OpenBLAS is held to one thread so that BLAS calls made inside the
/// workers do not oversubscribe the cores.
struct RowWorkers {
    /// Rows each BLAS call in a pass works on: big enough for level-2/3 efficiency, small enough
    /// that a block of a 100-column matrix (≈ 1.6 MB) is still in cache for the second kernel.
    static let blockRows = 2048

    /// Number of workers.
    let count: Int
    /// Row range of each worker.
    let ranges: [Range<Int>]

    /// Up to `threads` workers over `rows` rows, but none with fewer than `minimumRows` rows.
    init(rows: Int, threads: Int, minimumRows: Int = 16_384) {
        let wanted = max(1, min(threads, rows / max(minimumRows, 1)))
        count = wanted
        var ranges: [Range<Int>] = []
        ranges.reserveCapacity(wanted)
        for w in 0 ..< wanted {
            ranges.append((rows * w / wanted) ..< (rows * (w + 1) / wanted))
        }
        self.ranges = ranges
    }

    /// Runs `body(worker, rows)` for every worker, concurrently when there is more than one, with
    /// OpenBLAS limited to one thread.
    func run(_ body: (Int, Range<Int>) -> Void) {
        if count == 1 {
            withBLASThreads(1) { body(0, ranges[0]) }
            return
        }
        let workerRanges = ranges
        withBLASThreads(1) {
            // concurrentPerform wants a @Sendable closure; the body is not one because it captures
            // raw buffers. That is sound here: every worker writes only its own buffers and rows,
            // and concurrentPerform returns after all workers finish, before `body` goes away.
            withoutActuallyEscaping(body) { escapable in
                let shared = UncheckedSendableBox(escapable)
                DispatchQueue.concurrentPerform(iterations: count) { w in shared.value(w, workerRanges[w]) }
            }
        }
    }
}

/// Carries a value across a `@Sendable` boundary whose safety the caller has argued by hand.
private struct UncheckedSendableBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
