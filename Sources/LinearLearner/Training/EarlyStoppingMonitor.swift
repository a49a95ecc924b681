import MLCore
import Evaluation

/// Watches solver progress: prints per-iteration objective lines, evaluates the validation loss for
/// early stopping (`early_stopping_patience`, `early_stopping_tolerance`) and stops on SIGTERM.
final class EarlyStoppingMonitor<D: LinearDesign>: @unchecked Sendable {
    let trainer: LinearLearnerTrainer
    let validation: D?
    let scaler: FeatureScaler
    let verbose: Bool
    private(set) var best: (iteration: Int, loss: Double, coefficients: LinearCoefficients)?
    private(set) var lastLoss = Double.infinity
    private(set) var stopped = false
    /// Per-iteration lines kept for printing later when `verbose` is false (several models are
    /// searched and only the kept model's history is printed).
    private(set) var deferredLines: [String] = []
    private var sinceImprovement = 0

    init(trainer: LinearLearnerTrainer, validation: D?, scaler: FeatureScaler, verbose: Bool) {
        self.trainer = trainer
        self.validation = validation
        self.scaler = scaler
        self.verbose = verbose
    }

    private func emit(_ line: String) {
        if verbose { trainer.log(line) } else { deferredLines.append(line) }
    }

    /// Returns false to stop the solver.
    func observe(_ progress: SolverProgress) -> Bool {
        if trainer.isCancelled() { stopped = true; return false }
        let host = trainer.host, name = trainer.objectiveName
        if let line = MetricLines.linearLearnerQuality(host: host, channel: "train", epoch: progress.iteration - 1,
                                                       metric: name, isLoss: true, value: progress.objective) {
            emit(line)
        }
        guard let validation else { return true }
        let outputs = trainer.convert(raw: validation.rawScores(progress.coefficients), scaler: scaler)
        let loss = trainer.objectiveLoss(outputs, dataset: validation)
        lastLoss = loss
        if let line = MetricLines.linearLearnerQuality(host: host, channel: "validation", epoch: progress.iteration - 1,
                                                       metric: name, isLoss: true, value: loss) {
            emit(line)
        }
        guard loss.isFinite else { return true }
        if let current = best {
            let tolerance = trainer.config.earlyStoppingTolerance
            if loss < current.loss * (1 - tolerance) || (current.loss <= 0 && loss < current.loss) {
                best = (progress.iteration, loss, progress.coefficients)
                sinceImprovement = 0
            } else {
                if loss < current.loss { best = (progress.iteration, loss, progress.coefficients) }
                sinceImprovement += 1
                if sinceImprovement >= trainer.config.earlyStoppingPatience {
                    trainer.log("Early stopping: validation \(name) improved by less than \(tolerance) (relative) for \(sinceImprovement) iterations.")
                    stopped = true
                    return false
                }
            }
        } else {
            best = (progress.iteration, loss, progress.coefficients)
        }
        return true
    }
}
