import MLCore
#if canImport(Glibc)
import Glibc
#endif

/// Reads one file (or FIFO) front to back through one bounded buffer and hands its whole units —
/// lines of text, RecordIO records — to the caller block by block: the reading loop the block
/// readers (`CSVBlockReader`, `LibSVMBlockReader`, `RecordIOBlockReader`) share.
///
/// The bytes come from `FileByteStream`, so gzip data is inflated on the way. A block ends where
/// `cut` says the last whole unit in the buffer ends; when no unit is whole yet, the buffer
/// doubles (a line or record longer than the buffer). At the end of the file the rest of the
/// buffer is handed over whole, complete or not, so the parser reports a truncated last unit.
struct ByteBlockReader {
    /// Where the units of `bytes` end (the offset after the last whole unit, at most
    /// `bytes.count`), or 0 when no unit is whole yet. `bytes` is never the end of the file.
    typealias Cut = (_ bytes: UnsafeRawBufferPointer) throws -> Int

    /// Bytes read per block at the start (the buffer grows for a longer unit).
    let blockBytes: Int

    init(blockBytes: Int) {
        self.blockBytes = max(4096, blockBytes)
    }

    /// Calls `body(bytes, fileOffset)` for every block of whole units of the file at `path` (named
    /// `name` in messages), where `fileOffset` is the block's first byte in the (inflated) file;
    /// `body` returns false to stop reading. Returns whether the file was read to its end.
    ///
    /// - Throws: `OptmlError.platform` for I/O, `OptmlError.user` for corrupt gzip data; what
    ///   `cut` and `body` throw.
    @discardableResult
    func forEachBlock(path: String, name: String, cut: Cut,
                      _ body: (_ bytes: UnsafeRawBufferPointer, _ fileOffset: Int) throws -> Bool) throws -> Bool {
        let stream = try FileByteStream(path: path, name: name)
        var capacity = blockBytes
        var buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        defer { buffer.deallocate() }
        var filled = 0
        var fileOffset = 0
        while true {
            if filled < capacity && !stream.finished {
                filled += try stream.read(into: buffer + filled, count: capacity - filled)
            }
            if filled == 0 && stream.finished { return true }
            var end = filled
            if !stream.finished {
                end = try cut(UnsafeRawBufferPointer(start: buffer, count: filled))
                if end == 0 {
                    if filled < capacity { continue }
                    // One unit longer than the buffer: grow it and read on.
                    let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity * 2)
                    grown.update(from: buffer, count: filled)
                    buffer.deallocate()
                    buffer = grown
                    capacity *= 2
                    continue
                }
            }
            guard try body(UnsafeRawBufferPointer(start: buffer, count: end), fileOffset) else { return false }
            fileOffset += end
            let rest = filled - end
            if rest > 0 { memmove(buffer, buffer + end, rest) }
            filled = rest
            if stream.finished && filled == 0 { return true }
        }
    }

    /// The cut after the last newline: blocks of whole lines.
    static func lines(_ bytes: UnsafeRawBufferPointer) -> Int {
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return 0 }
        var k = bytes.count
        while k > 0 && base[k - 1] != UInt8(ascii: "\n") { k -= 1 }
        return k
    }
}
