import Foundation
import MLCore

/// How many bytes a job may give a channel's in-memory form before training streams it from its
/// files instead.
///
/// `OPTML_MEMORY_LIMIT_BYTES` when set; otherwise half of the memory available now: the smaller of
/// the cgroup's room (`memory.max − memory.current` of cgroup v2, or `memory.limit_in_bytes −
/// memory.usage_in_bytes` of v1, when a limit is set) and `MemAvailable` of `/proc/meminfo`. Half,
/// because the in-memory path holds more than the matrix (page cache of the files, the
/// validation and test channels, scores) and the machine is rarely the job's alone.
struct MemoryBudget: Sendable, Equatable {
    var bytes: Int
    /// Where the figure came from, for the log and messages.
    var origin: String

    static let environmentKey = "OPTML_MEMORY_LIMIT_BYTES"

    /// - Throws: `OptmlError.user` when `OPTML_MEMORY_LIMIT_BYTES` is not a positive integer.
    static func current(environment: [String: String]) throws -> MemoryBudget {
        if let text = environment[environmentKey] {
            guard let value = Int(text.trimmingCharacters(in: .whitespaces)), value > 0 else {
                throw OptmlError.user("\(environmentKey) is '\(text)'. Expecting a positive number of bytes, such as 4000000000 for 4 GB.")
            }
            return MemoryBudget(bytes: value, origin: environmentKey)
        }
        func read(_ path: String) -> String? {
            (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return automatic(cgroupV2Max: read("/sys/fs/cgroup/memory.max"), cgroupV2Current: read("/sys/fs/cgroup/memory.current"),
                         cgroupV1Limit: read("/sys/fs/cgroup/memory/memory.limit_in_bytes"),
                         cgroupV1Usage: read("/sys/fs/cgroup/memory/memory.usage_in_bytes"),
                         meminfo: read("/proc/meminfo"), physicalMemory: ProcessInfo.processInfo.physicalMemory)
    }

    /// The automatic budget from the files' contents (nil when absent).
    static func automatic(cgroupV2Max: String?, cgroupV2Current: String?, cgroupV1Limit: String?, cgroupV1Usage: String?,
                          meminfo: String?, physicalMemory: UInt64) -> MemoryBudget {
        var candidates: [(bytes: Int, origin: String)] = []
        if let limit = cgroupV2Max.flatMap(Int.init) {
            let used = cgroupV2Current.flatMap(Int.init) ?? 0
            candidates.append((max(0, limit - used), "the cgroup's free memory (memory.max \(limit) − memory.current \(used))"))
        } else if let limit = cgroupV1Limit.flatMap(Int.init), limit < 1 << 60 {
            let used = cgroupV1Usage.flatMap(Int.init) ?? 0
            candidates.append((max(0, limit - used), "the cgroup's free memory (memory.limit_in_bytes \(limit) − usage \(used))"))
        }
        if let meminfo, let line = meminfo.split(separator: "\n").first(where: { $0.hasPrefix("MemAvailable:") }) {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            if fields.count >= 2, let kib = Int(fields[1]) {
                candidates.append((kib * 1024, "MemAvailable in /proc/meminfo"))
            }
        }
        guard let smallest = candidates.min(by: { $0.bytes < $1.bytes }) else {
            return MemoryBudget(bytes: Int(physicalMemory / 2), origin: "half of the machine's physical memory")
        }
        return MemoryBudget(bytes: smallest.bytes / 2, origin: "half of \(smallest.origin)")
    }
}

/// `1.23 GB`, `456 MB`: sizes in messages.
func byteSize(_ bytes: Double) -> String {
    if bytes >= 1e9 { return String(format: "%.2f GB", bytes / 1e9) }
    if bytes >= 1e6 { return String(format: "%.1f MB", bytes / 1e6) }
    return String(format: "%.0f KB", max(bytes, 0) / 1e3)
}
