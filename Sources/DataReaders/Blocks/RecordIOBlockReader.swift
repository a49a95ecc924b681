import MLCore

/// Reads a RecordIO-protobuf channel as a sequence of dense row blocks in bounded memory, for
/// training passes over channels larger than memory. Every call of `forEachBlock` reads the files
/// again from the start.
///
/// Each file is read front to back (`ByteBlockReader`: plain or gzip) in blocks of whole records
/// of about `blockBytes` (a multi-part record is never split; a record longer than the buffer
/// grows it). A block is decoded by the parser `RecordIOProtobufReader` uses
/// (`RecordIOChannelParser`, so values, rules and messages are the same, byte offsets counted in
/// the whole file) and handed over dense: dense records as they are, sparse records densified
/// with absent entries as 0 to `options.expectedFeatureCount` columns. Without an expected count,
/// the first block's dense width is used; sparse records need the width (`scan()` finds it).
/// Labels are NaN for records without one, as the whole-channel reader gives them.
public struct RecordIOBlockReader: Sendable {
    public let files: [ChannelFile]
    public let source: String
    public let options: RecordIOProtobufOptions
    /// Bytes decoded per block.
    public let blockBytes: Int

    public init(files: [ChannelFile], source: String, options: RecordIOProtobufOptions, blockBytes: Int = 8 << 20) {
        self.files = files
        self.source = source
        self.options = options
        self.blockBytes = max(4096, blockBytes)
    }

    /// Calls `body(firstRow, block)` for every block of records in channel order; `firstRow` is
    /// the block's first row in the whole channel. Returns the number of rows.
    ///
    /// - Throws: `OptmlError.user` for bad data (as `RecordIOProtobufReader`), for sparse records
    ///   without an expected width, and for a channel without records; `OptmlError.platform` for
    ///   I/O; whatever `body` throws.
    @discardableResult
    public func forEachBlock(_ body: (Int, inout LabeledDataset<Double>) throws -> Void) throws -> Int {
        var width = options.expectedFeatureCount
        return try forEachDecodedBlock(limit: nil, expected: { width }) { first, data, _ in
            var block: LabeledDataset<Double>
            switch data {
            case .dense(let dense):
                block = dense
            case .sparse(let sparse):
                guard width != nil else {
                    throw OptmlError.user("The \(source) channel holds sparse records, and reading it in blocks needs its feature "
                        + "count before the first block: give the width (feature_dim), or scan the channel first.")
                }
                block = sparse.densified(absent: 0)
            }
            if width == nil { width = block.featureCount }
            try body(first, &block)
        }
    }

    /// The channel's width (the widest record: a dense record's length, a sparse record's shape or
    /// largest key + 1), records, stored values and whether any record is sparse, from one pass
    /// that decodes every record without densifying. With `limit`, only the first block of at
    /// least `limit` records is read (an estimate). Bytes are the (inflated) bytes read.
    public func scan(limit: Int? = nil) throws -> (featureCount: Int, rows: Int, entries: Int, sparse: Bool, bytes: Int) {
        var width = 0, rows = 0, entries = 0, bytes = 0
        var sparse = false
        _ = try forEachDecodedBlock(limit: limit, expected: { options.expectedFeatureCount }) { _, data, blockBytes in
            bytes += blockBytes
            rows += data.count
            switch data {
            case .dense(let d):
                width = max(width, d.featureCount)
                entries += d.features.storage.count
            case .sparse(let s):
                sparse = true
                width = max(width, s.featureCount)
                entries += s.features.storedCount
            }
        }
        return (width, rows, entries, sparse, bytes)
    }

    /// Every block decoded as the whole-channel reader decodes a channel, with `expected()` as its
    /// expected feature count; stops after the first block that reaches `limit` records.
    func forEachDecodedBlock(limit: Int?, expected: () -> Int?,
                             _ body: (Int, RecordIOProtobufData<Double>, Int) throws -> Void) throws -> Int {
        let blocks = ByteBlockReader(blockBytes: blockBytes)
        var rowCount = 0
        for file in files {
            let name = "\(source)/\(file.relativePath)"
            let finished = try blocks.forEachBlock(path: file.url.path, name: name, cut: Self.wholeRecords) { bytes, offset in
                // Fewer than 8 zero bytes after the last record are padding, as for a whole file.
                if bytes.count < 8 && bytes.allSatisfy({ $0 == 0 }) { return true }
                var blockOptions = options
                blockOptions.expectedFeatureCount = expected()
                var parser = RecordIOChannelParser(inputs: [CSVInput(text: TextBuffer(borrowing: bytes), name: name)],
                                                   options: blockOptions,
                                                   emptyMessage: "No data in \(source) channel: the files hold no records.")
                parser.byteOrigin = offset
                let data = try parser.parse(as: Double.self, source: source)
                try body(rowCount, data, bytes.count)
                rowCount += data.count
                if let limit, rowCount >= limit { return false }
                return true
            }
            if !finished { return rowCount }
        }
        guard rowCount > 0 else { throw OptmlError.user("No data in \(source) channel: the files hold no records.") }
        return rowCount
    }

    /// The cut after the last whole record in `bytes` (a whole part, or the last part of a
    /// multi-part record, with its padding), or 0 when none is. A header that is not sound ends
    /// the walk: the block up to it is decoded, and the next block starts at it, where the decoder
    /// reports it with its byte offset (or, when it is the first header of the buffer, the whole
    /// buffer goes to the decoder, which reports it).
    static func wholeRecords(_ bytes: UnsafeRawBufferPointer) -> Int {
        let count = bytes.count
        var at = 0
        var boundary = 0
        var inRecord = false
        while count - at >= 8 {
            let magic = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: UInt32.self))
            let word = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: at + 4, as: UInt32.self))
            let flag = word >> 29
            guard magic == RecordIOFraming.magic, flag <= 3,
                  inRecord ? (flag == 2 || flag == 3) : (flag == 0 || flag == 1) else {
                return boundary > 0 ? boundary : count
            }
            let length = Int(word & 0x1FFF_FFFF)
            let end = at + 8 + length + RecordIOFraming.padding(length)
            guard end <= count else { break }
            at = end
            inRecord = flag == 1 || flag == 2
            if !inRecord { boundary = at }
        }
        return boundary
    }
}
