import Foundation
import MLCore
import DataReaders
import BuiltinAlgorithms
import GradientBoosting
import LinearLearner

extension TrainingJob {
    /// The `xgboost` algorithm: SageMaker XGBoost's algorithm mode (contract §6.2, §7.2, §8).
    ///
    /// Channels `train` (required) and `validation` (early stopping) in CSV (label first; with
    /// `csv_weights=1` the weight second), libsvm or RecordIO-protobuf; empty CSV fields, `nan` and
    /// absent sparse entries are missing values. Prints one line per round,
    /// `[r]\ttrain-<metric>:<v>\tvalidation-<metric>:<v>`, and writes `model/xgboost-model` in
    /// XGBoost's JSON model format.
    func trainXGBoost(configuration: TrainingConfiguration, algorithm: AlgorithmDescriptor,
                      validated: ValidatedHyperparameters) throws {
        // A tuning job's objective metric goes last in eval_metric, so early stopping watches it
        // (contract §6.2); the table accepts the key as a framework key and keeps no value.
        let tuning = configuration.hyperparameters["_tuning_objective_metric"].map(HyperparameterTable.decodeWireValue)
        let config = try XGBoostConfig(validated, tuningObjectiveMetric: tuning)
        for warning in config.warnings { log.line("Warning: \(warning)") }
        log.line("Final configuration: \(jsonLine(validated.wireForm))")

        let host = configuration.resources.currentHost
        let plans = try planChannels(configuration, algorithm: algorithm)
        var parameters = config.parameters
        if !config.threadsGiven { parameters.threads = threads }
        log.line("Host \(host) (\(configuration.resources.hosts.count) host(s)), \(parameters.threads) thread(s).")

        // Channels stay in the reader's form: libsvm and sparse RecordIO-protobuf channels are
        // trained on and evaluated as CSR (absent entries missing, as XGBoost reads libsvm), so
        // no rows × features Float matrix is built; a train channel below 1/4 density keeps only
        // its stored entries' bins, a denser one gets the one-byte bin matrix.
        func read(_ plan: ChannelPlan) throws -> BoostingData {
            try throwIfStopped()
            let timer = PhaseTimer()
            let loader = ChannelLoader(threads: parameters.threads, csvWeights: config.csvWeights && plan.format == .csv)
            let (data, files) = try loadData(plan, loader: loader, as: Float.self)
            log.line("#timing: host=\(host), phase=read_\(plan.name), rows=\(data.count), columns=\(data.featureCount + 1), files=\(files), \(timer.fields)")
            func floats(_ values: [Double]?) -> [Float]? { values.map { $0.map { Float($0) } } }
            switch data {
            case .dense(let d):
                return BoostingData(features: d.features, labels: floats(d.labels)!, weights: floats(d.weights))
            case .sparse(let s):
                return BoostingData(sparse: s.features, labels: floats(s.labels)!, weights: floats(s.weights))
            }
        }
        func describeSparse(_ name: String, _ data: BoostingData, _ use: String) {
            guard case .sparse(let m) = data.matrix else { return }
            func count(_ n: Int, _ one: String, _ many: String) -> String { "\(n) " + (n == 1 ? one : many) }
            log.line("Channel '\(name)' is sparse (\(count(m.rows, "row", "rows")) × \(count(m.columns, "feature", "features")), "
                + "\(count(m.storedCount, "stored entry", "stored entries")), density "
                + String(format: "%.4g", m.density * 100) + " %); \(use).")
        }
        let train = try read(plans.first { $0.name == "train" }!)
        describeSparse("train", train, (train.usesSparseBins ? "its stored entries binned, histograms over them only (bins " : "binned without a dense copy (bin matrix ")
            + megabytes(train.binMatrixByteCount) + ")")
        var sets: [(name: String, data: BoostingData)] = [("train", train)]
        if let plan = plans.first(where: { $0.name == "validation" }) {
            var validation = try read(plan)
            let trainColumns = train.featureCount, columns = validation.featureCount
            if case .sparse(let m) = validation.matrix, columns < trainColumns {
                // A libsvm channel is as wide as its largest index + 1: a validation file that
                // happens not to use the last features is narrower, and its absent columns are
                // missing values anyway.
                validation.matrix = .sparse(m.widened(to: trainColumns))
            } else if columns > trainColumns && (validation.isSparse || train.isSparse) {
                throw OptmlError.user("The validation channel has \(columns) feature columns (feature indices up to \(columns - 1)) but the "
                    + "train channel has \(trainColumns); the model only knows the train channel's features, so validation rows "
                    + "need feature indices below \(trainColumns).")
            } else if columns != trainColumns {
                throw OptmlError.user("The validation channel has \(columns) feature columns but the train channel has "
                    + "\(trainColumns); both channels need the same columns (label first\(config.csvWeights ? ", then the weight" : "")).")
            }
            describeSparse("validation", validation, "evaluated without a dense copy")
            sets.append(("validation", validation))
        }
        if parameters.earlyStoppingRounds != nil && sets.count < 2 {
            throw OptmlError.user("Hyperparameter early_stopping_rounds needs a validation channel to watch; add a 'validation' channel "
                + "or remove early_stopping_rounds.")
        }
        try throwIfStopped()

        let timer = PhaseTimer()
        let roundLog = self.log
        var warnedNonFinite = false
        var history: [String: [Double?]] = [:]
        var historyOrder: [String] = []
        let ensemble: TreeEnsemble
        do {
            ensemble = try BoostingTrainer(parameters: parameters).train(
                train, evaluationSets: sets,
                onRound: { round, results in
                    var line = "[\(round)]"
                    for result in results {
                        let key = "\(result.data)-\(result.metric)"
                        if history[key] == nil { historyOrder.append(key) }
                        history[key, default: []].append(result.value.isFinite ? result.value : nil)
                        if result.value.isFinite {
                            line += "\t\(result.data)-\(result.metric):" + String(format: "%.5f", result.value)
                        } else if !warnedNonFinite {
                            warnedNonFinite = true
                            roundLog.line("Warning: \(result.data)-\(result.metric) is \(result.value) in round \(round); non-finite values are left out of the round lines.")
                        }
                    }
                    roundLog.line(line)
                },
                shouldStop: { [stop] in stop.isStopRequested }, keepTreesOnStop: config.saveModelOnTermination)
        } catch {
            if stop.isStopRequested { throw TrainingCancelled() }
            throw error
        }
        log.line("#timing: host=\(host), phase=fit, rows=\(train.rowCount), \(timer.fields)")
        if stop.isStopRequested && config.saveModelOnTermination {
            // Stopped between rounds: save what was grown (not marked as a success), then stop.
            guard isMaster(configuration) else { throw TrainingCancelled() }
            let file = paths.model.appendingPathComponent(algorithm.modelFileName)
            try AtomicFile.write(try ensemble.truncatedToBestIteration().xgboostJSON(), to: file)
            throw TrainingCancelled(savedModel: "\(file.path) (\(ensemble.roundCount) rounds)")
        }
        if let best = ensemble.bestIteration {
            log.line("Early stopping kept round \(best) of \(ensemble.roundCount); predictions use rounds 0 to \(best).")
        }
        try throwIfStopped()
        guard isMaster(configuration) else { return }
        // The per-round metrics go in a dot-file next to the model, which SageMaker's XGBoost
        // serving skips and `optml evaluate` draws as the training history; written before the
        // model, whose appearance marks the job's output complete.
        let record = TrainingRecord(algorithm: algorithm.name, rounds: ensemble.roundCount, bestIteration: ensemble.bestIteration,
                                    metrics: historyOrder.map { TrainingRecord.Series(name: $0, values: history[$0] ?? []) })
        try AtomicFile.write(try record.encoded(), to: paths.model.appendingPathComponent(TrainingRecord.fileName))
        // Cut at the best round after early stopping, as SageMaker's XGBoost saves it: every
        // XGBoost that loads the file (and its serving image) then predicts with that round.
        try writeModel(try ensemble.truncatedToBestIteration().xgboostJSON(), algorithm: algorithm)
    }

    /// Bytes as megabytes with one decimal ("4000.0 MB").
    private func megabytes(_ bytes: Int) -> String { String(format: "%.1f MB", Double(bytes) / 1e6) }
}
