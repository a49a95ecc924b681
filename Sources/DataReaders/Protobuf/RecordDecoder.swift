/// Decodes `aialgs.data.Record` payloads (contract §5.4) straight into row buffers, without
/// building messages: the hot path of RecordIO-protobuf channels.
///
/// Reads `features["values"]` (Float32, Float64 or Int32 tensor; dense when `keys` is empty,
/// sparse with `keys` and `shape` otherwise; packed or unpacked repeated fields) and the scalar
/// `label["values"]`. Other map keys, `uid`, `metadata`, `configuration` and unknown fields are
/// skipped. Protobuf semantics are kept where a writer could rely on them: the last map entry
/// with a key wins, the last member of a oneof wins, and repeated occurrences of a tensor message
/// merge (their repeated fields concatenate), so the result equals what swift-protobuf decodes.
///
/// A packed Float32 `values` field is copied with one `memcpy` into a Float matrix: decoding is
/// bounded by memory bandwidth, not by per-value work.
struct RecordDecoder<T: RecordTensorScalar> {
    /// The shape of one decoded tensor, filled while its values are appended.
    private struct TensorInfo {
        var valueCount = 0
        var keyCount = 0
        var shapeProduct: UInt64 = 1
        var shapeCount = 0
        var largestKey: UInt64 = 0
        var keysIncrease = true
        var lastKey: UInt64 = 0
        var holdsBytes = false
    }

    /// Appends one record's row to `out`. `name` and `recordOffset` locate errors.
    func decode(_ payload: UnsafeRawBufferPointer, recordOffset: Int, name: String,
                into out: inout RecordRowsOutput<T>) throws(RecordFailure) {
        let base = payload.baseAddress?.assumingMemoryBound(to: UInt8.self) ?? emptyPayloadBase
        do {
            // Pass 1: the last features entry and the last label entry whose key is "values".
            var wire = ProtobufWire(base: base, start: 0, end: payload.count)
            var features: Range<Int>?
            var label: Range<Int>?
            var featureKeys: [String] = []
            while !wire.atEnd {
                let (field, type) = try wire.tag()
                if (field == 1 || field == 2) && type == .lengthDelimited {
                    let entry = try wire.lengthDelimited()
                    let key = try mapKey(base, entry)
                    if key.isValues {
                        if field == 1 { features = entry } else { label = entry }
                    } else if field == 1 && featureKeys.count < 8 {
                        featureKeys.append(key.text)
                    }
                } else {
                    try wire.skip(type)
                }
            }
            guard let features else {
                let found = featureKeys.isEmpty ? "the features map is empty"
                    : "the features map has only \(featureKeys.map { "'\($0)'" }.joined(separator: ", "))"
                throw failure(recordOffset, name, "the record has no features[\"values\"] tensor (\(found)). "
                    + "Write features with the SageMaker SDK's record format (key \"values\").")
            }

            let rowStart = out.values.count
            let keyStart = out.keys.count
            var info = TensorInfo()
            try decodeEntryValue(base, features, into: &out, info: &info, labelSlot: nil)
            if info.holdsBytes {
                throw failure(recordOffset, name, "features[\"values\"] holds bytes, not a Float32, Float64 or Int32 tensor.")
            }
            let isSparse = info.keyCount > 0 || (info.valueCount == 0 && info.shapeCount > 0)
            var width = info.valueCount
            if isSparse {
                guard info.keyCount == info.valueCount else {
                    throw failure(recordOffset, name, "the sparse features tensor has \(info.keyCount) keys but "
                        + "\(info.valueCount) values; a sparse tensor needs one key per value.")
                }
                if info.shapeCount > 0 {
                    guard info.shapeProduct <= UInt64(UInt32.max) else {
                        throw failure(recordOffset, name, "the features tensor's shape has \(info.shapeProduct) "
                            + "elements, more than the \(UInt32.max) columns supported.")
                    }
                    if info.keyCount > 0 && info.largestKey >= info.shapeProduct {
                        throw failure(recordOffset, name, "the sparse features tensor has key \(info.largestKey), "
                            + "beyond its shape of \(info.shapeProduct) elements (keys are zero-based).")
                    }
                    width = Int(info.shapeProduct)
                } else {
                    guard info.largestKey < UInt64(UInt32.max) else {
                        throw failure(recordOffset, name, "the sparse features tensor has key \(info.largestKey), "
                            + "beyond the \(UInt32.max - 1) largest column supported.")
                    }
                    width = Int(info.largestKey) + 1
                }
                if !info.keysIncrease, let repeated = sortEntries(&out, keyStart: keyStart, valueStart: rowStart) {
                    throw failure(recordOffset, name, "the sparse features tensor has key \(repeated) twice; "
                        + "each key may appear once.")
                }
                out.sparseRows += 1
            } else if info.shapeCount > 0 && info.shapeProduct != UInt64(info.valueCount) {
                throw failure(recordOffset, name, "the dense features tensor has \(info.valueCount) values but its "
                    + "shape has \(info.shapeProduct) elements.")
            }

            var labelValue = Double.nan
            if let label {
                var labelInfo = TensorInfo()
                var slot = LabelSlot()
                try decodeEntryValue(base, label, into: &out, info: &labelInfo, labelSlot: &slot)
                guard !labelInfo.holdsBytes else {
                    throw failure(recordOffset, name, "label[\"values\"] holds bytes, not a number.")
                }
                guard slot.count == 1 else {
                    throw failure(recordOffset, name, "label[\"values\"] has \(slot.count) values; the built-in "
                        + "algorithms take exactly one label per record.")
                }
                guard slot.value.isFinite else {
                    throw failure(recordOffset, name, "the label is \(slot.value); labels must be finite.")
                }
                labelValue = slot.value
                out.labeledRows += 1
            }
            out.labels.append(labelValue)
            out.rowEnds.append(out.values.count)
            out.widths.append(width)
            out.sparse.append(isSparse ? 1 : 0)
            out.offsets.append(recordOffset)
        } catch let error as ProtobufWire.WireError {
            throw failure(recordOffset, name, "the record is not a valid aialgs.data.Record protobuf: \(error.reason) "
                + "(payload byte \(error.offset)).")
        } catch let error as RecordFailure {
            throw error
        } catch {
            throw failure(recordOffset, name, "\(error)")
        }
    }

