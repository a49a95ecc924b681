import Testing
import MLCore

@Suite struct DenseMatrixTests {
    @Test func rowMajorLayout() {
        let m = DenseMatrix<Double>([[1, 2, 3], [4, 5, 6]])
        #expect(m.rows == 2 && m.columns == 3)
        #expect(m.storage == [1, 2, 3, 4, 5, 6])
        #expect(m[1, 0] == 4)
        #expect(Array(m.row(1)) == [4, 5, 6])
    }

    @Test func selectAppendConvert() {
        var m = DenseMatrix<Double>([[1, 2], [3, 4], [5, 6]])
        #expect(m.selecting(rows: [2, 0]).storage == [5, 6, 1, 2])
        m.append(rowsOf: DenseMatrix([[7, 8]]))
        #expect(m.rows == 4 && m[3, 1] == 8)
        #expect(m.converted(to: Float.self).storage == [1, 2, 3, 4, 5, 6, 7, 8])
    }

    @Test func seededGeneratorIsRepeatable() {
        var a = SeededGenerator(seed: 42), b = SeededGenerator(seed: 42)
        let xs = (0..<5).map { _ in a.next() }
        #expect(xs == (0..<5).map { _ in b.next() })
        var g = SeededGenerator(seed: 7)
        let samples = (0..<20_000).map { _ in g.nextGaussian() }
        let mean = samples.reduce(0, +) / Double(samples.count)
        let variance = samples.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(samples.count)
        #expect(abs(mean) < 0.03)
        #expect(abs(variance - 1) < 0.05)
    }
}
