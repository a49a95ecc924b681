/// The rows one chunk of records produced, in `malloc`ed buffers the reader's general path copies
/// into the final arrays and then frees (the dense path uses one as scratch for a single record).
struct RecordRowsOutput<T: BitwiseCopyable> {
    /// NaN for a record without `label["values"]`.
    var labels = GrowableBuffer<Double>()
    /// Feature values of all rows, dense rows in full, sparse rows their stored entries.
    var values = GrowableBuffer<T>()
    /// Column indices of the sparse rows' entries, in row order.
    var keys = GrowableBuffer<UInt32>()
    /// End of each row in `values`.
    var rowEnds = GrowableBuffer<Int>()
    /// Columns of each row: the value count of a dense row; `shape` (or largest key + 1) of a
    /// sparse one.
    var widths = GrowableBuffer<Int>()
    /// 1 for a sparse row.
    var sparse = GrowableBuffer<UInt8>()
    /// Byte offset of each record's header in its file.
    var offsets = GrowableBuffer<Int>()
    var labeledRows = 0
    var sparseRows = 0
    var failure: RecordFailure?

    var rows: Int { labels.count }

    /// Empties the buffers, keeping their memory (a scratch output reused record after record).
    mutating func removeAll() {
        labels.truncate(to: 0)
        values.truncate(to: 0)
        keys.truncate(to: 0)
        rowEnds.truncate(to: 0)
        widths.truncate(to: 0)
        sparse.truncate(to: 0)
        offsets.truncate(to: 0)
        labeledRows = 0
        sparseRows = 0
        failure = nil
    }

    mutating func deallocate() {
        labels.deallocate()
        values.deallocate()
        keys.deallocate()
        rowEnds.deallocate()
        widths.deallocate()
        sparse.deallocate()
        offsets.deallocate()
    }
}

/// Why a record could not be stored.
struct RecordFailure: Sendable, Error {
    /// Byte offset of the record's header in its file, and its index in the file.
    var recordOffset: Int
    var message: String
}