    private func failure(_ offset: Int, _ name: String, _ text: String) -> RecordFailure {
        RecordFailure(recordOffset: offset, message: "\(name): record at byte offset \(offset): \(text)")
    }

    /// A label's one value, whatever the tensor type.
    struct LabelSlot {
        var count = 0
        var value = 0.0
        mutating func add(_ v: Double) {
            if count == 0 { value = v }
            count += 1
        }
    }

    private struct MapKey {
        var isValues: Bool
        var range: Range<Int>
        var base: UnsafePointer<UInt8>
        var text: String { String(decoding: UnsafeBufferPointer(start: base + range.lowerBound, count: range.count), as: UTF8.self) }
    }

    /// The (last) key of a map entry; an entry without one has the empty key.
    @inline(__always)
    private func mapKey(_ base: UnsafePointer<UInt8>, _ entry: Range<Int>) throws -> MapKey {
        var wire = ProtobufWire(base: base, start: entry.lowerBound, end: entry.upperBound)
        var key = entry.lowerBound ..< entry.lowerBound
        while !wire.atEnd {
            let (field, type) = try wire.tag()
            if field == 1 && type == .lengthDelimited {
                key = try wire.lengthDelimited()
            } else {
                try wire.skip(type)
            }
        }
        let k = base + key.lowerBound
        let isValues = key.count == 6 && k[0] == 0x76 && k[1] == 0x61 && k[2] == 0x6C && k[3] == 0x75
            && k[4] == 0x65 && k[5] == 0x73
        return MapKey(isValues: isValues, range: key, base: base)
    }

