import Benchmark
import DataReaders

let benchmarks: @Sendable () -> Void = {
    Benchmark("zlib version lookup") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(zlibVersionString()) }
    }
}
