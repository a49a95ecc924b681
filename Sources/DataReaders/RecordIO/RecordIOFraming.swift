/// The RecordIO framing constants (contract §5.3; dmlc-core `include/dmlc/recordio.h`).
///
/// A record is `magic (u32 LE) | lrecord (u32 LE) | payload | zero padding to 4 bytes`, where
/// `lrecord = cflag << 29 | length`. `cflag` 0 is a whole record; a payload that contains the
/// magic at a 4-byte-aligned offset is written in parts (1 first, 2 middle, 3 last) with the
/// magic bytes dropped between them, and the reader puts them back.
public enum RecordIOFraming {
    /// `0xCED7230A`, on disk `0A 23 D7 CE`.
    public static let magic: UInt32 = 0xCED7230A
    /// The largest part length the 29-bit length field holds.
    public static let maximumPartLength = (1 << 29) - 1

    /// The continuation flag of a part.
    public enum Part: UInt32, Sendable {
        case whole = 0
        case first = 1
        case middle = 2
        case last = 3
    }

    /// The zero bytes that follow a part of `length` bytes.
    @inline(__always)
    public static func padding(_ length: Int) -> Int { ((length + 3) & ~3) - length }
}
