import BuiltinAlgorithms
import DataReaders

/// Writes predictions in a response format, exactly as contract §4.4 (Linear Learner) and §4.5
/// (XGBoost) show them.
///
/// | format | one record |
/// |---|---|
/// | `application/json` | `{"predictions": [{"score": 0.4, "predicted_label": 0}, …]}` |
/// | `application/jsonlines` | `{"score": 0.4, "predicted_label": 0}` and a newline |
/// | `text/csv` | `0,0.4` (`predicted_label`, then the score or scores) and a newline |
/// | `application/x-recordio-protobuf` | one RecordIO record per input record: an `aialgs.data.Record` with `label["score"]` (and `label["predicted_label"]`) as Float32 tensors, features empty |
///
/// A list score prints as `[0.1, 0.2, 0.7]` in JSON and as comma-separated columns in CSV.
/// Scores print as the shortest text that reads back to the same single-precision value when the
/// layout asks for it (as the reference containers), labels as integers. Non-finite scores print
/// as Python's `json` writes them (`NaN`, `Infinity`), and as `nan`/`inf` in CSV.
/// Batch transform of a layout with `batchAnswersPlainLines` writes the CSV form whatever the format.
///
/// With an `OutputSelection` (`SAGEMAKER_INFERENCE_OUTPUT`) records carry the selected keys
/// instead: JSON objects `{"predicted_label": 1, "probabilities": [0.4, 0.6]}`, CSV lines of the
/// values in the order named with lists quoted (`1,"[0.4, 0.6]"`; lines are joined by newlines,
/// with a final one only under batch transform), RecordIO records with `label[key]`; unanswerable
/// keys are NaN. The selection applies under batch transform too, with the Accept honoured.
public struct PredictionEncoder: Sendable {
    public let layout: PredictionLayout
    public let format: ResponseFormat
    /// Plain lines (batch transform of an algorithm that answers so).
    public let plainLines: Bool
    /// The selected output keys, when `SAGEMAKER_INFERENCE_OUTPUT` asks for them.
    public let selection: OutputSelection?
    /// Under batch transform (selected CSV output then ends with a newline).
    public let isBatch: Bool

    public init(layout: PredictionLayout, format: ResponseFormat, isBatch: Bool = false, selection: OutputSelection? = nil) {
        self.layout = layout
        self.format = format
        self.selection = selection
        self.isBatch = isBatch
        self.plainLines = isBatch && layout.batchAnswersPlainLines && selection == nil
    }

    /// The content type of the encoded body.
    public var contentType: String { plainLines ? ResponseFormat.csv.rawValue : format.rawValue }