    /// Decodes the `Value` messages (field 2) of a map entry. Several occurrences merge, as
    /// protobuf merges repeated occurrences of a message field.
    private func decodeEntryValue(_ base: UnsafePointer<UInt8>, _ entry: Range<Int>, into out: inout RecordRowsOutput<T>,
                                  info: inout TensorInfo, labelSlot: UnsafeMutablePointer<LabelSlot>?) throws {
        // The oneof member that wins is the last one set across all occurrences; only the run of
        // that member after the last different member counts.
        var wire = ProtobufWire(base: base, start: entry.lowerBound, end: entry.upperBound)
        var winner: UInt64 = 0
        var runStart = entry.lowerBound
        while !wire.atEnd {
            let fieldStart = wire.position
            let (field, type) = try wire.tag()
            if field == 2 && type == .lengthDelimited {
                let value = try wire.lengthDelimited()
                var inner = ProtobufWire(base: base, start: value.lowerBound, end: value.upperBound)
                while !inner.atEnd {
                    let (member, memberType) = try inner.tag()
                    if [2, 3, 7, 9].contains(member) && memberType == .lengthDelimited {
                        if member != winner {
                            winner = member
                            runStart = fieldStart
                        }
                        _ = try inner.lengthDelimited()
                    } else {
                        try inner.skip(memberType)
                    }
                }
            } else {
                try wire.skip(type)
            }
        }
        guard winner != 0 else { return }
        if winner == 9 {
            info.holdsBytes = true
            return
        }
        // Pass 2: decode every occurrence of the winning member from the start of its run. A run
        // that starts inside a Value message starts at that message; earlier members in it lose.
        wire = ProtobufWire(base: base, start: runStart, end: entry.upperBound)
        var started = false
        while !wire.atEnd {
            let (field, type) = try wire.tag()
            guard field == 2 && type == .lengthDelimited else {
                try wire.skip(type)
                continue
            }
            let value = try wire.lengthDelimited()
            var inner = ProtobufWire(base: base, start: value.lowerBound, end: value.upperBound)
            // Inside the first Value of the run, skip members before the last switch to `winner`.
            var innerStart = value.lowerBound
            if !started {
                var scan = ProtobufWire(base: base, start: value.lowerBound, end: value.upperBound)
                var current: UInt64 = 0
                while !scan.atEnd {
                    let at = scan.position
                    let (member, memberType) = try scan.tag()
                    if [2, 3, 7, 9].contains(member) && memberType == .lengthDelimited {
                        if member != current {
                            current = member
                            if member == winner { innerStart = at }
                        }
                        _ = try scan.lengthDelimited()
                    } else {
                        try scan.skip(memberType)
                    }
                }
                started = true
                inner = ProtobufWire(base: base, start: innerStart, end: value.upperBound)
            }
            while !inner.atEnd {
                let (member, memberType) = try inner.tag()
                if memberType == .lengthDelimited && [2, 3, 7, 9].contains(member) {
                    let tensor = try inner.lengthDelimited()
                    if member != winner {
                        // A different member after the run started cannot happen (the run ends
                        // at the last switch), except inside the first Value: skip it.
                        continue
                    }
                    try decodeTensor(base, tensor, kind: winner, into: &out, info: &info, labelSlot: labelSlot)
                } else {
                    try inner.skip(memberType)
                }
            }
        }
    }

    /// Decodes one Float32Tensor (kind 2), Float64Tensor (3) or Int32Tensor (7).
    private func decodeTensor(_ base: UnsafePointer<UInt8>, _ range: Range<Int>, kind: UInt64,
                              into out: inout RecordRowsOutput<T>, info: inout TensorInfo,
                              labelSlot: UnsafeMutablePointer<LabelSlot>?) throws {
        var wire = ProtobufWire(base: base, start: range.lowerBound, end: range.upperBound)
        while !wire.atEnd {
            let (field, type) = try wire.tag()
            switch (field, type) {
            case (1, .lengthDelimited):
                let packed = try wire.lengthDelimited()
                try appendPacked(base, packed, kind: kind, into: &out, info: &info, labelSlot: labelSlot)
            case (1, .fixed32) where kind == 2:
                append(Float(bitPattern: try wire.fixed32()), into: &out, info: &info, labelSlot: labelSlot)
            case (1, .fixed64) where kind == 3:
                append(Double(bitPattern: try wire.fixed64()), into: &out, info: &info, labelSlot: labelSlot)
            case (1, .varint) where kind == 7:
                append(Int32(truncatingIfNeeded: try wire.varint()), into: &out, info: &info, labelSlot: labelSlot)
            case (2, .lengthDelimited):
                let packed = try wire.lengthDelimited()
                var keys = ProtobufWire(base: base, start: packed.lowerBound, end: packed.upperBound)
                while !keys.atEnd { try appendKey(try keys.varint(), into: &out, info: &info, labelSlot: labelSlot) }
            case (2, .varint):
                try appendKey(try wire.varint(), into: &out, info: &info, labelSlot: labelSlot)
            case (3, .lengthDelimited):
                let packed = try wire.lengthDelimited()
                var dims = ProtobufWire(base: base, start: packed.lowerBound, end: packed.upperBound)
                while !dims.atEnd { addDimension(try dims.varint(), info: &info) }
            case (3, .varint):
                addDimension(try wire.varint(), info: &info)
            case (1, _):
                throw ProtobufWire.WireError(offset: wire.position, reason: "tensor values have wire type \(type.rawValue), "
                    + "which does not match the tensor's value type")
            default:
                try wire.skip(type)
            }
        }
    }

    @inline(__always)
    private func addDimension(_ d: UInt64, info: inout TensorInfo) {
        let (product, overflow) = info.shapeProduct.multipliedReportingOverflow(by: d)
        info.shapeProduct = overflow ? UInt64.max : product
        info.shapeCount += 1
    }

