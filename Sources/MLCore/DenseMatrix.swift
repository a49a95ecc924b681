/// A dense row-major matrix of `rows × columns` scalars stored contiguously.
///
/// Row `i` occupies `storage[i * columns ..< (i + 1) * columns]`, which is the layout BLAS calls
/// `CblasRowMajor` with leading dimension `columns`. Missing values are stored as NaN.
public struct DenseMatrix<Scalar: BinaryFloatingPoint & Sendable>: Sendable, Equatable {
    public private(set) var rows: Int
    public let columns: Int
    public var storage: [Scalar]

    /// A matrix filled with `value`.
    public init(rows: Int, columns: Int, repeating value: Scalar = 0) {
        precondition(rows >= 0 && columns >= 0, "matrix dimensions must be non-negative")
        self.rows = rows
        self.columns = columns
        self.storage = [Scalar](repeating: value, count: rows * columns)
    }

    /// Wraps existing row-major storage; `storage.count` must equal `rows * columns`.
    public init(rows: Int, columns: Int, storage: [Scalar]) {
        precondition(storage.count == rows * columns, "storage holds \(storage.count) values, expected \(rows * columns)")
        self.rows = rows
        self.columns = columns
        self.storage = storage
    }

    /// Builds a matrix from an array of equally long rows.
    public init(_ rowsArray: [[Scalar]]) {
        let columns = rowsArray.first?.count ?? 0
        var storage: [Scalar] = []
        storage.reserveCapacity(rowsArray.count * columns)
        for row in rowsArray {
            precondition(row.count == columns, "all rows must have \(columns) values")
            storage.append(contentsOf: row)
        }
        self.init(rows: rowsArray.count, columns: columns, storage: storage)
    }

    /// Inlinable so callers in other modules get a specialised, metadata-free access per element.
    @inlinable
    public subscript(row: Int, column: Int) -> Scalar {
        get { storage[row * columns + column] }
        set { storage[row * columns + column] = newValue }
    }

    /// A copy of row `i`.
    @inlinable
    public func row(_ i: Int) -> ArraySlice<Scalar> {
        storage[i * columns ..< (i + 1) * columns]
    }

    /// Appends the rows of `other`, which must have the same column count.
    public mutating func append(rowsOf other: DenseMatrix<Scalar>) {
        precondition(other.columns == columns, "cannot append a \(other.columns)-column matrix to a \(columns)-column one")
        storage.append(contentsOf: other.storage)
        rows += other.rows
    }

    /// The rows whose indices are listed, in that order.
    public func selecting(rows indices: [Int]) -> DenseMatrix<Scalar> {
        var out: [Scalar] = []
        out.reserveCapacity(indices.count * columns)
        for i in indices { out.append(contentsOf: row(i)) }
        return DenseMatrix(rows: indices.count, columns: columns, storage: out)
    }

    /// The same values converted to another scalar type.
    public func converted<Other: BinaryFloatingPoint & Sendable>(to _: Other.Type) -> DenseMatrix<Other> {
        DenseMatrix<Other>(rows: rows, columns: columns, storage: storage.map { Other($0) })
    }
}
