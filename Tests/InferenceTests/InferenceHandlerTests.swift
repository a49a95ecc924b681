import Foundation
import Testing
import DataReaders
import BuiltinAlgorithms
import MLCore
@testable import Inference

/// The `/invocations` handler without sockets: every content type against every accept, with the
/// exact bodies of contract §4.4, and the status codes of §4.2.
@Suite struct InferenceHandlerTests {
    /// The same three binary records in every request format (contract §4.4 request forms).
    static let binaryRequests: [(contentType: String, body: String)] = [
        ("text/csv", "1,0\n-1,0\n0,0\n"),
        ("text/csv; label_size=0", "1,0\n-1,0\n0,0"),
        ("text/csv;label_size=1", "1,0\r\n-1,0\r\n0,0\r\n"),
        ("application/json", #"{"instances": [{"features": [1, 0]}, {"features": [-1, 0]}, {"features": [0, 0]}]}"#),
        ("application/json", #"{"instances": [{"data": {"features": {"values": [1.0, 0.0]}}}, {"data": {"features": {"values": [-1, 0]}}}, {"data": {"features": {"values": [0, 0]}}}]}"#),
        ("application/json", #"{"instances": [{"data": {"features": {"keys": [0], "shape": [2], "values": [1]}}}, {"data": {"features": {"keys": [0], "shape": [2], "values": [-1]}}}, {"data": {"features": {"keys": [], "shape": [2], "values": []}}}]}"#),
        ("application/json", "[[1, 0], [-1, 0], [0, 0]]"),
        ("Application/JSON; charset=utf-8", #"{"instances": [[1, 0], [-1, 0], [0, 0]]}"#),
        ("application/jsonlines", "{\"features\": [1, 0]}\n{\"features\": [-1, 0]}\n\n{\"features\": [0, 0]}\n"),
        ("application/jsonlines", "[1, 0]\n{\"data\": {\"features\": {\"values\": [-1, 0]}}}\n[0, 0]"),
    ]

    static let binaryAnswers: [(accept: String?, contentType: String, body: String)] = [
        ("application/json", "application/json",
         #"{"predictions": [{"score": 0.75, "predicted_label": 1}, {"score": 0.25, "predicted_label": 0}, {"score": 0.5, "predicted_label": 0}]}"#),
        (nil, "application/json",
         #"{"predictions": [{"score": 0.75, "predicted_label": 1}, {"score": 0.25, "predicted_label": 0}, {"score": 0.5, "predicted_label": 0}]}"#),
        ("*/*", "application/json",
         #"{"predictions": [{"score": 0.75, "predicted_label": 1}, {"score": 0.25, "predicted_label": 0}, {"score": 0.5, "predicted_label": 0}]}"#),
        ("application/jsonlines", "application/jsonlines",
         "{\"score\": 0.75, \"predicted_label\": 1}\n{\"score\": 0.25, \"predicted_label\": 0}\n{\"score\": 0.5, \"predicted_label\": 0}\n"),
        ("text/csv", "text/csv", "1,0.75\n0,0.25\n0,0.5\n"),
        ("application/xml, text/csv;q=0.9, application/json;q=0.5", "text/csv", "1,0.75\n0,0.25\n0,0.5\n"),
    ]

    static var binaryPairs: [(Int, Int)] {
        binaryRequests.indices.flatMap { r in binaryAnswers.indices.map { (r, $0) } }
    }

    @Test(arguments: binaryPairs)
    func binaryEveryContentTypeAndAccept(request: Int, answer: Int) throws {
        let handler = try InferenceHandler(predictor: Models.binary)
        let (contentType, body) = Self.binaryRequests[request]
        let expected = Self.binaryAnswers[answer]
        let response = handler.respond(body: Array(body.utf8), contentType: contentType, accept: expected.accept)
        #expect(response.status == 200, "\(contentType) → \(expected.accept ?? "none"): \(response.text)")
        #expect(response.contentType == expected.contentType)
        #expect(response.text == expected.body, "\(contentType) → \(expected.accept ?? "none")")
    }

    // contract §4.4: multiclass score is the list of class probabilities.
    @Test(arguments: [
        ("application/json", #"{"predictions": [{"score": [0.125, 0.25, 0.625], "predicted_label": 2}, {"score": [0.25, 0.5, 0.25], "predicted_label": 1}]}"#),
        ("application/jsonlines", "{\"score\": [0.125, 0.25, 0.625], \"predicted_label\": 2}\n{\"score\": [0.25, 0.5, 0.25], \"predicted_label\": 1}\n"),
        ("text/csv", "2,0.125,0.25,0.625\n1,0.25,0.5,0.25\n"),
    ])
    func multiclassBodies(accept: String, body: String) throws {
        let handler = try InferenceHandler(predictor: Models.multiclass)
        for (contentType, request) in [("text/csv", "0,0\n0,1\n"), ("application/jsonlines", "[0, 0]\n[0, 1]\n"),
                                       ("application/json", #"{"instances": [{"features": [0, 0]}, {"features": [0, 1]}]}"#)] {
            let response = handler.respond(body: Array(request.utf8), contentType: contentType, accept: accept)
            #expect(response.status == 200, "\(response.text)")
            #expect(response.text == body, "\(contentType) → \(accept)")
        }
    }

    // contract §4.4: a regressor answers the score only.
    @Test(arguments: [
        ("application/json", #"{"predictions": [{"score": 1.5}, {"score": 1.0}]}"#),
        ("application/jsonlines", "{\"score\": 1.5}\n{\"score\": 1.0}\n"),
        ("text/csv", "1.5\n1.0\n"),
    ])
    func regressorBodies(accept: String, body: String) throws {
        let handler = try InferenceHandler(predictor: Models.regressor)
        let response = handler.respond(body: Array("1,1\n0.25,0\n".utf8), contentType: "text/csv", accept: accept)
        #expect(response.status == 200)
        #expect(response.contentType == accept)
        #expect(response.text == body)
    }

    // contract §4.6: batch transform needs exactly one output line per input record.
    @Test func multiRecordCSVGivesOneLinePerRecord() throws {
        let handler = try InferenceHandler(predictor: Models.regressor,
                                           configuration: ServingConfiguration(isBatch: true, maxPayloadMegabytes: 6))
        let rows = (0..<1000).map { i in "\(Double(i) / 4),\(i % 7)" }
        let response = handler.respond(body: Array((rows.joined(separator: "\n") + "\n").utf8), contentType: "text/csv",
                                       accept: "application/jsonlines")
        let lines = response.text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 1001 && lines.last == "")
        for (i, line) in lines.dropLast().enumerated() {
            let expected = Float(2 * Double(i) / 4 - Double(i % 7) + 0.5)
            #expect(line == "{\"score\": \(expected)}", "record \(i + 1)")
        }
    }

    // contract §4.5: XGBoost-style models answer plain lines under batch transform, whatever the Accept,
    // read missing values, and default to text/csv.
    @Test func plainLineConventions() throws {
        let realtime = try InferenceHandler(predictor: PlainScorePredictor())
        #expect(realtime.respond(body: Array("1,2\n,3\n".utf8), contentType: "text/csv", accept: nil).text == "3.0\n3.0\n")
        #expect(realtime.respond(body: Array("1,2\n".utf8), contentType: "text/csv", accept: "application/json").text
                == #"{"predictions": [{"score": 3.0}]}"#)
        let batch = try InferenceHandler(predictor: PlainScorePredictor(), configuration: ServingConfiguration(isBatch: true))
        let response = batch.respond(body: Array("1,2\nnan,0.5\n".utf8), contentType: "text/csv", accept: "application/json")
        #expect(response.contentType == "text/csv")
        #expect(response.text == "3.0\n0.5\n")
        let sparse = batch.respond(body: Array(#"{"instances": [{"data": {"features": {"keys": [1], "shape": [2], "values": [4]}}}]}"#.utf8),
                                   contentType: "application/json", accept: "text/csv")
        #expect(sparse.text == "4.0\n")
    }

    // contract §4.5: libsvm requests (the SageMaker SDK's XGBoost predictor sends them), with or
    // without a leading label, 0-based indices; absent entries are missing for tree models and 0
    // for linear ones.
    @Test func libsvmRequests() throws {
        let plain = try InferenceHandler(predictor: PlainScorePredictor())
        #expect(plain.respond(body: Array("0:1 1:2\n1 1:4\n3 0:0.5\n".utf8), contentType: "text/libsvm", accept: nil).text == "3.0\n4.0\n0.5\n")
        let linear = try InferenceHandler(predictor: Models.regressor)
        // 2·x₁ − x₂ + 0.5 with x₂ absent (0): 2.5.
        #expect(linear.respond(body: Array("1:0 0:1\n".utf8), contentType: "text/libsvm", accept: "text/csv").text == "2.5\n")
    }

    // contract §5.3-5.4: RecordIO-protobuf requests, dense and sparse records.
    @Test func recordIOProtobufRequests() throws {
        var writer = RecordIOProtobufWriter()
        writer.appendDense(features: [1.0, 1.0] as [Float])
        writer.appendSparse(keys: [0] as [UInt64], values: [0.25] as [Float], columns: 2)
        let handler = try InferenceHandler(predictor: Models.regressor)
        let response = handler.respond(body: writer.bytes, contentType: "application/x-recordio-protobuf", accept: "text/csv")
        #expect(response.status == 200, "\(response.text)")
        #expect(response.text == "1.5\n1.0\n")
        var wide = RecordIOProtobufWriter()
        wide.appendDense(features: [1.0, 2.0, 3.0] as [Float])
        let error = handler.respond(body: wide.bytes, contentType: "application/x-recordio-protobuf", accept: nil)
        #expect(error.status == 400)
        #expect(error.text.contains("the records have 3 features; the linear-learner model needs 2"), "\(error.text)")
    }

    @Test func defaultAcceptFromEnvironment() throws {
        let handler = try InferenceHandler(predictor: Models.regressor,
                                           configuration: ServingConfiguration(environment: ["SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT": "text/csv"]))
        let response = handler.respond(body: Array("1,1\n".utf8), contentType: "text/csv", accept: "*/*")
        #expect(response.contentType == "text/csv")
        #expect(response.text == "1.5\n")
        #expect(throws: OptmlError.user("SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT is 'image/png'; expected one of [text/csv, application/json, application/jsonlines, application/x-recordio-protobuf].")) {
            _ = try InferenceHandler(predictor: Models.regressor,
                                     configuration: ServingConfiguration(environment: ["SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT": "image/png"]))
        }
    }

    // contract §4.2: 204 for an empty payload.
    @Test(arguments: ["", "\n", "  \r\n\n"])
    func emptyPayloadIs204(body: String) throws {
        let handler = try InferenceHandler(predictor: Models.binary)
        let response = handler.respond(body: Array(body.utf8), contentType: "text/csv", accept: "application/json")
        #expect(response.status == 204)
        #expect(response.body.isEmpty)
    }

    // contract §4.2 status codes, with the exact messages users read.
    @Test(arguments: [
        (nil, "application/json", "1,0", 415,
         "The request has no Content-Type; send one of: text/csv, application/json, application/jsonlines, text/libsvm, application/x-recordio-protobuf."),
        ("application/x-www-form-urlencoded", "application/json", "1,0", 415,
         "application/x-www-form-urlencoded is not an accepted ContentType: text/csv, application/json, application/jsonlines, text/libsvm, application/x-recordio-protobuf."),
        ("application/x-parquet", nil, "PAR1", 415,
         "application/x-parquet is not an accepted ContentType: text/csv, application/json, application/jsonlines, text/libsvm, application/x-recordio-protobuf."),
        ("text/libsvm", nil, "1 0:1 5:2\n", 400,
         "Unable to evaluate payload provided: request body, record 1: feature index 5 is out of range; the linear-learner model has 2 features, indices 0 to 1 (libsvm indices are 0-based)."),
        ("text/csv;label_size=2", nil, "1,0", 415,
         "text/csv;label_size=2 is not an accepted csv ContentType: at inference label_size must be 0 or 1 (rows carry features only)."),
        ("text/csv", "application/xml", "1,0", 406,
         "Accept type application/xml is not supported. Please use supported accept types: [text/csv, application/json, application/jsonlines, application/x-recordio-protobuf]."),
        ("text/csv", "image/*", "1,0", 406,
         "Accept type image/* is not supported. Please use supported accept types: [text/csv, application/json, application/jsonlines, application/x-recordio-protobuf]."),
        ("application/json", nil, #"{"instances": [{"features": [1, 0]}, {"features": [1, 2, 3]}]}"#, 400,
         "Unable to evaluate payload provided: request body, record 2: instances[1].features has 3 features; the linear-learner model expects 2."),
        ("application/json", nil, #"{"instances": [{"features": [1, "a"]}]}"#, 400,
         "Unable to evaluate payload provided: request body, record 1: instances[0].features[1] is the string \"a\"; expected a number."),
        ("application/json", nil, #"{"instances": [{"features": [1, null]}]}"#, 400,
         "Unable to evaluate payload provided: request body, record 1: instances[0].features[1] is missing; the linear-learner model needs all 2 features."),
        ("application/json", nil, #"{"instances": [{"feature": [1, 0]}]}"#, 400,
         "Unable to evaluate payload provided: request body, record 1: instances[0] has no 'features' or 'data' member (it has 'feature'); expected {\"features\": [...]}."),
        ("application/json", nil, #"{"instances": [{"features": [1, 0]}"#, 400,
         "Unable to evaluate payload provided: request body is not JSON: byte 35: expected ',' or ']', found the end of the input."),
        ("application/json", nil, #"{"instances": [{"data": {"features": {"keys": [2], "shape": [2], "values": [1]}}}]}"#, 400,
         "Unable to evaluate payload provided: request body, record 1: instances[0].data.features.keys[0] is 2; expected a feature index from 0 to 1."),
        ("application/json", nil, #"{"instances": [{"data": {"features": {"keys": [0], "shape": [3], "values": [1]}}}]}"#, 400,
         "Unable to evaluate payload provided: request body, record 1: instances[0].data.features.shape is [3]; the linear-learner model expects 2 features."),
        ("application/jsonlines", nil, "[1, 0]\n\n[1, 0, 5]\n", 400,
         "Unable to evaluate payload provided: request body line 3, record 2: the record has 3 features; the linear-learner model expects 2."),
        ("application/jsonlines", nil, "[1, 0]\n{\"features\": [1, 0]\n", 400,
         "Unable to evaluate payload provided: request body line 2 is not JSON: byte 19: expected ',' or '}', found the end of the input."),
        ("text/csv", nil, "1,0\n,0\n", 400,
         "Unable to evaluate payload provided: request body, record 2: feature 1 is missing (an empty field or nan); the linear-learner model needs all 2 features."),
    ] as [(String?, String?, String, Int, String)])
    func errorStatusAndMessage(contentType: String?, accept: String?, body: String, status: Int, message: String) throws {
        let handler = try InferenceHandler(predictor: Models.binary)
        let response = handler.respond(body: Array(body.utf8), contentType: contentType, accept: accept)
        #expect(response.status == status)
        #expect(response.contentType == "text/plain; charset=utf-8")
        #expect(response.text == message)
    }

    // CSV errors come from the channel reader: they name the line and column and quote the line.
    @Test(arguments: [
        ("1,abc\n", ["request body line 1, column 2", "'abc' is not a number"]),
        ("1,0\n1,0,7\n", ["request body line 2: 3 columns, expected 2", "drop the label column"]),
        ("1;0\n", ["semicolons"]),
    ])
    func csvErrorsNameLineAndColumn(body: String, fragments: [String]) throws {
        let handler = try InferenceHandler(predictor: Models.binary)
        let response = handler.respond(body: Array(body.utf8), contentType: "text/csv", accept: nil)
        #expect(response.status == 400)
        #expect(response.text.hasPrefix("Unable to evaluate payload provided: "))
        for fragment in fragments { #expect(response.text.contains(fragment), "\(response.text)") }
    }

    // contract §4.2: 413 past SAGEMAKER_MAX_PAYLOAD_IN_MB.
    @Test func payloadTooLargeIs413() throws {
        let handler = try InferenceHandler(predictor: Models.binary, configuration: ServingConfiguration(maxPayloadMegabytes: 1))
        let body = [UInt8](repeating: UInt8(ascii: "0"), count: (1 << 20) + 1)
        let response = handler.respond(body: body, contentType: "text/csv", accept: nil)
        #expect(response.status == 413)
        #expect(response.text.hasPrefix("The payload is 1048577 bytes, more than the limit of 1 MB (SAGEMAKER_MAX_PAYLOAD_IN_MB)."))
        // A chunked body is cut off at the limit: the message says it is larger, not a made-up size.
        #expect(handler.streamedPayloadTooLarge.status == 413)
        #expect(handler.streamedPayloadTooLarge.message.hasPrefix(
            "The payload is larger than the limit of 1 MB (SAGEMAKER_MAX_PAYLOAD_IN_MB)."))
        let fits = handler.respond(body: Array("1,0\n".utf8), contentType: "text/csv", accept: nil)
        #expect(fits.status == 200)
    }
}

