import Foundation
import MLCore
import SwiftProtobuf
import Testing
@testable import DataReaders

func decodeRecords<S: BinaryFloatingPoint & Sendable>(
    _ bytes: [UInt8], as type: S.Type = Double.self, options: RecordIOProtobufOptions = RecordIOProtobufOptions(threads: 1),
    name: String = "train/part-0", chunkBytes: Int? = nil
) throws -> RecordIOProtobufData<S> {
    try bytes.withUnsafeBytes {
        try RecordIOProtobufReader.parse(bytes: $0, as: type, options: options, fileName: name, chunkBytes: chunkBytes)
    }
}

func hexBytes(_ text: String) -> [UInt8] {
    text.split(separator: " ").map { UInt8($0, radix: 16)! }
}

/// Decodes every record of a framed buffer with swift-protobuf, the independent reference.
func referenceRecords(_ bytes: [UInt8]) throws -> [Aialgs_Data_Record] {
    var records: [Aialgs_Data_Record] = []
    try bytes.withUnsafeBytes { raw in
        var scanner = RecordIOScanner(base: raw.baseAddress?.assumingMemoryBound(to: UInt8.self), count: raw.count, name: "ref")
        defer { scanner.deallocate() }
        while let (payload, _) = try scanner.next() {
            records.append(try Aialgs_Data_Record(serializedBytes: Array(payload)))
        }
    }
    return records
}

/// The feature row and label a swift-protobuf record holds, as the reader should see them.
func referenceRow(_ record: Aialgs_Data_Record) -> (keys: [UInt64], values: [Double], shape: [UInt64], label: Double?) {
    func tensor(_ value: Aialgs_Data_Value?) -> (keys: [UInt64], values: [Double], shape: [UInt64]) {
        switch value?.value {
        case .float32Tensor(let t): (t.keys, t.values.map(Double.init), t.shape)
        case .float64Tensor(let t): (t.keys, t.values, t.shape)
        case .int32Tensor(let t): (t.keys, t.values.map(Double.init), t.shape)
        default: ([], [], [])
        }
    }
    let features = tensor(record.features["values"])
    let label = record.label["values"].map { tensor($0).values.first! }
    return (features.keys, features.values, features.shape, label)
}

// contract §5.3 (RecordIO framing) and §5.4 (aialgs.data.Record).
@Suite("RecordIO-protobuf: framing, records, SDK fixtures, writer")
struct RecordIOProtobufTests {
    /// Contract §5.4 worked example: features float32 [1.0, 2.0], label 1.0.
    static let denseExample = hexBytes("""
        0a 23 d7 ce 2c 00 00 00 0a 16 0a 06 76 61 6c 75 65 73 12 0c 12 0a 0a 08 00 00 80 3f 00 00 00 40 \
        12 12 0a 06 76 61 6c 75 65 73 12 08 12 06 0a 04 00 00 80 3f
        """.replacingOccurrences(of: "\\", with: "").replacingOccurrences(of: "\n", with: " "))
    /// Contract §5.4 sparse example: values [3.5, 1.0] at keys [2, 7], shape [10], label 0.0.
    static let sparseExample = hexBytes("""
        0a 23 d7 ce 33 00 00 00 0a 1d 0a 06 76 61 6c 75 65 73 12 13 12 11 0a 08 00 00 60 40 00 00 80 3f 12 02 02 07 \
        1a 01 0a 12 12 0a 06 76 61 6c 75 65 73 12 08 12 06 0a 04 00 00 00 00 00
        """.replacingOccurrences(of: "\\", with: "").replacingOccurrences(of: "\n", with: " "))

    @Test func contractWorkedExamplesDecode() throws {
        guard case .dense(let dense) = try decodeRecords(Self.denseExample, as: Float.self) else {
            Issue.record("expected dense data")
            return
        }
        #expect(dense.features.storage == [1, 2] && dense.labels == [1])
        guard case .sparse(let sparse) = try decodeRecords(Self.sparseExample, as: Float.self) else {
            Issue.record("expected sparse data")
            return
        }
        #expect(sparse.features.columns == 10)
        #expect(sparse.features.columnIndices == [2, 7] && sparse.features.values == [3.5, 1])
        #expect(sparse.labels == [0])
    }

    @Test func writerProducesTheContractBytes() {
        var writer = RecordIOProtobufWriter()
        writer.appendDense(features: [Float(1), 2], label: 1)
        #expect(writer.bytes == Self.denseExample)
        var sparse = RecordIOProtobufWriter()
        sparse.appendSparse(keys: [2, 7], values: [Float(3.5), 1], columns: 10, label: 0)
        #expect(sparse.bytes == Self.sparseExample)
    }

