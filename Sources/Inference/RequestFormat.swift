import MLCore
import DataReaders

/// The body formats `/invocations` and `optml transform` read (contract §4.3-4.5).
///
/// `text/csv` (with `label_size=0` or `1`, both meaning rows of features only, no label column),
/// `application/json`, `application/jsonlines`, `text/libsvm` (as the SageMaker SDK's XGBoost
/// predictor sends) and `application/x-recordio-protobuf`. Each is one case here and one decoder
/// in `RecordDecoder`.
public enum RequestFormat: String, Sendable, CaseIterable {
    case csv = "text/csv"
    case json = "application/json"
    case jsonlines = "application/jsonlines"
    case libsvm = "text/libsvm"
    case recordioProtobuf = "application/x-recordio-protobuf"

    /// The accepted types as the 415 message lists them.
    public static let acceptedList = allCases.map(\.rawValue).joined(separator: ", ")

    /// The format a `Content-Type` header names.
    ///
    /// - Throws: `InferenceError` 415 when the header is missing, malformed, names a type optml
    ///   does not read, or gives `label_size` other than 0 or 1.
    public init(contentType header: String?) throws(InferenceError) {
        guard let header, !header.allSatisfy({ $0 == " " || $0 == "\t" }) else {
            throw InferenceError(status: 415, message: "The request has no Content-Type; send one of: \(Self.acceptedList).")
        }
        let contentType: ContentType
        do { contentType = try ContentType(parsing: header) } catch {
            throw InferenceError(status: 415, message: "\(Self.messageText(error)) Accepted ContentTypes: \(Self.acceptedList).")
        }
        switch contentType.format {
        case .csv:
            if let size = contentType.labelSize, size > 1 {
                throw InferenceError(status: 415, message: "\(header) is not an accepted csv ContentType: at inference "
                    + "label_size must be 0 or 1 (rows carry features only).")
            }
            self = .csv
        case .json: self = .json
        case .jsonlines: self = .jsonlines
        case .libsvm: self = .libsvm
        case .recordioProtobuf: self = .recordioProtobuf
        case .parquet, nil:
            throw InferenceError(status: 415, message: "\(header) is not an accepted ContentType: \(Self.acceptedList).")
        }
    }

    /// How a file of this format splits into requests for `optml transform` (Batch Transform's
    /// `SplitType`): CSV, JSON Lines and libsvm by line; JSON and RecordIO-protobuf files as one
    /// whole body each.
    public var splitsByLine: Bool { self == .csv || self == .jsonlines || self == .libsvm }

    static func messageText(_ error: any Error) -> String {
        (error as? OptmlError).map(\.message) ?? "\(error)"
    }
}
