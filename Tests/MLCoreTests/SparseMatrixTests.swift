import MLCore
import Testing

@Suite("SparseMatrix: CSR layout, densify, append, select")
struct SparseMatrixTests {
    /// [[0, 2, 0], [NaN, 0, 0], [0, 0, 0], [1, 0, 3]]
    let dense = DenseMatrix<Double>([[0, 2, 0], [.nan, 0, 0], [0, 0, 0], [1, 0, 3]])

    @Test func fromDenseKeepsNonzerosAndNaN() {
        let m = SparseMatrix(dense)
        #expect(m.rows == 4 && m.columns == 3)
        #expect(m.rowOffsets == [0, 1, 2, 2, 4])
        #expect(m.columnIndices == [1, 0, 0, 2])
        #expect(m.values[0] == 2 && m.values[1].isNaN && m.values[2] == 1 && m.values[3] == 3)
        #expect(m.storedCount == 4)
        #expect(m.density == 4.0 / 12.0)
    }

    @Test func subscriptFindsStoredEntriesOnly() {
        let m = SparseMatrix(dense)
        #expect(m[0, 1] == 2)
        #expect(m[0, 0] == nil)
        #expect(m[3, 2] == 3)
        #expect(m[2, 1] == nil)
    }

    @Test func densifyWithZeroOrNaN() {
        let m = SparseMatrix(dense)
        let zeros = m.densified(absent: 0)
        #expect(zeros[0, 1] == 2 && zeros[0, 0] == 0 && zeros[1, 0].isNaN && zeros[3, 2] == 3)
        let missing = m.densified(absent: .nan)
        #expect(missing[0, 0].isNaN && missing[0, 1] == 2 && missing[2, 2].isNaN)
    }

    @Test func appendRowsAndSelect() {
        var m = SparseMatrix<Float>(columns: 5)
        m.appendRow(columns: [0, 4], values: [1, 2])
        m.appendRow(columns: [UInt32](), values: [Float]())
        m.appendRow(columns: [2], values: [7])
        #expect(m.rowOffsets == [0, 2, 2, 3])
        let picked = m.selecting(rows: [2, 0])
        #expect(picked.rowOffsets == [0, 1, 3])
        #expect(picked.columnIndices == [2, 0, 4])
        #expect(picked.values == [7, 1, 2])
        var joined = m
        joined.append(rowsOf: SparseMatrix<Float>(columns: 8).widened(to: 9))
        #expect(joined.columns == 9 && joined.rows == 3)
        joined.append(rowsOf: picked)
        #expect(joined.rows == 5 && joined.rowOffsets == [0, 2, 2, 3, 4, 6])
        #expect(m.row(0).columns.elementsEqual([0, 4]))
        #expect(m.converted(to: Double.self).values == [1, 2, 7])
    }

    @Test func checkedInitialiserAcceptsCanonicalArrays() {
        let m = SparseMatrix<Double>(rows: 2, columns: 3, rowOffsets: [0, 2, 3], columnIndices: [0, 2, 1], values: [1, 2, 3])
        #expect(m.densified(absent: 0) == DenseMatrix([[1, 0, 2], [0, 3, 0]]))
    }

    @Test func sparseDatasetDensifies() {
        let data = SparseLabeledDataset(features: SparseMatrix(dense), labels: [1, 0, 1, 0], weights: [1, 2, 3, 4], source: "t")
        let denseData = data.densified(absent: 0)
        #expect(denseData.features.rows == 4 && denseData.weights == [1, 2, 3, 4] && data.weight(1) == 2)
        #expect(data.featureCount == 3 && data.count == 4)
    }
}
