import MLCore

/// Reads a libsvm channel as a sequence of dense row blocks in bounded memory, for training passes
/// over channels larger than memory. Every call of `forEachBlock` reads the files again from the
/// start.
///
/// Each file is read front to back (`ByteBlockReader`: plain or gzip) in blocks of whole lines of
/// about `blockBytes`; a block is parsed by the parser `LibSVMReader` uses (`LibSVMChannelParser`,
/// so values, rules and messages are the same, naming the file and the line in the whole file)
/// and densified with absent entries as 0 to `options.expectedFeatureCount` columns, which must
/// be set: libsvm files do not state their width, so the caller takes it from a hyperparameter or
/// from `scan()`. Memory: the text buffer, one block's CSR rows and its dense copy.
public struct LibSVMBlockReader: Sendable {
    public let files: [ChannelFile]
    public let source: String
    public let options: LibSVMOptions
    /// Text bytes parsed per block.
    public let blockBytes: Int

    public init(files: [ChannelFile], source: String, options: LibSVMOptions, blockBytes: Int = 4 << 20) {
        self.files = files
        self.source = source
        self.options = options
        self.blockBytes = max(4096, blockBytes)
    }

    /// Calls `body(firstRow, block)` for every block of rows in channel order, densified to
    /// `options.expectedFeatureCount` columns (absent entries are 0); `firstRow` is the block's
    /// first row in the whole channel. Returns the number of rows.
    ///
    /// - Throws: `OptmlError.user` for bad data (as `LibSVMReader`; an index at or beyond the
    ///   width included) and for a channel without rows, `OptmlError.platform` for I/O; whatever
    ///   `body` throws.
    @discardableResult
    public func forEachBlock(_ body: (Int, inout LabeledDataset<Double>) throws -> Void) throws -> Int {
        precondition(options.expectedFeatureCount != nil, "a libsvm channel is densified to a known width")
        return try forEachSparseBlock(limit: nil) { first, sparse in
            var block = sparse.densified(absent: 0)
            try body(first, &block)
        }
    }

    /// The channel's width (largest index + 1), rows and stored entries, from one pass over all
    /// its lines without densifying: what `forEachBlock` needs when no width is given. With
    /// `limit`, only the first block of at least `limit` rows is read (an estimate: the width is
    /// then that block's). Bytes are the text bytes read.
    public func scan(limit: Int? = nil) throws -> (featureCount: Int, rows: Int, entries: Int, bytes: Int) {
        var width = 0, rows = 0, entries = 0, bytes = 0
        _ = try forEachSparseBlock(limit: limit, textBytes: { bytes += $0 }) { _, block in
            width = max(width, block.featureCount)
            rows += block.count
            entries += block.features.storedCount
        }
        return (width, rows, entries, bytes)
    }

    /// `forEachBlock` without densifying, stopping after the first block of at least `limit` rows.
    func forEachSparseBlock(limit: Int?, textBytes: (Int) -> Void = { _ in },
                            _ body: (Int, SparseLabeledDataset<Double>) throws -> Void) throws -> Int {
        let blocks = ByteBlockReader(blockBytes: blockBytes)
        var rowCount = 0
        for file in files {
            let name = "\(source)/\(file.relativePath)"
            var line = 1
            let finished = try blocks.forEachBlock(path: file.url.path, name: name, cut: ByteBlockReader.lines) { bytes, _ in
                var parser = LibSVMChannelParser(inputs: [CSVInput(text: TextBuffer(borrowing: bytes), name: name)], options: options,
                                                 emptyMessage: "No data in \(source) channel: the files hold no rows.")
                parser.firstLine = line
                parser.allowsEmpty = true
                let block = try parser.parse(as: Double.self, source: source).dataset
                textBytes(bytes.count)
                line += bytes.reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
                guard block.count > 0 else { return true }
                try body(rowCount, block)
                rowCount += block.count
                if let limit, rowCount >= limit { return false }
                return true
            }
            if !finished { return rowCount }
        }
        guard rowCount > 0 else { throw OptmlError.user("No data in \(source) channel: the files hold no rows.") }
        return rowCount
    }
}
