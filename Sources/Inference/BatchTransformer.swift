import Dispatch
import Foundation
import MLCore
import BuiltinAlgorithms
import DataReaders

/// Offline batch inference over files (`optml transform`): one `<file>.out` per input, one output
/// record per input record in order, like Batch Transform with `SplitType=Line` (contract §4.6).
///
/// CSV, JSON Lines and libsvm stream: the file is read `blockBytes` at a time, each block of whole
/// lines is cut into pieces decoded, predicted and encoded on `threads` workers, and the pieces are
/// written in order, so memory stays a few blocks whatever the file size. RecordIO-protobuf files
/// stream the same way, cut at record boundaries (`SplitType=RecordIO`; a record in several
/// parts stays whole). `application/json` files are one document each and are read whole. Output goes to a hidden temporary file in the
/// output folder, is fsynced and renamed into place, so a reader never sees half a file; on
/// failure the temporary file is removed.
///
/// A record that does not decode fails the file with its file and line, or, with
/// `skipBadRecords`, is left out of the output and reported in the summary.
public struct BatchTransformer: Sendable {
    public let handler: InferenceHandler
    public let options: TransformOptions
    let encoder: PredictionEncoder

    public init(predictor: any Predictor, options: TransformOptions) throws {
        try options.validate()
        handler = try InferenceHandler(predictor: predictor, configuration: ServingConfiguration(inferenceOutput: options.inferenceOutput))
        self.options = options
        // Selected CSV output ends every record with a newline, as under batch transform.
        encoder = PredictionEncoder(layout: predictor.layout, format: options.accept, isBatch: handler.selection != nil,
                                    selection: handler.selection)
    }

    /// Transforms `input` into `output`; `name` names the input in messages.
    ///
    /// - Throws: `OptmlError.user` for a bad record (without `skipBadRecords`) naming file and
    ///   line, `OptmlError.platform` for I/O.
    public func transform(input: URL, output: URL, name: String) throws -> TransformSummary {
        let writer = try OutputFile(destination: output)
        do {
            let summary: TransformSummary
            if options.format.splitsByLine {
                summary = try streamLines(input: input, name: name, writer: writer)
            } else if options.format == .recordioProtobuf {
                summary = try streamRecords(input: input, name: name, writer: writer)
            } else {
                summary = try transformDocument(input: input, name: name, writer: writer)
            }
            try writer.commit()
            return summary
        } catch {
            writer.discard()
            throw error
        }
    }

    // MARK: - Whole documents

    private func transformDocument(input: URL, name: String, writer: OutputFile) throws -> TransformSummary {
        let data: Data
        do { data = try Data(contentsOf: input) } catch {
            throw OptmlError.platform("Cannot read \(name) (\(input.path)): \(error.localizedDescription)")
        }
        let rows: FeatureRows
        do {
            rows = try data.withUnsafeBytes { bytes throws(InferenceError) in
                try handler.decoder.decode(bytes, format: options.format, source: name)
            }
        } catch let error as InferenceError {
            throw OptmlError.user(Self.detail(error))
        }
        let predictions = handler.predict(rows)
        try writer.write(encoder.encode(predictions))
        return TransformSummary(file: name, records: rows.rows)
    }

    static func detail(_ error: InferenceError) -> String {
        let prefix = "Unable to evaluate payload provided: "
        return error.message.hasPrefix(prefix) ? String(error.message.dropFirst(prefix.count)) : error.message
    }

    // MARK: - Streaming by line

    /// One piece's result: encoded output, counts, and the lines that failed (relative).
    fileprivate struct PieceResult {
        var output: [UInt8] = []
        var records = 0
        var newlines = 0
        /// (0-based line within the piece, byte range of the line in the block).
        var badLines: [(line: Int, start: Int, end: Int)] = []
    }

