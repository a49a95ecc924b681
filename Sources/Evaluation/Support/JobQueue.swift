import Dispatch
import Foundation
import MLCore

/// Runs jobs `0 ..< jobs` on up to `workers` threads, each worker taking the next job in order as
/// it finishes one (so uneven jobs balance); returns when all are done.
enum JobQueue {
    static func run(jobs: Int, workers: Int, _ body: @Sendable (Int) -> Void) {
        let workers = max(1, min(workers, jobs))
        if workers == 1 {
            for job in 0 ..< jobs { body(job) }
            return
        }
        let next = JobCounter()
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while let job = next.take(below: jobs) { body(job) }
        }
    }

    private final class JobCounter: @unchecked Sendable {
        private let lock = NSLock()
        private var next = 0

        func take(below limit: Int) -> Int? {
            lock.lock()
            defer { lock.unlock() }
            guard next < limit else { return nil }
            next += 1
            return next - 1
        }
    }
}

extension JobQueue {
    /// `[value(0), …, value(count − 1)]`, filled by up to `workers` threads in contiguous slices
    /// (slices of at least `minimumSlice` elements; smaller arrays are filled on the caller's thread).
    static func array<T>(count: Int, workers: Int, minimumSlice: Int = 1 << 16, _ value: @Sendable (Int) -> T) -> [T] {
        let workers = max(1, min(workers, count / minimumSlice))
        return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            if let base = buffer.baseAddress { adviseHugePages(base, bytes: count * MemoryLayout<T>.stride) }
            let out = Unshared(buffer)
            let slice = (count + workers - 1) / workers
            run(jobs: workers, workers: workers) { w in
                for i in min(count, w * slice) ..< min(count, (w + 1) * slice) {
                    out.value.initializeElement(at: i, to: value(i))
                }
            }
            initialized = count
        }
    }
}
