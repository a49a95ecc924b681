import Foundation

/// The process's peak resident memory.
public enum ProcessMemory {
    /// The high-water mark of this process's resident set (`VmHWM` of `/proc/self/status`), in
    /// bytes; nil where the kernel does not report it.
    ///
    /// This is the figure to quote for a job's memory. A parent's `wait4` `ru_maxrss` is not: a
    /// child started with `posix_spawn` (vfork semantics) counts the parent's resident set from
    /// before its `exec`, so a large parent inflates every child's figure.
    public static func peakResidentBytes() -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 2, let kilobytes = Int(fields[1]) else { return nil }
            return kilobytes * 1024
        }
        return nil
    }
}
