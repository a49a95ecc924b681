import CLinearAlgebra
import Foundation

/// The number of threads OpenBLAS currently uses for level-2/3 kernels.
public func blasThreadCount() -> Int { Int(openblas_get_num_threads()) }

/// OpenBLAS's thread policy.
///
/// OpenBLAS keeps one process-wide thread count (Debian's pthread build honours
/// `openblas_set_num_threads`). The policy optml follows: when BLAS runs alone on a big matrix it
/// gets every core; inside our own parallel workers (each processing a block of rows) it gets one
/// thread, so the workers do not oversubscribe the cores.
///
/// The setting is global: changing it while another thread is inside a BLAS call affects that
/// call's successors, not the call itself. Callers that nest `withBLASThreads` restore the outer
/// value on exit.
public enum BLASThreads {
    /// Logical cores available to the process (at least 1).
    public static var availableCores: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }

    /// The current OpenBLAS thread count.
    public static var current: Int { blasThreadCount() }

    /// Sets OpenBLAS's thread count (clamped to `1 ... availableCores`).
    public static func set(_ threads: Int) {
        openblas_set_num_threads(Int32(min(max(threads, 1), availableCores)))
    }
}

/// Runs `body` with OpenBLAS limited to `threads` threads (clamped to `1 ... cores`), then restores
/// the previous count, also when `body` throws.
public func withBLASThreads<R>(_ threads: Int, _ body: () throws -> R) rethrows -> R {
    let previous = blasThreadCount()
    let wanted = min(max(threads, 1), BLASThreads.availableCores)
    if wanted != previous { BLASThreads.set(wanted) }
    defer { if wanted != previous { BLASThreads.set(previous) } }
    return try body()
}
