/// What `optml transform` did with one input file.
public struct TransformSummary: Sendable, Equatable {
    /// A record that was skipped (`--skip-bad-records`).
    public struct SkippedRecord: Sendable, Equatable {
        /// 1-based line in the input file.
        public var line: Int
        public var message: String
    }

    /// The input as messages name it.
    public var file: String
    /// Records predicted and written.
    public var records: Int
    /// Records skipped; only the first `skippedDetailLimit` are kept in `skippedDetails`.
    public var skipped: Int
    public var skippedDetails: [SkippedRecord]

    public static let skippedDetailLimit = 100

    public init(file: String, records: Int = 0, skipped: Int = 0, skippedDetails: [SkippedRecord] = []) {
        self.file = file
        self.records = records
        self.skipped = skipped
        self.skippedDetails = skippedDetails
    }
}
