import Foundation
import MLCore
import DataReaders

/// A channel's rows as the reader produced them: dense (CSV, dense RecordIO tensors) or sparse
/// (libsvm, sparse RecordIO tensors). The learner decides whether sparse rows stay sparse.
enum ChannelData<T: BinaryFloatingPoint & Sendable>: Sendable {
    case dense(LabeledDataset<T>)
    case sparse(SparseLabeledDataset<T>)

    var count: Int {
        switch self {
        case .dense(let d): return d.count
        case .sparse(let s): return s.count
        }
    }

    var featureCount: Int {
        switch self {
        case .dense(let d): return d.featureCount
        case .sparse(let s): return s.featureCount
        }
    }

    /// The dense dataset; absent sparse entries become `absent`.
    func densified(absent: T) -> LabeledDataset<T> {
        switch self {
        case .dense(let d): return d
        case .sparse(let s): return s.densified(absent: absent)
        }
    }
}

/// Reads one training channel in the format its content type names.
///
/// CSV goes to `CSVReader`, libsvm to `LibSVMReader`, RecordIO-protobuf to
/// `RecordIOProtobufReader`. `readData` keeps the reader's form (sparse input stays CSR);
/// `read` densifies it: absent entries become `absent` (0 for Linear Learner, which reads a sparse
/// tensor's absent entries as zeros; NaN — missing — for XGBoost, as XGBoost reads libsvm).
struct ChannelLoader {
    var threads: Int
    /// CSV rows carry a weight column after the label (XGBoost's `csv_weights=1`).
    var csvWeights = false

    func read<T: BinaryFloatingPoint & Sendable>(
        files: [ChannelFile], format: DataFormat, channel: String, as type: T.Type, absent: T
    ) throws -> LabeledDataset<T> {
        try readData(files: files, format: format, channel: channel, as: type).densified(absent: absent)
    }

    /// The channel's rows in the form the reader produced them.
    func readData<T: BinaryFloatingPoint & Sendable>(
        files: [ChannelFile], format: DataFormat, channel: String, as type: T.Type
    ) throws -> ChannelData<T> {
        switch format {
        case .csv:
            let options = CSVOptions(hasLabel: true, hasWeight: csvWeights, expectedFeatureCount: nil, threads: threads)
            return .dense(try CSVReader.read(files: files, as: type, options: options, source: channel))
        case .libsvm:
            let data = try LibSVMReader.read(files: files, as: type, options: LibSVMOptions(threads: threads), source: channel)
            return .sparse(data.dataset)
        case .recordioProtobuf:
            let data = try RecordIOProtobufReader.read(files: files, as: type, options: RecordIOProtobufOptions(threads: threads),
                                                       source: channel)
            let labels: [Double]
            let out: ChannelData<T>
            switch data {
            case .dense(let dense): labels = dense.labels; out = .dense(dense)
            case .sparse(let sparse): labels = sparse.labels; out = .sparse(sparse)
            }
            if let row = labels.firstIndex(where: \.isNaN) { throw Self.unlabeledRecord(channel: channel, record: row + 1) }
            return out
        case .json, .jsonlines, .parquet:
            throw OptmlError.user("\(channel) channel: \(format.rawValue) is not a training format optml reads.")
        }
    }

    /// The error for a training channel's record without a label; `record` counts from 1.
    static func unlabeledRecord(channel: String, record: Int) -> OptmlError {
        OptmlError.user("\(channel) channel, record \(record): the record has no label (label[\"values\"]). "
            + "Training channels need labelled records, as the SageMaker SDK's record_set(labels=...) writes them.")
    }

    /// Reads text rows already in memory (a Pipe-mode stream taken out of its RecordIO wrapping);
    /// `name` names them in messages.
    func readData<T: BinaryFloatingPoint & Sendable>(
        bytes: [UInt8], name: String, format: DataFormat, channel: String, as type: T.Type
    ) throws -> ChannelData<T> {
        try bytes.withUnsafeBytes { raw in
            switch format {
            case .csv:
                let options = CSVOptions(hasLabel: true, hasWeight: csvWeights, expectedFeatureCount: nil, threads: threads)
                return .dense(try CSVReader.parse(bytes: raw, as: type, options: options, fileName: name))
            case .libsvm:
                return .sparse(try LibSVMReader.parse(bytes: raw, as: type, options: LibSVMOptions(threads: threads), fileName: name)
                    .dataset)
            default:
                throw OptmlError.user("\(channel) channel: RecordWrapperType RecordIO wraps text objects (text/csv, text/libsvm); "
                    + "for \(format.rawValue) data set RecordWrapperType to None.")
            }
        }
    }
}
