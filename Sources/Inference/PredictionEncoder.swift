import BuiltinAlgorithms

/// Writes predictions in a response format, exactly as contract §4.4 (Linear Learner) and §4.5
/// (XGBoost) show them.
///
/// | format | one record |
/// |---|---|
/// | `application/json` | `{"predictions": [{"score": 0.4, "predicted_label": 0}, …]}` |
/// | `application/jsonlines` | `{"score": 0.4, "predicted_label": 0}` and a newline |
/// | `text/csv` | `0,0.4` (`predicted_label`, then the score or scores) and a newline |
///
/// A list score prints as `[0.1, 0.2, 0.7]` in JSON and as comma-separated columns in CSV.
/// Scores print as the shortest text that reads back to the same single-precision value when the
/// layout asks for it (as the reference containers), labels as integers. Non-finite scores print
/// as Python's `json` writes them (`NaN`, `Infinity`), and as `nan`/`inf` in CSV.
/// Batch transform of a layout with `batchAnswersPlainLines` writes the CSV form whatever the format.
public struct PredictionEncoder: Sendable {
    public let layout: PredictionLayout
    public let format: ResponseFormat
    /// Plain lines (batch transform of an algorithm that answers so).
    public let plainLines: Bool

    public init(layout: PredictionLayout, format: ResponseFormat, isBatch: Bool = false) {
        self.layout = layout
        self.format = format
        self.plainLines = isBatch && layout.batchAnswersPlainLines
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
        return out
    }

    /// Whether records are separate lines (CSV, JSON Lines), so a stream can be cut between them.
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
