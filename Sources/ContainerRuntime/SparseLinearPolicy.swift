import Foundation
import MLCore
import LinearLearner

/// Whether Linear Learner trains on a sparse train channel's CSR rows or on a dense copy.
///
/// CSR training (`SparseDesign`: L-BFGS / OWL-QN over the stored entries) serves `optimizer=auto`
/// with the smooth losses. Narrow or dense-ish data is densified instead, where the dense solvers
/// (Newton's method, the normal equations) converge in fewer passes: the CSR rows are kept when
/// the dense copy would exceed `denseLimitBytes`, or when the data has more than
/// `narrowFeatures` features at a density below `sparseDensity`. Losses and optimizers without a
/// CSR solver densify when the copy fits in half the machine's memory and fail with a message
/// otherwise.
enum SparseLinearPolicy {
    static let denseLimitBytes = 1 << 30
    static let narrowFeatures = 200
    static let sparseDensity = 0.1

    static func trainsSparse(_ data: SparseLabeledDataset<Double>, config: LinearLearnerConfig,
                             physicalMemory: UInt64 = ProcessInfo.processInfo.physicalMemory,
                             log: (String) -> Void) throws -> Bool {
        let rows = data.count, columns = data.featureCount
        let denseBytes = Double(rows) * Double(columns) * 8
        let shape = "\(rows) rows × \(columns) features, \(data.features.storedCount) stored entries, density "
            + String(format: "%.3g", data.features.density * 100) + " %"
        let denseSize = String(format: "%.2f GB", denseBytes / 1e9)
        let supported = config.stochastic == nil && ExactSolver.solvesSparse(config.loss)
        let wantsSparse = denseBytes > Double(denseLimitBytes)
            || (columns > narrowFeatures && data.features.density < sparseDensity)
        if supported && wantsSparse {
            log("Channel 'train' is sparse (\(shape)): training on its stored entries (a dense copy would take \(denseSize)).")
            return true
        }
        if !supported && denseBytes > Double(physicalMemory) / 2 {
            let reason = config.stochastic != nil
                ? "optimizer '\(config.stochastic!.optimizer.rawValue)' trains on dense rows"
                : "loss '\(config.lossName)' is solved through the normal equations, which train on dense rows"
            throw OptmlError.user("Channel 'train' is sparse (\(shape)) and its dense copy would take \(denseSize), more than half "
                + "of this machine's memory; \(reason). Train it with optimizer=auto and a smooth loss (logistic, squared_loss, "
                + "softmax_loss, huber_loss or eps_insensitive_squared_loss), which train on the stored entries, or use fewer features.")
        }
        log("Channel 'train' is sparse (\(shape)); training on a dense copy (\(denseSize))"
            + (supported ? ", which is faster for data this narrow or dense."
               : config.stochastic != nil ? ": the stochastic optimizers train on dense rows." : ": loss '\(config.lossName)' trains on dense rows."))
        return false
    }
}