    private func streamLines(input: URL, name: String, writer: OutputFile) throws -> TransformSummary {
        var file = try FileBlocks(input, name: name, capacity: options.blockBytes)
        var summary = TransformSummary(file: name)
        var nextLine = 1
        var wroteRecord = false
        var first = true
        try writeDocumentStart(writer)
        while !file.finished {
            try file.fill()
            let bytes = file.bytes
            var skip = 0
            if first {
                first = false
                if bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF { skip = 3 }
            }
            var cut = bytes.count
            if !file.eof {
                while cut > skip && bytes[cut - 1] != 0x0A { cut -= 1 }
                if cut == skip {
                    // A line longer than the block: read more of it.
                    file.grow()
                    continue
                }
            }
            let results = processBlock(UnsafeBufferPointer(rebasing: bytes[skip..<cut]), name: name)
            for result in results {
                if !result.badLines.isEmpty {
                    try report(result.badLines, block: UnsafeBufferPointer(rebasing: bytes[skip..<cut]), firstLine: nextLine,
                               name: name, summary: &summary)
                }
                try write(result.output, to: writer, wroteRecord: &wroteRecord)
                summary.records += result.records
                nextLine += result.newlines
            }
            file.consume(cut)
        }
        try writeDocumentEnd(writer)
        return summary
    }

    /// `{"predictions": [` for a JSON document, nothing for formats whose records stand alone.
    fileprivate func writeDocumentStart(_ writer: OutputFile) throws {
        guard !encoder.writesLines else { return }
        var start: [UInt8] = []
        encoder.appendDocumentStart(to: &start)
        try writer.write(start)
    }

    fileprivate func writeDocumentEnd(_ writer: OutputFile) throws {
        guard !encoder.writesLines else { return }
        var end: [UInt8] = []
        encoder.appendDocumentEnd(to: &end)
        try writer.write(end)
    }

    /// Writes a piece's encoded records. In a JSON document every record is preceded by `, `; the
    /// file's first record drops it.
    fileprivate func write(_ output: [UInt8], to writer: OutputFile, wroteRecord: inout Bool) throws {
        guard !output.isEmpty else { return }
        try writer.write(!encoder.writesLines && !wroteRecord ? Array(output.dropFirst(2)) : output)
        wroteRecord = true
    }

