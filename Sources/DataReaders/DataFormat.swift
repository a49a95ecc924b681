/// The data formats a channel or request body can hold.
public enum DataFormat: String, Sendable {
    case csv
    case libsvm
    case recordioProtobuf
    case json
    case jsonlines
    case parquet
}
