/// The best split of a node from its gradient histogram: for every candidate feature, a forward
/// scan over the value bins with missing values sent right, and, when the node has missing values,
/// a backward scan with them sent left (XGBoost's `hist` enumeration), keeping the largest loss
/// change that leaves at least `min_child_weight` hessian on each side.
enum SplitScan {
    static func best(histogram: UnsafePointer<SIMD2<Double>>, features: [Int], matrix: BinnedMatrix, g nodeG: Double,
                     h nodeH: Double, lower: Double, upper: Double, rules: SplitRules, monotone: [Int],
                     minChildWeight mcw: Double) -> SplitCandidate {
        let cuts = matrix.cuts
        let parentGain = rules.gain(nodeG, nodeH, lower: lower, upper: upper)
        // The best candidate lives in plain locals (not a struct) so the scan keeps it in registers.
        var bestChange = -Double.infinity, bestFeature = -1, bestBin = -1, bestDefaultLeft = false
        var bestLG = 0.0, bestLH = 0.0, bestRG = 0.0, bestRH = 0.0
        let offsets = matrix.slotOffsets
        for feature in features {
            let h = UnsafePointer(histogram + Int(offsets[feature]))
            let bins = cuts.binCount(feature)
            let c = monotone[feature]
            var lg = 0.0, lh = 0.0
            var b = 0
            while b < bins {
                let slot = h[b]
                b += 1
                // An empty bin repeats the previous candidate, which cannot win a strict comparison.
                if slot.y == 0 && slot.x == 0 { continue }
                lg += slot.x; lh += slot.y
                let rg = nodeG - lg, rh = nodeH - lh
                if lh >= mcw && rh >= mcw {
                    let change = rules.splitGain(leftG: lg, leftH: lh, rightG: rg, rightH: rh, lower: lower, upper: upper,
                                                 monotone: c) - parentGain
                    if change > bestChange {
                        bestChange = change; bestFeature = feature; bestBin = b - 1; bestDefaultLeft = false
                        bestLG = lg; bestLH = lh; bestRG = rg; bestRH = rh
                    }
                }
            }
            let missing = h[bins]
            if missing.y > 0 || missing.x != 0 {
                var rg = 0.0, rh = 0.0
                var b = bins - 1
                while b >= 0 {
                    let slot = h[b]
                    b -= 1
                    if slot.y == 0 && slot.x == 0 { continue }
                    rg += slot.x; rh += slot.y
                    let lg = nodeG - rg, lh = nodeH - rh
                    if lh >= mcw && rh >= mcw {
                        let change = rules.splitGain(leftG: lg, leftH: lh, rightG: rg, rightH: rh, lower: lower, upper: upper,
                                                     monotone: c) - parentGain
                        if change > bestChange {
                            // Bins b + 1 ... go right, so bins 0 ... b go left (b + 1 was just added).
                            bestChange = change; bestFeature = feature; bestBin = b; bestDefaultLeft = true
                            bestLG = lg; bestLH = lh; bestRG = rg; bestRH = rh
                        }
                    }
                }
            }
        }
        var best = SplitCandidate()
        if bestFeature >= 0 {
            best = SplitCandidate(lossChange: bestChange, feature: bestFeature, leftMaxBin: bestBin, defaultLeft: bestDefaultLeft,
                                  leftG: bestLG, leftH: bestLH, rightG: bestRG, rightH: bestRH)
        }
        return best
    }
}
