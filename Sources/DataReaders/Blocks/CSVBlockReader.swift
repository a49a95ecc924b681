import MLCore
#if canImport(Glibc)
import Glibc
#endif

/// Reads a CSV channel as a sequence of row blocks in bounded memory, for training passes over
/// channels larger than memory. Every call of `forEachBlock` reads the files again from the start.
///
/// Each file is read front to back (`FileByteStream`: plain or gzip) into one text buffer of
/// `blockBytes`; the buffer's whole lines are parsed by the same parallel parser `CSVReader` uses
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
        var capacity = blockBytes
        var buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        defer { buffer.deallocate() }
        var rowCount = 0
        var featureCount = options.expectedFeatureCount
        for file in files {
            let name = "\(source)/\(file.relativePath)"
            let stream = try FileByteStream(path: file.url.path, name: name)
            var filled = 0
            var line = 1
            var atFileStart = true
            while true {
                if filled < capacity && !stream.finished {
                    filled += try stream.read(into: buffer + filled, count: capacity - filled)
                }
                if filled == 0 && stream.finished { break }
                // The block ends after the last newline, or at the file's end.
                var cut = filled
                if !stream.finished {
                    var k = filled
                    while k > 0 && buffer[k - 1] != UInt8(ascii: "\n") { k -= 1 }
                    if k == 0 {
                        // One line longer than the buffer: grow it and read on.
                        let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity * 2)
                        grown.update(from: buffer, count: filled)
                        buffer.deallocate()
                        buffer = grown
                        capacity *= 2
                        continue
                    }
                    cut = k
                }
                // A byte order mark is skipped at the start of a file (`CSVInput.dataStart`).
                let skip = atFileStart && cut >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF ? 3 : 0
                let (newlines, rows) = countLines(buffer + skip, buffer + cut)
                if rows > 0 {
                    var blockOptions = options
                    blockOptions.expectedFeatureCount = featureCount
                    var parser = CSVChannelParser(
                        inputs: [CSVInput(text: TextBuffer(borrowing: UnsafeRawBufferPointer(start: buffer, count: cut)), name: name)],
                        options: blockOptions, emptyMessage: "No data in \(source) channel: the files hold no rows.")
                    parser.firstLine = line
                    var block = try parser.parse(as: Double.self, source: source)
                    if featureCount == nil { featureCount = block.featureCount }
                    try body(rowCount, &block)
                    rowCount += rows
                    if let limit, rowCount >= limit { return rowCount }
                }
                line += newlines
                atFileStart = false
                let rest = filled - cut
                if rest > 0 { memmove(buffer, buffer + cut, rest) }
                filled = rest
                if stream.finished && filled == 0 { break }
            }
        }
        guard rowCount > 0 else { throw OptmlError.user("No data in \(source) channel: the files hold no rows.") }
        return rowCount
    }
}
