import Benchmark
import LinearAlgebra

let benchmarks: @Sendable () -> Void = {
    Benchmark("BLAS thread count") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(blasThreadCount()) }
    }
}
