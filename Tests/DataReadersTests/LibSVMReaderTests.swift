import Foundation
import MLCore
import Testing
@testable import DataReaders

func parseLibSVM<S: BinaryFloatingPoint & Sendable>(
    _ text: String, as type: S.Type = Double.self, options: LibSVMOptions = LibSVMOptions(threads: 1),
    name: String = "train/a.libsvm", chunkBytes: ClosedRange<Int>? = nil
) throws -> LibSVMData<S> {
    try Array(text.utf8).withUnsafeBytes { raw in
        try LibSVMReader.parse(bytes: raw, as: type, options: options, fileName: name, chunkBytes: chunkBytes)
    }
}

// contract §5.2 (libsvm: label[:weight] index:value, zero-based indices) and §4.5 (no index shift).
@Suite("libsvm: format, fixtures, parallel parse")
struct LibSVMReaderTests {
    @Test(arguments: ["sklearn.libsvm", "sklearn_qid.libsvm"])
    func readsScikitLearnFilesExactly(name: String) throws {
        let expected = try ReaderFixtures.expected(name)
        let folder = ReaderFixtures.folder
        let data = try LibSVMReader.read(files: [ChannelFile(url: folder.appendingPathComponent(name), relativePath: name)],
                                         as: Double.self, options: LibSVMOptions(threads: 2), source: "train")
        let m = data.dataset.features
        #expect(m.rows == expected.rowOffsets.count - 1)
        // dump_svmlight_file writes no entry for trailing all-zero columns; the width is inferred.
        #expect(m.columns == Int(expected.columnIndices.max()!) + 1)
        #expect(m.rowOffsets == expected.rowOffsets)
        #expect(m.columnIndices == expected.columnIndices)
        #expect(m.values == expected.values)
        #expect(data.dataset.labels == expected.labels)
        #expect(data.dataset.weights == nil)
        #expect(data.queryIDs == expected.queryIDs)
    }

    @Test func labelsWeightsQidsCommentsAndBlankLines() throws {
        let text = "# header comment\n1:0.5 qid:7 0:1.5 3:-2 # trailing\n\n  \t\r\n0:2\tqid:7\t2:1e3\r\n-1.5:0 qid:9\n"
        let data = try parseLibSVM(text)
        let m = data.dataset.features
        #expect(data.dataset.labels == [1, 0, -1.5])
        #expect(data.dataset.weights == [0.5, 2, 0])
        #expect(data.queryIDs == [7, 7, 9])
        #expect(m.columns == 4)
        #expect(m.rowOffsets == [0, 2, 3, 3])
        #expect(m.columnIndices == [0, 3, 2])
        #expect(m.values == [1.5, -2, 1000])
    }

    @Test func unsortedIndicesAreSorted() throws {
        let data = try parseLibSVM("1 5:5 1:1 3:3\n0 2:2 0:0.5\n")
        #expect(data.dataset.features.columnIndices == [1, 3, 5, 0, 2])
        #expect(data.dataset.features.values == [1, 3, 5, 0.5, 2])
    }

    @Test func expectedFeatureCountSetsTheWidth() throws {
        let data = try parseLibSVM("1 0:1\n0 2:1\n", options: LibSVMOptions(expectedFeatureCount: 10, threads: 1))
        #expect(data.dataset.features.columns == 10)
        #expect(data.dataset.features.densified(absent: .nan)[0, 1].isNaN)
    }

    @Test func float32ValuesRoundOnceFromTheDecimal() throws {
        // 0.1 + ulp-adjacent decimals that round differently through Double.
        let tokens = ["0.1", "1.00000005960464477539062499", "3.4028234e38", "1e-45", "-7.006492e-46", "16777217"]
        let text = "1 " + tokens.enumerated().map { "\($0.offset):\($0.element)" }.joined(separator: " ") + "\n"
        let data = try parseLibSVM(text, as: Float.self)
        #expect(data.dataset.features.values == tokens.map { Float($0)! })
    }

    @Test(arguments: [1, 2])
    func manyChunksGiveTheSameMatrix(threads: Int) throws {
        var rng = SeededGenerator(seed: 42)
        var text = ""
        for row in 0..<3_000 {
            text += "\(row % 3):\(Double(row % 5) / 4) "
            var column = 0
            while true {
                column += Int(rng.next() % 20) + 1
                if column >= 200 { break }
                text += "\(column):\(String(format: "%.6g", rng.nextGaussian())) "
            }
            text += row % 7 == 0 ? "# note\n" : "\n"
        }
        let one = try parseLibSVM(text, options: LibSVMOptions(threads: 1))
        let many = try parseLibSVM(text, options: LibSVMOptions(threads: threads), chunkBytes: 1000...2000)
        #expect(one.dataset.features == many.dataset.features)
        #expect(one.dataset.labels == many.dataset.labels)
        #expect(one.dataset.weights == many.dataset.weights)
        #expect(many.dataset.count == 3_000)
    }

