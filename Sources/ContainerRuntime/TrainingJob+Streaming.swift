import Foundation
import MLCore
import DataReaders
import LinearLearner

/// The passes over a Pipe-mode channel (contract §1.5): pass k reads the FIFO `<channel>_k`
/// to its end, the first pass `<channel>_0`.
final class PipePasses: @unchecked Sendable {
    let dataFolder: URL
    let channel: String
    let timeout: Double
    let log: @Sendable (String) -> Void
    private let lock = NSLock()
    private var next = 0

    init(dataFolder: URL, channel: String, timeout: Double, log: @escaping @Sendable (String) -> Void) {
        self.dataFolder = dataFolder
        self.channel = channel
        self.timeout = timeout
        self.log = log
    }

    /// The FIFO of the next pass, once it exists.
    ///
    /// - Throws: `OptmlError.user` when it does not appear within `timeout` seconds.
    func nextFIFO() throws -> ChannelFile {
        let epoch = lock.withLock {
            defer { next += 1 }
            return next
        }
        let fifo = PipeChannel.fifo(dataFolder: dataFolder, channel: channel, epoch: epoch)
        try PipeChannel.waitForFIFO(fifo, channel: channel, timeout: timeout)
        log("Channel '\(channel)' is in Pipe mode: pass \(epoch + 1) reads \(fifo.path).")
        return ChannelFile(url: fifo, relativePath: fifo.lastPathComponent)
    }
}

/// A channel in CSV, libsvm or RecordIO-protobuf read block by block for `StreamingDesign`: its
/// files again on every pass (File and FastFile mode), or the next epoch's FIFO (Pipe mode).
struct StreamedChannel: RowBlockSource {
    enum Input: Sendable {
        case files([ChannelFile])
        case pipe(PipePasses)
    }

    let name: String
    let format: DataFormat
    let input: Input
    /// The width libsvm and RecordIO-protobuf rows are densified to (absent entries are 0); nil
    /// for CSV, whose rows state it, and for dense RecordIO, whose first record does.
    var featureCount: Int?
    let threads: Int
    /// Bytes of text or records read per block.
    let blockBytes: Int

    /// The formats whose channels stream.
    static let formats: Set<DataFormat> = [.csv, .libsvm, .recordioProtobuf]

    /// The files of the next pass.
    func passFiles() throws -> [ChannelFile] {
        switch input {
        case .files(let files): return files
        case .pipe(let passes): return [try passes.nextFIFO()]
        }
    }

    var fileCount: Int {
        if case .files(let files) = input { return files.count }
        return 1
    }

    func forEachBlock(_ body: (Int, inout LabeledDataset<Double>) throws -> Void) throws {
        let files = try passFiles()
        switch format {
        case .csv:
            let options = CSVOptions(hasLabel: true, hasWeight: false, expectedFeatureCount: nil, threads: threads)
            try CSVBlockReader(files: files, source: name, options: options, blockBytes: blockBytes).forEachBlock(body)
        case .libsvm:
            let options = LibSVMOptions(expectedFeatureCount: featureCount, threads: threads)
            try LibSVMBlockReader(files: files, source: name, options: options, blockBytes: blockBytes).forEachBlock(body)
        case .recordioProtobuf:
            let options = RecordIOProtobufOptions(expectedFeatureCount: featureCount, threads: threads)
            try RecordIOBlockReader(files: files, source: name, options: options, blockBytes: blockBytes).forEachBlock { first, block in
                if let row = block.labels.firstIndex(where: \.isNaN) {
                    throw ChannelLoader.unlabeledRecord(channel: name, record: first + row + 1)
                }
                try body(first, &block)
            }
        case .json, .jsonlines, .parquet:
            preconditionFailure("\(format.rawValue) channels do not stream")
        }
    }

