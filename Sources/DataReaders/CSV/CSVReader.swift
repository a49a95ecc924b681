import Foundation
import MLCore

/// Reads SageMaker training CSV (contract §5.1) into a dense dataset, in parallel.
///
/// Format: no header; comma-separated; `\n` or `\r\n` line ends, the last line may lack one; a
/// UTF-8 byte order mark at the start of a file is skipped; blank lines (empty or only spaces,
/// tabs and `\r`) are skipped. Column 1 is the label unless `CSVOptions.hasLabel` is false, the
/// next column is the instance weight when `CSVOptions.hasWeight`, the rest are features.
///
/// Fields: a decimal in the C syntax `strtod` accepts (`-1.5`, `+.5`, `5.`, `1e-3`, `1E+30`),
/// optionally surrounded by spaces or double quotes. An empty field or `nan` (any case) is a
/// missing feature, stored as NaN. Labels must be present and finite; weights present, finite and
/// non-negative. `inf`, decimals beyond the output format's range, and anything else are errors
/// that name the file, the line and the column and quote the line.
///
/// Conversion is correctly rounded: every value equals `Double(String)` (or `Float(String)` for
/// `Float` output, rounded once from the decimal, not through Double). Labels and weights are
/// always Double. Other output formats (`Float16`, `Float80`) are converted from the Double value.
///
/// Memory: plain files are memory-mapped and parsed pages are dropped as the parse advances, so
/// the resident set stays near the size of the output arrays. Gzip files (detected by their first
/// two bytes, whatever their name) are inflated into memory first.
public enum CSVReader {
    /// Reads all `files` of a channel as one dataset, rows in file order.
    ///
    /// Every file must have the width of the first row of the first file (or the width that
    /// `options.expectedFeatureCount` implies). Messages name files as `<source>/<relativePath>`.
    /// Throws `OptmlError.user` for bad data and for a channel without rows
    /// (`No data in <source> channel: the files hold no rows.`), `OptmlError.platform` for I/O.
    public static func read<S: BinaryFloatingPoint & Sendable>(
        files: [ChannelFile], as type: S.Type, options: CSVOptions, source: String
    ) throws -> LabeledDataset<S> {
        try read(files: files, as: type, options: options, source: source, chunkBytes: nil)
    }

    /// `read(files:…)` with chunk size bounds, so tests can force many chunks on small files.
    static func read<S: BinaryFloatingPoint & Sendable>(
        files: [ChannelFile], as type: S.Type, options: CSVOptions, source: String, chunkBytes: ClosedRange<Int>?
    ) throws -> LabeledDataset<S> {
        var inputs: [CSVInput] = []
        inputs.reserveCapacity(files.count)
        for file in files {
            let name = "\(source)/\(file.relativePath)"
            inputs.append(CSVInput(text: try TextBuffer.load(path: file.url.path, displayName: name), name: name))
        }
        var parser = CSVChannelParser(
            inputs: inputs, options: options, emptyMessage: "No data in \(source) channel: the files hold no rows.")
        if let chunkBytes { parser.chunkBytes = chunkBytes }
        return try parser.parse(as: type, source: source)
    }

    /// Parses one in-memory CSV buffer (a request body, a test fixture). `fileName` names it in
    /// messages and becomes the dataset's `source`. No rows at all throws
    /// `No data in <fileName>: the input holds no rows.` The bytes are not retained.
    public static func parse<S: BinaryFloatingPoint & Sendable>(
        bytes: UnsafeRawBufferPointer, as type: S.Type, options: CSVOptions, fileName: String
    ) throws -> LabeledDataset<S> {
        try parse(bytes: bytes, as: type, options: options, fileName: fileName, chunkBytes: nil)
    }

    /// `parse(bytes:…)` with chunk size bounds, so tests can force many chunks on small inputs.
    static func parse<S: BinaryFloatingPoint & Sendable>(
        bytes: UnsafeRawBufferPointer, as type: S.Type, options: CSVOptions, fileName: String,
        chunkBytes: ClosedRange<Int>?
    ) throws -> LabeledDataset<S> {
        let input = CSVInput(text: TextBuffer(borrowing: bytes), name: fileName)
        var parser = CSVChannelParser(
            inputs: [input], options: options, emptyMessage: "No data in \(fileName): the input holds no rows.")
        if let chunkBytes { parser.chunkBytes = chunkBytes }
        return try parser.parse(as: type, source: fileName)
    }
}