    @Test func channelOfFilesWithGzipKeepsFileOrderAndLineNumbers() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.write("a.libsvm", "1 0:1\n0 1:2\n")
        try folder.write("b/c.libsvm.gz", gzipped(Data("1 2:3\n\n0 0:4 x\n".utf8)))
        let files = try ChannelDirectory.files(in: folder.url, channel: "train")
        #expect(errorMessage {
            _ = try LibSVMReader.read(files: files, as: Float.self, options: LibSVMOptions(threads: 2), source: "train")
        } == "train/b/c.libsvm.gz line 3: 'x' is not an index:value pair. A libsvm line reads "
            + "'label[:weight] [qid:id] index:value ...' with zero-based indices. Line 3 reads '0 0:4 x'.")
        try folder.write("b/c.libsvm.gz", gzipped(Data("1 2:3\n".utf8)))
        let data = try LibSVMReader.read(files: files, as: Float.self, options: LibSVMOptions(), source: "train")
        #expect(data.dataset.labels == [1, 0, 1])
        #expect(data.dataset.features.columnIndices == [0, 1, 2])
    }

    static let errorCases: [(String, String)] = [
        ("1 0:1\nabc 1:2\n",
         "train/a.libsvm line 2: the label 'abc' is not a finite number. A libsvm line reads "
            + "'label[:weight] [qid:id] index:value ...' with zero-based indices. Line 2 reads 'abc 1:2'."),
        ("1:x 0:1\n",
         "train/a.libsvm line 1: the weight in '1:x' is not a finite number. Write 'label:weight' with a finite, "
            + "non-negative weight. Line 1 reads '1:x 0:1'."),
        ("1:-2 0:1\n",
         "train/a.libsvm line 1: the weight in '1:-2' is negative. Instance weights must be finite and non-negative. "
            + "Line 1 reads '1:-2 0:1'."),
        ("1 qid:x 0:1\n",
         "train/a.libsvm line 1: 'qid:x' is not a query id. Write 'qid:' and a non-negative integer right after "
            + "the label. Line 1 reads '1 qid:x 0:1'."),
        ("1 -3:1\n",
         "train/a.libsvm line 1: the feature index '-3' in '-3:1' is not a non-negative integer. A libsvm line "
            + "reads 'label[:weight] [qid:id] index:value ...' with zero-based indices. Line 1 reads '1 -3:1'."),
        ("1 0:1 2:abc\n",
         "train/a.libsvm line 1: the value 'abc' of '2:abc' is not a finite Float64 number (leave an entry out "
            + "for a missing value). Line 1 reads '1 0:1 2:abc'."),
        ("1 0:1 2:inf\n",
         "train/a.libsvm line 1: the value 'inf' of '2:inf' is not a finite Float64 number (leave an entry out "
            + "for a missing value). Line 1 reads '1 0:1 2:inf'."),
        ("1 0:1 4:2 0:3\n",
         "train/a.libsvm line 1: feature index 0 appears twice on the line. Each index may appear once. "
            + "Line 1 reads '1 0:1 4:2 0:3'."),
        ("1 0:1 99999999999:2\n",
         "train/a.libsvm line 1: feature index '99999999999' in '99999999999:2' is too large (at most 4294967294). "
            + "Line 1 reads '1 0:1 99999999999:2'."),
        ("1:2 0:1\n0 1:1\n",
         "train/a.libsvm line 2: the line has no weight, but the channel's first row has one ('label:weight'). "
            + "Give every row a weight or none. Line 2 reads '0 1:1'."),
        ("1 0:1\n0:3 1:1\n",
         "train/a.libsvm line 2: the line has a weight, but the channel's first row has none. Give every row a "
            + "weight or none. Line 2 reads '0:3 1:1'."),
        ("1 qid:1 0:1\n0 1:1\n",
         "train/a.libsvm line 2: the line has no qid, but the channel's first row has one. Give every row a qid "
            + "or none. Line 2 reads '0 1:1'."),
        ("1,2,3\n0,4,5\n",
         "train/a.libsvm line 1: the data is not libsvm: the file looks like CSV (text/csv). Set the channel's "
            + "ContentType to match the data (libsvm is the default when none is given). A libsvm line reads "
            + "'label[:weight] [qid:id] index:value ...' with zero-based indices. Line 1 reads '1,2,3'."),
        ("\n# only comments\n", "No data in train/a.libsvm: the input holds no rows."),
    ]

    @Test(arguments: errorCases)
    func errorsNameFileLineAndToken(text: String, message: String) {
        #expect(errorMessage { _ = try parseLibSVM(text) } == message)
        #expect(errorKind { _ = try parseLibSVM(text) } == .user)
    }

    @Test func indexBeyondTheExpectedFeatureCount() {
        #expect(errorMessage {
            _ = try parseLibSVM("1 0:1 10:2\n", options: LibSVMOptions(expectedFeatureCount: 10, threads: 1))
        } == "train/a.libsvm line 1: feature index 10 in '10:2' is beyond the 10 features expected (zero-based "
            + "indices 0...9). Line 1 reads '1 0:1 10:2'.")
    }

    @Test func recordIOBytesInALibSVMChannel() throws {
        let bytes = try ReaderFixtures.bytes("dense_f32_labeled.rec")
        let message = errorMessage {
            _ = try bytes.withUnsafeBytes {
                try LibSVMReader.parse(bytes: $0, as: Float.self, options: LibSVMOptions(threads: 1), fileName: "train/part-0")
            }
        }
        #expect(message == "train/part-0: the data is not libsvm: the file looks like RecordIO-protobuf "
            + "(application/x-recordio-protobuf). Set the channel's ContentType to match the data (libsvm is the "
            + "default when none is given).")
    }
}
