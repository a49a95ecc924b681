import Foundation
import MLCore
import SwiftProtobuf
import Testing
@testable import DataReaders

// contract §5.4: the dense path (records decoded straight into the final matrix) against the
// general decoder and swift-protobuf.
@Suite("RecordIO-protobuf: dense records straight into the matrix")
struct RecordIODensePathTests {
    /// Every record of every fixture: where the dense row decoder takes a record, its row and
    /// label equal the general decoder's; the SDK's Float32 files take it for every record.
    @Test(arguments: ReaderFixtures.recordFiles)
    func denseRowDecoderAgreesWithTheGeneralDecoder(name: String) throws {
        let bytes = try ReaderFixtures.bytes(name)
        var records = 0
        var taken = 0
        try bytes.withUnsafeBytes { raw in
            var scanner = RecordIOScanner(base: raw.baseAddress?.assumingMemoryBound(to: UInt8.self), count: raw.count, name: name)
            defer { scanner.deallocate() }
            let decoder = RecordDecoder<Double>()
            while let (payload, offset) = try scanner.next() {
                records += 1
                var general = RecordRowsOutput<Double>()
                defer { general.deallocate() }
                try decoder.decode(payload, recordOffset: offset, name: name, into: &general)
                let width = max(1, general.widths[0])
                var row = [Double](repeating: -1, count: width)
                let result = row.withUnsafeMutableBufferPointer { decoder.decodeDenseRow(payload, width: width, into: $0.baseAddress!) }
                switch result {
                case .other: continue
                case .labeled(let label): #expect(general.labels[0] == label)
                case .unlabeled: #expect(general.labels[0].isNaN)
                }
                taken += 1
                #expect(general.sparseRows == 0)
                #expect(row == Array(general.values.buffer))
            }
        }
        if ["dense_f32_labeled.rec", "dense_f32_unlabeled.rec", "dense_f32_f64labels.rec", "dense_f32_multipart.rec"].contains(name) {
            #expect(records > 0 && taken == records)
        } else {
            #expect(taken == 0)
        }
    }

    /// Rows of 40 values (so every length is a two-byte varint) in the SDK's layout and in seven
    /// other valid layouts, interleaved and cut into many chunks: one dense matrix equal to what
    /// swift-protobuf decodes, at one and two threads, into Float and Double.
    @Test(arguments: [1, 2])
    func otherLayoutsJoinTheDenseMatrix(threads: Int) throws {
        let width = 40
        var bytes: [UInt8] = []
        func framed(_ payload: [UInt8]) { bytes += RecordIOProtobufTests.framed(payload) }
        func floats(_ row: [Float]) -> [UInt8] {
            var t = ProtobufBytes()
            t.packedFloats(field: 1, row)
            return t.bytes
        }
        func labelEntry(_ label: Float) -> [UInt8] {
            var out: [UInt8] = []
            ProtobufBytes.mapEntry(into: &out, field: 2, key: "values", tensorField: 2, tensor: floats([label]))
            return out
        }
        func featureEntry(_ row: [Float]) -> [UInt8] {
            var out: [UInt8] = []
            ProtobufBytes.mapEntry(into: &out, field: 1, key: "values", tensorField: 2, tensor: floats(row))
            return out
        }
        for r in 0..<64 {
            let row = (0..<width).map { Float(r * width + $0) * 0.25 - 7 }
            let label = Float(r % 3)
            switch r % 8 {
            case 0, 4:
                var w = RecordIOProtobufWriter()
                w.appendDense(features: row, label: label)
                bytes += w.bytes
            case 1:
                // The label entry first.
                framed(labelEntry(label) + featureEntry(row))
            case 2:
                // The map entry's value before its key, and a uid after the maps.
                var value = ProtobufBytes()
                value.lengthDelimited(field: 2, floats(row))
                var entry = ProtobufBytes()
                entry.lengthDelimited(field: 2, value.bytes)
                entry.lengthDelimited(field: 1, Array("values".utf8))
                var record = ProtobufBytes()
                record.lengthDelimited(field: 1, entry.bytes)
                record.lengthDelimited(field: 3, Array("row-\(r)".utf8))
                framed(record.bytes + labelEntry(label))
            case 3:
                // Float64 features and label.
                var w = RecordIOProtobufWriter()
                w.appendDense(features: row.map(Double.init), label: Double(label))
                bytes += w.bytes
            case 5:
                // An Int32 label.
                var labelTensor = ProtobufBytes()
                labelTensor.packedVarints(field: 1, [UInt64(label)])
                var payload = featureEntry(row)
                ProtobufBytes.mapEntry(into: &payload, field: 2, key: "values", tensorField: 7, tensor: labelTensor.bytes)
                framed(payload)
            case 6:
                // Two features entries: the last one wins.
                framed(featureEntry([1, 2, 3]) + featureEntry(row) + labelEntry(label))
            default:
                // Unpacked Float32 values.
                var t = ProtobufBytes()
                for v in row {
                    t.tag(1, 5)
                    t.bytes += withUnsafeBytes(of: v.bitPattern.littleEndian, Array.init)
                }
                var payload: [UInt8] = []
                ProtobufBytes.mapEntry(into: &payload, field: 1, key: "values", tensorField: 2, tensor: t.bytes)
                framed(payload + labelEntry(label))
            }
        }
        let reference = try referenceRecords(bytes).map(referenceRow)
        #expect(reference.count == 64)
        let options = RecordIOProtobufOptions(threads: threads)
        guard case .dense(let d) = try decodeRecords(bytes, as: Double.self, options: options, chunkBytes: 300),
              case .dense(let f) = try decodeRecords(bytes, as: Float.self, options: options, chunkBytes: 300) else {
            Issue.record("expected dense data")
            return
        }
        #expect(d.features.rows == 64 && d.features.columns == width)
        for (i, row) in reference.enumerated() {
            #expect(Array(d.features.row(i)) == row.values)
            #expect(Array(f.features.row(i)) == row.values.map { Float($0) })
            #expect(d.labels[i] == row.label && f.labels[i] == row.label)
        }
    }

