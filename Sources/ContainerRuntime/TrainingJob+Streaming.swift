import Foundation
import MLCore
import DataReaders
import LinearLearner

/// A CSV channel read block by block from its files, for `StreamingDesign`.
struct CSVChannelBlocks: RowBlockSource {
    let reader: CSVBlockReader

    func forEachBlock(_ body: (Int, inout LabeledDataset<Double>) throws -> Void) throws {
        try reader.forEachBlock(body)
    }
}

/// Linear Learner on a train channel larger than memory: the decision and the streamed job.
extension TrainingJob {
    /// Why the train channel streams: its estimated in-memory size against the budget.
    struct StreamingDecision {
        var estimatedRows: Int
        var featureCount: Int
        var denseBytes: Double
        var budget: MemoryBudget
        /// Text bytes per block: about `parsedBlockBytes` of parsed Doubles, at most 8 MiB of text.
        var blockBytes: Int

        var shape: String {
            "about \(estimatedRows) rows × \(featureCount) features, \(byteSize(denseBytes)) as a dense Double matrix"
        }
    }

    /// Parsed Doubles per streamed block, in bytes.
    static let parsedBlockBytes = 8 << 20

    /// Text bytes of CSV read per streamed block for rows of `bytesPerRow` text bytes and
    /// `featureCount` features: about `parsedBlockBytes` once parsed (short fields such as `0`
    /// take 2 bytes of text and 8 parsed), between 64 KiB and 8 MiB. `OPTML_STREAM_BLOCK_BYTES`
    /// overrides it (tests).
    func streamBlockBytes(bytesPerRow: Double, featureCount: Int) -> Int {
        if let forced = environment["OPTML_STREAM_BLOCK_BYTES"].flatMap(Int.init) { return max(4096, forced) }
        let rows = Double(Self.parsedBlockBytes) / Double(8 * (featureCount + 1))
        return min(8 << 20, max(64 << 10, Int(rows * bytesPerRow)))
    }

    /// Whether the train channel is trained in streaming passes, said in the log either way.
    ///
    /// Only File- and FastFile-mode CSV train channels stream (gzip files included); the others
    /// are read into memory as before. Throws `OptmlError.user` when the channel must stream and
    /// the hyperparameters ask for something streaming cannot do.
    func streamingDecision(_ plans: [ChannelPlan], config: LinearLearnerConfig, threads: Int) throws -> StreamingDecision? {
        guard let train = plans.first(where: { $0.name == "train" }) else { return nil }
        let mode = train.config.inputMode.lowercased()
        guard train.format == .csv, mode != "pipe" else {
            if environment[MemoryBudget.environmentKey] != nil {
                log.line("Channel 'train' is \(train.format.rawValue) in \(train.config.inputMode) mode: read into memory "
                    + "(streaming passes read File- or FastFile-mode CSV channels).")
            }
            return nil
        }
        let budget = try MemoryBudget.current(environment: environment)
        let files = try ChannelDirectory.files(in: paths.channel(train.name), channel: train.name)
        let reader = CSVBlockReader(files: files, source: train.name, options: csvOptions(threads: threads))
        let sample = try reader.estimate()
        let rows = Int((Double(sample.totalBytes) * Double(sample.sampleRows) / Double(sample.sampleBytes)).rounded())
        let denseBytes = Double(rows) * Double(sample.featureCount + 1) * 8
        let blockBytes = streamBlockBytes(bytesPerRow: Double(sample.sampleBytes) / Double(max(1, sample.sampleRows)),
                                          featureCount: sample.featureCount)
        let decision = StreamingDecision(estimatedRows: rows, featureCount: sample.featureCount, denseBytes: denseBytes, budget: budget,
                                         blockBytes: blockBytes)
        let budgetText = "memory budget \(byteSize(Double(budget.bytes))) (\(budget.origin))"
        guard denseBytes > Double(budget.bytes) else {
            log.line("Channel 'train' (\(decision.shape)) fits the \(budgetText): reading it into memory.")
            return nil
        }
        if let reason = StreamingDesign.unsupportedReason(loss: config.loss, stochastic: config.stochastic) {
            let setting = config.stochastic.map { "optimizer '\($0.optimizer.rawValue)'" } ?? "loss '\(config.lossName)'"
            throw OptmlError.user("Channel 'train' (\(decision.shape)) does not fit the \(budgetText), so it has to be trained in "
                + "streaming passes over its files, and \(setting) cannot be: \(reason). Streaming trains optimizer 'auto' with "
                + "loss 'auto', 'squared_loss', 'logistic', 'softmax_loss', 'huber_loss' or 'eps_insensitive_squared_loss'. "
                + "Use one of those, or give the job more memory (a larger instance, or \(MemoryBudget.environmentKey)).")
        }
        log.line("Channel 'train' (\(decision.shape)) does not fit the \(budgetText): training in streaming passes over its "
            + "\(files.count) file(s), one block of about \(byteSize(Double(blockBytes))) of text at a time.")
        return decision
    }