    /// The width of a libsvm or RecordIO-protobuf channel: one pass over all its rows (in Pipe
    /// mode, the first FIFO), with the rows' stored entries.
    func scan() throws -> (featureCount: Int, rows: Int, entries: Int) {
        let files = try passFiles()
        switch format {
        case .libsvm:
            let found = try LibSVMBlockReader(files: files, source: name, options: LibSVMOptions(threads: threads),
                                              blockBytes: blockBytes).scan()
            return (found.featureCount, found.rows, found.entries)
        case .recordioProtobuf:
            let found = try RecordIOBlockReader(files: files, source: name, options: RecordIOProtobufOptions(threads: threads),
                                                blockBytes: blockBytes).scan()
            return (found.featureCount, found.rows, found.entries)
        default:
            preconditionFailure("only libsvm and RecordIO-protobuf channels are scanned for their width")
        }
    }
}

/// Linear Learner on a train channel larger than memory: the decision and the streamed job.
extension TrainingJob {
    /// Why the train channel streams: its estimated in-memory size against the budget.
    struct StreamingDecision {
        /// `about 1000 rows × 10 features, 88 KB as a dense Double matrix`, or what Pipe mode knows.
        var shape: String
        var budget: MemoryBudget
        /// The train channel's blocks: bytes of text or records per block about `parsedBlockBytes`
        /// of parsed Doubles, at most 8 MiB.
        var train: StreamedChannel
    }

    /// Parsed Doubles per streamed block, in bytes.
    static let parsedBlockBytes = 8 << 20

    /// The widest libsvm or RecordIO-protobuf channel that streams: its blocks are densified, and
    /// the streamed solvers hold d × d (normal equations) or several d-vectors per pass. Wider
    /// channels are read into memory when their stored entries fit the budget (Linear Learner
    /// then trains on the CSR rows), and fail with a message otherwise.
    static let maximumStreamedFeatures = 10_000

    /// Bytes read per streamed block for rows of `bytesPerRow` bytes (text or records) and
    /// `featureCount` features: about `parsedBlockBytes` once parsed (short fields such as `0`
    /// take 2 bytes of text and 8 parsed), between `minimum` and 8 MiB. `OPTML_STREAM_BLOCK_BYTES`
    /// overrides it (tests).
    func streamBlockBytes(bytesPerRow: Double, featureCount: Int, minimum: Int = 64 << 10) -> Int {
        if let forced = environment["OPTML_STREAM_BLOCK_BYTES"].flatMap(Int.init) { return max(4096, forced) }
        let rows = Double(Self.parsedBlockBytes) / Double(8 * (featureCount + 1))
        return min(8 << 20, max(minimum, Int(rows * bytesPerRow)))
    }

    /// Whether a channel in this plan can be read in streaming passes: CSV, libsvm or
    /// RecordIO-protobuf in File or FastFile mode; in Pipe mode only when the job sets
    /// `OPTML_MEMORY_LIMIT_BYTES` (a FIFO cannot be sized before it is read) and the stream is not
    /// RecordIO-wrapped text.
    func streams(_ plan: ChannelPlan) -> Bool {
        guard StreamedChannel.formats.contains(plan.format) else { return false }
        guard plan.config.inputMode.lowercased() == "pipe" else { return true }
        return environment[MemoryBudget.environmentKey] != nil
            && (plan.config.recordWrapper.lowercased() != "recordio" || plan.format == .recordioProtobuf)
    }

    /// The channel `plan` read in blocks of `blockBytes`, densified to `featureCount` columns
    /// (libsvm, RecordIO-protobuf).
    func streamedChannel(_ plan: ChannelPlan, featureCount: Int?, threads: Int, blockBytes: Int) throws -> StreamedChannel {
        let input: StreamedChannel.Input
        if plan.config.inputMode.lowercased() == "pipe" {
            input = .pipe(PipePasses(dataFolder: paths.data, channel: plan.name, timeout: pipeTimeout, log: { [log] in log.line($0) }))
        } else {
            input = .files(try ChannelDirectory.files(in: paths.channel(plan.name), channel: plan.name))
        }
        return StreamedChannel(name: plan.name, format: plan.format, input: input, featureCount: featureCount, threads: threads,
                               blockBytes: blockBytes)
    }

