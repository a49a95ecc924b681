import Benchmark
import DataReaders
import Foundation
import MLCore

/// A seeded higgs-like CSV buffer: a 0/1 label and `features` values written with 7 significant
/// digits (`%.7g`), as the peer script `Benchmarks/peers/csv_parse_peer.py` writes its file.
func higgsLikeCSV(rows: Int, features: Int, seed: UInt64) -> [UInt8] {
    var rng = SeededGenerator(seed: seed)
    var text = ""
    text.reserveCapacity(rows * (features + 1) * 11)
    for _ in 0..<rows {
        text += rng.next() % 2 == 0 ? "0" : "1"
        for j in 0..<features {
            let value = j % 4 == 0 ? -log(max(rng.nextUnit(), 1e-300)) : rng.nextGaussian()
            text += ","
            text += String(format: "%.7g", value)
        }
        text += "\n"
    }
    return Array(text.utf8)
}

let benchmarks: @Sendable () -> Void = {
    let rows = 100_000
    let csv = higgsLikeCSV(rows: rows, features: 28, seed: 20_261_120)
    let configuration = Benchmark.Configuration(
        metrics: [.wallClock, .cpuTotal, .throughput, .peakMemoryResident, .mallocCountTotal],
        timeUnits: .milliseconds,
        warmupIterations: 2,
        maxDuration: .seconds(10),
        maxIterations: 30
    )
    for threads in [1, 2] {
        Benchmark("CSV parse 100k x 28 to Float32, \(threads) thread\(threads == 1 ? "" : "s")",
                  configuration: configuration) { benchmark in
            for _ in benchmark.scaledIterations {
                try csv.withUnsafeBytes { bytes in
                    blackHole(try CSVReader.parse(
                        bytes: bytes, as: Float.self, options: CSVOptions(threads: threads), fileName: "bench.csv"))
                }
            }
        }
    }
    Benchmark("CSV parse 100k x 28 to Float64, 1 thread", configuration: configuration) { benchmark in
        for _ in benchmark.scaledIterations {
            try csv.withUnsafeBytes { bytes in
                blackHole(try CSVReader.parse(
                    bytes: bytes, as: Double.self, options: CSVOptions(threads: 1), fileName: "bench.csv"))
            }
        }
    }
}
