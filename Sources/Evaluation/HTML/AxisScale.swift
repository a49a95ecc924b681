import Foundation

/// A linear map from data values to SVG pixels, with "nice" tick values (1, 2 or 5 × 10ⁿ steps).
struct AxisScale {
    var domain: ClosedRange<Double>
    var range: ClosedRange<Double>
    /// When true, `domain.lowerBound` maps to `range.upperBound` (the SVG y axis points down).
    var flipped: Bool

    init(domain: ClosedRange<Double>, range: ClosedRange<Double>, flipped: Bool = false) {
        // A zero-width domain would divide by zero; widen it symmetrically.
        if domain.lowerBound == domain.upperBound {
            let pad = max(abs(domain.lowerBound) * 0.05, 0.5)
            self.domain = (domain.lowerBound - pad) ... (domain.upperBound + pad)
        } else {
            self.domain = domain
        }
        self.range = range
        self.flipped = flipped
    }

    func callAsFunction(_ v: Double) -> Double {
        let t = (v - domain.lowerBound) / (domain.upperBound - domain.lowerBound)
        let u = flipped ? 1 - t : t
        return range.lowerBound + u * (range.upperBound - range.lowerBound)
    }

    /// About `count` tick values inside the domain at a 1/2/5 × 10ⁿ step.
    func ticks(_ count: Int = 5) -> [Double] {
        let span = domain.upperBound - domain.lowerBound
        let raw = span / Double(max(count, 1))
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
        var ticks: [Double] = []
        var v = (domain.lowerBound / step).rounded(.up) * step
        while v <= domain.upperBound + step * 1e-9 {
            ticks.append(abs(v) < step * 1e-9 ? 0 : v)
            v += step
        }
        return ticks
    }

    /// A domain covering `values` with a little margin, for data-driven axes.
    static func paddedDomain<S: Sequence>(_ values: S, padding: Double = 0.04) -> ClosedRange<Double> where S.Element == Double {
        var lo = Double.infinity, hi = -Double.infinity
        for v in values where v.isFinite {
            lo = min(lo, v)
            hi = max(hi, v)
        }
        if lo > hi { return 0 ... 1 }
        let pad = (hi - lo) * padding
        return (lo - pad) ... (hi + pad)
    }
}
