import CZlib
import Foundation
import MLCore
@testable import DataReaders

/// Parses `text` as one in-memory CSV buffer named `train/a.csv`.
func parseCSV<S: BinaryFloatingPoint & Sendable>(
    _ text: String, as type: S.Type = Float.self, options: CSVOptions = CSVOptions(threads: 1),
    name: String = "train/a.csv", chunkBytes: ClosedRange<Int>? = nil
) throws -> LabeledDataset<S> {
    try parseCSV(Array(text.utf8), as: type, options: options, name: name, chunkBytes: chunkBytes)
}

func parseCSV<S: BinaryFloatingPoint & Sendable>(
    _ bytes: [UInt8], as type: S.Type = Float.self, options: CSVOptions = CSVOptions(threads: 1),
    name: String = "train/a.csv", chunkBytes: ClosedRange<Int>? = nil
) throws -> LabeledDataset<S> {
    try bytes.withUnsafeBytes { raw in
        try CSVReader.parse(bytes: raw, as: type, options: options, fileName: name, chunkBytes: chunkBytes)
    }
}

/// The message of the `OptmlError` that `body` throws, or nil when it does not throw.
func errorMessage(_ body: () throws -> Void) -> String? {
    do {
        try body()
        return nil
    } catch let error as OptmlError {
        return error.message
    } catch {
        return "unexpected error type: \(error)"
    }
}

/// The kind of the `OptmlError` that `body` throws.
func errorKind(_ body: () throws -> Void) -> OptmlError.Kind? {
    do {
        try body()
        return nil
    } catch let error as OptmlError {
        return error.kind
    } catch {
        return nil
    }
}

/// A fresh folder under the system temporary directory, removed by `remove()`.
struct TemporaryFolder {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("datareaders-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func write(_ relative: String, _ text: String) throws { try write(relative, Data(text.utf8)) }

    func write(_ relative: String, _ data: Data) throws {
        let file = url.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: file)
    }

    func file(_ relative: String) -> ChannelFile {
        ChannelFile(url: url.appendingPathComponent(relative), relativePath: relative)
    }

    func remove() { try? FileManager.default.removeItem(at: url) }
}

/// `data` as one gzip member (zlib deflate with a gzip wrapper).
func gzipped(_ data: Data) -> Data {
    var stream = z_stream()
    let status = deflateInit2_(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY,
                               zlibVersion(), Int32(MemoryLayout<z_stream>.size))
    precondition(status == Z_OK)
    defer { deflateEnd(&stream) }
    let bound = Int(deflateBound(&stream, UInt(data.count))) + 64
    var output = [UInt8](repeating: 0, count: bound)
    var input = [UInt8](data)
    let produced = input.withUnsafeMutableBufferPointer { inBuffer in
        output.withUnsafeMutableBufferPointer { outBuffer in
            stream.next_in = inBuffer.baseAddress
            stream.avail_in = UInt32(inBuffer.count)
            stream.next_out = outBuffer.baseAddress
            stream.avail_out = UInt32(outBuffer.count)
            let result = deflate(&stream, Z_FINISH)
            precondition(result == Z_STREAM_END)
            return outBuffer.count - Int(stream.avail_out)
        }
    }
    return Data(output.prefix(produced))
}

/// Bit-exact equality of two arrays of floats (NaN equals NaN of the same payload).
func sameBits<S: BinaryFloatingPoint>(_ a: [S], _ b: [S]) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { x, y in x == y || (x.isNaN && y.isNaN) }
}