    /// A record that does not fit the dense matrix, late in the channel and past many chunks,
    /// gives what it gives with one chunk: the same error, or CSR for a sparse record.
    @Test(arguments: [1, 2])
    func lateRecordsThatDoNotFitReadAsWithOneChunk(threads: Int) throws {
        var good = RecordIOProtobufWriter()
        for r in 0..<40 { good.appendDense(features: [Float(r), 1, 2], label: 1) }
        var ragged = good
        ragged.appendDense(features: [Float(1), 2], label: 0)
        var unlabeled = good
        unlabeled.appendDense(features: [Float(1), 2, 3])
        var infinite = good
        infinite.appendDense(features: [Float(1), 2, 3], label: .infinity)
        let offset = good.bytes.count
        let cases: [([UInt8], String)] = [
            (ragged.bytes, "train/part-0: record at byte offset \(offset) has 2 feature values, but dense records must all "
                + "have the same length: the 3 of the channel's first record (train/part-0, byte offset 0)."),
            (unlabeled.bytes, "train/part-0: record at byte offset \(offset) has no label[\"values\"], but the channel's "
                + "first record has one. Give every record a label or none."),
            (infinite.bytes, "train/part-0: record at byte offset \(offset): the label is inf; labels must be finite."),
        ]
        for (bytes, message) in cases {
            #expect(errorMessage { _ = try decodeRecords(bytes, as: Float.self) } == message)
            #expect(errorMessage {
                _ = try decodeRecords(bytes, as: Float.self, options: RecordIOProtobufOptions(threads: threads), chunkBytes: 64)
            } == message)
        }
        var mixed = good
        mixed.appendSparse(keys: [4], values: [Float(5)], columns: 5, label: 0)
        guard case .sparse(let s) = try decodeRecords(mixed.bytes, as: Float.self,
                                                      options: RecordIOProtobufOptions(threads: threads), chunkBytes: 64) else {
            Issue.record("expected sparse data")
            return
        }
        #expect(s.features.rows == 41 && s.features.columns == 5)
        #expect(Array(s.features.densified(absent: 0).row(39)) == [39, 1, 2, 0, 0])
        #expect(Array(s.features.densified(absent: 0).row(40)) == [0, 0, 0, 0, 5])
    }

    /// An expected feature count the records do not have is reported as before.
    @Test func expectedFeatureCountIsChecked() throws {
        var w = RecordIOProtobufWriter()
        for r in 0..<10 { w.appendDense(features: [Float(r), 1, 2], label: 1) }
        let options = RecordIOProtobufOptions(expectedFeatureCount: 4, threads: 2)
        #expect(errorMessage { _ = try decodeRecords(w.bytes, as: Float.self, options: options, chunkBytes: 64) }
            == "train/part-0: record at byte offset 0 has 3 feature values, but dense records must all have the same "
            + "length: the 4 features expected.")
    }
}

