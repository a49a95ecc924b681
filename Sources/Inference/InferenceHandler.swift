import MLCore
import BuiltinAlgorithms

/// The `/invocations` logic without sockets: decode the body by its Content-Type, predict,
/// encode by the Accept (contract §4.2-4.5).
///
/// Checks run cheapest first: 413 (body larger than the payload limit), 415 (Content-Type),
/// 406 (Accept), 204 (empty or blank body, an empty answer), 400 (records that do not decode,
/// with a message naming the record); then 200 with one prediction per record, in order.
/// Safe to call from many threads at once: the handler holds only immutable state.
public struct InferenceHandler: Sendable {
    public let predictor: any Predictor
    public let configuration: ServingConfiguration
    public let decoder: RecordDecoder
    /// The Accept used when a request names none.
    public let defaultAccept: ResponseFormat
    /// The selected output keys (`SAGEMAKER_INFERENCE_OUTPUT`), for algorithms that have them.
    public let selection: OutputSelection?
    /// Things the server should log at start (settings that do not apply to this model).
    public let notices: [String]

    /// - Throws: `OptmlError.user` when `SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT` names a type
    ///   optml cannot write, or `SAGEMAKER_INFERENCE_OUTPUT` a key that does not exist.
    public init(predictor: any Predictor, configuration: ServingConfiguration = ServingConfiguration()) throws {
        self.predictor = predictor
        self.configuration = configuration
        self.decoder = RecordDecoder(predictor: predictor)
        var notices: [String] = []
        if let text = configuration.inferenceOutput {
            if let meaning = predictor.layout.scoreMeaning {
                let selection = try OutputSelection(text, meaning: meaning)
                self.selection = selection
                let unanswerable = selection.unanswerable.map(\.rawValue)
                if !unanswerable.isEmpty {
                    notices.append("\(OutputSelection.variable): this model cannot answer "
                        + unanswerable.joined(separator: ", ") + "; they are returned as NaN. It answers "
                        + OutputSelection.Key.allCases.filter { OutputSelection.valid(for: meaning).contains($0) }
                            .map(\.rawValue).joined(separator: ", ") + ".")
                }
            } else {
                self.selection = nil
                notices.append("\(OutputSelection.variable) applies to xgboost models; this \(predictor.algorithm) model "
                    + "answers its own response format, so the variable is ignored.")
            }
        } else {
            self.selection = nil
        }
        self.notices = notices
        let fallback = ResponseFormat(rawValue: predictor.layout.defaultAccept) ?? .json
        if let override = configuration.defaultAccept {
            do { defaultAccept = try ResponseFormat(accept: override, defaultAccept: fallback) } catch {
                throw OptmlError.user("SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT is '\(override)'; expected one of "
                    + "\(ResponseFormat.supportedList).")
            }
        } else {
            defaultAccept = fallback
        }
    }

    /// Answers one request; errors become their status and a plain-text message.
    public func respond(body: UnsafeRawBufferPointer, contentType: String?, accept: String?) -> InferenceResponse {
        do {
            return try invoke(body: body, contentType: contentType, accept: accept)
        } catch {
            return InferenceResponse(error)
        }
    }

    /// `respond` for a byte array.
    public func respond(body: [UInt8], contentType: String?, accept: String?) -> InferenceResponse {
        body.withUnsafeBytes { respond(body: $0, contentType: contentType, accept: accept) }
    }

    /// Answers one request or throws the error to send.
    public func invoke(body: UnsafeRawBufferPointer, contentType: String?, accept: String?) throws(InferenceError) -> InferenceResponse {
        try checkSize(body.count)
        let format = try RequestFormat(contentType: contentType)
        let encoder = try encoder(accept: accept)
        if isBlankLines(body) {
            return InferenceResponse(status: 204, contentType: nil, body: [])
        }
        let rows = try decoder.decode(body, format: format)
        let predictions = predict(rows)
        return InferenceResponse(status: 200, contentType: encoder.contentType, body: encoder.encode(predictions))
    }

    /// 413 when `bytes` exceeds the payload limit.
    public func checkSize(_ bytes: Int) throws(InferenceError) {
        guard bytes > configuration.maxPayloadBytes else { return }
        throw payloadTooLarge("The payload is \(bytes) bytes, more than")
    }

    /// The 413 for a body whose size is known only to pass the limit (a chunked body is cut off
    /// at the limit, so its full size is never read).
    public var streamedPayloadTooLarge: InferenceError {
        payloadTooLarge("The payload is larger than")
    }

    private func payloadTooLarge(_ opening: String) -> InferenceError {
        InferenceError(status: 413, message: "\(opening) the limit of "
            + "\(configuration.maxPayloadMegabytes) MB (SAGEMAKER_MAX_PAYLOAD_IN_MB). Send fewer records per request "
            + "(batch transform: a smaller MaxPayloadInMB with SplitType Line).")
    }

    /// The encoder for an Accept header (406 when none of its types is supported).
    public func encoder(accept: String?) throws(InferenceError) -> PredictionEncoder {
        let format = try ResponseFormat(accept: accept, defaultAccept: defaultAccept)
        return PredictionEncoder(layout: predictor.layout, format: format, isBatch: configuration.isBatch, selection: selection)
    }

    /// Predictions for decoded rows.
    public func predict(_ rows: FeatureRows) -> Predictions {
        var predictions = Predictions(rows: rows.rows, layout: predictor.layout)
        rows.values.withUnsafeBufferPointer { features in
            predictions.withUnsafeMutableBuffers { scores, labels in
                predictor.predict(features: features, rows: rows.rows, scores: scores, labels: labels)
            }
        }
        return predictions
    }

    private func isBlankLines(_ body: UnsafeRawBufferPointer) -> Bool {
        body.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D || $0 == 0x0A }
    }
}
