/// A request the handler cannot answer with predictions: the HTTP status to send and the
/// message for the caller (contract §4.2).
///
/// 400 bad payload (the message names the record), 406 unsupported Accept, 413 payload too
/// large, 415 unsupported or malformed Content-Type; 500 only for faults of optml itself.
public struct InferenceError: Error, Sendable, Equatable, CustomStringConvertible {
    public var status: Int
    public var message: String

    public init(status: Int, message: String) {
        self.status = status
        self.message = message
    }

    public static func badPayload(_ detail: String) -> InferenceError {
        InferenceError(status: 400, message: "Unable to evaluate payload provided: \(detail)")
    }

    public var description: String { "\(status): \(message)" }
}