    /// Whether the train channel is trained in streaming passes, said in the log either way.
    ///
    /// File- and FastFile-mode channels in CSV, libsvm and RecordIO-protobuf (gzip files
    /// included) stream when their estimated size as a dense Double matrix exceeds the memory
    /// budget. A Pipe-mode channel cannot be sized before it is read: it streams when the job sets
    /// `OPTML_MEMORY_LIMIT_BYTES` and the hyperparameters can be trained in passes, and is read
    /// into memory otherwise. Throws `OptmlError.user` when the channel must stream and the
    /// hyperparameters ask for something streaming cannot do, or when a libsvm or RecordIO
    /// channel is too wide to stream and its stored entries do not fit either.
    func streamingDecision(_ plans: [ChannelPlan], config: LinearLearnerConfig, host: String, threads: Int) throws -> StreamingDecision? {
        guard let train = plans.first(where: { $0.name == "train" }) else { return nil }
        let pipe = train.config.inputMode.lowercased() == "pipe"
        guard streams(train) else {
            if environment[MemoryBudget.environmentKey] != nil {
                log.line("Channel 'train' is \(train.format.rawValue) in \(train.config.inputMode) mode"
                    + (train.config.recordWrapper.lowercased() == "recordio" ? " with RecordIO-wrapped objects" : "")
                    + ": read into memory (streaming passes read CSV, libsvm and RecordIO-protobuf channels, in Pipe mode "
                    + "without RecordIO wrapping).")
            } else if pipe && StreamedChannel.formats.contains(train.format) {
                log.line("Channel 'train' is in Pipe mode: read into memory (a FIFO cannot be sized before it is read; "
                    + "set \(MemoryBudget.environmentKey) to train Pipe-mode channels in streaming passes).")
            }
            return nil
        }
        let budget = try MemoryBudget.current(environment: environment)
        let budgetText = "memory budget \(byteSize(Double(budget.bytes))) (\(budget.origin))"
        let sparseFormat = train.format != .csv
        if pipe {
            if let reason = StreamingDesign.unsupportedReason(loss: config.loss, stochastic: config.stochastic) {
                log.line("Channel 'train' is in Pipe mode with a \(budgetText), but it is read into memory: \(reason).")
                return nil
            }
            var channel = try streamedChannel(train, featureCount: nil, threads: threads,
                                              blockBytes: streamBlockBytes(bytesPerRow: 0, featureCount: 0, minimum: 4 << 20))
            var shape = "a FIFO per pass, its size unknown"
            if sparseFormat {
                let width: Int
                if let dim = config.featureDim {
                    width = dim
                } else {
                    log.line("Channel 'train' is \(train.format.rawValue) in Pipe mode with a \(budgetText): the first FIFO is read "
                        + "to find the feature count (set feature_dim to skip this pass).")
                    width = try channel.scan().featureCount
                }
                guard width <= Self.maximumStreamedFeatures else {
                    throw OptmlError.user("Channel 'train' (\(train.format.rawValue), Pipe mode) has \(width) features; streaming passes "
                        + "densify blocks of rows and need a modest feature count (at most \(Self.maximumStreamedFeatures)). "
                        + "Unset \(MemoryBudget.environmentKey) to read the channel into memory, or use File mode.")
                }
                channel = StreamedChannel(name: channel.name, format: channel.format, input: channel.input, featureCount: width,
                                          threads: threads,
                                          blockBytes: streamBlockBytes(bytesPerRow: 4 * Double(width + 1), featureCount: width,
                                                                       minimum: 4096))
                shape = "\(width) features, a FIFO per pass, its size unknown"
            }
            log.line("Channel 'train' is in Pipe mode, which cannot be sized before it is read, and the job has a \(budgetText): "
                + "training in streaming passes, each pass reading the next FIFO (train_0, train_1, …) to its end, one block of about "
                + "\(byteSize(Double(channel.blockBytes))) at a time.")
            return StreamingDecision(shape: shape, budget: budget, train: channel)
        }

        let files = try ChannelDirectory.files(in: paths.channel(train.name), channel: train.name)
        var totalBytes = 0
        for file in files { totalBytes += try ChannelTextSize.bytes(of: file) }
        // The first block of at most 1 MiB (or OPTML_STREAM_BLOCK_BYTES): rows, bytes and width.
        let sampleBlock = min(1 << 20, environment["OPTML_STREAM_BLOCK_BYTES"].flatMap(Int.init).map { max(4096, $0) } ?? 1 << 20)
        let sample: (featureCount: Int, rows: Int, entries: Int, bytes: Int)
        var sampleSparse = false
        switch train.format {
        case .libsvm:
            sample = try LibSVMBlockReader(files: files, source: train.name, options: LibSVMOptions(threads: threads),
                                           blockBytes: sampleBlock).scan(limit: 1)
            sampleSparse = true
        case .recordioProtobuf:
            let found = try RecordIOBlockReader(files: files, source: train.name, options: RecordIOProtobufOptions(threads: threads),
                                                blockBytes: sampleBlock).scan(limit: 1)
            sample = (found.featureCount, found.rows, found.entries, found.bytes)
            sampleSparse = found.sparse
        default:
            let reader = CSVBlockReader(files: files, source: train.name, options: csvOptions(threads: threads))
            let csv = try reader.estimate(sampleBytes: sampleBlock)
            sample = (csv.featureCount, csv.sampleRows, csv.sampleRows * csv.featureCount, csv.sampleBytes)
        }
        let bytesPerRow = Double(max(1, sample.bytes)) / Double(max(1, sample.rows))
        let rows = Int((Double(totalBytes) / bytesPerRow).rounded())
        // libsvm files and sparse records state no width: feature_dim, else the sample's (at least).
        var width = sampleSparse ? (config.featureDim ?? sample.featureCount) : sample.featureCount
        let denseBytes = Double(rows) * Double(width + 1) * 8
        var shape = "about \(rows) rows × \(width)\(sampleSparse && config.featureDim == nil ? " or more" : "") features, "
            + "\(byteSize(denseBytes)) as a dense Double matrix"
        guard denseBytes > Double(budget.bytes) else {
            log.line("Channel 'train' (\(shape)) fits the \(budgetText): reading it into memory.")
            return nil
        }
        if let reason = StreamingDesign.unsupportedReason(loss: config.loss, stochastic: config.stochastic) {
            let setting = config.stochastic.map { "optimizer '\($0.optimizer.rawValue)'" } ?? "loss '\(config.lossName)'"
            throw OptmlError.user("Channel 'train' (\(shape)) does not fit the \(budgetText), so it has to be trained in "
                + "streaming passes over its files, and \(setting) cannot be: \(reason). Streaming trains optimizer 'auto' with "
                + "loss 'auto', 'squared_loss', 'logistic', 'softmax_loss', 'huber_loss' or 'eps_insensitive_squared_loss'. "
                + "Use one of those, or give the job more memory (a larger instance, or \(MemoryBudget.environmentKey)).")
        }
        if sampleSparse && config.featureDim == nil {
            log.line("Channel 'train' (\(shape)) does not fit the \(budgetText): reading its \(files.count) file(s) once to find "
                + "the feature count (set feature_dim to skip this pass).")
            let timer = PhaseTimer()
            let scanner = StreamedChannel(name: train.name, format: train.format, input: .files(files), featureCount: nil,
                                          threads: threads, blockBytes: 8 << 20)
            width = try scanner.scan().featureCount
            shape = "about \(rows) rows × \(width) features, \(byteSize(Double(rows) * Double(width + 1) * 8)) as a dense Double matrix"
            log.line("#timing: host=\(host), phase=width_scan_train, columns=\(width + 1), \(timer.fields)")
        }
        if sparseFormat && width > Self.maximumStreamedFeatures {
            // Stored entries as CSR: 12 bytes an entry (index and value), 24 a row (offset, label, weight).
            let entriesPerRow = Double(sample.entries) / Double(max(1, sample.rows))
            let storedBytes = Double(rows) * (entriesPerRow * 12 + 24)
            guard storedBytes > Double(budget.bytes) else {
                log.line("Channel 'train' (\(shape)) does not fit the \(budgetText) as a dense matrix, and is too wide to stream "
                    + "(more than \(Self.maximumStreamedFeatures) features), but its stored entries (about \(byteSize(storedBytes))) "
                    + "fit: reading it into memory.")
                return nil
            }
            throw OptmlError.user("Channel 'train' (\(shape); about \(byteSize(storedBytes)) of stored entries) does not fit the "
                + "\(budgetText), and it is too wide to train in streaming passes: they densify blocks of rows and need a modest "
                + "feature count (at most \(Self.maximumStreamedFeatures)). Give the job more memory (a larger instance, or "
                + "\(MemoryBudget.environmentKey)), or use fewer features.")
        }
        let blockBytes = streamBlockBytes(bytesPerRow: bytesPerRow, featureCount: width, minimum: sparseFormat ? 4096 : 64 << 10)
        let channel = StreamedChannel(name: train.name, format: train.format, input: .files(files),
                                      featureCount: sparseFormat ? width : nil, threads: threads, blockBytes: blockBytes)
        let unit = train.format == .recordioProtobuf ? "records" : "text"
        log.line("Channel 'train' (\(shape)) does not fit the \(budgetText): training in streaming passes over its "
            + "\(files.count) file(s), one block of about \(byteSize(Double(blockBytes))) of \(unit) at a time.")
        return StreamingDecision(shape: shape, budget: budget, train: channel)
    }

