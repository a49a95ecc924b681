import Foundation
import Testing
import MLCore
import BuiltinAlgorithms
import DataReaders
import TestSupport
@testable import Inference

/// Streaming batch transform over files (contract §4.6): one output record per input record in
/// order, across block and piece boundaries, with bad records failing or skipped.
@Suite struct BatchTransformerTests {
    let folder: URL

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("optml-transform-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    func write(_ name: String, _ text: String) throws -> URL {
        let url = folder.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url
    }

    func read(_ url: URL) throws -> String { String(decoding: try Data(contentsOf: url), as: UTF8.self) }

    /// 3000 regression rows (2·x₁ − x₂ + 0.5), some blank lines, CRLF on some.
    static let rows: [(Double, Double)] = (0..<3000).map { (Double($0) / 8, Double($0 % 9)) }
    static var csv: String {
        rows.enumerated().map { i, r in "\(r.0),\(r.1)" + (i % 7 == 0 ? "\r\n" : "\n") + (i % 500 == 0 ? "\n" : "") }.joined()
    }
    static func expected(_ r: (Double, Double)) -> String { Float(2 * r.0 - r.1 + 0.5).description }

    @Test(arguments: [1, 2, 3])
    func smallBlocksKeepEveryRecordInOrder(threads: Int) throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = try write("in.csv", Self.csv)
        let output = folder.appendingPathComponent("out/in.csv.out")
        let transformer = try BatchTransformer(
            predictor: Models.regressor, options: TransformOptions(format: .csv, accept: .csv, threads: threads, blockBytes: 1024))
        let summary = try transformer.transform(input: input, output: output, name: "in.csv")
        #expect(summary == TransformSummary(file: "in.csv", records: 3000))
        #expect(try read(output) == Self.rows.map { Self.expected($0) + "\n" }.joined())
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: output.deletingLastPathComponent().path)
        #expect(leftovers == ["in.csv.out"])
    }

    @Test func jsonAcceptWritesOneDocument() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = try write("in.csv", Self.csv)
        let output = folder.appendingPathComponent("in.csv.out")
        let transformer = try BatchTransformer(
            predictor: Models.regressor, options: TransformOptions(format: .csv, accept: .json, threads: 2, blockBytes: 1024))
        _ = try transformer.transform(input: input, output: output, name: "in.csv")
        let expected = "{\"predictions\": [" + Self.rows.map { "{\"score\": \(Self.expected($0))}" }.joined(separator: ", ") + "]}"
        #expect(try read(output) == expected)
    }

    // contract §4.6: RecordIO-protobuf output keeps one record per input record, in order, across
    // blocks and pieces.
    @Test func recordIOAcceptWritesOneRecordPerInputRecord() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = try write("in.csv", Self.csv)
        let output = folder.appendingPathComponent("in.csv.out")
        let transformer = try BatchTransformer(
            predictor: Models.regressor, options: TransformOptions(format: .csv, accept: .recordioProtobuf, threads: 2, blockBytes: 1024))
        _ = try transformer.transform(input: input, output: output, name: "in.csv")
        let records = try responseRecords([UInt8](try Data(contentsOf: output)))
        #expect(records.map { $0.labels["score"]! } == Self.rows.map { [Float(2 * $0.0 - $0.1 + 0.5)] })
    }

    /// The regression rows as RecordIO-protobuf records (Float64 tensors, as the SDK writes numpy
    /// float64 arrays).
    static func recordIO(_ rows: [(Double, Double)]) -> [UInt8] {
        var writer = RecordIOProtobufWriter()
        for r in rows { writer.appendDense(features: [r.0, r.1]) }
        return writer.bytes
    }

    // contract §4.6 SplitType=RecordIO: a RecordIO file streams record by record across blocks
    // (a 1 KB block holds a few dozen records) and every record gets its line, in order.
    @Test(arguments: [1, 2])
    func recordIOInputStreamsAcrossBlocks(threads: Int) throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = folder.appendingPathComponent("in.rec")
        try Data(Self.recordIO(Self.rows)).write(to: input)
        let output = folder.appendingPathComponent("in.rec.out")
        let transformer = try BatchTransformer(
            predictor: Models.regressor, options: TransformOptions(format: .recordioProtobuf, accept: .csv, threads: threads, blockBytes: 1024))
        let summary = try transformer.transform(input: input, output: output, name: "in.rec")
        #expect(summary == TransformSummary(file: "in.rec", records: 3000))
        #expect(try read(output) == Self.rows.map { Self.expected($0) + "\n" }.joined())
        // JSON output stays one document across blocks.
        let json = try BatchTransformer(
            predictor: Models.regressor, options: TransformOptions(format: .recordioProtobuf, accept: .json, threads: threads, blockBytes: 1024))
        _ = try json.transform(input: input, output: output, name: "in.rec")
        #expect(try read(output) == "{\"predictions\": [" + Self.rows.map { "{\"score\": \(Self.expected($0))}" }.joined(separator: ", ") + "]}")
    }

    // A payload holding the magic at an aligned offset is written in parts (contract §5.3); the
    // parts stay together however the blocks fall.
    @Test func recordsInPartsStayWhole() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let magicValue = Float(bitPattern: RecordIOFraming.magic)
        var writer = RecordIOProtobufWriter()
        var rows: [(Double, Double)] = []
        for i in 0..<200 {
            let row: [Float] = i % 3 == 0 ? [magicValue, 1] : i % 3 == 1 ? [1, magicValue] : [Float(i), 2]
            writer.appendDense(features: row)
            rows.append((Double(row[0]), Double(row[1])))
        }
        let bytes = writer.bytes
        // The file really has parts: some length word carries flag 1.
        let flags = stride(from: 0, to: bytes.count - 8, by: 4).compactMap { p -> UInt32? in
            let magic = bytes[p..<(p + 4)].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            guard magic == RecordIOFraming.magic else { return nil }
            return bytes[(p + 4)..<(p + 8)].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) } >> 29
        }
        #expect(flags.contains(1) && flags.contains(3))
        let input = folder.appendingPathComponent("parts.rec")
        try Data(bytes).write(to: input)
        let output = folder.appendingPathComponent("parts.rec.out")
        let transformer = try BatchTransformer(
            predictor: Models.regressor, options: TransformOptions(format: .recordioProtobuf, accept: .csv, threads: 2, blockBytes: 1024))
        #expect(try transformer.transform(input: input, output: output, name: "parts.rec").records == 200)
        #expect(try read(output) == rows.map { Self.expected($0) + "\n" }.joined())
    }

    @Test func badRecordsAreNamedOrSkipped() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        var writer = RecordIOProtobufWriter()
        var offsets: [Int] = []
        for i in 0..<100 {
            offsets.append(writer.bytes.count)
            if i == 41 { writer.appendDense(features: [1.0, 2.0, 3.0] as [Double]) } else { writer.appendDense(features: [Double(i), 1.0]) }
        }
        let input = folder.appendingPathComponent("bad.rec")
        try Data(writer.bytes).write(to: input)
        let output = folder.appendingPathComponent("bad.rec.out")
        let strict = try BatchTransformer(
            predictor: Models.regressor, options: TransformOptions(format: .recordioProtobuf, accept: .csv, threads: 2, blockBytes: 1024))
        do {
            _ = try strict.transform(input: input, output: output, name: "bad.rec")
            Issue.record("a record of 3 features was accepted")
        } catch let error as OptmlError {
            #expect(error.message.hasPrefix("bad.rec record 42 (byte \(offsets[41])): "), "\(error.message)")
            #expect(error.message.contains("3 features"), "\(error.message)")
        }
        #expect(!FileManager.default.fileExists(atPath: output.path))
        let lenient = try BatchTransformer(
            predictor: Models.regressor,
            options: TransformOptions(format: .recordioProtobuf, accept: .csv, skipBadRecords: true, threads: 2, blockBytes: 1024))
        let summary = try lenient.transform(input: input, output: output, name: "bad.rec")
        #expect(summary.records == 99 && summary.skipped == 1 && summary.skippedDetails.first?.line == 42)
        #expect(try read(output).split(separator: "\n").count == 99)
    }

    @Test func damagedFramingNamesTheByte() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        var bytes = Self.recordIO(Array(Self.rows.prefix(50)))
        let input = folder.appendingPathComponent("x.rec")
        let output = folder.appendingPathComponent("x.rec.out")
        let transformer = try BatchTransformer(
            predictor: Models.regressor, options: TransformOptions(format: .recordioProtobuf, accept: .csv, threads: 1, blockBytes: 1024))
        try Data(bytes.dropLast(6)).write(to: input)
        #expect(throws: OptmlError.self) { _ = try transformer.transform(input: input, output: output, name: "x.rec") }
        do { _ = try transformer.transform(input: input, output: output, name: "x.rec") } catch let error as OptmlError {
            #expect(error.message.contains("the file ends inside a record"), "\(error.message)")
        }
        bytes[0] = 0x0B
        try Data(bytes).write(to: input)
        #expect(throws: OptmlError.user("x.rec byte 0: expected the RecordIO magic 0xced7230a at the start of a record, found "
            + "0xced7230b. Is this file application/x-recordio-protobuf (as written by the SageMaker SDK's RecordSerializer or "
            + "write_numpy_to_dense_tensor)?")) { _ = try transformer.transform(input: input, output: output, name: "x.rec") }
        #expect(!FileManager.default.fileExists(atPath: output.path))
    }

    // contract §4.5 selectable output in offline transform: every record a line, the last too.
    @Test func selectedOutputInTransform() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = try write("in.csv", "0.75\n0.25\n")
        let output = folder.appendingPathComponent("in.csv.out")
        let transformer = try BatchTransformer(
            predictor: PassthroughPredictor(.probabilityOfOne),
            options: TransformOptions(format: .csv, accept: .csv, threads: 1, inferenceOutput: "predicted_label,probability"))
        _ = try transformer.transform(input: input, output: output, name: "in.csv")
        #expect(try read(output) == "1,0.75\n0,0.25\n")
    }

    @Test func badRecordFailsWithFileAndLineAndLeavesNoOutput() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        var lines = Self.rows.map { "\($0.0),\($0.1)" }
        lines[1234] = "1.5,oops"
        let input = try write("in.csv", lines.joined(separator: "\n"))
        let output = folder.appendingPathComponent("in.csv.out")
        let transformer = try BatchTransformer(
            predictor: Models.regressor, options: TransformOptions(format: .csv, accept: .csv, threads: 2, blockBytes: 1024))
        #expect(throws: OptmlError.user("in.csv line 1235, column 2: 'oops' is not a number. Expecting a decimal number, or an "
            + "empty field or 'nan' for a missing value. Line 1235 reads '1.5,oops'.")) {
            _ = try transformer.transform(input: input, output: output, name: "in.csv")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["in.csv"])
    }

    @Test func skipBadRecordsReportsThemAndKeepsTheRest() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        var lines = Self.rows.map { "\($0.0),\($0.1)" }
        let bad = [0: "x,1", 999: "1,2,3", 1000: ",4", 2999: "7"]
        for (i, text) in bad { lines[i] = text }
        let input = try write("in.csv", lines.joined(separator: "\n") + "\n")
        let output = folder.appendingPathComponent("in.csv.out")
        let transformer = try BatchTransformer(
            predictor: Models.regressor,
            options: TransformOptions(format: .csv, accept: .csv, skipBadRecords: true, threads: 2, blockBytes: 2048))
        let summary = try transformer.transform(input: input, output: output, name: "in.csv")
        #expect(summary.records == 2996 && summary.skipped == 4)
        #expect(summary.skippedDetails.map(\.line) == [1, 1000, 1001, 3000])
        #expect(summary.skippedDetails[2].message
            == "in.csv line 1001: feature 1 is missing (an empty field or nan); the linear-learner model needs all 2 features.")
        #expect(summary.skippedDetails[1].message.hasPrefix("in.csv line 1000: 3 columns, expected 2"))
        let good = Self.rows.enumerated().filter { bad[$0.offset] == nil }.map { Self.expected($0.element) + "\n" }
        #expect(try read(output) == good.joined())
    }

    // Batch Transform's JoinSource=Input: CSV gets the prediction appended, JSON Lines objects a SageMakerOutput member.
    @Test func joinSourceInput() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let csv = try write("in.csv", "1,0\n\n-1,0\r\n0,0\n")
        let csvOut = folder.appendingPathComponent("in.csv.out")
        _ = try BatchTransformer(predictor: Models.binary,
                                 options: TransformOptions(format: .csv, accept: .csv, joinInput: true, threads: 1))
            .transform(input: csv, output: csvOut, name: "in.csv")
        #expect(try read(csvOut) == "1,0,1,0.75\n-1,0,0,0.25\n0,0,0,0.5\n")

        let jsonl = try write("in.jsonl", "{\"id\": 7, \"features\": [1, 0]}\n[-1, 0]\n{\"data\": {\"features\": {\"values\": [0, 0]}} }\n")
        let jsonlOut = folder.appendingPathComponent("in.jsonl.out")
        _ = try BatchTransformer(predictor: Models.binary,
                                 options: TransformOptions(format: .jsonlines, accept: .jsonlines, joinInput: true, threads: 1))
            .transform(input: jsonl, output: jsonlOut, name: "in.jsonl")
        #expect(try read(jsonlOut) == """
            {"id": 7, "features": [1, 0], "SageMakerOutput": {"score": 0.75, "predicted_label": 1}}
            {"SageMakerInput": [-1, 0], "SageMakerOutput": {"score": 0.25, "predicted_label": 0}}
            {"data": {"features": {"values": [0, 0]}}, "SageMakerOutput": {"score": 0.5, "predicted_label": 0}}

            """)
        #expect(throws: OptmlError.user("--join-source input with text/csv input writes CSV lines: use --accept text/csv.")) {
            _ = try BatchTransformer(predictor: Models.binary,
                                     options: TransformOptions(format: .csv, accept: .json, joinInput: true, threads: 1))
        }
    }

    @Test func jsonDocumentsAreReadWhole() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = try write("in.json", #"{"instances": [[1, 1], [0.25, 0]]}"#)
        let output = folder.appendingPathComponent("in.json.out")
        let summary = try BatchTransformer(predictor: Models.regressor,
                                           options: TransformOptions(format: .json, accept: .jsonlines, threads: 2))
            .transform(input: input, output: output, name: "in.json")
        #expect(summary.records == 2)
        #expect(try read(output) == "{\"score\": 1.5}\n{\"score\": 1.0}\n")
    }
}
