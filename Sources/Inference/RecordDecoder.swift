import DataReaders
import MLCore
import BuiltinAlgorithms

/// Turns a request body into feature rows for one predictor (contract §4.4, §4.5).
///
/// - `text/csv`: one record per line, features only, no header; empty fields and `nan` are
///   missing values; blank lines are skipped.
/// - `application/json`: `{"instances": [r, …]}`, or a single record, or a list of records, or
///   one plain list of numbers; a record is `[x, …]`, `{"features": [x, …]}` or
///   `{"data": {"features": {"values": [x, …]}}}`, the last also sparse with `"keys"` (0-based
///   feature indices) and `"shape": [featureCount]`. `null` is a missing value.
/// - `application/jsonlines`: one record per non-blank line, in any of the record forms.
/// - `text/libsvm`: `[label] index:value …` per line, 0-based indices, the label ignored.
/// - `application/x-recordio-protobuf`: RecordIO-framed `aialgs.data.Record`s, dense or sparse.
///
/// Every record must have exactly the predictor's feature count; missing values are refused when
/// the predictor cannot use them. Errors are 400s naming the record (and line or JSON path).
public struct RecordDecoder: Sendable {
    public let featureCount: Int
    public let acceptsMissingFeatures: Bool
    public let absentSparseValue: Double
    public let algorithm: String

    public init(predictor: any Predictor) {
        featureCount = predictor.featureCount
        acceptsMissingFeatures = predictor.acceptsMissingFeatures
        absentSparseValue = predictor.absentSparseValue
        algorithm = predictor.algorithm
    }

    /// Decodes a whole body. `source` names it in messages (`request body`, a file name).
    public func decode(_ body: UnsafeRawBufferPointer, format: RequestFormat, source: String = "request body")
        throws(InferenceError) -> FeatureRows
    {
        switch format {
        case .csv: return try decodeCSV(body, source: source)
        case .json: return try decodeJSON(body, source: source)
        case .jsonlines: return try decodeJSONLines(body, source: source, firstLine: 1)
        case .libsvm: return try decodeLibSVM(body, source: source)
        case .recordioProtobuf: return try decodeRecordIO(body, source: source)
        }
    }

    // MARK: - libsvm and RecordIO-protobuf

    /// Decodes libsvm lines, `[label] index:value …`, 0-based indices (contract §4.5). A leading
    /// label is optional and ignored, as the SageMaker XGBoost container ignores it; indices the
    /// line leaves out are absent (missing for tree models, 0 for linear ones).
    public func decodeLibSVM(_ body: UnsafeRawBufferPointer, source: String) throws(InferenceError) -> FeatureRows {
        // Lines without a label get a placeholder one, so the channel reader's grammar applies.
        var text: [UInt8] = []
        text.reserveCapacity(body.count + 64)
        var lineStart = 0
        while lineStart < body.count {
            var lineEnd = lineStart
            while lineEnd < body.count && body[lineEnd] != 0x0A { lineEnd += 1 }
            var first = lineStart
            while first < lineEnd && (body[first] == 0x20 || body[first] == 0x09) { first += 1 }
            var tokenEnd = first
            while tokenEnd < lineEnd && body[tokenEnd] != 0x20 && body[tokenEnd] != 0x09 && body[tokenEnd] != 0x0D { tokenEnd += 1 }
            if body[first ..< tokenEnd].contains(0x3A) && body[first] != 0x23 {
                text.append(contentsOf: "0 ".utf8)
            }
            text.append(contentsOf: body[lineStart ..< min(lineEnd + 1, body.count)])
            lineStart = lineEnd + 1
        }
        let data: LibSVMData<Double>
        do {
            data = try text.withUnsafeBytes { bytes in
                try LibSVMReader.parse(bytes: bytes, as: Double.self, options: LibSVMOptions(threads: 1), fileName: source)
            }
        } catch let error as OptmlError {
            throw InferenceError.badPayload(error.message)
        } catch {
            throw InferenceError.badPayload("\(error)")
        }
        return try sparseRows(data.dataset, source: source, format: "libsvm")
    }

