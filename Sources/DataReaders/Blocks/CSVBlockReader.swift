import MLCore
#if canImport(Glibc)
import Glibc
#endif

/// Reads a CSV channel as a sequence of row blocks in bounded memory, for training passes over
/// channels larger than memory. Every call of `forEachBlock` reads the files again from the start.
///
/// Each file is read front to back (`ByteBlockReader` over `FileByteStream`: plain or gzip) into
/// one text buffer of `blockBytes`; the buffer's whole lines are parsed by the same parallel parser `CSVReader` uses
/// (`CSVChannelParser`, so values, missing fields and messages are the same), handed to the
/// caller as a `LabeledDataset<Double>`, and dropped. A line longer than the buffer doubles it.
/// Messages name the file and the line in the whole file. The first row of the channel fixes the
/// width, as in `CSVReader`. Memory: the text buffer plus one block of parsed rows (about the
/// same number of bytes again, 8 per value).
public struct CSVBlockReader: Sendable {
    public let files: [ChannelFile]
    public let source: String
    public let options: CSVOptions
    /// Text bytes parsed per block.
    public let blockBytes: Int

    public init(files: [ChannelFile], source: String, options: CSVOptions, blockBytes: Int = 16 << 20) {
        self.files = files
        self.source = source
        self.options = options
        self.blockBytes = max(4096, blockBytes)
    }

    /// Calls `body(firstRow, block)` for every block of rows in channel order; `firstRow` is the
    /// block's first row in the whole channel. `body` may change the block in place (it is dropped
    /// afterwards). Returns the number of rows.
    ///
    /// - Throws: `OptmlError.user` for bad data (as `CSVReader`) and for a channel without rows,
    ///   `OptmlError.platform` for I/O; whatever `body` throws.
    @discardableResult
    public func forEachBlock(_ body: (Int, inout LabeledDataset<Double>) throws -> Void) throws -> Int {
        try forEachBlock(limit: nil, body)
    }

    /// `forEachBlock` that stops after the first block of at least `limit` rows.
    func forEachBlock(limit: Int?, _ body: (Int, inout LabeledDataset<Double>) throws -> Void) throws -> Int {
        let blocks = ByteBlockReader(blockBytes: blockBytes)
        var rowCount = 0
        var featureCount = options.expectedFeatureCount
        for file in files {
            let name = "\(source)/\(file.relativePath)"
            var line = 1
            let finished = try blocks.forEachBlock(path: file.url.path, name: name, cut: ByteBlockReader.lines) { bytes, offset in
                let buffer = bytes.baseAddress!.assumingMemoryBound(to: UInt8.self)
                // A byte order mark is skipped at the start of a file (`CSVInput.dataStart`).
                let skip = offset == 0 && bytes.count >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF ? 3 : 0
                let (newlines, rows) = countLines(buffer + skip, buffer + bytes.count)
                if rows > 0 {
                    var blockOptions = options
                    blockOptions.expectedFeatureCount = featureCount
                    var parser = CSVChannelParser(inputs: [CSVInput(text: TextBuffer(borrowing: bytes), name: name)],
                                                  options: blockOptions, emptyMessage: "No data in \(source) channel: the files hold no rows.")
                    parser.firstLine = line
                    var block = try parser.parse(as: Double.self, source: source)
                    if featureCount == nil { featureCount = block.featureCount }
                    try body(rowCount, &block)
                    rowCount += rows
                    if let limit, rowCount >= limit { return false }
                }
                line += newlines
                return true
            }
            if !finished { return rowCount }
        }
        guard rowCount > 0 else { throw OptmlError.user("No data in \(source) channel: the files hold no rows.") }
        return rowCount
    }
}
