import Foundation
import MLCore

/// A file read in blocks for streaming transform: `fill()` tops the buffer up to its capacity,
/// the caller processes a prefix of whole records and `consume(_:)`s it, and `grow()` doubles the
/// capacity when one record is longer than a block. Memory stays one buffer whatever the file
/// size.
struct FileBlocks: ~Copyable {
    private let fd: Int32
    private let name: String
    private let path: String
    private var buffer: UnsafeMutableRawPointer
    private var capacity: Int
    /// Bytes in the buffer.
    private(set) var filled = 0
    /// Whether the file's end has been read.
    private(set) var eof = false

    /// - Throws: `OptmlError.platform` naming the file when it cannot be opened.
    init(_ url: URL, name: String, capacity: Int) throws {
        fd = open(url.path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw OptmlError.platform("Cannot open \(name) (\(url.path)): \(String(cString: strerror(errno)))") }
        self.name = name
        path = url.path
        self.capacity = capacity
        buffer = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 64)
    }

    deinit {
        close(fd)
        buffer.deallocate()
    }

    /// Every byte read and consumed.
    var finished: Bool { eof && filled == 0 }

    /// The buffered bytes.
    var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: buffer.assumingMemoryBound(to: UInt8.self), count: filled) }

    /// Reads until the buffer is full or the file ends.
    ///
    /// - Throws: `OptmlError.platform` naming the file on a read error.
    mutating func fill() throws {
        while !eof && filled < capacity {
            let n = read(fd, buffer + filled, capacity - filled)
            if n < 0 {
                if errno == EINTR { continue }
                throw OptmlError.platform("Cannot read \(name) (\(path)): \(String(cString: strerror(errno)))")
            }
            if n == 0 { eof = true } else { filled += n }
        }
    }

    /// Drops the first `count` bytes (processed), keeping the rest at the start.
    mutating func consume(_ count: Int) {
        let rest = filled - count
        if rest > 0 { buffer.copyMemory(from: buffer + count, byteCount: rest) }
        filled = rest
    }

    /// Doubles the capacity, keeping the buffered bytes.
    mutating func grow() {
        capacity *= 2
        let grown = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 64)
        grown.copyMemory(from: buffer, byteCount: filled)
        buffer.deallocate()
        buffer = grown
    }
}