// Chunks cut at multiples of the first record's size, before any header is read past the first.
@Suite("RecordIO-protobuf: chunks cut at the first record's size")
struct RecordIOUniformChunkTests {
    /// 30 records of 56 bytes and 14 of 60 (Float64 labels), interleaved: 2 520 bytes, a multiple
    /// of 56, so the cuts are guessed, and most are wrong. The walk finds the records anyway.
    @Test(arguments: [1, 2])
    func wrongGuessedCutsFallBackToTheWalk(threads: Int) throws {
        var bytes: [UInt8] = []
        var sizes: [Int] = []
        for r in 0..<44 {
            var w = RecordIOProtobufWriter()
            let row = [Float(r), 1, 2]
            if r % 3 == 1 && sizes.filter({ $0 == 60 }).count < 14 {
                var tensor = ProtobufBytes()
                tensor.packedFloats(field: 1, row)
                var label = ProtobufBytes()
                label.packedDoubles(field: 1, [Double(r) + 0.5])
                var payload: [UInt8] = []
                ProtobufBytes.mapEntry(into: &payload, field: 1, key: "values", tensorField: 2, tensor: tensor.bytes)
                ProtobufBytes.mapEntry(into: &payload, field: 2, key: "values", tensorField: 3, tensor: label.bytes)
                bytes += RecordIOProtobufTests.framed(payload)
                sizes.append(60)
            } else {
                w.appendDense(features: row, label: Float(r) + 0.5)
                bytes += w.bytes
                sizes.append(w.bytes.count)
            }
        }
        #expect(sizes.filter { $0 == 56 }.count == 30 && sizes.filter { $0 == 60 }.count == 14)
        #expect(bytes.count % 56 == 0)
        let reference = try referenceRecords(bytes).map(referenceRow)
        guard case .dense(let d) = try decodeRecords(bytes, as: Float.self, options: RecordIOProtobufOptions(threads: threads),
                                                     chunkBytes: 64) else {
            Issue.record("expected dense data")
            return
        }
        #expect(d.features.rows == 44)
        for (i, row) in reference.enumerated() {
            #expect(Array(d.features.row(i)).map(Double.init) == row.values)
            #expect(d.labels[i] == row.label)
        }
    }

    /// A broken header in a file of equal records is reported as the walk reports it.
    @Test(arguments: [1, 2])
    func framingErrorsInGuessedChunksAreTheWalksErrors(threads: Int) {
        var w = RecordIOProtobufWriter()
        for r in 0..<10 { w.appendDense(features: [Float(r), 1, 2], label: 1) }
        var bytes = w.bytes
        #expect(bytes.count == 560)
        bytes[280] = 0
        #expect(errorMessage {
            _ = try decodeRecords(bytes, as: Float.self, options: RecordIOProtobufOptions(threads: threads), chunkBytes: 64)
        } == "train/part-0: expected the RecordIO magic 0A 23 D7 CE at byte offset 280, found 00 23 D7 CE. "
            + "The file is corrupt or a record length is wrong.")
        // A record 4 bytes short followed by 4 zero bytes: the total stays a multiple of 56.
        var short = RecordIOProtobufWriter()
        for r in 0..<4 { short.appendDense(features: [Float(r), 1, 2], label: 1) }
        var cut = short.bytes
        var two = RecordIOProtobufWriter()
        two.appendDense(features: [Float(7), 1], label: 1)
        cut += two.bytes + [0, 0, 0, 0] + short.bytes
        #expect(cut.count % 56 == 0)
        #expect(errorMessage {
            _ = try decodeRecords(cut, as: Float.self, options: RecordIOProtobufOptions(threads: threads), chunkBytes: 64)
        } == "train/part-0: expected the RecordIO magic 0A 23 D7 CE at byte offset 276, found 00 00 00 00. "
            + "The file is corrupt or a record length is wrong.")
    }
}
