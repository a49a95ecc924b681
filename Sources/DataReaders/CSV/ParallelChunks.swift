import Dispatch
import Foundation

/// Runs `tasks` numbered jobs on `workers` threads, each thread taking the next job in order.
///
/// Jobs start in increasing order, so `stop(after:)` (called when a job finds an error) lets
/// later jobs be skipped while every earlier job still runs: the earliest error stays exact.
final class ParallelChunks: @unchecked Sendable {
    private let lock = NSLock()
    private var next = 0
    private var last: Int

    private init(tasks: Int) { last = tasks - 1 }

    private func take() -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard next <= last else { return nil }
        next += 1
        return next - 1
    }

    /// Skip jobs numbered above `task` that have not started.
    func stop(after task: Int) {
        lock.lock()
        last = min(last, task)
        lock.unlock()
    }

    static func run(tasks: Int, workers: Int, _ body: (Int, ParallelChunks) -> Void) {
        guard tasks > 0 else { return }
        let queue = ParallelChunks(tasks: tasks)
        let threads = max(1, min(workers, tasks))
        if threads == 1 {
            while let task = queue.take() { body(task, queue) }
            return
        }
        // The jobs share nothing but disjoint slots of caller-owned buffers, which the compiler
        // cannot see; the box states that the closure may run on several threads at once.
        withoutActuallyEscaping(body) { body in
            let shared = UncheckedSendableBox(body)
            DispatchQueue.concurrentPerform(iterations: threads) { _ in
                while let task = queue.take() { shared.value(task, queue) }
            }
        }
    }
}

/// A value handed to other threads on the caller's word that they may use it concurrently.
private struct UncheckedSendableBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