    /// Turns the bad lines of a piece into messages with absolute line numbers; throws the first
    /// unless bad records are skipped.
    private func report(_ badLines: [(line: Int, start: Int, end: Int)], block: UnsafeBufferPointer<UInt8>, firstLine: Int,
                        name: String, summary: inout TransformSummary) throws {
        for bad in badLines {
            let line = firstLine + bad.line
            let text = UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: block[bad.start..<bad.end]))
            var message = "\(name) line \(line): the record could not be read."
            do { _ = try decodeLine(text, name: name) } catch { message = Self.relabel(Self.detail(error), name: name, line: line) }
            guard options.skipBadRecords else { throw OptmlError.user(message) }
            summary.skipped += 1
            if summary.skippedDetails.count < TransformSummary.skippedDetailLimit {
                summary.skippedDetails.append(.init(line: line, message: message))
            }
        }
    }

    /// Messages about a one-line input say `line 1` / `record 1`: make them name the file's line.
    static func relabel(_ message: String, name: String, line: Int) -> String {
        message
            .replacingOccurrences(of: "\(name) line 1", with: "\(name) line \(line)")
            .replacingOccurrences(of: "\(name), record 1:", with: "\(name) line \(line):")
            .replacingOccurrences(of: ", record 1:", with: ":")
            .replacingOccurrences(of: "Line 1 reads", with: "Line \(line) reads")
    }

    /// Splits a block of whole lines into pieces and runs them on the workers, in order.
    private func processBlock(_ block: UnsafeBufferPointer<UInt8>, name: String) -> [PieceResult] {
        let pieces = max(1, min(options.threads * 2, block.count / 4096))
        var bounds = [0]
        for k in 1..<pieces {
            var p = max(bounds.last!, block.count * k / pieces)
            while p < block.count && block[p - 1] != 0x0A { p += 1 }
            if p > bounds.last! && p < block.count { bounds.append(p) }
        }
        bounds.append(block.count)
        return inPieces(bounds.count - 1) { k in processPiece(block, start: bounds[k], end: bounds[k + 1], name: name) }
    }

    /// `body` for pieces `0 ..< count` on the workers (in order on one thread), results in order.
    private func inPieces<Result>(_ count: Int, _ body: (Int) -> Result) -> [Result] {
        if options.threads == 1 || count <= 1 { return (0..<count).map(body) }
        let results = UnsafeMutableBufferPointer<Result?>.allocate(capacity: count)
        results.initialize(repeating: nil)
        defer { results.deinitialize(); results.deallocate() }
        withoutActuallyEscaping(body) { body in
            // Each piece writes its own slot; concurrentPerform returns after all of them.
            let shared = UncheckedBox { (k: Int) in results[k] = body(k) }
            DispatchQueue.concurrentPerform(iterations: count) { shared.value($0) }
        }
        return results.map { $0! }
    }

    private func processPiece(_ block: UnsafeBufferPointer<UInt8>, start: Int, end: Int, name: String) -> PieceResult {
        var result = PieceResult()
        let piece = UnsafeBufferPointer(rebasing: block[start..<end])
        result.newlines = piece.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
        let raw = UnsafeRawBufferPointer(piece)
        if let rows = try? decodePiece(raw, name: name) {
            emit(rows, lines: options.joinInput ? recordLines(block, start, end) : [], block: block, into: &result)
            return result
        }
        // Some record is bad: find each bad line by bisection over the record lines, keep the
        // rest in order.
        let lines = recordLines(block, start, end)
        let (rows, good, bad) = decodeBisecting(block, lines.map { ($0.start, $0.end) }, name: name)
        result.badLines = bad.map { lines[$0] }
        emit(rows, lines: options.joinInput ? good.map { (line: 0, start: lines[$0].start, end: lines[$0].end) } : [],
             block: block, into: &result)
        return result
    }

    /// Decodes `units` (byte ranges of `block`, in order) by bisection around the ones that do
    /// not decode to one row each: the rows of the good units in order, the good units' indices
    /// and the bad ones'.
    private func decodeBisecting(_ block: UnsafeBufferPointer<UInt8>, _ units: [(start: Int, end: Int)], name: String)
        -> (rows: FeatureRows, good: [Int], bad: [Int])
    {
        var rows = FeatureRows(featureCount: handler.predictor.featureCount)
        var good: [Int] = [], bad: [Int] = []
        func visit(_ range: Range<Int>) {
            guard !range.isEmpty else { return }
            let bytes = UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: block[units[range.lowerBound].start..<units[range.upperBound - 1].end]))
            if let decoded = try? decodePiece(bytes, name: name), decoded.rows == range.count {
                rows.values.append(contentsOf: decoded.values)
                rows.rows += decoded.rows
                good.append(contentsOf: range)
                return
            }
            if range.count == 1 {
                bad.append(range.lowerBound)
                return
            }
            let middle = range.lowerBound + range.count / 2
            visit(range.lowerBound..<middle)
            visit(middle..<range.upperBound)
        }
        visit(0..<units.count)
        return (rows, good, bad)
    }

    /// The non-blank lines of `[start, end)`: 0-based line index within the range and byte range
    /// without the line end.
    private func recordLines(_ block: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> [(line: Int, start: Int, end: Int)] {
        var lines: [(line: Int, start: Int, end: Int)] = []
        var p = start
        var line = 0
        while p < end {
            var q = p
            while q < end && block[q] != 0x0A { q += 1 }
            var stop = q
            if stop > p && block[stop - 1] == 0x0D { stop -= 1 }
            if !RecordDecoder.isBlank(UnsafeBufferPointer(rebasing: block[p..<stop])) { lines.append((line, p, stop)) }
            p = q + 1
            line += 1
        }
        return lines
    }

    private func decodePiece(_ bytes: UnsafeRawBufferPointer, name: String) throws(InferenceError) -> FeatureRows {
        switch options.format {
        case .csv: return try handler.decoder.decodeCSV(bytes, source: name)
        case .jsonlines: return try handler.decoder.decodeJSONLines(bytes, source: name, firstLine: 1)
        case .json: return try handler.decoder.decodeJSON(bytes, source: name)
        case .libsvm: return try handler.decoder.decodeLibSVM(bytes, source: name)
        case .recordioProtobuf: return try handler.decoder.decodeRecordIO(bytes, source: name)
        }
    }

    private func decodeLine(_ bytes: UnsafeRawBufferPointer, name: String) throws(InferenceError) -> FeatureRows {
        try decodePiece(bytes, name: name)
    }

    private func emit(_ rows: FeatureRows, lines: [(line: Int, start: Int, end: Int)], block: UnsafeBufferPointer<UInt8>,
                      into result: inout PieceResult) {
        guard rows.rows > 0 else { return }
        let predictions = handler.predict(rows)
        var out: [UInt8] = []
        out.reserveCapacity(rows.rows * (options.joinInput ? 64 + (lines.first.map { $0.end - $0.start } ?? 0) : 24))
        for i in 0..<rows.rows {
            if options.joinInput {
                let line = UnsafeBufferPointer(rebasing: block[lines[i].start..<lines[i].end])
                appendJoined(line, i, predictions, to: &out)
            } else {
                // JSON documents: every record after a comma; the writer drops the file's first one.
                encoder.appendRecord(i, of: predictions, first: encoder.writesLines, to: &out)
            }
        }
        result.output = out
        result.records = rows.rows
    }

    private func appendJoined(_ line: UnsafeBufferPointer<UInt8>, _ i: Int, _ predictions: Predictions, to out: inout [UInt8]) {
        switch options.format {
        case .csv:
            out.append(contentsOf: line)
            out.append(UInt8(ascii: ","))
            encoder.appendCSV(i, predictions, to: &out)
        default:
            var end = line.count
            while end > 0 && (line[end - 1] == 0x20 || line[end - 1] == 0x09) { end -= 1 }
            var begin = 0
            while begin < end && (line[begin] == 0x20 || line[begin] == 0x09) { begin += 1 }
            let trimmed = UnsafeBufferPointer(rebasing: line[begin..<end])
            if trimmed.first == UInt8(ascii: "{") && trimmed.last == UInt8(ascii: "}") {
                // Splice the member in before the closing brace (an empty object takes no comma).
                var inner = trimmed.count - 1
                while inner > 1 && [0x20, 0x09].contains(trimmed[inner - 1]) { inner -= 1 }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: trimmed[0..<inner]))
                if inner > 1 { out.append(contentsOf: ", ".utf8) }
                out.append(contentsOf: #""SageMakerOutput": "#.utf8)
                encoder.appendObject(i, predictions, to: &out)
                out.append(UInt8(ascii: "}"))
            } else {
                out.append(contentsOf: #"{"SageMakerInput": "#.utf8)
                out.append(contentsOf: trimmed)
                out.append(contentsOf: #", "SageMakerOutput": "#.utf8)
                encoder.appendObject(i, predictions, to: &out)
                out.append(UInt8(ascii: "}"))
            }
        }
        out.append(0x0A)
    }
}

extension BatchTransformer {
    // MARK: - Streaming by RecordIO record

    /// The end offsets of the whole records that start at `from` in `bytes[..<count]`, and where
    /// the scan stopped (the start of an incomplete record, or `count`). A record written in
    /// parts (flags 1, 2, 3) counts as one. `base` is the file offset of `bytes[0]`, for messages.
    ///
    /// - Throws: `OptmlError.user` naming the file and byte offset when the bytes there are not
    ///   RecordIO framing.
    static func recordEnds(_ bytes: UnsafeBufferPointer<UInt8>, count: Int, base: Int, name: String) throws
        -> (ends: [Int], stop: Int)
    {
        var ends: [Int] = []
        var p = 0
        var recordStart = 0
        var inParts = false
        while count - p >= 8 {
            let raw = UnsafeRawBufferPointer(bytes)
            let magic = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: p, as: UInt32.self))
            guard magic == RecordIOFraming.magic else {
                throw OptmlError.user("\(name) byte \(base + p): expected the RecordIO magic 0x\(String(RecordIOFraming.magic, radix: 16)) "
                    + "at the start of a record, found 0x\(String(magic, radix: 16)). Is this file application/x-recordio-protobuf "
                    + "(as written by the SageMaker SDK's RecordSerializer or write_numpy_to_dense_tensor)?")
            }
            let word = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: p + 4, as: UInt32.self))
            let length = Int(word & UInt32(RecordIOFraming.maximumPartLength))
            let flag = word >> 29
            let size = 8 + length + RecordIOFraming.padding(length)
            guard count - p >= size else { break }
            if !inParts { recordStart = p }
            switch flag {
            case 0:
                guard !inParts else {
                    throw OptmlError.user("\(name) byte \(base + p): a whole record (flag 0) inside a record written in parts; "
                        + "the file is damaged.")
                }
                ends.append(p + size)
            case 1:
                guard !inParts else {
                    throw OptmlError.user("\(name) byte \(base + p): a first part (flag 1) inside a record written in parts; "
                        + "the file is damaged.")
                }
                inParts = true
            case 2:
                guard inParts else {
                    throw OptmlError.user("\(name) byte \(base + p): a middle part (flag 2) without a first part; the file is damaged.")
                }
            case 3:
                guard inParts else {
                    throw OptmlError.user("\(name) byte \(base + p): a last part (flag 3) without a first part; the file is damaged.")
                }
                inParts = false
                ends.append(p + size)
            default:
                throw OptmlError.user("\(name) byte \(base + p): continuation flag \(flag) is not 0 to 3; the file is damaged.")
            }
            p += size
        }
        return (ends, inParts ? recordStart : p)
    }

    fileprivate func streamRecords(input: URL, name: String, writer: OutputFile) throws -> TransformSummary {
        var file = try FileBlocks(input, name: name, capacity: options.blockBytes)
        var consumed = 0
        var firstRecord = 1
        var summary = TransformSummary(file: name)
        var wroteRecord = false
        try writeDocumentStart(writer)
        while !file.finished {
            try file.fill()
            let bytes = file.bytes
            let (ends, stop) = try Self.recordEnds(bytes, count: bytes.count, base: consumed, name: name)
            if ends.isEmpty {
                if file.eof {
                    throw OptmlError.user("\(name) byte \(consumed + stop): the file ends inside a record (\(bytes.count - stop) bytes "
                        + "left); the file is truncated.")
                }
                // A record longer than the block: read more of it.
                file.grow()
                continue
            }
            let results = processRecords(bytes, ends: ends, name: name)
            for result in results {
                for bad in result.badLines {
                    let record = firstRecord + bad.line
                    let message = recordMessage(UnsafeBufferPointer(rebasing: bytes[bad.start..<bad.end]), record: record,
                                                offset: consumed + bad.start, name: name)
                    guard options.skipBadRecords else { throw OptmlError.user(message) }
                    summary.skipped += 1
                    if summary.skippedDetails.count < TransformSummary.skippedDetailLimit {
                        summary.skippedDetails.append(.init(line: record, message: message))
                    }
                }
                try write(result.output, to: writer, wroteRecord: &wroteRecord)
                summary.records += result.records
            }
            firstRecord += ends.count
            consumed += ends.last!
            file.consume(ends.last!)
        }
        try writeDocumentEnd(writer)
        return summary
    }

    /// Why one record (its framed bytes) could not be predicted, naming its number and offset.
    fileprivate func recordMessage(_ bytes: UnsafeBufferPointer<UInt8>, record: Int, offset: Int, name: String) -> String {
        let at = "\(name) record \(record) (byte \(offset)): "
        do {
            let decoded = try handler.decoder.decodeRecordIO(UnsafeRawBufferPointer(bytes), source: name)
            return at + "it holds \(decoded.rows) rows; expected one per record."
        } catch {
            return at + Self.detail(error).replacingOccurrences(of: "\(name): ", with: "")
        }
    }

    /// Decodes, predicts and encodes the records ending at `ends` in pieces on the workers, in
    /// order; a piece's bad records (by bisection) are listed with their index in the block.
    fileprivate func processRecords(_ block: UnsafeBufferPointer<UInt8>, ends: [Int], name: String) -> [PieceResult] {
        let starts = [0] + ends.dropLast()
        let pieces = max(1, min(options.threads * 2, ends.count, block.count / 4096))
        return inPieces(pieces) { k in
            let lo = ends.count * k / pieces, hi = ends.count * (k + 1) / pieces
            let units = (lo..<hi).map { (start: starts[$0], end: ends[$0]) }
            var result = PieceResult()
            let (rows, _, bad) = decodeBisecting(block, units, name: name)
            result.badLines = bad.map { (line: lo + $0, start: units[$0].start, end: units[$0].end) }
            emit(rows, lines: [], block: block, into: &result)
            return result
        }
    }
}

/// A closure run by several threads on the caller's word that it only touches disjoint slots.
private struct UncheckedBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