    @Test(arguments: ReaderFixtures.recordFiles)
    func sdkFixturesReadBackExactly(name: String) throws {
        let expected = try ReaderFixtures.expected(name)
        let bytes = try ReaderFixtures.bytes(name)
        for threads in [1, 2] {
            let data = try decodeRecords(bytes, options: RecordIOProtobufOptions(threads: threads), chunkBytes: 64)
            switch data {
            case .dense(let d):
                #expect(expected.kind == "dense")
                #expect(d.features.rows == expected.rows && d.features.columns == expected.columns)
                #expect(d.features.storage == expected.features.flatMap { $0 })
            case .sparse(let s):
                #expect(expected.kind == "sparse")
                #expect(s.features.rows == expected.rows && s.features.columns == expected.columns)
                #expect(s.features.rowOffsets == expected.rowOffsets)
                #expect(s.features.columnIndices == expected.columnIndices)
                #expect(s.features.values == expected.values)
            }
            if let labels = expected.labels {
                #expect(data.labels == labels)
            } else {
                let allMissing = data.labels.allSatisfy { $0.isNaN }
                #expect(allMissing)
            }
        }
    }

    @Test(arguments: ReaderFixtures.recordFiles)
    func handDecoderAgreesWithSwiftProtobuf(name: String) throws {
        let bytes = try ReaderFixtures.bytes(name)
        let reference = try referenceRecords(bytes).map(referenceRow)
        let data = try decodeRecords(bytes)
        #expect(data.count == reference.count)
        switch data {
        case .dense(let d):
            for (i, row) in reference.enumerated() {
                #expect(Array(d.features.row(i)) == row.values)
            }
        case .sparse(let s):
            for (i, row) in reference.enumerated() {
                let mine = s.features.row(i)
                #expect(mine.columns.map(UInt64.init) == row.keys)
                #expect(Array(mine.values) == row.values)
                #expect(s.features.columns == Int(row.shape[0]))
            }
        }
        for (i, row) in reference.enumerated() {
            if let label = row.label { #expect(data.labels[i] == label) } else { #expect(data.labels[i].isNaN) }
        }
    }

    @Test(arguments: ["dense_f32_labeled.rec", "dense_f32_unlabeled.rec", "dense_f64_labeled.rec",
                      "sparse_f32_labeled.rec", "dense_f32_multipart.rec"])
    func writerReproducesTheFixtureBytes(name: String) throws {
        let expected = try ReaderFixtures.expected(name)
        var writer = RecordIOProtobufWriter()
        if expected.kind == "dense" {
            for (i, row) in expected.features.enumerated() {
                if expected.dtype == "float32" {
                    writer.appendDense(features: row.map { Float($0) }, label: expected.labels.map { Float($0[i]) })
                } else {
                    writer.appendDense(features: row, label: expected.labels?[i])
                }
            }
        } else {
            for i in 0..<expected.rows {
                let range = expected.rowOffsets[i] ..< expected.rowOffsets[i + 1]
                writer.appendSparse(keys: expected.columnIndices[range].map(UInt64.init),
                                    values: expected.values[range].map { Float($0) }, columns: expected.columns,
                                    label: expected.labels.map { Float($0[i]) })
            }
        }
        #expect(writer.bytes == (try ReaderFixtures.bytes(name)))
    }

    @Test func multiPartRecordsAreReassembled() throws {
        let bytes = try ReaderFixtures.bytes("dense_f32_multipart.rec")
        // The second record is framed in three parts (flags 1, 2, 3).
        #expect(Array(bytes[56...59]) == [0x0A, 0x23, 0xD7, 0xCE] && bytes[63] >> 5 == 1)
        guard case .dense(let d) = try decodeRecords(bytes, as: Float.self) else {
            Issue.record("expected dense data")
            return
        }
        let magicFloat = Float(bitPattern: RecordIOFraming.magic)
        #expect(Array(d.features.row(1)).map(\.bitPattern) == [magicFloat, 5, magicFloat].map(\.bitPattern))
    }

    @Test func unpackedRepeatedFieldsDecode() throws {
        // features["values"]: Float32Tensor with values 1.5, -2 as unpacked fixed32 fields, keys 4 and 1
        // as unpacked varints (out of order), shape 6 unpacked; label Float64 unpacked 3.0.
        var tensor = ProtobufBytes()
        tensor.tag(1, 5); tensor.bytes += withUnsafeBytes(of: Float(1.5).bitPattern.littleEndian, Array.init)
        tensor.tag(2, 0); tensor.varint(4)
        tensor.tag(1, 5); tensor.bytes += withUnsafeBytes(of: Float(-2).bitPattern.littleEndian, Array.init)
        tensor.tag(2, 0); tensor.varint(1)
        tensor.tag(3, 0); tensor.varint(6)
        var label = ProtobufBytes()
        label.tag(1, 1); label.bytes += withUnsafeBytes(of: Double(3).bitPattern.littleEndian, Array.init)
        var payload: [UInt8] = []
        ProtobufBytes.mapEntry(into: &payload, field: 1, key: "values", tensorField: 2, tensor: tensor.bytes)
        ProtobufBytes.mapEntry(into: &payload, field: 2, key: "values", tensorField: 3, tensor: label.bytes)
        var framing = RecordIOWriter()
        framing.append(payload: payload)
        guard case .sparse(let s) = try decodeRecords(framing.bytes, as: Float.self) else {
            Issue.record("expected sparse data")
            return
        }
        #expect(s.features.columns == 6 && s.features.columnIndices == [1, 4] && s.features.values == [-2, 1.5])
        #expect(s.labels == [3])
        let reference = referenceRow(try referenceRecords(framing.bytes)[0])
        #expect(reference.values == [1.5, -2] && reference.keys == [4, 1] && reference.label == 3)
    }

    @Test func lastMapEntryAndLastOneofMemberWinAsInSwiftProtobuf() throws {
        var first = ProtobufBytes()
        first.packedFloats(field: 1, [Float(9), 9])
        var second = ProtobufBytes()
        second.packedDoubles(field: 1, [1.0, 2.0, 3.0])
        var payload: [UInt8] = []
        ProtobufBytes.mapEntry(into: &payload, field: 1, key: "values", tensorField: 2, tensor: first.bytes)
        ProtobufBytes.mapEntry(into: &payload, field: 1, key: "other", tensorField: 2, tensor: first.bytes)
        // One entry whose Value holds a Float32 tensor, then a Float64 tensor: the Float64 one wins.
        var value = ProtobufBytes()
        value.lengthDelimited(field: 2, first.bytes)
        value.lengthDelimited(field: 3, second.bytes)
        var entry = ProtobufBytes()
        entry.lengthDelimited(field: 1, Array("values".utf8))
        entry.lengthDelimited(field: 2, value.bytes)
        var record = ProtobufBytes()
        record.lengthDelimited(field: 1, entry.bytes)
        payload += record.bytes
        var framing = RecordIOWriter()
        framing.append(payload: payload)
        let reference = referenceRow(try referenceRecords(framing.bytes)[0])
        guard case .dense(let d) = try decodeRecords(framing.bytes) else {
            Issue.record("expected dense data")
            return
        }
        #expect(reference.values == [1, 2, 3])
        #expect(d.features.storage == reference.values)
    }

    @Test func swiftProtobufRecordsRoundTripThroughTheWriter() throws {
        var record = Aialgs_Data_Record()
        var tensor = Aialgs_Data_Float32Tensor()
        tensor.values = [0.25]
        var value = Aialgs_Data_Value()
        value.float32Tensor = tensor
        record.label["score"] = value
        var predicted = Aialgs_Data_Value()
        var one = Aialgs_Data_Float32Tensor()
        one.values = [1]
        predicted.float32Tensor = one
        record.label["predicted_label"] = predicted
        var writer = RecordIOProtobufWriter()
        try writer.append(record)
        var handWritten = RecordIOProtobufWriter()
        handWritten.appendLabels([("predicted_label", [1]), ("score", [0.25])])
        #expect(writer.bytes == handWritten.bytes)
        #expect(try referenceRecords(writer.bytes) == [record])
    }

    static let errorCases: [(String, [UInt8], String)] = [
        ("bad magic", [0x0A, 0x23, 0xD7, 0xCF, 0, 0, 0, 0],
         "train/part-0: expected the RecordIO magic 0A 23 D7 CE at byte offset 0, found 0A 23 D7 CF. "
            + "The file is not RecordIO-protobuf."),
        ("CSV bytes", Array("1,2,3\n4,5,6\n".utf8),
         "train/part-0: expected the RecordIO magic 0A 23 D7 CE at byte offset 0, found 31 2C 32 2C. The file looks "
            + "like CSV (text/csv), not RecordIO-protobuf: set the channel's ContentType to match the data."),
        ("libsvm bytes", Array("1 0:2 3:4\n".utf8),
         "train/part-0: expected the RecordIO magic 0A 23 D7 CE at byte offset 0, found 31 20 30 3A. The file looks "
            + "like libsvm (text/libsvm), not RecordIO-protobuf: set the channel's ContentType to match the data."),
        ("truncated", Array(denseExample.prefix(40)),
         "train/part-0: the RecordIO record at byte offset 0 declares 44 payload bytes but only 32 follow (truncated file)."),
        ("second header corrupt", denseExample + [0x0A, 0x23, 0xD7, 0xCE, 0x04, 0x00, 0x00, 0x80, 0, 0, 0, 0],
         "train/part-0: the RecordIO header at byte offset 52 has continuation flag 4 (expected 0 to 3). The file is corrupt."),
        ("orphan last part", [0x0A, 0x23, 0xD7, 0xCE, 0x00, 0x00, 0x00, 0x60],
         "train/part-0: the RecordIO record at byte offset 0 is a last part (continuation flag 3) without a first part "
            + "before it. The file is not valid RecordIO (was it cut or concatenated mid-record?)."),
    ]

    @Test(arguments: errorCases)
    func framingErrorsNameTheByteOffset(_ label: String, bytes: [UInt8], message: String) {
        #expect(errorMessage { _ = try decodeRecords(bytes) } == message, "\(label)")
    }

    static func framed(_ payload: [UInt8]) -> [UInt8] {
        var framing = RecordIOWriter()
        framing.append(payload: payload)
        return framing.bytes
    }

    @Test func recordErrorsNameTheRecordOffset() throws {
        var good = RecordIOProtobufWriter()
        good.appendDense(features: [Float(1), 2], label: 1)
        // No features at all.
        var labelOnly = RecordIOProtobufWriter()
        labelOnly.appendLabels([("values", [1])])
        #expect(errorMessage { _ = try decodeRecords(good.bytes + labelOnly.bytes) }
            == "train/part-0: record at byte offset 52: the record has no features[\"values\"] tensor (the features "
            + "map is empty). Write features with the SageMaker SDK's record format (key \"values\").")
        // Two label values.
        var twoLabels: [UInt8] = []
        var tensor = ProtobufBytes()
        tensor.packedFloats(field: 1, [Float(1)])
        ProtobufBytes.mapEntry(into: &twoLabels, field: 1, key: "values", tensorField: 2, tensor: tensor.bytes)
        var labels = ProtobufBytes()
        labels.packedFloats(field: 1, [Float(1), 0])
        ProtobufBytes.mapEntry(into: &twoLabels, field: 2, key: "values", tensorField: 2, tensor: labels.bytes)
        #expect(errorMessage { _ = try decodeRecords(Self.framed(twoLabels)) }
            == "train/part-0: record at byte offset 0: label[\"values\"] has 2 values; the built-in algorithms take "
            + "exactly one label per record.")
        // A payload that is not protobuf.
        #expect(errorMessage { _ = try decodeRecords(Self.framed([0x0A, 0x7F, 0x01])) }
            == "train/part-0: record at byte offset 0: the record is not a valid aialgs.data.Record protobuf: a length "
            + "of 127 bytes runs past the end of its message (payload byte 1).")
        // Rows of different lengths, and a label missing from the second record.
        var ragged = RecordIOProtobufWriter()
        ragged.appendDense(features: [Float(1), 2], label: 0)
        ragged.appendDense(features: [Float(1), 2, 3], label: 0)
        #expect(errorMessage { _ = try decodeRecords(ragged.bytes) }
            == "train/part-0: record at byte offset 52 has 3 feature values, but dense records must all have the same "
            + "length: the 2 of the channel's first record (train/part-0, byte offset 0).")
        var unlabeled = RecordIOProtobufWriter()
        unlabeled.appendDense(features: [Float(1), 2], label: 0)
        unlabeled.appendDense(features: [Float(1), 2])
        #expect(errorMessage { _ = try decodeRecords(unlabeled.bytes) }
            == "train/part-0: record at byte offset 52 has no label[\"values\"], but the channel's first record has one. "
            + "Give every record a label or none.")
        var sparse = RecordIOProtobufWriter()
        sparse.appendSparse(keys: [3, 12], values: [Float(1), 2], columns: 10)
        #expect(errorMessage { _ = try decodeRecords(sparse.bytes) }
            == "train/part-0: record at byte offset 0: the sparse features tensor has key 12, beyond its shape of 10 "
            + "elements (keys are zero-based).")
    }

    @Test func mixedDenseAndSparseRecordsGiveCSR() throws {
        var writer = RecordIOProtobufWriter()
        writer.appendDense(features: [Float(1), 0, 3], label: 1)
        writer.appendSparse(keys: [4], values: [Float(5)], columns: 5, label: 0)
        guard case .sparse(let s) = try decodeRecords(writer.bytes, as: Float.self) else {
            Issue.record("expected sparse data")
            return
        }
        #expect(s.features.columns == 5)
        #expect(s.features.densified(absent: 0) == DenseMatrix([[1, 0, 3, 0, 0], [0, 0, 0, 0, 5]]))
    }

    @Test func emptyInputIsAnError() {
        #expect(errorMessage { _ = try decodeRecords([]) } == "No data in train/part-0: the input holds no records.")
    }
}
