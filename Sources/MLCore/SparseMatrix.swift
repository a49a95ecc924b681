/// A sparse matrix in compressed sparse row (CSR) form: `rows × columns`, with only the stored
/// entries kept.
///
/// Row `i` holds the entries `rowOffsets[i] ..< rowOffsets[i + 1]` of `columnIndices` and
/// `values`: column `columnIndices[k]` has value `values[k]`. `rowOffsets` has `rows + 1`
/// elements, starts at 0 and never decreases; column indices are below `columns` and strictly
/// increasing within a row (the layout scipy calls canonical, and what `mkl_sparse`/cuSPARSE
/// kernels expect). Offsets are `Int` because a channel can hold more than 2³² entries; column
/// indices are `UInt32` (as XGBoost's `bst_feature_t`), half the memory of `Int`.
///
/// What an absent entry means is the reader's and the learner's business, not the matrix's:
/// libsvm input treats it as missing (XGBoost), RecordIO-protobuf sparse tensors as zero
/// (Linear Learner). `densified(absent:)` makes the choice explicit.
public struct SparseMatrix<Scalar: BinaryFloatingPoint & Sendable>: Sendable, Equatable {
    public private(set) var rows: Int
    public private(set) var columns: Int
    /// `rows + 1` offsets into `columnIndices` and `values`.
    public private(set) var rowOffsets: [Int]
    public private(set) var columnIndices: [UInt32]
    public private(set) var values: [Scalar]

    /// An empty matrix with `columns` columns and no rows.
    public init(columns: Int) {
        precondition(columns >= 0 && columns <= Int(UInt32.max) + 1, "column count \(columns) out of range")
        self.rows = 0
        self.columns = columns
        self.rowOffsets = [0]
        self.columnIndices = []
        self.values = []
    }

    /// Wraps existing CSR arrays after checking every invariant (O(entries)).
    ///
    /// Precondition failures name the first broken invariant: a caller that builds CSR arrays by
    /// hand has a bug if they are inconsistent, and readers check user data before building.
    public init(rows: Int, columns: Int, rowOffsets: [Int], columnIndices: [UInt32], values: [Scalar]) {
        precondition(rows >= 0 && columns >= 0, "matrix dimensions must be non-negative")
        precondition(rowOffsets.count == rows + 1, "\(rowOffsets.count) row offsets for \(rows) rows, expected \(rows + 1)")
        precondition(rowOffsets[0] == 0, "the first row offset is \(rowOffsets[0]), expected 0")
        precondition(columnIndices.count == values.count, "\(columnIndices.count) column indices for \(values.count) values")
        precondition(rowOffsets[rows] == values.count, "the last row offset is \(rowOffsets[rows]) for \(values.count) entries")
        for i in 0..<rows {
            let start = rowOffsets[i], end = rowOffsets[i + 1]
            precondition(start <= end, "row offsets decrease at row \(i)")
            var previous: Int = -1
            for k in start..<end {
                let column = Int(columnIndices[k])
                precondition(column < columns, "row \(i) has column \(column), beyond the \(columns) columns")
                precondition(column > previous, "row \(i) has columns out of order or repeated at entry \(k)")
                previous = column
            }
        }
        self.init(unchecked: rows, columns: columns, rowOffsets: rowOffsets, columnIndices: columnIndices, values: values)
    }

    /// Wraps CSR arrays the caller has already checked (readers that validated every entry).
    public init(unchecked rows: Int, columns: Int, rowOffsets: [Int], columnIndices: [UInt32], values: [Scalar]) {
        self.rows = rows
        self.columns = columns
        self.rowOffsets = rowOffsets
        self.columnIndices = columnIndices
        self.values = values
    }

    /// The CSR form of a dense matrix, keeping the entries for which `isStored` is true (by default
    /// every nonzero, NaN included).
    public init(_ dense: DenseMatrix<Scalar>, storing isStored: (Scalar) -> Bool = { $0 != 0 }) {
        var offsets = [0]
        offsets.reserveCapacity(dense.rows + 1)
        var indices: [UInt32] = []
        var stored: [Scalar] = []
        for i in 0..<dense.rows {
            for j in 0..<dense.columns {
                let v = dense[i, j]
                if isStored(v) {
                    indices.append(UInt32(j))
                    stored.append(v)
                }
            }
            offsets.append(stored.count)
        }
        self.init(unchecked: dense.rows, columns: dense.columns, rowOffsets: offsets, columnIndices: indices, values: stored)
    }

    /// The number of stored entries.
    public var storedCount: Int { values.count }

    /// Stored entries over `rows × columns` (0 for an empty matrix).
    public var density: Double {
        rows == 0 || columns == 0 ? 0 : Double(storedCount) / (Double(rows) * Double(columns))
    }

    /// The entries of row `i`: its column indices and values.
    public func row(_ i: Int) -> (columns: ArraySlice<UInt32>, values: ArraySlice<Scalar>) {
        let range = rowOffsets[i] ..< rowOffsets[i + 1]
        return (columnIndices[range], values[range])
    }

    /// The stored value at `(row, column)`, or `nil` when the entry is absent. O(log row length).
    public subscript(row: Int, column: Int) -> Scalar? {
        var low = rowOffsets[row], high = rowOffsets[row + 1]
        let target = UInt32(column)
        while low < high {
            let mid = (low + high) / 2
            if columnIndices[mid] < target { low = mid + 1 } else { high = mid }
        }
        return low < rowOffsets[row + 1] && columnIndices[low] == target ? values[low] : nil
    }