    func csvOptions(threads: Int) -> CSVOptions {
        CSVOptions(hasLabel: true, hasWeight: false, expectedFeatureCount: nil, threads: threads)
    }

    /// Trains on streamed channels: the train channel (and validation and test when they are
    /// File- or FastFile-mode CSV) in passes over their files; other validation and test channels
    /// are read into memory and served in blocks. Returns the result and the train rows.
    func trainStreaming(_ plans: [ChannelPlan], decision: StreamingDecision, config: LinearLearnerConfig, host: String,
                        threads: Int) throws
        -> (LinearLearnerResult, Int)
    {
        let isCancelled: @Sendable () -> Bool = { [stop] in stop.isStopRequested }
        func design(_ plan: ChannelPlan) throws -> StreamingDesign {
            try throwIfStopped()
            let timer = PhaseTimer()
            let source: any RowBlockSource
            var fileCount = 1
            if plan.format == .csv && plan.config.inputMode.lowercased() != "pipe" {
                let files = try ChannelDirectory.files(in: paths.channel(plan.name), channel: plan.name)
                fileCount = files.count
                source = CSVChannelBlocks(reader: CSVBlockReader(files: files, source: plan.name, options: csvOptions(threads: threads),
                                                                 blockBytes: decision.blockBytes))
            } else {
                let (data, files) = try loadData(plan, loader: ChannelLoader(threads: threads), as: Double.self)
                fileCount = files
                log.line("Channel '\(plan.name)' (\(plan.format.rawValue), \(plan.config.inputMode) mode) is read into memory "
                    + "and served in blocks alongside the streamed train channel.")
                source = InMemoryBlockSource(data.densified(absent: 0))
            }
            let rows = try StreamingDesign(source: source, threads: threads, isCancelled: isCancelled)
            log.line("#timing: host=\(host), phase=scan_\(plan.name), rows=\(rows.count), columns=\(rows.featureCount + 1), "
                + "files=\(fileCount), \(timer.fields)")
            return rows
        }
        var train = try design(plans.first { $0.name == "train" }!)
        let validation = try plans.first { $0.name == "validation" }.map(design)
        let test = try plans.first { $0.name == "test" }.map(design)
        try throwIfStopped()

        let trainer = LinearLearnerTrainer(config: config, host: host, threads: threads,
                                           isCancelled: isCancelled, log: { [log] in log.line($0) })
        let timer = PhaseTimer()
        let result: LinearLearnerResult
        do {
            result = try trainer.train(&train, validation: validation, test: test)
            // A pass that cannot throw records its failure; the result is not to be trusted then.
            try train.checkFailure()
            try validation?.checkFailure()
            try test?.checkFailure()
        } catch {
            try train.checkFailure()
            try validation?.checkFailure()
            try test?.checkFailure()
            throw error
        }
        log.line("#timing: host=\(host), phase=fit, rows=\(train.count), \(timer.fields)")
        if let peak = Self.peakResidentBytes() { log.line("#memory: peak_rss_bytes=\(peak)") }
        return (result, train.count)
    }

    /// The process's peak resident set (`VmHWM` of `/proc/self/status`), or nil where unavailable.
    static func peakResidentBytes() -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) else { return nil }
        let fields = line.split(separator: " ", omittingEmptySubsequences: true)
        guard fields.count >= 2, let kib = Int(fields[1]) else { return nil }
        return kib * 1024
    }
}
