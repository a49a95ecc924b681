import Foundation
import MLCore
import Testing
@testable import DataReaders

/// `LibSVMBlockReader` and `RecordIOBlockReader` (channels larger than memory): blocks read with a
/// bounded buffer hold exactly the rows the whole-channel readers read, densified with absent
/// entries as 0, and errors name the same file and line or byte offset.
/// The message of the `OptmlError.user` that `body` throws, or nil.
private func userMessage(_ body: () throws -> Void) -> String? {
    do {
        try body()
        return nil
    } catch let error as OptmlError {
        return error.kind == .user ? error.message : nil
    } catch {
        return nil
    }
}

@Suite("Block readers: libsvm and RecordIO-protobuf")
struct BlockReaderTests {
    /// Every block concatenated, with each block's first row checked against the running count.
    static func concatenate(_ forEachBlock: ((Int, inout LabeledDataset<Double>) throws -> Void) throws -> Int) throws
        -> (labels: [Double], features: [Double], width: Int, blocks: Int)
    {
        var labels: [Double] = [], features: [Double] = []
        var width = 0, blocks = 0
        _ = try forEachBlock { first, block in
            #expect(first == labels.count)
            labels += block.labels
            features += block.features.storage
            width = block.featureCount
            blocks += 1
        }
        return (labels, features, width, blocks)
    }

    static func libsvmText(rows: Int, seed: UInt64, widest: Int) -> String {
        var rng = SeededGenerator(seed: seed)
        var text = ""
        for i in 0..<rows {
            var tokens = [String(Double(Int(rng.next() % 100)) / 10)]
            for j in 0..<widest where rng.next() % 3 == 0 || (i == rows - 1 && j == widest - 1) {
                tokens.append("\(j):\(Double(Int(rng.next() % 2000)) / 100 - 10)")
            }
            text += tokens.joined(separator: " ") + (i % 50 == 7 ? " # comment\n# a comment line\n\n" : "\n")
        }
        return text
    }

