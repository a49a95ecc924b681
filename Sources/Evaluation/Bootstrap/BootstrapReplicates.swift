import Dispatch
import MLCore

/// The value of every scalar metric on every bootstrap resample, and the spread derived from them.
public struct BootstrapReplicates: Sendable, Equatable {
    /// Metric names (the `evaluation.json` keys), in a fixed order per task.
    public let metricNames: [String]
    /// Number of resamples.
    public let resamples: Int
    /// `values[m * resamples + r]`: metric `m` on resample `r`; NaN where undefined on that resample.
    public let values: [Double]

    init(metricNames: [String], resamples: Int, values: [Double]) {
        precondition(values.count == metricNames.count * resamples)
        self.metricNames = metricNames
        self.resamples = resamples
        self.values = values
    }

    /// The replicates of metric `name`, one per resample, or `nil` for an unknown name.
    public func replicates(of name: String) -> ArraySlice<Double>? {
        guard let m = metricNames.firstIndex(of: name) else { return nil }
        return values[m * resamples ..< (m + 1) * resamples]
    }

    /// Sample standard deviation (n − 1 in the denominator) of the finite replicates of `name`;
    /// NaN when fewer than two are finite or the name is unknown.
    public func standardDeviation(of name: String) -> Double {
        guard let slice = replicates(of: name) else { return .nan }
        return Self.standardDeviation(slice)
    }

    /// Sample standard deviation of the finite values (n − 1 denominator); NaN for fewer than two.
    static func standardDeviation<C: Collection>(_ values: C) -> Double where C.Element == Double {
        var count = 0
        var mean = 0.0
        var m2 = 0.0
        // Welford's update: no cancellation when the spread is tiny relative to the mean.
        for v in values where v.isFinite {
            count += 1
            let delta = v - mean
            mean += delta / Double(count)
            m2 += delta * (v - mean)
        }
        return count < 2 ? .nan : (m2 / Double(count - 1)).squareRoot()
    }

    /// Runs `pass` on every resample, split over `threads` workers, and collects the metric
    /// vectors. `pass` must return `metricNames.count` values and be safe to call concurrently.
    static func run(metricNames: [String], options: BootstrapOptions,
                    _ pass: @escaping @Sendable (PoissonCounts) -> [Double]) -> BootstrapReplicates {
        let r = options.resamples
        let m = metricNames.count
        var values = [Double](repeating: .nan, count: m * r)
        guard r > 0 else { return BootstrapReplicates(metricNames: metricNames, resamples: 0, values: []) }
        let resampler = PoissonResampler(seed: options.seed)
        let workers = max(1, min(options.threads, r))
        values.withUnsafeMutableBufferPointer { out in
            let sink = Unshared(out)
            DispatchQueue.concurrentPerform(iterations: workers) { w in
                // Worker w takes resamples w, w + workers, …: each writes only its own columns.
                for resample in stride(from: w, to: r, by: workers) {
                    let metrics = pass(resampler.counts(resample: resample))
                    for j in 0 ..< m { sink.value[j * r + resample] = metrics[j] }
                }
            }
        }
        return BootstrapReplicates(metricNames: metricNames, resamples: r, values: values)
    }

    /// `run` for a pass that evaluates the sixteen resamples of a `PoissonGroup` together and
    /// returns one metric vector per lane (resamples `16g …`; lanes past the last resample are
    /// dropped). Same counts as `run` with the lane's `PoissonCounts`.
    ///
    /// `alongside` are independent jobs (the point values, the curves) that join the resample
    /// groups in one queue: `options.threads` workers take the next job as they finish one, the
    /// `alongside` jobs first because they are the longest. `resamples` (default
    /// `options.resamples`) may be 0 to run the jobs alone.
    static func runGrouped(metricNames: [String], options: BootstrapOptions, resamples: Int? = nil,
                           alongside: [@Sendable () -> Void] = [],
                           _ pass: @escaping @Sendable (PoissonGroup) -> [[Double]]) -> BootstrapReplicates {
        let r = resamples ?? options.resamples
        let m = metricNames.count
        var values = [Double](repeating: .nan, count: m * r)
        let resampler = PoissonResampler(seed: options.seed)
        let groups = (r + PoissonResampler.lanes - 1) / PoissonResampler.lanes
        let jobs = alongside.count + groups
        values.withUnsafeMutableBufferPointer { out in
            let sink = Unshared(out)  // (empty when there are no resamples; no job writes it then)
            JobQueue.run(jobs: jobs, workers: options.threads) { job in
                guard job >= alongside.count else { return alongside[job]() }
                let g = job - alongside.count
                let lanes = pass(resampler.group(g))
                for (lane, metrics) in lanes.enumerated() {
                    let resample = g * PoissonResampler.lanes + lane
                    guard resample < r else { break }
                    for j in 0 ..< m { sink.value[j * r + resample] = metrics[j] }
                }
            }
        }
        return BootstrapReplicates(metricNames: metricNames, resamples: r, values: values)
    }
}
