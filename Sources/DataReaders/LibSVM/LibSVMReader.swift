import Foundation
import MLCore

/// Reads `text/libsvm` (and `text/x-libsvm`) channels (contract §5.2) into CSR matrices, in
/// parallel.
///
/// Format, one row per line: `label[:weight] [qid:id] index:value index:value ... [# comment]`.
/// Tokens are separated by spaces or tabs; `\n` or `\r\n` end lines; blank lines and lines that
/// hold only a comment are skipped. Indices are zero-based, as XGBoost reads them (no shifting
/// heuristic); absent indices are missing values. Labels are finite decimals; weights finite and
/// non-negative; either every row has a weight or none does, and the same for `qid:`. Indices on
/// a line may come in any order (they are sorted); an index given twice is an error. Values are
/// finite decimals, converted with correct rounding like the CSV reader.
///
/// Errors name the file, the line and the offending token, quote the line, and say when the bytes
/// look like another format (CSV sent to a channel whose content type defaulted to libsvm is the
/// most common mistake).
public enum LibSVMReader {
    /// Reads all `files` of a channel as one matrix, rows in file order. Messages name files as
    /// `<source>/<relativePath>`. Throws `OptmlError.user` for bad data and for a channel without
    /// rows, `OptmlError.platform` for I/O.
    public static func read<S: BinaryFloatingPoint & Sendable>(
        files: [ChannelFile], as type: S.Type, options: LibSVMOptions, source: String
    ) throws -> LibSVMData<S> {
        try read(files: files, as: type, options: options, source: source, chunkBytes: nil)
    }

    static func read<S: BinaryFloatingPoint & Sendable>(
        files: [ChannelFile], as type: S.Type, options: LibSVMOptions, source: String, chunkBytes: ClosedRange<Int>?
    ) throws -> LibSVMData<S> {
        var inputs: [CSVInput] = []
        for file in files {
            let name = "\(source)/\(file.relativePath)"
            inputs.append(CSVInput(text: try TextBuffer.load(path: file.url.path, displayName: name), name: name))
        }
        var parser = LibSVMChannelParser(inputs: inputs, options: options,
                                         emptyMessage: "No data in \(source) channel: the files hold no rows.")
        if let chunkBytes { parser.chunkBytes = chunkBytes }
        return try parser.parse(as: type, source: source)
    }

    /// Parses one in-memory buffer (a request body, a test fixture); `fileName` names it in
    /// messages and becomes the dataset's `source`. The bytes are not retained.
    public static func parse<S: BinaryFloatingPoint & Sendable>(
        bytes: UnsafeRawBufferPointer, as type: S.Type, options: LibSVMOptions, fileName: String
    ) throws -> LibSVMData<S> {
        try parse(bytes: bytes, as: type, options: options, fileName: fileName, chunkBytes: nil)
    }

    static func parse<S: BinaryFloatingPoint & Sendable>(
        bytes: UnsafeRawBufferPointer, as type: S.Type, options: LibSVMOptions, fileName: String,
        chunkBytes: ClosedRange<Int>?
    ) throws -> LibSVMData<S> {
        let input = CSVInput(text: TextBuffer(borrowing: bytes), name: fileName)
        var parser = LibSVMChannelParser(inputs: [input], options: options,
                                         emptyMessage: "No data in \(fileName): the input holds no rows.")
        if let chunkBytes { parser.chunkBytes = chunkBytes }
        return try parser.parse(as: type, source: fileName)
    }
}
