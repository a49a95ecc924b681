/// The weighted mean `Σ wᵢ·term(i) / Σ wᵢ` over `0 ..< count`, or the plain mean when `weights`
/// is nil.
///
/// Examples of weight zero are skipped outright, so a non-finite term on such an example does not
/// poison the result. A zero total weight gives NaN (0/0), the documented "undefined" value of
/// the public metrics. The two branches keep the unweighted loop free of optional checks.
@inline(__always)
func weightedAverage(count: Int, weights: [Double]?, _ term: (Int) -> Double) -> Double {
    if let weights {
        var numerator = 0.0
        var denominator = 0.0
        for i in 0 ..< count {
            let w = weights[i]
            if w == 0 { continue }
            numerator += w * term(i)
            denominator += w
        }
        return numerator / denominator
    }
    var sum = 0.0
    for i in 0 ..< count { sum += term(i) }
    return sum / Double(count)
}
