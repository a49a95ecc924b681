import Foundation
import Testing
import SwiftProtobuf
@testable import DataReaders
import BuiltinAlgorithms
import MLCore
@testable import Inference

/// A predictor whose scores are its features, with the XGBoost conventions and a given
/// `ScoreMeaning`, so each selectable key can be checked on exact scores.
struct PassthroughPredictor: Predictor {
    let algorithm = "xgboost"
    let featureCount: Int
    let task = Task.regression
    let layout: PredictionLayout
    let acceptsMissingFeatures = true
    let absentSparseValue = Double.nan

    init(_ meaning: ScoreMeaning) {
        var width = 1
        if case .classProbabilities(let k) = meaning { width = k }
        featureCount = width
        layout = PredictionLayout(scoreWidth: width, scoreIsList: width > 1, hasPredictedLabel: false, defaultAccept: "text/csv",
                                  batchAnswersPlainLines: true, printsSinglePrecision: true, scoreMeaning: meaning)
    }

    func predict(features: UnsafeBufferPointer<Double>, rows: Int,
                 scores: UnsafeMutableBufferPointer<Double>, labels: UnsafeMutableBufferPointer<Double>) {
        for j in 0..<(rows * featureCount) { scores[j] = features[j] }
    }
}

/// Decodes a RecordIO-protobuf response with swift-protobuf: per record, the label map as
/// key -> Float32 values, and whether the features map is empty.
func responseRecords(_ body: [UInt8]) throws -> [(labels: [String: [Float]], featuresEmpty: Bool)] {
    var out: [(labels: [String: [Float]], featuresEmpty: Bool)] = []
    try body.withUnsafeBytes { raw in
        var scanner = RecordIOScanner(base: raw.baseAddress?.assumingMemoryBound(to: UInt8.self), count: raw.count, name: "response")
        defer { scanner.deallocate() }
        while let (payload, _) = try scanner.next() {
            let record = try Aialgs_Data_Record(serializedBytes: Array(payload))
            out.append((record.label.mapValues { $0.float32Tensor.values }, record.features.isEmpty))
        }
    }
    return out
}

/// `SAGEMAKER_INFERENCE_OUTPUT` (contract §4.5): the selected keys, computed from the score as
/// the SageMaker XGBoost container computes them, in every Accept.
@Suite struct SelectableOutputTests {
    static let allKeys = "predicted_label,labels,probability,probabilities,raw_score,raw_scores,predicted_score"

    static func handler(_ meaning: ScoreMeaning, keys: String = allKeys, batch: Bool = false) throws -> InferenceHandler {
        try InferenceHandler(predictor: PassthroughPredictor(meaning),
                             configuration: ServingConfiguration(isBatch: batch, inferenceOutput: keys))
    }

