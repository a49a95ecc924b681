#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// CPU seconds used by the whole process (all threads, user + system) since it started.
///
/// `#timing:` lines (written by the training job and the learners) print it beside wall-clock seconds: on a shared machine wall time drifts with
/// the neighbours' load, while the CPU time of a one-thread phase stays put, so benchmarks compare
/// both.
public enum CPUTime {
    public static func processSeconds() -> Double {
        var spec = timespec()
        guard clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &spec) == 0 else { return 0 }
        return Double(spec.tv_sec) + Double(spec.tv_nsec) * 1e-9
    }
}

/// Wall-clock and CPU seconds since a starting point, for `#timing:` lines.
public struct PhaseTimer: Sendable {
    private let wallStart: ContinuousClock.Instant
    private let cpuStart: Double

    public init() {
        wallStart = .now
        cpuStart = CPUTime.processSeconds()
    }

    /// `seconds=<wall>, cpu_seconds=<cpu>` with six decimals.
    public var fields: String {
        let wall = ContinuousClock.now - wallStart
        let seconds = Double(wall.components.seconds) + Double(wall.components.attoseconds) * 1e-18
        return "seconds=" + Self.sixDecimals(seconds) + ", cpu_seconds=" + Self.sixDecimals(CPUTime.processSeconds() - cpuStart)
    }

    static func sixDecimals(_ value: Double) -> String {
        let micros = Int((max(value, 0) * 1e6).rounded())
        let digits = String(micros % 1_000_000)
        return "\(micros / 1_000_000)." + String(repeating: "0", count: 6 - digits.count) + digits
    }
}
