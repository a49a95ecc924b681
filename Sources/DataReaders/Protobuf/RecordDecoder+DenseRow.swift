/// The fast path of dense channels: one record in the exact layout the SageMaker SDK's
/// `write_numpy_to_dense_tensor` writes, decoded straight into its row of the final matrix.
extension RecordDecoder {
    /// What `decodeDenseRow` made of a record.
    enum DenseRow {
        /// The row is stored; the record's one finite label.
        case labeled(Double)
        /// The row is stored; the record has no label.
        case unlabeled
        /// The record is laid out otherwise (or holds something the general decoder must judge,
        /// such as a label that is not finite): nothing is stored, decode it with `decode`.
        case other
    }

    /// Stores the `width` feature values of a record laid out byte for byte as
    ///
    ///     0A len { 0A 06 "values" 12 len { 12 len { 0A len(4·width) <Float32 × width> } } }
    ///     [ 12 len { 0A 06 "values" 12 len { 12 len { 0A 04 <Float32> } | 1A len { 0A 08 <Float64> } } } ]
    ///
    /// (features["values"] as one packed Float32 tensor, then optionally label["values"] as one
    /// Float32 or Float64 value; each length ends exactly where its enclosing message ends) into
    /// `row`, and returns the label. Anything else returns `.other` and stores nothing that
    /// counts. For every record it accepts, the result equals `decode`'s (and swift-protobuf's):
    /// one map entry per map, one oneof member, one packed field, no keys and no shape leave
    /// the general rules nothing to choose between.
    ///
    /// Cost: a dozen byte compares and one `memcpy` of the row when `T` is Float.
    @inline(__always)
    func decodeDenseRow(_ payload: UnsafeRawBufferPointer, width: Int, into row: UnsafeMutablePointer<T>) -> DenseRow {
        guard let p = payload.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return .other }
        let end = payload.count
        var i = 0
        // features: the map entry, its key, its Value, the Float32Tensor, the packed values.
        guard let entryEnd = Self.field(0x0A, p, &i, end),
              Self.isValuesKey(p, &i, entryEnd),
              let valueEnd = Self.field(0x12, p, &i, entryEnd), valueEnd == entryEnd,
              let tensorEnd = Self.field(0x12, p, &i, valueEnd), tensorEnd == valueEnd,
              let valuesEnd = Self.field(0x0A, p, &i, tensorEnd), valuesEnd == tensorEnd,
              valuesEnd - i == 4 * width
        else { return .other }
        let values = UnsafeRawPointer(p + i)
        i = entryEnd
        // The label, if any, before anything is stored (a record that is not taken here must
        // leave no trace).
        var label = Double.nan
        if i < end {
            guard let labelEnd = Self.field(0x12, p, &i, end), labelEnd == end,
                  Self.isValuesKey(p, &i, labelEnd),
                  let labelValueEnd = Self.field(0x12, p, &i, labelEnd), labelValueEnd == labelEnd,
                  labelEnd - i >= 2
            else { return .other }
            let member = p[i]
            guard member == 0x12 || member == 0x1A,
                  let labelTensorEnd = Self.field(member, p, &i, labelValueEnd), labelTensorEnd == labelValueEnd
            else { return .other }
            let size = member == 0x12 ? 4 : 8
            guard labelTensorEnd - i == size + 2, p[i] == 0x0A, Int(p[i + 1]) == size else { return .other }
            let raw = UnsafeRawPointer(p + i + 2)
            label = size == 4
                ? Double(Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(as: UInt32.self))))
                : Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(as: UInt64.self)))
            // Not finite: `decode` states the error.
            guard label.isFinite else { return .other }
        }
        if T.self == Float.self {
            // Little-endian IEEE binary32 on the wire and in memory: copy the bytes.
            UnsafeMutableRawPointer(row).copyMemory(from: values, byteCount: 4 * width)
        } else {
            for k in 0..<width {
                row[k] = T(Float(bitPattern: UInt32(littleEndian: values.loadUnaligned(fromByteOffset: 4 * k, as: UInt32.self))))
            }
        }
        return label.isNaN ? .unlabeled : .labeled(label)
    }

    /// At `i`: the one-byte tag `tag` and a length whose content ends within `end`; moves `i` to
    /// the content and returns its end (nil otherwise, `i` then undefined).
    @inline(__always)
    private static func field(_ tag: UInt8, _ p: UnsafePointer<UInt8>, _ i: inout Int, _ end: Int) -> Int? {
        guard i < end, p[i] == tag else { return nil }
        i += 1
        var length = 0
        var shift = 0
        while true {
            // Lengths of a RecordIO part fit in 29 bits: five varint bytes at most.
            guard i < end, shift <= 28 else { return nil }
            let b = p[i]
            i += 1
            length |= Int(b & 0x7F) << shift
            if b < 0x80 { break }
            shift += 7
        }
        guard length <= end - i else { return nil }
        return i + length
    }

    /// At `i`: the map key field `0A 06 "values"`; moves past it.
    @inline(__always)
    private static func isValuesKey(_ p: UnsafePointer<UInt8>, _ i: inout Int, _ end: Int) -> Bool {
        guard end - i >= 8 else { return false }
        // 0A 06 76 61 6C 75 65 73, read as a little-endian word.
        guard UInt64(littleEndian: UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self)) == 0x7365_756C_6176_060A else {
            return false
        }
        i += 8
        return true
    }
}