    @Test(arguments: [1, 2])
    func libsvmBlocksEqualTheWholeChannel(threads: Int) throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.write("part-0", Self.libsvmText(rows: 1_500, seed: 1, widest: 9))
        try folder.write("part-1.gz", gzipped(Data(Self.libsvmText(rows: 1_500, seed: 2, widest: 12).utf8)))
        try folder.write("part-2", Self.libsvmText(rows: 700, seed: 3, widest: 5))
        let files = [folder.file("part-0"), folder.file("part-1.gz"), folder.file("part-2")]
        let whole = try LibSVMReader.read(files: files, as: Double.self, options: LibSVMOptions(threads: threads), source: "train")
            .dataset.densified(absent: 0)
        let scanned = try LibSVMBlockReader(files: files, source: "train", options: LibSVMOptions(threads: threads), blockBytes: 4096).scan()
        #expect(scanned.featureCount == whole.featureCount && scanned.rows == whole.count)
        let reader = LibSVMBlockReader(files: files, source: "train",
                                       options: LibSVMOptions(expectedFeatureCount: scanned.featureCount, threads: threads), blockBytes: 4096)
        let streamed = try Self.concatenate(reader.forEachBlock)
        #expect(streamed.blocks > 10)
        #expect(streamed.width == whole.featureCount)
        #expect(streamed.labels == whole.labels)
        #expect(sameBits(streamed.features, whole.features.storage))
    }

    /// A bad token in a later block: the whole reader's message, file and line in the whole file.
    @Test func libsvmErrorInALaterBlockNamesTheLine() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.write("part-0", Self.libsvmText(rows: 100, seed: 4, widest: 6))
        try folder.write("part-1", Self.libsvmText(rows: 2_000, seed: 5, widest: 6) + "1 0:2 3:x 5:1\n")
        let files = [folder.file("part-0"), folder.file("part-1")]
        let expected = userMessage { _ = try LibSVMReader.read(files: files, as: Double.self, options: LibSVMOptions(threads: 2), source: "train") }
        #expect(expected?.contains("train/part-1 line 2") == true, "\(expected ?? "")")
        let reader = LibSVMBlockReader(files: files, source: "train", options: LibSVMOptions(expectedFeatureCount: 6, threads: 2),
                                       blockBytes: 4096)
        #expect(userMessage { _ = try reader.forEachBlock { _, _ in } } == expected)
    }

    /// Dense Float32 records as the SDK writes them, one of them multi-part (its payload holds the
    /// RecordIO magic at an aligned offset), and sparse records with a shape: blocks equal the
    /// whole channel, densified.
    @Test func recordIOBlocksEqualTheWholeChannel() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let magic = Float(bitPattern: RecordIOFraming.magic)
        // A width whose record layout puts a feature at a 4-byte-aligned payload offset.
        var width = 0, multipart: [UInt8] = []
        for candidate in 4...80 {
            var writer = RecordIOProtobufWriter()
            writer.appendDense(features: [Float](repeating: magic, count: candidate), label: 1)
            if writer.bytes.count > 8 && writer.bytes[7] >> 5 == 1 { width = candidate; multipart = writer.bytes; break }
        }
        try #require(width > 0, "no width makes a multi-part record")
        var rng = SeededGenerator(seed: 9)
        var dense = RecordIOProtobufWriter(), sparse = RecordIOProtobufWriter()
        for i in 0..<2_000 {
            let values = (0..<width).map { _ in Float(Int(rng.next() % 9) - 4) }
            dense.appendDense(features: values, label: Float(i % 7))
            let keys = (0..<UInt64(width)).filter { _ in rng.next() % 4 == 0 }
            sparse.appendSparse(keys: keys, values: keys.map { Float($0) + 0.5 }, columns: width, label: Float(i % 5))
        }
        // The dense records are all one size, so half the bytes is a record boundary.
        try folder.write("part-0", Data(dense.bytes[..<(dense.bytes.count / 2)]) + Data(multipart) + Data(dense.bytes[(dense.bytes.count / 2)...]))
        try folder.write("part-1.gz", gzipped(Data(sparse.bytes)))
        let files = [folder.file("part-0"), folder.file("part-1.gz")]
        let whole = try RecordIOProtobufReader.read(files: files, as: Double.self, options: RecordIOProtobufOptions(threads: 2),
                                                    source: "train")
        guard case .sparse(let wholeRows) = whole else { Issue.record("expected a mixed channel to read as CSR"); return }
        let expected = wholeRows.densified(absent: 0)
        let reader = RecordIOBlockReader(files: files, source: "train",
                                         options: RecordIOProtobufOptions(expectedFeatureCount: width, threads: 2), blockBytes: 4096)
        let streamed = try Self.concatenate(reader.forEachBlock)
        #expect(streamed.blocks > 10)
        #expect(streamed.labels == expected.labels)
        #expect(sameBits(streamed.features, expected.features.storage))
        let scanned = try RecordIOBlockReader(files: files, source: "train", options: RecordIOProtobufOptions(threads: 2),
                                              blockBytes: 4096).scan()
        #expect(scanned.featureCount == width && scanned.rows == expected.count && scanned.sparse)
    }

    /// A truncated last record and a corrupt header in a later block: the whole reader's message,
    /// with the byte offset in the whole file.
    @Test(arguments: [false, true])
    func recordIOErrorInALaterBlockNamesTheByteOffset(truncated: Bool) throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        var writer = RecordIOProtobufWriter()
        for i in 0..<3_000 { writer.appendDense(features: [Float(i % 3), 1, 2], label: 1) }
        var bytes = writer.bytes
        // Every record has the same size: break the magic of record 2500.
        if truncated { bytes.removeLast(5) } else { bytes[bytes.count / 3_000 * 2_500] ^= 0xFF }
        try folder.write("part-0", Data(bytes))
        let files = [folder.file("part-0")]
        let expected = userMessage {
            _ = try RecordIOProtobufReader.read(files: files, as: Double.self, options: RecordIOProtobufOptions(threads: 2), source: "train")
        }
        #expect(expected?.contains("train/part-0") == true, "\(expected ?? "")")
        let reader = RecordIOBlockReader(files: files, source: "train", options: RecordIOProtobufOptions(threads: 2), blockBytes: 4096)
        #expect(userMessage { _ = try reader.forEachBlock { _, _ in } } == expected)
    }
}
