/// Agreement statistics of a weighted square confusion matrix: Matthews correlation, Cohen's
/// kappa and balanced accuracy, computed exactly as scikit-learn computes them from its
/// `confusion_matrix`, so the binary and the multiclass metrics (and their bootstrap replicates)
/// share one definition.
///
/// `cells` is the row-major `k × k` matrix, entry `(actual, predicted)` at `actual * k + predicted`.
enum ConfusionAgreement {
    /// Multiclass Matthews correlation (Gorodkin's R_K, scikit-learn's `matthews_corrcoef`):
    /// `(c·s − Σ t_k p_k) / √((s² − Σ p_k²)(s² − Σ t_k²))` with `c` the trace, `s` the total,
    /// `t` the actual and `p` the predicted class totals. 0 when either factor of the
    /// denominator is zero (every example in one actual or one predicted class).
    static func matthewsCorrelation(_ cells: UnsafeBufferPointer<Double>, classCount k: Int) -> Double {
        var correct = 0.0
        var total = 0.0
        var dotTP = 0.0
        var sumT2 = 0.0
        var sumP2 = 0.0
        for c in 0 ..< k {
            var actual = 0.0
            var predicted = 0.0
            for j in 0 ..< k {
                actual += cells[c * k + j]
                predicted += cells[j * k + c]
            }
            correct += cells[c * k + c]
            total += actual
            dotTP += actual * predicted
            sumT2 += actual * actual
            sumP2 += predicted * predicted
        }
        let covariance = correct * total - dotTP
        let predictedVariance = total * total - sumP2
        let actualVariance = total * total - sumT2
        if predictedVariance * actualVariance == 0 { return 0 }
        return covariance / (predictedVariance * actualVariance).squareRoot()
    }

    /// Cohen's kappa, `1 − Σ_{i≠j} C_ij / Σ_{i≠j} E_ij` with `E = outer(actual, predicted) / total`
    /// (scikit-learn's unweighted `cohen_kappa_score`). NaN when the expected disagreement is
    /// zero (both raters put everything in one class), scikit-learn's `replace_undefined_by=nan`.
    static func cohenKappa(_ cells: UnsafeBufferPointer<Double>, classCount k: Int) -> Double {
        var actual = [Double](repeating: 0, count: k)
        var predicted = [Double](repeating: 0, count: k)
        var total = 0.0
        var observedAgreement = 0.0
        for a in 0 ..< k {
            for p in 0 ..< k {
                let v = cells[a * k + p]
                actual[a] += v
                predicted[p] += v
                total += v
            }
            observedAgreement += cells[a * k + a]
        }
        var expectedAgreement = 0.0
        for c in 0 ..< k { expectedAgreement += actual[c] * predicted[c] }
        // Σ_{i≠j} E_ij = (total² − Σ_c actual_c·predicted_c) / total; likewise for C.
        let observedDisagreement = total - observedAgreement
        let expectedDisagreement = (total * total - expectedAgreement) / total
        if expectedDisagreement == 0 || !expectedDisagreement.isFinite { return .nan }
        return 1 - observedDisagreement / expectedDisagreement
    }

    /// Balanced accuracy: the mean recall over the classes present in the labels (scikit-learn's
    /// `balanced_accuracy_score`, which drops absent classes with a warning). NaN when the total
    /// weight is zero.
    static func balancedAccuracy(_ cells: UnsafeBufferPointer<Double>, classCount k: Int) -> Double {
        var sum = 0.0
        var present = 0
        for a in 0 ..< k {
            var support = 0.0
            for p in 0 ..< k { support += cells[a * k + p] }
            if support > 0 {
                sum += cells[a * k + a] / support
                present += 1
            }
        }
        return present == 0 ? .nan : sum / Double(present)
    }
}