    /// Decodes RecordIO-framed `aialgs.data.Record` messages, dense or sparse (contract §5.3, §5.4).
    public func decodeRecordIO(_ body: UnsafeRawBufferPointer, source: String) throws(InferenceError) -> FeatureRows {
        let data: RecordIOProtobufData<Double>
        do {
            data = try RecordIOProtobufReader.parse(bytes: body, as: Double.self, options: RecordIOProtobufOptions(threads: 1),
                                                    fileName: source)
        } catch let error as OptmlError {
            throw InferenceError.badPayload(error.message)
        } catch {
            throw InferenceError.badPayload("\(error)")
        }
        switch data {
        case .dense(let dataset):
            guard dataset.featureCount == featureCount else {
                throw InferenceError.badPayload("\(source): the records have \(dataset.featureCount) features; the \(algorithm) model needs \(featureCount).")
            }
            var rows = FeatureRows(rows: dataset.count, featureCount: featureCount, values: dataset.features.storage)
            try checkMissing(&rows) { "\(source), record \($0 + 1)" }
            return rows
        case .sparse(let dataset):
            return try sparseRows(dataset, source: source, format: "RecordIO-protobuf")
        }
    }

    /// Dense rows of `featureCount` columns from sparse records; an index at or past the model's
    /// feature count is an error naming the record.
    private func sparseRows(_ dataset: SparseLabeledDataset<Double>, source: String, format: String) throws(InferenceError) -> FeatureRows {
        let matrix = dataset.features
        var values = [Double](repeating: absentSparseValue, count: matrix.rows * featureCount)
        for row in 0 ..< matrix.rows {
            for k in matrix.rowOffsets[row] ..< matrix.rowOffsets[row + 1] {
                let column = Int(matrix.columnIndices[k])
                guard column < featureCount else {
                    throw InferenceError.badPayload("\(source), record \(row + 1): feature index \(column) is out of range; the \(algorithm) "
                        + "model has \(featureCount) features, indices 0 to \(featureCount - 1) (\(format) indices are 0-based).")
                }
                values[row * featureCount + column] = matrix.values[k]
            }
        }
        var rows = FeatureRows(rows: matrix.rows, featureCount: featureCount, values: values)
        try checkMissing(&rows) { "\(source), record \($0 + 1)" }
        return rows
    }

    // MARK: - CSV

    /// Decodes CSV rows; `source` is how the parser names the text (`request body line 3, …`).
    public func decodeCSV(_ body: UnsafeRawBufferPointer, source: String) throws(InferenceError) -> FeatureRows {
        let dataset: LabeledDataset<Double>
        do {
            dataset = try CSVReader.parse(
                bytes: body, as: Double.self,
                options: CSVOptions(hasLabel: false, expectedFeatureCount: featureCount, threads: 1), fileName: source)
        } catch let error as OptmlError {
            throw InferenceError.badPayload(error.message + csvWidthHint(error.message))
        } catch {
            throw InferenceError.badPayload("\(error)")
        }
        var rows = FeatureRows(rows: dataset.count, featureCount: featureCount, values: dataset.features.storage)
        try checkMissing(&rows) { "\(source), record \($0 + 1)" }
        return rows
    }

    private func csvWidthHint(_ message: String) -> String {
        message.contains(" columns, expected \(featureCount) ") && message.contains("\(featureCount + 1) columns,")
            ? " Inference CSV rows carry features only: drop the label column." : ""
    }

    // MARK: - JSON

    public func decodeJSON(_ body: UnsafeRawBufferPointer, source: String) throws(InferenceError) -> FeatureRows {
        let document = try parseJSON(body, source: source)
        var rows = FeatureRows(featureCount: featureCount)
        switch document {
        case .object:
            if let instances = document["instances"] {
                guard case .array(let list) = instances else {
                    throw InferenceError.badPayload("\(source): 'instances' is \(instances.kindDescription); expected a list of records.")
                }
                rows.values.reserveCapacity(list.count * featureCount)
                for (i, record) in list.enumerated() {
                    try append(record, to: &rows, path: "instances[\(i)]", record: i + 1, source: source)
                }
            } else {
                try append(document, to: &rows, path: "the body", record: 1, source: source)
            }
        case .array(let list):
            if let first = list.first, Self.isScalar(first) {
                try append(document, to: &rows, path: "the body", record: 1, source: source)
            } else {
                for (i, record) in list.enumerated() {
                    try append(record, to: &rows, path: "[\(i)]", record: i + 1, source: source)
                }
            }
        default:
            throw InferenceError.badPayload("\(source) is \(document.kindDescription); expected {\"instances\": [...]}, "
                + "a record or a list of records.")
        }
        return rows
    }

