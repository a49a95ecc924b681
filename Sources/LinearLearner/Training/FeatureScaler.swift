import MLCore

/// Per-feature centering and scaling (and the same for a regression label), estimated from a seeded
/// sample of `num_point_for_scaler` rows, as Linear Learner's `normalize_data`/`unbias_data` do.
struct FeatureScaler: Sendable {
    var means: [Double]
    var scales: [Double]
    var labelMean: Double
    var labelScale: Double

    /// Estimates the statistics. Columns with zero spread keep scale 1 so they stay finite.
    init<D: LinearDesign>(_ data: D, sampleSize: Int, center: Bool, scale: Bool, centerLabel: Bool, scaleLabel: Bool) {
        let n = data.count, d = data.featureCount
        var rows = Array(0..<n)
        if n > sampleSize {
            // The first `sampleSize` steps of the Fisher–Yates shuffle `shuffle(using:)` makes
            // (its later steps never move those positions): the same rows as a whole shuffle
            // without drawing a random number for every row.
            var rng = SeededGenerator(seed: 0x5CA1E)
            var remaining = n
            for i in 0 ..< sampleSize {
                let offset = Int.random(in: 0 ..< remaining, using: &rng)
                remaining -= 1
                rows.swapAt(i, i + offset)
            }
            rows = Array(rows.prefix(sampleSize)).sorted()
        }
        let (sum, sumSquares) = data.columnMoments(rows: rows)
        var labelSum = 0.0, labelSquares = 0.0
        for i in rows {
            labelSum += data.labels[i]
            labelSquares += data.labels[i] * data.labels[i]
        }
        let m = Double(max(rows.count, 1))
        means = center ? sum.map { $0 / m } : [Double](repeating: 0, count: d)
        scales = (0..<d).map { j in
            guard scale else { return 1 }
            let mean = sum[j] / m
            let variance = max(0, sumSquares[j] / m - mean * mean)
            let sd = variance.squareRoot()
            return sd > 1e-12 * max(1, abs(mean)) ? sd : 1
        }
        let lm = labelSum / m
        labelMean = centerLabel ? lm : 0
        let labelSD = max(0, labelSquares / m - lm * lm).squareRoot()
        labelScale = scaleLabel && labelSD > 1e-12 * max(1, abs(lm)) ? labelSD : 1
    }

    /// Transforms features in place: x ← (x − mean) / scale.
    func transform<D: LinearDesign>(_ data: inout D) {
        data.standardize(means: means, scales: scales)
    }

    func transformLabels(_ y: [Double]) -> [Double] {
        guard labelMean != 0 || labelScale != 1 else { return y }
        return y.map { ($0 - labelMean) / labelScale }
    }

    /// Coefficients of the same model in the original units: W ← s·W/σ, b ← s·(b − Σ W μ/σ) + m.
    func fold(_ c: LinearCoefficients, labelScaling: Bool) -> LinearCoefficients {
        var out = c
        let s = labelScaling ? labelScale : 1, m = labelScaling ? labelMean : 0
        for k in 0..<c.outputs {
            var shift = 0.0
            for j in 0..<c.featureCount {
                let w = c.weights[k, j] / scales[j]
                shift += w * means[j]
                out.weights[k, j] = s * w
            }
            out.intercepts[k] = s * (c.intercepts[k] - shift) + m
        }
        return out
    }
}
