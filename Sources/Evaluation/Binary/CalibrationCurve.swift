/// A reliability diagram: per probability bin, the mean predicted probability and the observed
/// fraction of positives, as scikit-learn's `calibration_curve(strategy="uniform")` returns them.
///
/// Bins split [0, 1] into `binCount` equal parts with edges `j / binCount` computed as NumPy's
/// `linspace` computes them; a probability equal to an inner edge falls in the lower bin. Bins
/// holding no weight are left out, so the arrays can be shorter than `binCount`.
public struct CalibrationCurve: Sendable, Equatable {
    /// Weighted mean predicted probability in each non-empty bin, increasing.
    public var meanPredicted: [Double]
    /// Weighted fraction of positives in each non-empty bin.
    public var fractionPositive: [Double]
    /// Total weight in each non-empty bin (the example count when unweighted).
    public var binWeights: [Double]
    /// Index (0 ..< binCount) of each non-empty bin.
    public var binIndices: [Int]
    /// Number of equal-width bins the curve was built with.
    public var binCount: Int

    public init(meanPredicted: [Double], fractionPositive: [Double], binWeights: [Double], binIndices: [Int], binCount: Int) {
        self.meanPredicted = meanPredicted
        self.fractionPositive = fractionPositive
        self.binWeights = binWeights
        self.binIndices = binIndices
        self.binCount = binCount
    }
}

extension BinaryMetrics {
    /// The calibration curve of positive-class probabilities over `binCount` equal-width bins
    /// (see `CalibrationCurve`). Weighted; examples of weight zero are ignored. O(n).
    public static func calibrationCurve(labels: [Double], probabilities: [Double], weights: [Double]? = nil,
                                        binCount: Int = 10) -> CalibrationCurve {
        precondition(binCount >= 1, "calibrationCurve: binCount must be positive, got \(binCount)")
        InputChecks.sizes(labels: labels.count, other: probabilities.count, otherName: "probabilities", weights: weights)
        InputChecks.binaryLabels(labels)
        checkProbabilities(probabilities)
        return calibrationCurve(validatedLabels: labels, probabilities: probabilities, weights: weights, binCount: binCount)
    }

    /// `calibrationCurve` for inputs already checked (0/1 labels, probabilities in [0, 1], sizes).
    static func calibrationCurve(validatedLabels labels: [Double], probabilities: [Double], weights: [Double]?,
                                 binCount: Int) -> CalibrationCurve {
        let step = 1 / Double(binCount)
        var weightSum = [Double](repeating: 0, count: binCount)
        var probabilitySum = weightSum
        var positiveSum = weightSum
        for i in labels.indices {
            let w = weights?[i] ?? 1
            if w == 0 { continue }
            let p = probabilities[i]
            let bin = calibrationBin(p, binCount: binCount, step: step)
            weightSum[bin] += w
            probabilitySum[bin] += w * p
            positiveSum[bin] += w * labels[i]
        }
        var curve = CalibrationCurve(meanPredicted: [], fractionPositive: [], binWeights: [], binIndices: [], binCount: binCount)
        for b in 0 ..< binCount where weightSum[b] > 0 {
            curve.meanPredicted.append(probabilitySum[b] / weightSum[b])
            curve.fractionPositive.append(positiveSum[b] / weightSum[b])
            curve.binWeights.append(weightSum[b])
            curve.binIndices.append(b)
        }
        return curve
    }

    /// The bin of `p`: the number of inner edges `j · step` (j = 1 ..< binCount) strictly below `p`
    /// (NumPy's `searchsorted(edges[1:-1], p, side="left")`).
    @inline(__always)
    static func calibrationBin(_ p: Double, binCount: Int, step: Double) -> Int {
        var bin = min(max(Int(p * Double(binCount)), 0), binCount - 1)
        while bin > 0 && Double(bin) * step >= p { bin -= 1 }
        while bin < binCount - 1 && Double(bin + 1) * step < p { bin += 1 }
        return bin
    }
}
