import Foundation
import Testing
import MLCore
@testable import ContainerRuntime

/// The memory budget that decides whether Linear Learner streams the train channel.
@Suite struct MemoryBudgetTests {
    @Test func environmentVariableWins() throws {
        let budget = try MemoryBudget.current(environment: ["OPTML_MEMORY_LIMIT_BYTES": "123456"])
        #expect(budget == MemoryBudget(bytes: 123_456, origin: "OPTML_MEMORY_LIMIT_BYTES"))
    }

    @Test(arguments: ["", "abc", "-5", "0", "1.5e9"])
    func badEnvironmentValueIsAnError(text: String) {
        let error = #expect(throws: OptmlError.self) { try MemoryBudget.current(environment: ["OPTML_MEMORY_LIMIT_BYTES": text]) }
        #expect(error?.description.contains("OPTML_MEMORY_LIMIT_BYTES is '\(text)'. Expecting a positive number of bytes") == true)
    }

    static let meminfo = "MemTotal:       24000000 kB\nMemFree:         1000000 kB\nMemAvailable:    8000000 kB\n"

    @Test func halfOfTheSmallerOfCgroupRoomAndMemAvailable() {
        let limited = MemoryBudget.automatic(cgroupV2Max: "4000000000", cgroupV2Current: "1000000000", cgroupV1Limit: nil,
                                             cgroupV1Usage: nil, meminfo: Self.meminfo, physicalMemory: 1 << 34)
        #expect(limited.bytes == 1_500_000_000)
        #expect(limited.origin.hasPrefix("half of the cgroup's free memory"))
        let unlimited = MemoryBudget.automatic(cgroupV2Max: "max", cgroupV2Current: "5", cgroupV1Limit: nil, cgroupV1Usage: nil,
                                               meminfo: Self.meminfo, physicalMemory: 1 << 34)
        #expect(unlimited == MemoryBudget(bytes: 4_096_000_000, origin: "half of MemAvailable in /proc/meminfo"))
        let v1Unlimited = MemoryBudget.automatic(cgroupV2Max: nil, cgroupV2Current: nil, cgroupV1Limit: "9223372036854771712",
                                                 cgroupV1Usage: "1", meminfo: nil, physicalMemory: 1 << 34)
        #expect(v1Unlimited == MemoryBudget(bytes: 1 << 33, origin: "half of the machine's physical memory"))
    }
}
