import Foundation
import Hummingbird
import Inference
import Logging
import NIOCore
import ServiceLifecycle

/// The SageMaker model server (contract §4.1): `GET /ping`, `POST /invocations`,
/// `GET /execution-parameters`, on `0.0.0.0:$SAGEMAKER_BIND_TO_PORT` (8080 by default).
///
/// The model is loaded before the server listens, so `/ping` answers 200 from the first
/// connection on. Requests are decoded, predicted and encoded on Swift's concurrent executor,
/// so concurrent requests use every core. SIGTERM (or SIGINT) stops accepting connections and lets
/// in-flight requests finish, for at most `gracePeriod` (SageMaker kills 30 s after SIGTERM).
public struct InferenceServer: Sendable {
    public let handler: InferenceHandler
    public var host: String
    public var port: Int
    /// How long in-flight requests may run after SIGTERM.
    public var gracePeriod: Duration = .seconds(25)

    public init(handler: InferenceHandler, host: String = "0.0.0.0", port: Int? = nil) {
        self.handler = handler
        self.host = host
        self.port = port ?? handler.configuration.port
    }

    /// The HTTP application; `onRunning` receives the bound port (useful with port 0).
    public func application(logger: Logger? = nil, onRunning: @escaping @Sendable (Int) async -> Void = { _ in })
        -> some ApplicationProtocol
    {
        let router = Router()
        let handler = self.handler
        let executionParameters = ByteBuffer(string: handler.configuration.executionParametersJSON)
        router.get("ping") { _, _ -> Response in
            Response(status: .ok)
        }
        router.get("execution-parameters") { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: executionParameters))
        }
        router.post("invocations") { request, _ -> Response in
            await Self.invocations(request, handler: handler)
        }
        var log = logger ?? Logger(label: "optml.serve")
        if logger == nil { log.logLevel = .notice }
        return Application(
            router: router,
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "optml", backlog: 1024),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? 0) },
            logger: log)
    }

    /// Serves until SIGTERM or SIGINT, then drains in-flight requests.
    public func run(onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let app = application(onRunning: onRunning)
        var configuration = ServiceGroupConfiguration(
            services: [app], gracefulShutdownSignals: [.sigterm, .sigint], logger: app.logger)
        configuration.maximumGracefulShutdownDuration = gracePeriod
        try await ServiceGroup(configuration: configuration).run()
    }

    static func invocations(_ request: Request, handler: InferenceHandler) async -> Response {
        let contentType = request.headers[.contentType]
        let accept = request.headers[.accept]
        if let declared = request.headers[.contentLength].flatMap({ Int($0) }) {
            do { try handler.checkSize(declared) } catch { return response(InferenceResponse(error)) }
        }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: handler.configuration.maxPayloadBytes)
        } catch is NIOTooManyBytesError {
            return response(InferenceResponse(handler.streamedPayloadTooLarge))
        } catch {
            return response(InferenceResponse(InferenceError(status: 400, message: "Could not read the request body: \(error)")))
        }
        let answer = body.withUnsafeReadableBytes { bytes in
            handler.respond(body: bytes, contentType: contentType, accept: accept)
        }
        return response(answer)
    }

    static func response(_ answer: InferenceResponse) -> Response {
        var headers = HTTPFields()
        if let contentType = answer.contentType { headers[.contentType] = contentType }
        return Response(status: HTTPResponse.Status(code: answer.status), headers: headers,
                        body: .init(byteBuffer: ByteBuffer(bytes: answer.body)))
    }
}
