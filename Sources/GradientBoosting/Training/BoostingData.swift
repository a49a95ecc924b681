import MLCore

/// A training or evaluation set for gradient boosting: features (dense with NaN = missing, or
/// CSR with absent entries missing), one label per row and optional non-negative row weights.
///
/// Sparse sets (libsvm, sparse RecordIO-protobuf) stay sparse through training: the trainer
/// computes the bin cuts straight from the CSR entries and walks sparse evaluation sets row by
/// row, so no `rows × features` Float matrix is ever built. A sparse training set below
/// `SparseBinnedMatrix.densityThreshold` (1/4 of its rows × features stored) keeps the bins of its
/// stored entries only and its histograms visit only those; a denser one gets the one-byte bin
/// codes of every (row, feature), as a dense set. Either way it trains to the model its
/// densified-with-NaN copy trains to (the same splits; sums may round differently).
public struct BoostingData: Sendable {
    /// The feature matrix of a set.
    public enum Features: Sendable {
        /// Row-major values; NaN is a missing value.
        case dense(DenseMatrix<Float>)
        /// CSR entries; an absent entry is a missing value (as XGBoost reads libsvm), and so is a
        /// stored NaN.
        case sparse(SparseMatrix<Float>)

        public var rows: Int {
            switch self {
            case .dense(let m): return m.rows
            case .sparse(let m): return m.rows
            }
        }

        public var columns: Int {
            switch self {
            case .dense(let m): return m.columns
            case .sparse(let m): return m.columns
            }
        }

        /// Whether both hold the same storage (an evaluation set that is the training set itself).
        func sharesStorage(with other: Features) -> Bool {
            guard rows == other.rows && columns == other.columns else { return false }
            switch (self, other) {
            case (.dense(let a), .dense(let b)):
                return a.storage.withUnsafeBufferPointer { x in b.storage.withUnsafeBufferPointer { y in x.baseAddress == y.baseAddress } }
            case (.sparse(let a), .sparse(let b)):
                return a.values.withUnsafeBufferPointer { x in b.values.withUnsafeBufferPointer { y in x.baseAddress == y.baseAddress } }
                    && a.rowOffsets.withUnsafeBufferPointer { x in b.rowOffsets.withUnsafeBufferPointer { y in x.baseAddress == y.baseAddress } }
            default:
                return false
            }
        }
    }

    /// The features, dense or sparse.
    public var matrix: Features
    public var labels: [Float]
    public var weights: [Float]?

    /// A dense set (NaN = missing).
    public init(features: DenseMatrix<Float>, labels: [Float], weights: [Float]? = nil) {
        self.matrix = .dense(features)
        self.labels = labels
        self.weights = weights
    }

    /// A sparse set: absent entries (and stored NaNs) are missing values.
    public init(sparse features: SparseMatrix<Float>, labels: [Float], weights: [Float]? = nil) {
        self.matrix = .sparse(features)
        self.labels = labels
        self.weights = weights
    }

    /// The dense feature matrix of a dense set (replacing it makes the set dense).
    ///
    /// For dense callers only: reading it from a sparse set is a programming error and traps,
    /// because a silent densification would cost `rows × features × 4` bytes; switch over
    /// `matrix` instead.
    public var features: DenseMatrix<Float> {
        get {
            guard case .dense(let m) = matrix else {
                preconditionFailure("BoostingData.features is the dense matrix of a dense set; this set is sparse (read `matrix`)")
            }
            return m
        }
        set { matrix = .dense(newValue) }
    }

    /// Whether the features are held in CSR form.
    public var isSparse: Bool {
        if case .sparse = matrix { return true }
        return false
    }

    /// Rows in the set.
    public var rowCount: Int { matrix.rows }

    /// Feature columns of the set.
    public var featureCount: Int { matrix.columns }

    /// Whether training on this set keeps only its stored entries' bins (`SparseBinnedMatrix`):
    /// a sparse set with fewer stored entries than `SparseBinnedMatrix.densityThreshold` of its
    /// rows × features.
    public var usesSparseBins: Bool {
        if case .sparse(let m) = matrix { return SparseBinnedMatrix.suits(m) }
        return false
    }

    /// Bytes of the bin matrix training on this set builds. For a set that `usesSparseBins`: 2 or
    /// 4 bytes per stored entry (4 when the features' bins may exceed 65 536 in all) and 8 per
    /// row. Otherwise one byte per row and feature, each row padded to a multiple of 8 bytes; this,
    /// not the Float features, then bounds the rows × features a machine can train on (the tree
    /// grower keeps two more buffers of the same size for its row partitions).
    public var binMatrixByteCount: Int {
        if case .sparse(let m) = matrix, SparseBinnedMatrix.suits(m) { return SparseBinnedMatrix.byteCount(of: m) }
        return BinnedMatrix.byteCount(rows: rowCount, columns: featureCount)
    }

    /// Checks the shapes and the label and weight values against the objective.
    ///
    /// - Parameter name: the set's name in messages (`train`, `validation`).
    /// - Throws: `OptmlError.user` naming the set, the first bad row and what would be right.
    func validate(name: String, objective: Objective, featureCount: Int) throws {
        let rows = matrix.rows, columns = matrix.columns
        guard labels.count == rows else {
            throw OptmlError.user("The \(name) data has \(rows) rows but \(labels.count) labels; every row needs one label.")
        }
        guard columns == featureCount else {
            throw OptmlError.user("The \(name) data has \(columns) features but the training data has \(featureCount); every set needs the same columns.")
        }
        if let weights {
            guard weights.count == rows else {
                throw OptmlError.user("The \(name) data has \(rows) rows but \(weights.count) weights; give one weight per row.")
            }
            if let i = weights.firstIndex(where: { !($0 >= 0) || !$0.isFinite }) {
                throw OptmlError.user("The \(name) data has weight \(weights[i]) in row \(i + 1); weights must be finite and non-negative.")
            }
        }
        if let i = labels.firstIndex(where: { !$0.isFinite }) {
            throw OptmlError.user("The \(name) data has label \(labels[i]) in row \(i + 1); labels must be finite numbers.")
        }
        try ObjectiveFunctions.checkLabels(labels, objective: objective, dataName: name)
    }
}