    // contract §4.5: every key for each objective; keys an objective cannot answer are NaN.
    @Test(arguments: [
        (ScoreMeaning.probabilityOfOne, "0.75\n0.25\n",
         #"{"predictions": [{"predicted_label": 1, "labels": [0, 1], "probability": 0.75, "probabilities": [0.25, 0.75], "#
            + #""raw_score": 0.75, "raw_scores": [0.25, 0.75], "predicted_score": NaN}, {"predicted_label": 0, "labels": [0, 1], "#
            + #""probability": 0.25, "probabilities": [0.75, 0.25], "raw_score": 0.25, "raw_scores": [0.75, 0.25], "predicted_score": NaN}]}"#),
        (ScoreMeaning.marginOfOne, "-0.5\n",
         #"{"predictions": [{"predicted_label": 0, "labels": [0, 1], "raw_score": -0.5, "raw_scores": [1.5, -0.5], "#
            + #""probability": NaN, "probabilities": NaN, "predicted_score": NaN}]}"#),
        (ScoreMeaning.hingeLabel, "1\n",
         #"{"predictions": [{"predicted_label": 1.0, "labels": [0, 1], "raw_score": 1.0, "raw_scores": [0.0, 1.0], "#
            + #""probability": NaN, "probabilities": NaN, "predicted_score": NaN}]}"#),
        (ScoreMeaning.classIndex(classes: 3), "2\n",
         #"{"predictions": [{"predicted_label": 2.0, "labels": [0, 1, 2], "raw_score": 2.0, "raw_scores": [-1.0, 2.0], "#
            + #""probability": NaN, "probabilities": NaN, "predicted_score": NaN}]}"#),
        (ScoreMeaning.classProbabilities(classes: 3), "0.125,0.25,0.625\n0.5,0.25,0.25\n",
         #"{"predictions": [{"predicted_label": 2, "labels": [0, 1, 2], "probability": 0.625, "probabilities": [0.125, 0.25, 0.625], "#
            + #""raw_score": 0.625, "raw_scores": [0.125, 0.25, 0.625], "predicted_score": NaN}, {"predicted_label": 0, "#
            + #""labels": [0, 1, 2], "probability": 0.5, "probabilities": [0.5, 0.25, 0.25], "raw_score": 0.5, "#
            + #""raw_scores": [0.5, 0.25, 0.25], "predicted_score": NaN}]}"#),
        (ScoreMeaning.regression, "3.5\n",
         #"{"predictions": [{"predicted_score": 3.5, "predicted_label": NaN, "labels": NaN, "probability": NaN, "#
            + #""probabilities": NaN, "raw_score": NaN, "raw_scores": NaN}]}"#),
    ])
    func jsonEveryKeyEveryObjective(meaning: ScoreMeaning, request: String, expected: String) throws {
        let response = try Self.handler(meaning).respond(body: Array(request.utf8), contentType: "text/csv", accept: "application/json")
        #expect(response.status == 200)
        #expect(response.contentType == "application/json")
        #expect(response.text == expected)
    }

    // contract §4.5: CSV gives the values in the order named, lists quoted; lines joined by a
    // newline, with a final one only under batch transform. JSON Lines: one object per line.
    @Test func csvOrderQuotingAndBatchNewline() throws {
        let keys = "probabilities, PREDICTED_LABEL,predicted_score"
        let request = Array("0.75\n0.25\n".utf8)
        let live = try Self.handler(.probabilityOfOne, keys: keys).respond(body: request, contentType: "text/csv", accept: "text/csv")
        #expect(live.status == 200 && live.contentType == "text/csv")
        #expect(live.text == "\"[0.25, 0.75]\",1,nan\n\"[0.75, 0.25]\",0,nan")
        let batch = try Self.handler(.probabilityOfOne, keys: keys, batch: true)
            .respond(body: request, contentType: "text/csv", accept: "text/csv")
        #expect(batch.text == "\"[0.25, 0.75]\",1,nan\n\"[0.75, 0.25]\",0,nan\n")
        // Under batch transform the selection wins over the plain-lines answer, and Accept is honoured.
        let batchJSON = try Self.handler(.probabilityOfOne, keys: "predicted_label", batch: true)
            .respond(body: request, contentType: "text/csv", accept: "application/jsonlines")
        #expect(batchJSON.contentType == "application/jsonlines")
        #expect(batchJSON.text == "{\"predicted_label\": 1}\n{\"predicted_label\": 0}\n")
    }

    // contract §4.5: recordio-protobuf gives each key as label[key].float32_tensor.
    @Test func recordIOLabelsPerKey() throws {
        let response = try Self.handler(.classProbabilities(classes: 3), keys: "predicted_label,probabilities,predicted_score")
            .respond(body: Array("0.125,0.25,0.625\n".utf8), contentType: "text/csv", accept: "application/x-recordio-protobuf")
        #expect(response.status == 200 && response.contentType == "application/x-recordio-protobuf")
        let records = try responseRecords(response.body)
        #expect(records.count == 1)
        #expect(records[0].featuresEmpty)
        #expect(records[0].labels["predicted_label"] == [2])
        #expect(records[0].labels["probabilities"] == [0.125, 0.25, 0.625])
        #expect(records[0].labels["predicted_score"]?.count == 1 && records[0].labels["predicted_score"]![0].isNaN)
        #expect(records[0].labels.count == 3)
    }

    @Test func unknownKeyOrEmptyListIsRefusedAtStart() throws {
        #expect(throws: OptmlError.user("SAGEMAKER_INFERENCE_OUTPUT names 'probabilty', which is not a selectable output; use a "
            + "comma-separated list of predicted_label, labels, probability, probabilities, raw_score, raw_scores, predicted_score.")) {
            _ = try Self.handler(.probabilityOfOne, keys: "predicted_label,probabilty")
        }
        #expect(throws: OptmlError.user("SAGEMAKER_INFERENCE_OUTPUT is set but names no keys; use a comma-separated list of "
            + "predicted_label, labels, probability, probabilities, raw_score, raw_scores, predicted_score, or unset it.")) {
            _ = try Self.handler(.probabilityOfOne, keys: " , ")
        }
    }

    @Test func noticesForUnanswerableKeysAndForLinearLearner() throws {
        let handler = try Self.handler(.regression, keys: "predicted_score,probability")
        #expect(handler.notices == ["SAGEMAKER_INFERENCE_OUTPUT: this model cannot answer probability; they are returned as NaN. "
            + "It answers predicted_score."])
        let linear = try InferenceHandler(predictor: Models.binary, configuration: ServingConfiguration(inferenceOutput: "predicted_label"))
        #expect(linear.selection == nil)
        #expect(linear.notices == ["SAGEMAKER_INFERENCE_OUTPUT applies to xgboost models; this linear-learner model answers its "
            + "own response format, so the variable is ignored."])
        // Linear Learner answers are unchanged.
        let response = linear.respond(body: Array("1,0\n".utf8), contentType: "text/csv", accept: "application/json")
        #expect(response.text == #"{"predictions": [{"score": 0.75, "predicted_label": 1}]}"#)
    }

    @Test func environmentIsRead() throws {
        let configuration = try ServingConfiguration(environment: ["SAGEMAKER_INFERENCE_OUTPUT": "predicted_label",
                                                                   "SAGEMAKER_INFERENCE_ENSEMBLE": "False"])
        #expect(configuration.inferenceOutput == "predicted_label")
        #expect(configuration.ensemble == false)
        #expect(try ServingConfiguration(environment: [:]).ensemble == true)
        #expect(throws: OptmlError.user("SAGEMAKER_INFERENCE_ENSEMBLE is 'maybe'; expected true (load every model file of the "
            + "model directory and average them, the default) or false (load xgboost-model alone).")) {
            _ = try ServingConfiguration(environment: ["SAGEMAKER_INFERENCE_ENSEMBLE": "maybe"])
        }
    }
}

