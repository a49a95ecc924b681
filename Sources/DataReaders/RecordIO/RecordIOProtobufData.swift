import MLCore

/// What a RecordIO-protobuf channel holds: a dense matrix when every record is a dense tensor,
/// a CSR matrix when any record is sparse (absent entries are zeros, as Linear Learner reads
/// sparse tensors; dense rows of a mixed channel store every column).
public enum RecordIOProtobufData<Scalar: BinaryFloatingPoint & Sendable>: Sendable {
    case dense(LabeledDataset<Scalar>)
    case sparse(SparseLabeledDataset<Scalar>)

    /// Labels (NaN when the records carry none).
    public var labels: [Double] {
        switch self {
        case .dense(let d): d.labels
        case .sparse(let s): s.labels
        }
    }

    public var count: Int { labels.count }
}