    // MARK: - JSON Lines

    /// Decodes JSON Lines; `firstLine` numbers the first line of `body` in messages.
    public func decodeJSONLines(_ body: UnsafeRawBufferPointer, source: String, firstLine: Int) throws(InferenceError) -> FeatureRows {
        var rows = FeatureRows(featureCount: featureCount)
        let bytes = body.bindMemory(to: UInt8.self)
        var line = firstLine
        var start = 0
        var record = 0
        while start < bytes.count {
            var end = start
            while end < bytes.count && bytes[end] != UInt8(ascii: "\n") { end += 1 }
            let text = UnsafeBufferPointer(rebasing: bytes[start..<end])
            if !Self.isBlank(text) {
                record += 1
                let where_ = "\(source) line \(line)"
                let value: JSONValue
                do { value = try JSONParser.parse(text) } catch {
                    throw InferenceError.badPayload("\(where_) is not JSON: \(error).")
                }
                try append(value, to: &rows, path: "the record", record: record, source: where_)
            }
            start = end + 1
            line += 1
        }
        return rows
    }

    // MARK: - Records

    private func parseJSON(_ body: UnsafeRawBufferPointer, source: String) throws(InferenceError) -> JSONValue {
        do { return try JSONParser.parse(body.bindMemory(to: UInt8.self)) } catch {
            throw InferenceError.badPayload("\(source) is not JSON: \(error).")
        }
    }

    static func isScalar(_ value: JSONValue) -> Bool {
        switch value {
        case .number, .null: true
        default: false
        }
    }

    static func isBlank(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        text.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
    }

    /// Appends one record in any of the accepted forms.
    func append(_ value: JSONValue, to rows: inout FeatureRows, path: String, record: Int, source: String) throws(InferenceError) {
        let at = "\(source), record \(record)"
        switch value {
        case .array(let list):
            try appendDense(list, to: &rows, path: path, at: at)
        case .object:
            if let features = value["features"] {
                guard case .array(let list) = features else {
                    throw InferenceError.badPayload("\(at): \(path).features is \(features.kindDescription); expected a list of numbers.")
                }
                try appendDense(list, to: &rows, path: path + ".features", at: at)
            } else if let data = value["data"] {
                guard let tensor = data["features"] else {
                    throw InferenceError.badPayload("\(at): \(path).data has no 'features'; expected "
                        + "{\"features\": {\"values\": [...]}}.")
                }
                try appendTensor(tensor, to: &rows, path: path + ".data.features", at: at)
            } else {
                let keys = { if case .object(let m) = value { return m.map { "'\($0.key)'" }.joined(separator: ", ") } else { return "" } }()
                throw InferenceError.badPayload("\(at): \(path) has no 'features' or 'data' member"
                    + (keys.isEmpty ? "" : " (it has \(keys))") + "; expected {\"features\": [...]}.")
            }
        default:
            throw InferenceError.badPayload("\(at): \(path) is \(value.kindDescription); expected a list of numbers or "
                + "{\"features\": [...]}.")
        }
    }

    private func appendDense(_ list: [JSONValue], to rows: inout FeatureRows, path: String, at: String) throws(InferenceError) {
        guard list.count == featureCount else {
            throw InferenceError.badPayload("\(at): \(path) has \(plural(list.count, "feature")); the \(algorithm) model "
                + "expects \(featureCount).")
        }
        for (j, element) in list.enumerated() {
            // A finite number is the common case; anything else takes the checks (and the path
            // for the message, built only then).
            if case .number(let x) = element, x.isFinite {
                rows.values.append(x)
            } else {
                rows.values.append(try number(element, path: "\(path)[\(j)]", at: at))
            }
        }
        rows.rows += 1
    }

