/// Bounds-checked reading of the protobuf wire format (varints, fixed-width scalars, tags,
/// length-delimited fields) over raw bytes, for the hand-written `Record` decoder.
///
/// Every read checks the end of its message; a malformed message produces a `WireError` with the
/// offset of the byte at fault, never a read past the buffer.
struct ProtobufWire {
    struct WireError: Error {
        let offset: Int
        let reason: String
    }

    enum WireType: UInt8 {
        case varint = 0
        case fixed64 = 1
        case lengthDelimited = 2
        case fixed32 = 5
    }

    let base: UnsafePointer<UInt8>
    /// The read position and the end of the current message.
    var position: Int
    let end: Int

    init(base: UnsafePointer<UInt8>, start: Int, end: Int) {
        self.base = base
        self.position = start
        self.end = end
    }

    var atEnd: Bool { position >= end }

    @inline(__always)
    mutating func varint() throws(WireError) -> UInt64 {
        // One byte is the common case (tags, short lengths).
        if position < end {
            let b = base[position]
            if b < 0x80 {
                position += 1
                return UInt64(b)
            }
        }
        return try longVarint()
    }

    @inline(never)
    private mutating func longVarint() throws(WireError) -> UInt64 {
        let start = position
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < end else { throw WireError(offset: start, reason: "a varint runs past the end of its message") }
            let b = base[position]
            position += 1
            if shift == 63 && b > 1 { throw WireError(offset: start, reason: "a varint is longer than 64 bits") }
            value |= UInt64(b & 0x7F) << shift
            if b < 0x80 { return value }
            shift += 7
        }
    }

    /// The next field's number and wire type.
    @inline(__always)
    mutating func tag() throws(WireError) -> (field: UInt64, type: WireType) {
        let start = position
        let key = try varint()
        guard let type = WireType(rawValue: UInt8(key & 7)), key >> 3 != 0 else {
            throw WireError(offset: start, reason: key >> 3 == 0
                ? "a field has number 0"
                : "wire type \(key & 7) is not used by the Record messages (groups are not supported)")
        }
        return (key >> 3, type)
    }

    /// The byte range of a length-delimited field's content; moves past it.
    @inline(__always)
    mutating func lengthDelimited() throws(WireError) -> Range<Int> {
        let start = position
        let length = try varint()
        guard length <= UInt64(end - position) else {
            throw WireError(offset: start, reason: "a length of \(length) bytes runs past the end of its message")
        }
        let range = position ..< position + Int(length)
        position += Int(length)
        return range
    }

    @inline(__always)
    mutating func fixed32() throws(WireError) -> UInt32 {
        guard end - position >= 4 else { throw WireError(offset: position, reason: "a 4-byte value runs past the end of its message") }
        let v = UInt32(littleEndian: UnsafeRawPointer(base + position).loadUnaligned(as: UInt32.self))
        position += 4
        return v
    }

    @inline(__always)
    mutating func fixed64() throws(WireError) -> UInt64 {
        guard end - position >= 8 else { throw WireError(offset: position, reason: "an 8-byte value runs past the end of its message") }
        let v = UInt64(littleEndian: UnsafeRawPointer(base + position).loadUnaligned(as: UInt64.self))
        position += 8
        return v
    }

    /// Skips a field of the given wire type.
    mutating func skip(_ type: WireType) throws(WireError) {
        switch type {
        case .varint: _ = try varint()
        case .fixed64: _ = try fixed64()
        case .fixed32: _ = try fixed32()
        case .lengthDelimited: _ = try lengthDelimited()
        }
    }
}
