/// The best split of a node from its gradient histogram: for every candidate feature, a forward
/// scan over the value bins with missing values sent right, and, when the node has missing values,
/// a backward scan with them sent left (XGBoost's `hist` enumeration), keeping the largest loss
/// change that leaves at least `min_child_weight` hessian on each side.
///
/// A feature's missing sums are its missing slot (`BinnedMatrix`, `missingSlot` true) or the
/// node's totals minus the feature's value bins (`SparseBinnedMatrix`, which keeps no missing
/// slot). The difference is rounded, so there the node counts as having missing values when the
/// missing hessian exceeds `1e-10 ·` the node's (or the missing gradient `1e-10 · (|G| + H)`):
/// far above the rounding of sums of Float32 pairs, far below any row that carries weight.
enum SplitScan {
    /// Relative size from which a difference of sums counts as missing values (see above).
    static let missingTolerance = 1e-10

    static func best(histogram: UnsafePointer<SIMD2<Double>>, features: ArraySlice<Int>, cuts: BinCuts, slotOffsets offsets: [Int32],
                     missingSlot: Bool, g nodeG: Double, h nodeH: Double, lower: Double, upper: Double, rules: SplitRules,
                     monotone: [Int], minChildWeight mcw: Double) -> SplitCandidate {
        let parentGain = rules.gain(nodeG, nodeH, lower: lower, upper: upper)
        // The best candidate lives in plain locals (not a struct) so the scan keeps it in registers.
        var bestChange = -Double.infinity, bestFeature = -1, bestBin = -1, bestDefaultLeft = false
        var bestLG = 0.0, bestLH = 0.0, bestRG = 0.0, bestRH = 0.0
        let missingH = Self.missingTolerance * abs(nodeH), missingG = Self.missingTolerance * (abs(nodeG) + abs(nodeH))
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
            let hasMissing: Bool
            if missingSlot {
                let missing = h[bins]
                hasMissing = missing.y > 0 || missing.x != 0
            } else {
                hasMissing = nodeH - lh > missingH || abs(nodeG - lg) > missingG
            }
            if hasMissing {
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