    private func appendTensor(_ tensor: JSONValue, to rows: inout FeatureRows, path: String, at: String) throws(InferenceError) {
        guard case .array(let values)? = tensor["values"] else {
            throw InferenceError.badPayload("\(at): \(path) needs 'values', a list of numbers.")
        }
        guard let keysValue = tensor["keys"] else {
            try appendDense(values, to: &rows, path: path + ".values", at: at)
            return
        }
        guard case .array(let keys) = keysValue else {
            throw InferenceError.badPayload("\(at): \(path).keys is \(keysValue.kindDescription); expected a list of feature indices.")
        }
        if let shape = tensor["shape"] {
            guard case .array(let dims) = shape, dims.count == 1, case .number(let n) = dims[0] else {
                throw InferenceError.badPayload("\(at): \(path).shape must be [\(featureCount)] (one dimension, the feature count).")
            }
            guard n == Double(featureCount) else {
                throw InferenceError.badPayload("\(at): \(path).shape is [\(formatWhole(n))]; the \(algorithm) model expects "
                    + "\(featureCount) features.")
            }
        }
        guard keys.count == values.count else {
            throw InferenceError.badPayload("\(at): \(path) has \(plural(keys.count, "key")) but \(plural(values.count, "value")); "
                + "a sparse record needs one value per key.")
        }
        let base = rows.values.count
        rows.values.append(contentsOf: repeatElement(absentSparseValue, count: featureCount))
        for (i, keyValue) in keys.enumerated() {
            guard case .number(let k) = keyValue, k == k.rounded(), k >= 0, k < Double(featureCount) else {
                rows.values.removeSubrange(base...)
                throw InferenceError.badPayload("\(at): \(path).keys[\(i)] is \(describe(keyValue)); expected a feature index "
                    + "from 0 to \(featureCount - 1).")
            }
            do { rows.values[base + Int(k)] = try number(values[i], path: "\(path).values[\(i)]", at: at) } catch {
                rows.values.removeSubrange(base...)
                throw error
            }
        }
        rows.rows += 1
    }

    private func number(_ value: JSONValue, path: String, at: String) throws(InferenceError) -> Double {
        switch value {
        case .number(let x):
            if x.isNaN {
                if acceptsMissingFeatures { return x }
                throw missing(path: path, at: at)
            }
            guard x.isFinite else { throw InferenceError.badPayload("\(at): \(path) is \(x) (not a finite number).") }
            return x
        case .null:
            if acceptsMissingFeatures { return .nan }
            throw missing(path: path, at: at)
        default:
            throw InferenceError.badPayload("\(at): \(path) is \(describe(value)); expected a number.")
        }
    }

    private func missing(path: String, at: String) -> InferenceError {
        InferenceError.badPayload("\(at): \(path) is missing; the \(algorithm) model needs all \(featureCount) features.")
    }

    /// Refuses missing values (NaN) when the predictor cannot use them.
    func checkMissing(_ rows: inout FeatureRows, record: (Int) -> String) throws(InferenceError) {
        guard !acceptsMissingFeatures else { return }
        let d = featureCount
        let firstNaN: Int? = rows.values.withUnsafeBufferPointer { values in
            for k in 0..<values.count where values[k].isNaN { return k }
            return nil
        }
        if let k = firstNaN {
            throw InferenceError.badPayload("\(record(k / d)): feature \(k % d + 1) is missing (an empty field or nan); "
                + "the \(algorithm) model needs all \(d) features.")
        }
    }

    private func describe(_ value: JSONValue) -> String {
        switch value {
        case .string(let s): "the string \"\(s.count > 40 ? String(s.prefix(40)) + "..." : s)\""
        case .number(let x): formatWhole(x)
        default: value.kindDescription
        }
    }
}

func formatWhole(_ x: Double) -> String {
    x == x.rounded() && abs(x) < 1e15 ? String(Int64(x)) : "\(x)"
}

func plural(_ n: Int, _ noun: String) -> String { n == 1 ? "1 \(noun)" : "\(n) \(noun)s" }
