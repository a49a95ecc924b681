import MLCore

/// How `optml transform` turns input files into `.out` files (Batch Transform's settings).
public struct TransformOptions: Sendable {
    /// The input format (`--content-type`).
    public var format: RequestFormat
    /// The output format (`--accept`).
    public var accept: ResponseFormat
    /// Write each input record joined with its prediction (`JoinSource=Input`): CSV lines get the
    /// prediction's columns appended; JSON Lines objects get a `SageMakerOutput` member (other
    /// JSON values are wrapped as `{"SageMakerInput": …, "SageMakerOutput": …}`).
    public var joinInput: Bool
    /// Skip records that do not decode and report them, instead of failing the file.
    public var skipBadRecords: Bool
    /// Worker threads.
    public var threads: Int
    /// Bytes read per step; memory stays a small multiple of this whatever the file size.
    public var blockBytes: Int
    /// Selectable output keys for XGBoost models (`SAGEMAKER_INFERENCE_OUTPUT`, contract §4.5).
    public var inferenceOutput: String?

    public init(format: RequestFormat, accept: ResponseFormat, joinInput: Bool = false, skipBadRecords: Bool = false,
                threads: Int, blockBytes: Int = 8 << 20, inferenceOutput: String? = nil) {
        self.inferenceOutput = inferenceOutput
        self.format = format
        self.accept = accept
        self.joinInput = joinInput
        self.skipBadRecords = skipBadRecords
        self.threads = max(1, threads)
        self.blockBytes = max(1 << 10, blockBytes)
    }

    /// Refuses combinations the output could not represent.
    public func validate() throws {
        guard joinInput else { return }
        switch (format, accept) {
        case (.csv, .csv), (.jsonlines, .jsonlines): return
        case (.libsvm, _), (.recordioProtobuf, _):
            throw OptmlError.user("--join-source input joins text records with CSV or JSON Lines predictions: use --content-type "
                + "text/csv or application/jsonlines, or leave out --join-source for \(format.rawValue) input.")
        case (.json, _):
            throw OptmlError.user("--join-source input needs input split by line: use --content-type text/csv or "
                + "application/jsonlines (application/json files are one record list each).")
        case (.csv, _):
            throw OptmlError.user("--join-source input with text/csv input writes CSV lines: use --accept text/csv.")
        case (.jsonlines, _):
            throw OptmlError.user("--join-source input with application/jsonlines input writes JSON Lines: use --accept "
                + "application/jsonlines.")
        }
    }
}
