import Foundation
import MLCore
import DataReaders

/// Reads one training channel in the format its content type names into a dense dataset.
///
/// CSV goes to `CSVReader`, libsvm to `LibSVMReader`, RecordIO-protobuf to
/// `RecordIOProtobufReader`. The learners train on dense matrices today, so sparse input is
/// densified: absent entries become `absent` (0 for Linear Learner, which reads a sparse tensor's
/// absent entries as zeros; NaN — missing — for XGBoost, as XGBoost reads libsvm).
struct ChannelLoader {
    var threads: Int
    /// CSV rows carry a weight column after the label (XGBoost's `csv_weights=1`).
    var csvWeights = false

    func read<T: BinaryFloatingPoint & Sendable>(
        files: [ChannelFile], format: DataFormat, channel: String, as type: T.Type, absent: T
    ) throws -> LabeledDataset<T> {
        switch format {
        case .csv:
            let options = CSVOptions(hasLabel: true, hasWeight: csvWeights, expectedFeatureCount: nil, threads: threads)
            return try CSVReader.read(files: files, as: type, options: options, source: channel)
        case .libsvm:
            let data = try LibSVMReader.read(files: files, as: type, options: LibSVMOptions(threads: threads), source: channel)
            return data.dataset.densified(absent: absent)
        case .recordioProtobuf:
            let data = try RecordIOProtobufReader.read(files: files, as: type, options: RecordIOProtobufOptions(threads: threads),
                                                       source: channel)
            let dataset: LabeledDataset<T>
            switch data {
            case .dense(let dense): dataset = dense
            case .sparse(let sparse): dataset = sparse.densified(absent: absent)
            }
            if let row = dataset.labels.firstIndex(where: \.isNaN) {
                throw OptmlError.user("\(channel) channel, record \(row + 1): the record has no label (label[\"values\"]). "
                    + "Training channels need labelled records, as the SageMaker SDK's record_set(labels=...) writes them.")
            }
            return dataset
        case .json, .jsonlines, .parquet:
            throw OptmlError.user("\(channel) channel: \(format.rawValue) is not a training format optml reads.")
        }
    }
}