    @inline(__always)
    private func appendKey(_ key: UInt64, into out: inout RecordRowsOutput<T>, info: inout TensorInfo,
                           labelSlot: UnsafeMutablePointer<LabelSlot>?) throws {
        guard labelSlot == nil else { return }
        if info.keyCount > 0 && key <= info.lastKey { info.keysIncrease = false }
        info.lastKey = key
        info.largestKey = max(info.largestKey, key)
        info.keyCount += 1
        out.keys.append(UInt32(truncatingIfNeeded: min(key, UInt64(UInt32.max))))
    }

    @inline(__always)
    private func append(_ v: Float, into out: inout RecordRowsOutput<T>, info: inout TensorInfo,
                        labelSlot: UnsafeMutablePointer<LabelSlot>?) {
        if let labelSlot { labelSlot.pointee.add(Double(v)); return }
        out.values.append(T(v))
        info.valueCount += 1
    }

    @inline(__always)
    private func append(_ v: Double, into out: inout RecordRowsOutput<T>, info: inout TensorInfo,
                        labelSlot: UnsafeMutablePointer<LabelSlot>?) {
        if let labelSlot { labelSlot.pointee.add(v); return }
        out.values.append(T(v))
        info.valueCount += 1
    }

    @inline(__always)
    private func append(_ v: Int32, into out: inout RecordRowsOutput<T>, info: inout TensorInfo,
                        labelSlot: UnsafeMutablePointer<LabelSlot>?) {
        if let labelSlot { labelSlot.pointee.add(Double(v)); return }
        out.values.append(T(v))
        info.valueCount += 1
    }

    /// A packed `values` field: Float32 straight into a Float row by `memcpy`, others converted.
    private func appendPacked(_ base: UnsafePointer<UInt8>, _ range: Range<Int>, kind: UInt64,
                              into out: inout RecordRowsOutput<T>, info: inout TensorInfo,
                              labelSlot: UnsafeMutablePointer<LabelSlot>?) throws {
        let bytes = range.count
        let raw = UnsafeRawPointer(base + range.lowerBound)
        switch kind {
        case 2:
            guard bytes % 4 == 0 else {
                throw ProtobufWire.WireError(offset: range.lowerBound, reason: "packed Float32 values take \(bytes) bytes, not a multiple of 4")
            }
            let n = bytes / 4
            if labelSlot == nil && T.self == Float.self {
                // Little-endian IEEE binary32 on the wire and in memory: copy the bytes.
                let start = out.values.count
                out.values.reserve(start + n)
                for _ in 0..<n { out.values.append(0) }
                UnsafeMutableRawPointer(out.values.base! + start).copyMemory(from: raw, byteCount: bytes)
                info.valueCount += n
            } else {
                for i in 0..<n {
                    let v = Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
                    append(v, into: &out, info: &info, labelSlot: labelSlot)
                }
            }
        case 3:
            guard bytes % 8 == 0 else {
                throw ProtobufWire.WireError(offset: range.lowerBound, reason: "packed Float64 values take \(bytes) bytes, not a multiple of 8")
            }
            for i in 0..<(bytes / 8) {
                let v = Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self)))
                append(v, into: &out, info: &info, labelSlot: labelSlot)
            }
        default:
            var values = ProtobufWire(base: base, start: range.lowerBound, end: range.upperBound)
            while !values.atEnd {
                append(Int32(truncatingIfNeeded: try values.varint()), into: &out, info: &info, labelSlot: labelSlot)
            }
        }
    }

    /// Sorts a sparse row's entries by key; returns a key given twice, if any.
    private func sortEntries(_ out: inout RecordRowsOutput<T>, keyStart: Int, valueStart: Int) -> UInt32? {
        let keys = out.keys.base! + keyStart
        let values = out.values.base! + valueStart
        let count = out.keys.count - keyStart
        var order = Array(0..<count)
        order.sort { keys[$0] < keys[$1] }
        let sortedKeys = order.map { keys[$0] }
        let sortedValues = order.map { values[$0] }
        for i in 0..<count {
            keys[i] = sortedKeys[i]
            values[i] = sortedValues[i]
        }
        for i in 1..<max(count, 1) where keys[i] == keys[i - 1] { return keys[i] }
        return nil
    }
}

/// A non-nil base for empty payloads (an empty Record is valid protobuf, and fails for having no
/// features, not for a missing pointer).
nonisolated(unsafe) private let emptyPayloadBase = UnsafePointer(UnsafeMutablePointer<UInt8>.allocate(capacity: 1))
