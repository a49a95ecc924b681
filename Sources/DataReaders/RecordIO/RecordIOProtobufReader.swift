import Foundation
import MLCore

/// Reads `application/x-recordio-protobuf` channels (contract §5.3, §5.4): RecordIO-framed
/// `aialgs.data.Record` messages, one row each, as the SageMaker SDK's `record_set()`,
/// `write_numpy_to_dense_tensor` and `write_spmatrix_to_sparse_tensor` write them.
///
/// Features come from `features["values"]` (Float32, Float64 or Int32; dense, or sparse with
/// `keys` and `shape`), labels from the one value of `label["values"]`. Either every record has
/// a label or none does (labels are then NaN). Dense rows must all have the same length. The
/// output is dense when every record is dense, CSR otherwise. Multi-part records are reassembled.
/// Errors name the file and the byte offset of the record at fault.
///
/// Decoding runs in parallel over chunks of whole records; dense channels are decoded straight
/// into the final matrix (see `RecordIOChannelParser`). Files are memory-mapped; gzip files
/// (first bytes 1F 8B) are inflated into memory first.
public enum RecordIOProtobufReader {
    /// Reads all `files` of a channel, rows in file order; messages name files as
    /// `<source>/<relativePath>`.
    public static func read<S: BinaryFloatingPoint & Sendable>(
        files: [ChannelFile], as type: S.Type, options: RecordIOProtobufOptions, source: String
    ) throws -> RecordIOProtobufData<S> {
        var inputs: [CSVInput] = []
        for file in files {
            let name = "\(source)/\(file.relativePath)"
            inputs.append(CSVInput(text: try TextBuffer.load(path: file.url.path, displayName: name), name: name))
        }
        return try RecordIOChannelParser(inputs: inputs, options: options,
                                         emptyMessage: "No data in \(source) channel: the files hold no records.")
            .parse(as: type, source: source)
    }

    /// Decodes one in-memory buffer of framed records (a request body, a test fixture);
    /// `fileName` names it in messages. The bytes are not retained.
    public static func parse<S: BinaryFloatingPoint & Sendable>(
        bytes: UnsafeRawBufferPointer, as type: S.Type, options: RecordIOProtobufOptions, fileName: String
    ) throws -> RecordIOProtobufData<S> {
        try parse(bytes: bytes, as: type, options: options, fileName: fileName, chunkBytes: nil)
    }

    static func parse<S: BinaryFloatingPoint & Sendable>(
        bytes: UnsafeRawBufferPointer, as type: S.Type, options: RecordIOProtobufOptions, fileName: String,
        chunkBytes: Int?
    ) throws -> RecordIOProtobufData<S> {
        var parser = RecordIOChannelParser(inputs: [CSVInput(text: TextBuffer(borrowing: bytes), name: fileName)],
                                           options: options, emptyMessage: "No data in \(fileName): the input holds no records.")
        if let chunkBytes { parser.chunkBytes = chunkBytes }
        return try parser.parse(as: type, source: fileName)
    }
}
