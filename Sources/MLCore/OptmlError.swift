/// An error a user, the algorithm or the platform caused, carrying a message meant for people.
///
/// Only the executable exits; everything below it throws `OptmlError` values. The top-level handler
/// writes `message` first into `/opt/ml/output/failure` (the first 1024 characters become the
/// training job's `FailureReason`), so messages say what was wrong, where, and what would be right.
public struct OptmlError: Error, CustomStringConvertible, Equatable, Sendable {
    /// Who is at fault, after the training toolkit's taxonomy.
    public enum Kind: String, Sendable {
        /// Bad input: hyperparameters, channels, data, content types. Reported as `ClientError`.
        case user = "ClientError"
        /// The algorithm could not produce a model from valid input (diverged, singular, …).
        case algorithm = "AlgorithmError"
        /// Something outside the job's input failed: disk full, missing library, I/O.
        case platform = "PlatformError"
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public static func user(_ message: String) -> OptmlError { OptmlError(.user, message) }
    public static func algorithm(_ message: String) -> OptmlError { OptmlError(.algorithm, message) }
    public static func platform(_ message: String) -> OptmlError { OptmlError(.platform, message) }

    /// `ClientError: <message>`: the form written to the failure file.
    public var description: String { "\(kind.rawValue): \(message)" }
}
