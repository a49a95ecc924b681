import MLCore
import Dispatch

/// Runs independent work items on up to `threads` threads.
enum ParallelRunner {
    /// Calls `body(i)` for every `i` in `0..<count`; with one thread (or one item) inline, else
    /// items are taken in contiguous blocks, one block per thread. `body` must only write memory
    /// no other item touches.
    static func forEach(count: Int, threads: Int, _ body: (Int) -> Void) {
        let workers = min(threads, count)
        if workers <= 1 {
            for i in 0..<count { body(i) }
            return
        }
        withoutActuallyEscaping(body) { body in
            let shared = Unshared(body)
            DispatchQueue.concurrentPerform(iterations: workers) { w in
                let lower = count * w / workers, upper = count * (w + 1) / workers
                for i in lower..<upper { shared.value(i) }
            }
        }
    }
}
