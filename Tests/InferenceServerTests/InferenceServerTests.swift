import Foundation
import Testing
import MLCore
import LinearLearner
import BuiltinAlgorithms
import Inference
import TestSupport
@testable import InferenceServer

/// A real server on loopback (contract §4.1-4.2, §4.6): ping, invocations, execution parameters,
/// status codes over the wire, multi-record and concurrent requests.
@Suite struct InferenceServerTests {
    /// 2·x₁ − x₂ + 0.5.
    static let predictor = LinearLearnerPredictor(model: LinearModel(
        predictorType: .regressor, lossName: "squared_loss", featureCount: 2, classCount: nil,
        coefficients: LinearCoefficients(weights: DenseMatrix([[2, -1]]), intercepts: [0.5]), threshold: nil))

    func withServer(_ configuration: ServingConfiguration = ServingConfiguration(),
                    _ body: @escaping @Sendable (Int) async throws -> Void) async throws {
        let handler = try InferenceHandler(predictor: Self.predictor, configuration: configuration)
        let server = InferenceServer(handler: handler, host: "127.0.0.1", port: 0)
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let app = server.application(onRunning: { continuation.yield($0) })
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.run() }
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())
            try await body(port)
            group.cancelAll()
        }
    }

        func send(_ port: Int, _ method: String = "GET", _ path: String, headers: [String: String] = [:], body: String = "")
        async throws -> HTTPTestResponse
    {
        // On a GCD thread: a blocking client on the cooperative pool (two threads on two cores)
        // would starve the server it waits for.
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result {
                    try HTTPTestClient.request(port: port, method: method, path: path, headers: headers, body: Array(body.utf8))
                })
            }
        }
    }

    @Test func pingAndExecutionParameters() async throws {
        try await withServer(ServingConfiguration(isBatch: true, maxPayloadMegabytes: 7, maxConcurrentTransforms: 3)) { port in
            let ping = try await send(port, "GET", "/ping")
            #expect(ping.status == 200)
            #expect(ping.body.isEmpty)
            let parameters = try await send(port, "GET", "/execution-parameters")
            #expect(parameters.status == 200)
            #expect(parameters.headers["content-type"] == "application/json")
            #expect(parameters.text == #"{"MaxConcurrentTransforms": 3, "BatchStrategy": "MULTI_RECORD", "MaxPayloadInMB": 7}"#)
            let unknown = try await send(port, "GET", "/nothing")
            #expect(unknown.status == 404)
        }
    }

    @Test func invocationsAnswerWithTheAcceptType() async throws {
        try await withServer { port in
            let json = try await send(port, "POST", "/invocations",
                                      headers: ["Content-Type": "text/csv", "Accept": "application/json"], body: "1,1\n0.25,0\n")
            #expect(json.status == 200)
            #expect(json.headers["content-type"] == "application/json")
            #expect(json.text == #"{"predictions": [{"score": 1.5}, {"score": 1.0}]}"#)
            let lines = try await send(port, "POST", "/invocations",
                                       headers: ["Content-Type": "application/json", "Accept": "application/jsonlines",
                                                 "X-Amzn-SageMaker-Custom-Attributes": "ignored"],
                                       body: #"{"instances": [{"features": [1, 1]}]}"#)
            #expect(lines.headers["content-type"] == "application/jsonlines")
            #expect(lines.text == "{\"score\": 1.5}\n")
            let empty = try await send(port, "POST", "/invocations", headers: ["Content-Type": "text/csv"], body: "")
            #expect(empty.status == 204)
        }
    }

    // contract §4.2 over the wire: the status and the message as the client reads them.
    @Test func errorStatusesOverTheWire() async throws {
        try await withServer(ServingConfiguration(maxPayloadMegabytes: 1)) { port in
            let unsupported = try await send(port, "POST", "/invocations", headers: ["Content-Type": "image/png"], body: "x")
            #expect(unsupported.status == 415)
            #expect(unsupported.text == "image/png is not an accepted ContentType: text/csv, application/json, application/jsonlines, text/libsvm, application/x-recordio-protobuf.")
            let accept = try await send(port, "POST", "/invocations",
                                        headers: ["Content-Type": "text/csv", "Accept": "application/xml"], body: "1,1")
            #expect(accept.status == 406)
            let recordio = try await send(port, "POST", "/invocations",
                                          headers: ["Content-Type": "text/csv", "Accept": "application/x-recordio-protobuf"], body: "1,1")
            #expect(recordio.status == 200)
            #expect(recordio.headers["content-type"] == "application/x-recordio-protobuf")
            let bad = try await send(port, "POST", "/invocations", headers: ["Content-Type": "text/csv"], body: "1,1\n1,x\n")
            #expect(bad.status == 400)
            #expect(bad.text.contains("request body line 2, column 2: 'x' is not a number"))
            let large = try await send(port, "POST", "/invocations", headers: ["Content-Type": "text/csv"],
                                       body: String(repeating: "1,1\n", count: (1 << 18) + 1))
            #expect(large.status == 413)
            #expect(large.text.hasPrefix("The payload is 1048580 bytes, more than the limit of 1 MB"))
            let after = try await send(port, "GET", "/ping")
            #expect(after.status == 200)
        }
    }

    // contract §4.6: a 1000-record mini-batch gives 1000 lines, in order; concurrent requests
    // each get their own answers.
    @Test func multiRecordAndConcurrentRequests() async throws {
        try await withServer(ServingConfiguration(isBatch: true)) { port in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for client in 0..<8 {
                    group.addTask {
                        let rows = (0..<1000).map { i in (Double(client * 1000 + i) / 8, Double(i % 5)) }
                        let body = rows.map { "\($0.0),\($0.1)" }.joined(separator: "\n")
                        let response = try await send(port, "POST", "/invocations",
                                                      headers: ["Content-Type": "text/csv", "Accept": "text/csv"], body: body)
                        #expect(response.status == 200)
                        let lines = response.text.split(separator: "\n")
                        #expect(lines.count == 1000)
                        for (line, row) in zip(lines, rows) {
                            #expect(line == Substring(Float(2 * row.0 - row.1 + 0.5).description))
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
    }
}