    func csvOptions(threads: Int) -> CSVOptions {
        CSVOptions(hasLabel: true, hasWeight: false, expectedFeatureCount: nil, threads: threads)
    }

    /// Trains on streamed channels: the train channel (and validation and test when they stream,
    /// see `streams`) in passes over their files or FIFOs; other validation and test channels are
    /// read into memory and served in blocks. Returns the result and the train rows.
    func trainStreaming(_ plans: [ChannelPlan], decision: StreamingDecision, config: LinearLearnerConfig, host: String,
                        threads: Int) throws
        -> (LinearLearnerResult, Int)
    {
        let isCancelled: @Sendable () -> Bool = { [stop] in stop.isStopRequested }
        func design(_ plan: ChannelPlan, width: Int?) throws -> StreamingDesign {
            try throwIfStopped()
            let timer = PhaseTimer()
            let source: any RowBlockSource
            var fileCount = 1
            if plan.name == "train" {
                source = decision.train
                fileCount = decision.train.fileCount
            } else if streams(plan) {
                // Validation and test rows take the train channel's width.
                let channel = try streamedChannel(plan, featureCount: plan.format == .csv ? nil : width, threads: threads,
                                                  blockBytes: decision.train.blockBytes)
                fileCount = channel.fileCount
                log.line("Channel '\(plan.name)' (\(plan.format.rawValue), \(plan.config.inputMode) mode) is read in streaming passes "
                    + "alongside the train channel.")
                source = channel
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
        var train = try design(plans.first { $0.name == "train" }!, width: nil)
        let validation = try plans.first { $0.name == "validation" }.map { try design($0, width: train.featureCount) }
        let test = try plans.first { $0.name == "test" }.map { try design($0, width: train.featureCount) }
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
        return (result, train.count)
    }
}