    /// A dense copy in which absent entries hold `absent`: NaN (missing, as XGBoost reads libsvm)
    /// or 0 (as Linear Learner reads sparse tensors). O(rows × columns) memory.
    public func densified(absent: Scalar) -> DenseMatrix<Scalar> {
        var storage = [Scalar](repeating: absent, count: rows * columns)
        storage.withUnsafeMutableBufferPointer { out in
            columnIndices.withUnsafeBufferPointer { indices in
                values.withUnsafeBufferPointer { stored in
                    for i in 0..<rows {
                        let row = out.baseAddress! + i * columns
                        for k in rowOffsets[i] ..< rowOffsets[i + 1] { row[Int(indices[k])] = stored[k] }
                    }
                }
            }
        }
        return DenseMatrix(rows: rows, columns: columns, storage: storage)
    }

    /// Multiplies every stored entry of column `j` by `factors[j]` (absent entries stay absent, as
    /// zeros stay zero under scaling).
    public mutating func scaleColumns(by factors: [Scalar]) {
        precondition(factors.count == columns, "\(factors.count) factors for \(columns) columns")
        let indices = columnIndices
        factors.withUnsafeBufferPointer { f in
            indices.withUnsafeBufferPointer { c in
                values.withUnsafeMutableBufferPointer { v in
                    for k in 0..<v.count { v[k] *= f[Int(c[k])] }
                }
            }
        }
    }

    /// Calls `body` with the CSR arrays' base addresses (row offsets, column indices, values); the
    /// pointers are valid only inside `body`. Index and value pointers of an empty matrix point to
    /// no element and must not be read.
    public func withUnsafeCSR<R, E: Error>(
        _ body: (UnsafePointer<Int>, UnsafePointer<UInt32>, UnsafePointer<Scalar>) throws(E) -> R
    ) throws(E) -> R {
        try rowOffsets.withUnsafeBufferPointer { (o: UnsafeBufferPointer<Int>) throws(E) -> R in
            try columnIndices.withUnsafeBufferPointer { (c: UnsafeBufferPointer<UInt32>) throws(E) -> R in
                try values.withUnsafeBufferPointer { (v: UnsafeBufferPointer<Scalar>) throws(E) -> R in
                    let empty = UnsafeMutablePointer<UInt32>.allocate(capacity: 1)
                    let emptyValue = UnsafeMutablePointer<Scalar>.allocate(capacity: 1)
                    defer { empty.deallocate(); emptyValue.deallocate() }
                    return try body(o.baseAddress!, c.baseAddress ?? UnsafePointer(empty), v.baseAddress ?? UnsafePointer(emptyValue))
                }
            }
        }
    }

    /// Appends one row given by strictly increasing column indices below `columns` and values.
    public mutating func appendRow(columns rowColumns: some Collection<UInt32>, values rowValues: some Collection<Scalar>) {
        precondition(rowColumns.count == rowValues.count, "\(rowColumns.count) column indices for \(rowValues.count) values")
        var previous: Int = -1
        for c in rowColumns {
            precondition(Int(c) < columns && Int(c) > previous, "row columns must increase and stay below \(columns)")
            previous = Int(c)
        }
        columnIndices.append(contentsOf: rowColumns)
        values.append(contentsOf: rowValues)
        rowOffsets.append(values.count)
        rows += 1
    }

    /// Appends the rows of `other`; the column count becomes the larger of the two.
    public mutating func append(rowsOf other: SparseMatrix<Scalar>) {
        let shift = values.count
        columnIndices.append(contentsOf: other.columnIndices)
        values.append(contentsOf: other.values)
        rowOffsets.append(contentsOf: other.rowOffsets.dropFirst().map { $0 + shift })
        rows += other.rows
        columns = max(columns, other.columns)
    }

    /// The same matrix with `columns` columns, which must not be fewer than any stored column
    /// needs (a reader widens a matrix to the feature count a model or another channel declares).
    public func widened(to newColumns: Int) -> SparseMatrix<Scalar> {
        precondition(newColumns >= columns, "cannot narrow a \(columns)-column matrix to \(newColumns) columns")
        var copy = self
        copy.columns = newColumns
        return copy
    }

    /// The rows whose indices are listed, in that order.
    public func selecting(rows indices: [Int]) -> SparseMatrix<Scalar> {
        var offsets = [0]
        offsets.reserveCapacity(indices.count + 1)
        var outColumns: [UInt32] = []
        var outValues: [Scalar] = []
        for i in indices {
            let range = rowOffsets[i] ..< rowOffsets[i + 1]
            outColumns.append(contentsOf: columnIndices[range])
            outValues.append(contentsOf: values[range])
            offsets.append(outValues.count)
        }
        return SparseMatrix(unchecked: indices.count, columns: columns, rowOffsets: offsets,
                            columnIndices: outColumns, values: outValues)
    }

    /// The same entries converted to another scalar type.
    public func converted<Other: BinaryFloatingPoint & Sendable>(to _: Other.Type) -> SparseMatrix<Other> {
        SparseMatrix<Other>(unchecked: rows, columns: columns, rowOffsets: rowOffsets,
                            columnIndices: columnIndices, values: values.map { Other($0) })
    }
}
