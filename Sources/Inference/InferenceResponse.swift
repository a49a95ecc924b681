/// What the handler answers: a status, the body's content type and the body bytes.
public struct InferenceResponse: Sendable, Equatable {
    public var status: Int
    /// The chosen Accept type for predictions, `text/plain; charset=utf-8` for error messages,
    /// nil for an empty 204 answer.
    public var contentType: String?
    public var body: [UInt8]

    public init(status: Int, contentType: String?, body: [UInt8]) {
        self.status = status
        self.contentType = contentType
        self.body = body
    }

    /// The error as a plain-text answer.
    public init(_ error: InferenceError) {
        self.init(status: error.status, contentType: "text/plain; charset=utf-8", body: Array(error.message.utf8))
    }

    /// The body as UTF-8 text.
    public var text: String { String(decoding: body, as: UTF8.self) }
}