    /// The whole response body for `predictions`.
    public func encode(_ predictions: Predictions) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(predictions.rows * (16 + 12 * predictions.scoreWidth) + 20)
        appendDocumentStart(to: &out)
        for i in 0..<predictions.rows {
            appendRecord(i, of: predictions, first: i == 0, to: &out)
        }
        appendDocumentEnd(to: &out)
        if selection != nil && format == .csv && !isBatch && out.last == 0x0A {
            // The reference joins selected CSV lines without a final newline outside batch transform.
            out.removeLast()
        }
        return out
    }

    /// Whether records stand alone (CSV and JSON Lines lines, RecordIO records), so a stream can
    /// be cut between them; false for the one JSON document of `application/json`.
    public var writesLines: Bool { plainLines || format != .json }

    /// `{"predictions": [` for JSON, nothing for line formats.
    public func appendDocumentStart(to out: inout [UInt8]) {
        if !writesLines { out.append(contentsOf: #"{"predictions": ["#.utf8) }
    }

    /// `]}` for JSON, nothing for line formats.
    public func appendDocumentEnd(to out: inout [UInt8]) {
        if !writesLines { out.append(contentsOf: "]}".utf8) }
    }

    /// One record: a line (with its newline) for CSV and JSON Lines; for JSON an object,
    /// preceded by `, ` unless `first`.
    public func appendRecord(_ i: Int, of predictions: Predictions, first: Bool, to out: inout [UInt8]) {
        if format == .recordioProtobuf && !plainLines {
            appendRecordIO(i, predictions, to: &out)
            return
        }
        if plainLines || format == .csv {
            appendCSV(i, predictions, to: &out)
            out.append(0x0A)
            return
        }
        if format == .json && !first { out.append(contentsOf: ", ".utf8) }
        appendObject(i, predictions, to: &out)
        if format == .jsonlines { out.append(0x0A) }
    }

    /// The record as one JSON object, `{"score": …, "predicted_label": …}`.
    public func appendObject(_ i: Int, _ predictions: Predictions, to out: inout [UInt8]) {
        if let selection {
            out.append(UInt8(ascii: "{"))
            for (n, key) in selection.objectKeys.enumerated() {
                if n > 0 { out.append(contentsOf: ", ".utf8) }
                out.append(UInt8(ascii: "\""))
                out.append(contentsOf: key.rawValue.utf8)
                out.append(contentsOf: "\": ".utf8)
                appendValue(selection.value(key, row: i, of: predictions), json: true, to: &out)
            }
            out.append(UInt8(ascii: "}"))
            return
        }
        out.append(contentsOf: #"{"score": "#.utf8)
        let w = predictions.scoreWidth
        if layout.scoreIsList {
            out.append(UInt8(ascii: "["))
            for k in 0..<w {
                if k > 0 { out.append(contentsOf: ", ".utf8) }
                appendJSONNumber(predictions.scores[i * w + k], to: &out)
            }
            out.append(UInt8(ascii: "]"))
        } else {
            appendJSONNumber(predictions.scores[i * w], to: &out)
        }
        if let labels = predictions.labels {
            out.append(contentsOf: #", "predicted_label": "#.utf8)
            appendLabel(labels[i], to: &out)
        }
        out.append(UInt8(ascii: "}"))
    }

    /// The record as CSV fields without the line end: `predicted_label,score…`.
    public func appendCSV(_ i: Int, _ predictions: Predictions, to out: inout [UInt8]) {
        if let selection {
            for (n, key) in selection.keys.enumerated() {
                if n > 0 { out.append(UInt8(ascii: ",")) }
                appendValue(selection.value(key, row: i, of: predictions), json: false, to: &out)
            }
            return
        }
        let w = predictions.scoreWidth
        if let labels = predictions.labels, !plainLines {
            appendLabel(labels[i], to: &out)
            out.append(UInt8(ascii: ","))
        }
        for k in 0..<w {
            if k > 0 { out.append(UInt8(ascii: ",")) }
            appendNumber(predictions.scores[i * w + k], to: &out)
        }
    }

    /// The record as one RecordIO-framed `aialgs.data.Record` whose `label` map holds Float32
    /// tensors: `score` (and `predicted_label`), or the selected keys.
    public func appendRecordIO(_ i: Int, _ predictions: Predictions, to out: inout [UInt8]) {
        var tensors: [(key: String, values: [Float])] = []
        if let selection {
            for key in selection.objectKeys {
                switch selection.value(key, row: i, of: predictions) {
                case .number(let x, _): tensors.append((key.rawValue, [Float(x)]))
                case .list(let xs, _): tensors.append((key.rawValue, xs.map { Float($0) }))
                case .notApplicable: tensors.append((key.rawValue, [Float.nan]))
                }
            }
        } else {
            tensors.append(("score", predictions.scores(ofRow: i).map { Float($0) }))
            if let labels = predictions.labels { tensors.append(("predicted_label", [Float(labels[i])])) }
        }
        var writer = RecordIOProtobufWriter()
        writer.appendLabels(tensors)
        out.append(contentsOf: writer.bytes)
    }

    /// A selected value: in JSON (`[0.4, 0.6]`, `NaN`) or as Python's `str()` writes it for CSV
    /// (a list quoted, `"[0.4, 0.6]"`, and `nan`).
    private func appendValue(_ value: OutputSelection.Value, json: Bool, to out: inout [UInt8]) {
        func number(_ x: Double, integer: Bool) {
            if integer { appendLabel(x, to: &out) } else if json { appendJSONNumber(x, to: &out) } else { appendNumber(x, to: &out) }
        }
        switch value {
        case .number(let x, let integer):
            number(x, integer: integer)
        case .list(let xs, let integers):
            out.append(contentsOf: (json ? "[" : "\"[").utf8)
            for (k, x) in xs.enumerated() {
                if k > 0 { out.append(contentsOf: ", ".utf8) }
                number(x, integer: integers)
            }
            out.append(contentsOf: (json ? "]" : "]\"").utf8)
        case .notApplicable:
            out.append(contentsOf: (json ? "NaN" : "nan").utf8)
        }
    }

    private func appendLabel(_ label: Double, to out: inout [UInt8]) {
        if label.isFinite && abs(label) < 1e15 {
            out.append(contentsOf: String(Int64(label)).utf8)
        } else {
            appendNumber(label, to: &out)
        }
    }

    private func appendNumber(_ x: Double, to out: inout [UInt8]) {
        // Swift's float descriptions are the shortest round-trip digits (and fit the small-string
        // storage, so no allocation); `nan`, `inf`, `-inf` as Python's str() writes them.
        if layout.printsSinglePrecision {
            out.append(contentsOf: Float(x).description.utf8)
        } else {
            out.append(contentsOf: x.description.utf8)
        }
    }

    private func appendJSONNumber(_ x: Double, to out: inout [UInt8]) {
        if x.isNaN {
            out.append(contentsOf: "NaN".utf8)
        } else if x.isInfinite || (layout.printsSinglePrecision && Float(x).isInfinite) {
            out.append(contentsOf: (x < 0 ? "-Infinity" : "Infinity").utf8)
        } else {
            appendNumber(x, to: &out)
        }
    }
}
