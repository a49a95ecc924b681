import Foundation
import MLCore
import Testing
@testable import DataReaders

/// `CSVBlockReader` (issue on data channels: channels larger than memory): blocks of a channel
/// read with a bounded buffer hold exactly the rows `CSVReader` reads, and errors name the same
/// file and line.
@Suite("CSV: channels in blocks")
struct CSVBlockReaderTests {
    /// Every block concatenated, with each block's first row checked against the running count.
    static func readAll(_ reader: CSVBlockReader) throws -> (LabeledDataset<Double>, blocks: Int) {
        var labels: [Double] = [], features: [Double] = []
        var width = 0, blocks = 0
        try reader.forEachBlock { first, block in
            #expect(first == labels.count)
            labels += block.labels
            features += block.features.storage
            width = block.featureCount
            blocks += 1
        }
        return (LabeledDataset(features: DenseMatrix(rows: labels.count, columns: width, storage: features), labels: labels,
                               source: reader.source), blocks)
    }

    @Test(arguments: [1, 2])
    func blocksEqualTheWholeChannel(threads: Int) throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        var files: [ChannelFile] = []
        for f in 0..<4 {
            var (text, _) = CSVParallelTests.generate(rows: 2_000, features: 4, seed: UInt64(f))
            if f == 1 { text = "\u{FEFF}" + text }
            if f == 2 { text = "\n  \n" + text + "\n\n" }
            let name = "part-\(f).csv"
            let bytes = Data(text.utf8)
            // File 3 is two concatenated gzip members.
            let half = bytes.count / 2
            let cut = bytes[..<half].lastIndex(of: UInt8(ascii: "\n"))! + 1
            try folder.write(name, f == 3 ? gzipped(bytes[..<cut]) + gzipped(bytes[cut...]) : f == 0 ? gzipped(bytes) : bytes)
            files.append(folder.file(name))
        }
        let whole = try CSVReader.read(files: files, as: Double.self, options: CSVOptions(threads: threads), source: "train")
        let reader = CSVBlockReader(files: files, source: "train", options: CSVOptions(threads: threads), blockBytes: 5_000)
        let (streamed, blocks) = try Self.readAll(reader)
        #expect(blocks > 20)
        #expect(streamed.labels == whole.labels)
        #expect(sameBits(streamed.features.storage, whole.features.storage))
        // A second pass reads the same rows again.
        let (again, _) = try Self.readAll(reader)
        #expect(again.labels == whole.labels)
    }

    /// A line longer than the buffer grows it.
    @Test func lineLongerThanTheBlock() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let row = "1," + (0..<3_000).map { String($0 % 7) }.joined(separator: ",")
        try folder.write("wide.csv", Data((row + "\n" + row + "\n").utf8))
        let reader = CSVBlockReader(files: [folder.file("wide.csv")], source: "train", options: CSVOptions(threads: 1), blockBytes: 4096)
        let (data, _) = try Self.readAll(reader)
        #expect(data.count == 2 && data.featureCount == 3_000)
    }

    /// A bad value deep in a later block is reported as `CSVReader` reports it: file, line in the
    /// whole file, column.
    @Test func errorsNameFileAndLineInTheWholeFile() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        var (text, _) = CSVParallelTests.generate(rows: 3_000, features: 3, seed: 5)
        var lines = CSVParallelTests.lines(text)
        lines[2_500] = "1,2,abc,4"
        text = lines.joined(separator: "\n")
        try folder.write("a.csv", Data("1,2,3,4\n".utf8))
        try folder.write("b.csv", Data(text.utf8))
        let files = [folder.file("a.csv"), folder.file("b.csv")]
        let expected = #expect(throws: OptmlError.self) {
            try CSVReader.read(files: files, as: Double.self, options: CSVOptions(threads: 2), source: "train")
        }
        let streamed = #expect(throws: OptmlError.self) {
            try CSVBlockReader(files: files, source: "train", options: CSVOptions(threads: 2), blockBytes: 4096).forEachBlock { _, _ in }
        }
        #expect(streamed?.description.contains("train/b.csv line 2501, column 3") == true, "\(streamed?.description ?? "")")
        #expect(streamed?.description == expected?.description)
    }

    @Test func truncatedGzipIsAnError() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let (text, _) = CSVParallelTests.generate(rows: 2_000, features: 3, seed: 1)
        let zipped = gzipped(Data(text.utf8))
        try folder.write("t.csv.gz", zipped.prefix(zipped.count / 2))
        let error = #expect(throws: OptmlError.self) {
            try CSVBlockReader(files: [folder.file("t.csv.gz")], source: "train", options: CSVOptions(threads: 1), blockBytes: 8192)
                .forEachBlock { _, _ in }
        }
        #expect(error?.description.contains("train/t.csv.gz: the gzip data ends early") == true, "\(error?.description ?? "")")
    }

    @Test func emptyChannelIsAnError() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.write("blank.csv", Data("\n\n".utf8))
        let error = #expect(throws: OptmlError.self) {
            try CSVBlockReader(files: [folder.file("blank.csv")], source: "train", options: CSVOptions(threads: 1)).forEachBlock { _, _ in }
        }
        #expect(error?.description.hasSuffix("No data in train channel: the files hold no rows.") == true)
    }

    /// The size estimate: the first block's rows and bytes, and the inflated size of gzip files.
    @Test func estimateFromTheFirstBlock() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let (text, _) = CSVParallelTests.generate(rows: 5_000, features: 3, seed: 2)
        try folder.write("a.csv", Data(text.utf8))
        try folder.write("b.csv.gz", gzipped(Data(text.utf8)))
        let reader = CSVBlockReader(files: [folder.file("a.csv"), folder.file("b.csv.gz")], source: "train", options: CSVOptions(threads: 1))
        let estimate = try reader.estimate(sampleBytes: 50_000)
        #expect(estimate.featureCount == 3)
        #expect(estimate.totalBytes == 2 * text.utf8.count)
        let rows = Double(estimate.totalBytes) * Double(estimate.sampleRows) / Double(estimate.sampleBytes)
        #expect(abs(rows - 10_000) < 500, "\(rows)")
    }
}