/// `application/x-recordio-protobuf` answers without a selection (contract §4.4 table): one
/// Record per input, `label["score"]` and, for classifiers, `label["predicted_label"]` (a float).
@Suite struct RecordIOResponseTests {
    @Test func linearLearnerBinaryMulticlassAndRegressor() throws {
        let binary = try InferenceHandler(predictor: Models.binary)
            .respond(body: Array("1,0\n-1,0\n".utf8), contentType: "text/csv", accept: "application/x-recordio-protobuf")
        #expect(binary.status == 200 && binary.contentType == "application/x-recordio-protobuf")
        let b = try responseRecords(binary.body)
        #expect(b.count == 2 && b.allSatisfy(\.featuresEmpty))
        #expect(b[0].labels == ["score": [0.75], "predicted_label": [1]])
        #expect(b[1].labels == ["score": [0.25], "predicted_label": [0]])

        let multi = try InferenceHandler(predictor: Models.multiclass)
            .respond(body: Array("0,0\n0,1\n".utf8), contentType: "text/csv", accept: "application/x-recordio-protobuf")
        let m = try responseRecords(multi.body)
        #expect(m.map(\.labels) == [["score": [0.125, 0.25, 0.625], "predicted_label": [2]],
                                   ["score": [0.25, 0.5, 0.25], "predicted_label": [1]]])

        let regression = try InferenceHandler(predictor: Models.regressor)
            .respond(body: Array("1,1\n0.25,0\n".utf8), contentType: "text/csv", accept: "application/x-recordio-protobuf")
        #expect(try responseRecords(regression.body).map(\.labels) == [["score": [1.5]], ["score": [1.0]]])
    }

    @Test func xgboostScoreAndBatchPlainLines() throws {
        let handler = try InferenceHandler(predictor: PlainScorePredictor())
        let response = handler.respond(body: Array("1,2\n0.5,\n".utf8), contentType: "text/csv", accept: "application/x-recordio-protobuf")
        #expect(try responseRecords(response.body).map(\.labels) == [["score": [3]], ["score": [0.5]]])
        // contract §4.5: under SAGEMAKER_BATCH the XGBoost answer is plain lines whatever the Accept.
        let batch = try InferenceHandler(predictor: PlainScorePredictor(), configuration: ServingConfiguration(isBatch: true))
            .respond(body: Array("1,2\n".utf8), contentType: "text/csv", accept: "application/x-recordio-protobuf")
        #expect(batch.contentType == "text/csv" && batch.text == "3.0\n")
    }

    // A RecordIO request answered in RecordIO: the round trip a RecordSerializer/RecordDeserializer
    // predictor makes.
    @Test func recordIORequestAndResponse() throws {
        var writer = RecordIOProtobufWriter()
        writer.appendDense(features: [1.0, 0.0] as [Double])
        writer.appendDense(features: [-1.0, 0.0] as [Double])
        let response = try InferenceHandler(predictor: Models.binary)
            .respond(body: writer.bytes, contentType: "application/x-recordio-protobuf", accept: "application/x-recordio-protobuf")
        #expect(try responseRecords(response.body).map(\.labels) == [["score": [0.75], "predicted_label": [1]],
                                                                     ["score": [0.25], "predicted_label": [0]]])
    }
}
