import Foundation
import MLCore
import Testing
@testable import DataReaders

// contract §1.5 and §5.1: every file of a channel is read; all must have the same width.
@Suite("CSV: channels of files, gzip")
struct CSVChannelTests {
    @Test(arguments: [1, 2])
    func concatenatesFilesInOrder(threads: Int) throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.write("part-0.csv", "1,1,2\n0,3,4\n")
        try folder.write("sub/part-1.csv", "\n1,5,6")
        try folder.write("part-2.csv.gz", gzipped(Data("0,7,8\r\n".utf8)))
        let files = try ChannelDirectory.files(in: folder.url, channel: "train")
        let data = try CSVReader.read(files: files, as: Double.self, options: CSVOptions(threads: threads), source: "train")
        #expect(files.map(\.relativePath) == ["part-0.csv", "part-2.csv.gz", "sub/part-1.csv"])
        #expect(data.labels == [1, 0, 0, 1])
        #expect(data.features.storage == [1, 2, 3, 4, 7, 8, 5, 6])
        #expect(data.source == "train")
    }

    @Test func manyChunksAcrossManyFiles() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        var expectedLabels: [Double] = []
        var files: [ChannelFile] = []
        for f in 0..<5 {
            let (text, _) = CSVParallelTests.generate(rows: 3_000, features: 3, seed: UInt64(f))
            let name = "part-\(f).csv"
            try folder.write(name, f % 2 == 0 ? Data(text.utf8) : gzipped(Data(text.utf8)))
            files.append(folder.file(name))
            expectedLabels += try parseCSV(text, as: Double.self).labels
        }
        let data = try CSVReader.read(files: files, as: Float.self, options: CSVOptions(threads: 2),
                                      source: "train", chunkBytes: 2048...4096)
        #expect(data.count == 15_000)
        #expect(data.labels == expectedLabels)
    }

    @Test func widthMismatchNamesBothFiles() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.write("a.csv", "1,2,3\n0,4,5\n")
        try folder.write("b.csv", "\n1,2,3,4\n")
        let files = try ChannelDirectory.files(in: folder.url, channel: "train")
        #expect(errorMessage { _ = try CSVReader.read(files: files, as: Float.self, options: CSVOptions(), source: "train") }
            == "train/b.csv line 2: 4 columns, expected 3 (label + 2 features) as on line 1 of train/a.csv. "
            + "Line 2 reads '1,2,3,4'.")
    }

    @Test func errorsNameTheFileAndItsOwnLineNumbers() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.write("a.csv", "1,2\n1,2\n1,2\n")
        try folder.write("day=2/b.csv.gz", gzipped(Data("1,2\n1,x\n".utf8)))
        let files = try ChannelDirectory.files(in: folder.url, channel: "validation")
        #expect(errorMessage { _ = try CSVReader.read(files: files, as: Float.self, options: CSVOptions(), source: "validation") }
            == "validation/day=2/b.csv.gz line 2, column 2: 'x' is not a number. Expecting a decimal number, or an empty "
            + "field or 'nan' for a missing value. Line 2 reads '1,x'.")
    }

    @Test func channelWithoutRows() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.write("a.csv", "\n\n")
        try folder.write("b.csv", "  \r\n")
        let files = try ChannelDirectory.files(in: folder.url, channel: "train")
        #expect(errorMessage { _ = try CSVReader.read(files: files, as: Float.self, options: CSVOptions(), source: "train") }
            == "No data in train channel: the files hold no rows.")
    }

    @Test func gzipIsDetectedByContentNotName() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.write("plain-name.csv", gzipped(Data("1,2.5\n0,3.5\n".utf8)))
        let data = try CSVReader.read(files: [folder.file("plain-name.csv")], as: Double.self, options: CSVOptions(), source: "train")
        #expect(data.features.storage == [2.5, 3.5])
    }

    @Test func concatenatedGzipMembers() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let members = gzipped(Data("1,2\n".utf8)) + gzipped(Data("0,3\n".utf8)) + gzipped(Data("1,4".utf8))
        try folder.write("a.gz", members + Data(repeating: 0, count: 8))
        let data = try CSVReader.read(files: [folder.file("a.gz")], as: Double.self, options: CSVOptions(), source: "train")
        #expect(data.labels == [1, 0, 1])
        #expect(data.features.storage == [2, 3, 4])
    }

    @Test func gzipMadeByTheGzipTool() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let (text, _) = CSVParallelTests.generate(rows: 2_000, features: 4, seed: 3)
        try folder.write("a.csv", text)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/gzip")
        process.arguments = ["-9", folder.url.appendingPathComponent("a.csv").path]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let gz = try CSVReader.read(files: [folder.file("a.csv.gz")], as: Float.self, options: CSVOptions(), source: "train")
        let plain = try parseCSV(text, as: Float.self)
        #expect(sameBits(gz.features.storage, plain.features.storage))
    }

    @Test func corruptGzip() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        var bytes = [UInt8](gzipped(Data(String(repeating: "1,2,3\n", count: 1000).utf8)))
        for i in 12..<20 { bytes[i] ^= 0xFF }
        try folder.write("bad.csv.gz", Data(bytes))
        let message = errorMessage {
            _ = try CSVReader.read(files: [folder.file("bad.csv.gz")], as: Float.self, options: CSVOptions(), source: "train")
        }
        #expect(message?.hasPrefix("train/bad.csv.gz: the gzip data is corrupt at compressed byte offset ") == true, "\(message ?? "")")
        #expect(message?.hasSuffix(").") == true)
    }

    @Test func truncatedGzip() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let bytes = [UInt8](gzipped(Data(String(repeating: "1,2,3\n", count: 1000).utf8)))
        try folder.write("cut.csv.gz", Data(bytes.prefix(bytes.count - 10)))
        #expect(errorMessage {
            _ = try CSVReader.read(files: [folder.file("cut.csv.gz")], as: Float.self, options: CSVOptions(), source: "train")
        } == "train/cut.csv.gz: the gzip data ends early at compressed byte offset \(bytes.count - 10) (truncated file).")
    }

    @Test func trailingGarbageAfterGzip() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let bytes = gzipped(Data("1,2\n".utf8))
        try folder.write("junk.gz", bytes + Data("hello".utf8))
        #expect(errorMessage {
            _ = try CSVReader.read(files: [folder.file("junk.gz")], as: Float.self, options: CSVOptions(), source: "train")
        } == "train/junk.gz: unexpected bytes after the gzip data at compressed byte offset \(bytes.count).")
    }

    @Test func unreadableFileIsAPlatformError() throws {
        let missing = ChannelFile(url: URL(fileURLWithPath: "/nonexistent/optml/a.csv"), relativePath: "a.csv")
        #expect(errorKind { _ = try CSVReader.read(files: [missing], as: Float.self, options: CSVOptions(), source: "train") } == .platform)
        #expect(errorMessage { _ = try CSVReader.read(files: [missing], as: Float.self, options: CSVOptions(), source: "train") }
            == "Cannot open train/a.csv (/nonexistent/optml/a.csv): No such file or directory")
    }

    @Test func parseBenchmarkEntryPoint() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.write("bench.csv", "1,2,3\n0,4,5\n")
        let result = try CSVParseBenchmark.run(path: folder.url.appendingPathComponent("bench.csv").path, threads: 2, float32: true)
        #expect(result.rows == 2 && result.columns == 3 && result.seconds >= 0)
    }
}
