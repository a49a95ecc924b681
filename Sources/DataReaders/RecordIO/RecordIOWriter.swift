/// Writes RecordIO framing (contract §5.3) into a growing byte array.
///
/// A payload that contains the magic at a 4-byte-aligned offset is split there into parts
/// (continuation flags 1, 2, 3) with the magic bytes dropped, exactly as dmlc-core's
/// `RecordIOWriter::WriteRecord` does, so that a reader can always resynchronise on the magic.
/// Every other payload is one whole record (flag 0), byte for byte what the SageMaker SDK writes.
public struct RecordIOWriter: Sendable {
    /// The framed bytes written so far.
    public private(set) var bytes: [UInt8] = []

    public init(capacity: Int = 0) {
        bytes.reserveCapacity(capacity)
    }

    /// Appends one record. Precondition: every part is below 2²⁹ bytes (512 MiB).
    public mutating func append(payload: UnsafeRawBufferPointer) {
        let size = payload.count
        let alignedEnd = size & ~3
        var partStart = 0
        var i = 0
        while i < alignedEnd {
            if payload.loadUnaligned(fromByteOffset: i, as: UInt32.self) == RecordIOFraming.magic.littleEndian {
                writePart(payload, from: partStart, to: i, flag: partStart == 0 ? .first : .middle)
                partStart = i + 4
            }
            i += 4
        }
        writePart(payload, from: partStart, to: size, flag: partStart == 0 ? .whole : .last)
    }

    /// Appends one record.
    public mutating func append(payload: some Collection<UInt8>) {
        let copy = Array(payload)
        copy.withUnsafeBytes { append(payload: $0) }
    }

    private mutating func writePart(_ payload: UnsafeRawBufferPointer, from start: Int, to end: Int,
                                    flag: RecordIOFraming.Part) {
        let length = end - start
        precondition(length <= RecordIOFraming.maximumPartLength, "a RecordIO part holds at most 2^29 - 1 bytes")
        appendWord(RecordIOFraming.magic)
        appendWord(flag.rawValue << 29 | UInt32(length))
        bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: payload[start..<end]))
        for _ in 0..<RecordIOFraming.padding(length) { bytes.append(0) }
    }

    private mutating func appendWord(_ word: UInt32) {
        bytes.append(UInt8(truncatingIfNeeded: word))
        bytes.append(UInt8(truncatingIfNeeded: word >> 8))
        bytes.append(UInt8(truncatingIfNeeded: word >> 16))
        bytes.append(UInt8(truncatingIfNeeded: word >> 24))
    }
}
