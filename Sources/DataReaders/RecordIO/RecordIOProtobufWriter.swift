import SwiftProtobuf

/// Writes `application/x-recordio-protobuf`: RecordIO-framed `aialgs.data.Record` messages, one
/// per row (contract §5.3, §5.4), for inference responses and for tools that prepare channels.
///
/// The dense and sparse row writers encode by hand, in the field order the SageMaker SDK's
/// `write_numpy_to_dense_tensor` / `write_spmatrix_to_sparse_tensor` produce, so their bytes are
/// identical to the SDK's for the same values. `append(_:)` takes any `Aialgs_Data_Record` and
/// serialises it with swift-protobuf (map keys in sorted order, so output is deterministic).
public struct RecordIOProtobufWriter: Sendable {
    private var framing = RecordIOWriter()
    private var payload: [UInt8] = []

    public init() {}

    /// The framed bytes written so far.
    public var bytes: [UInt8] { framing.bytes }

    /// The tensor type a row is written as.
    public enum TensorType: Sendable {
        case float32, float64, int32
    }

    /// Appends one dense row: `features["values"]` holds `features` as a Float32 tensor and, when
    /// `label` is given, `label["values"]` holds it as a one-value Float32 tensor.
    public mutating func appendDense(features: some Collection<Float>, label: Float? = nil) {
        payload.removeAll(keepingCapacity: true)
        var tensor = ProtobufBytes()
        tensor.packedFloats(field: 1, features)
        ProtobufBytes.mapEntry(into: &payload, field: 1, key: "values", tensorField: 2, tensor: tensor.bytes)
        if let label {
            var labelTensor = ProtobufBytes()
            labelTensor.packedFloats(field: 1, CollectionOfOne(label))
            ProtobufBytes.mapEntry(into: &payload, field: 2, key: "values", tensorField: 2, tensor: labelTensor.bytes)
        }
        payload.withUnsafeBytes { framing.append(payload: $0) }
    }

    /// Appends one dense row as a Float64 tensor (what the SDK writes for `float64` arrays), with
    /// an optional Float64 label.
    public mutating func appendDense(features: some Collection<Double>, label: Double? = nil) {
        payload.removeAll(keepingCapacity: true)
        var tensor = ProtobufBytes()
        tensor.packedDoubles(field: 1, features)
        ProtobufBytes.mapEntry(into: &payload, field: 1, key: "values", tensorField: 3, tensor: tensor.bytes)
        if let label {
            var labelTensor = ProtobufBytes()
            labelTensor.packedDoubles(field: 1, CollectionOfOne(label))
            ProtobufBytes.mapEntry(into: &payload, field: 2, key: "values", tensorField: 3, tensor: labelTensor.bytes)
        }
        payload.withUnsafeBytes { framing.append(payload: $0) }
    }

    /// Appends one sparse row: `keys` (column indices) and `values` of a row of `columns`
    /// columns, written as a Float32 tensor with `shape = [columns]`, and an optional label.
    public mutating func appendSparse(keys: some Collection<UInt64>, values: some Collection<Float>, columns: Int,
                                      label: Float? = nil) {
        precondition(keys.count == values.count, "\(keys.count) keys for \(values.count) values")
        payload.removeAll(keepingCapacity: true)
        var tensor = ProtobufBytes()
        tensor.packedFloats(field: 1, values)
        tensor.packedVarints(field: 2, keys)
        tensor.packedVarints(field: 3, CollectionOfOne(UInt64(columns)))
        ProtobufBytes.mapEntry(into: &payload, field: 1, key: "values", tensorField: 2, tensor: tensor.bytes)
        if let label {
            var labelTensor = ProtobufBytes()
            labelTensor.packedFloats(field: 1, CollectionOfOne(label))
            ProtobufBytes.mapEntry(into: &payload, field: 2, key: "values", tensorField: 2, tensor: labelTensor.bytes)
        }
        payload.withUnsafeBytes { framing.append(payload: $0) }
    }

    /// Appends a record with only labels, each a Float32 tensor: the form of Linear Learner's
    /// inference responses (`label["score"]`, `label["predicted_label"]`, features empty).
    public mutating func appendLabels(_ labels: [(key: String, values: [Float])]) {
        payload.removeAll(keepingCapacity: true)
        for (key, values) in labels {
            var tensor = ProtobufBytes()
            tensor.packedFloats(field: 1, values)
            ProtobufBytes.mapEntry(into: &payload, field: 2, key: key, tensorField: 2, tensor: tensor.bytes)
        }
        payload.withUnsafeBytes { framing.append(payload: $0) }
    }

    /// Appends any record, serialised by swift-protobuf with deterministic (sorted) map order.
    public mutating func append(_ record: Aialgs_Data_Record) throws {
        var options = BinaryEncodingOptions()
        options.useDeterministicOrdering = true
        let bytes: [UInt8] = try record.serializedBytes(options: options)
        bytes.withUnsafeBytes { framing.append(payload: $0) }
    }
}

/// A few protobuf wire writers: varints, tags, packed repeated fields, length-delimited nesting.
struct ProtobufBytes {
    var bytes: [UInt8] = []

    mutating func varint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    mutating func tag(_ field: Int, _ wireType: UInt8) { varint(UInt64(field) << 3 | UInt64(wireType)) }

    mutating func lengthDelimited(field: Int, _ content: [UInt8]) {
        tag(field, 2)
        varint(UInt64(content.count))
        bytes.append(contentsOf: content)
    }

    /// A packed repeated float; nothing for an empty collection (proto2 writes no empty packed field).
    mutating func packedFloats(field: Int, _ values: some Collection<Float>) {
        guard !values.isEmpty else { return }
        tag(field, 2)
        varint(UInt64(values.count * 4))
        for v in values {
            let bits = v.bitPattern
            for k in 0..<4 { bytes.append(UInt8(truncatingIfNeeded: bits >> (8 * k))) }
        }
    }

    mutating func packedDoubles(field: Int, _ values: some Collection<Double>) {
        guard !values.isEmpty else { return }
        tag(field, 2)
        varint(UInt64(values.count * 8))
        for v in values {
            let bits = v.bitPattern
            for k in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: bits >> (8 * k))) }
        }
    }

    mutating func packedVarints(field: Int, _ values: some Collection<UInt64>) {
        guard !values.isEmpty else { return }
        var body = ProtobufBytes()
        for v in values { body.varint(v) }
        lengthDelimited(field: field, body.bytes)
    }

    /// `field` of a Record: a map entry `{1: key, 2: Value{tensorField: tensor}}`.
    static func mapEntry(into out: inout [UInt8], field: Int, key: String, tensorField: Int, tensor: [UInt8]) {
        var value = ProtobufBytes()
        value.lengthDelimited(field: tensorField, tensor)
        var entry = ProtobufBytes()
        entry.lengthDelimited(field: 1, Array(key.utf8))
        entry.lengthDelimited(field: 2, value.bytes)
        var record = ProtobufBytes()
        record.lengthDelimited(field: field, entry.bytes)
        out.append(contentsOf: record.bytes)
    }
}
