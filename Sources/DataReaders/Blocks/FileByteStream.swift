import CZlib
import MLCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file's bytes read front to back in pieces the caller asks for: the file itself, or its
/// inflated text when it starts with the gzip magic bytes (whatever its name says).
///
/// Unlike `TextBuffer.load`, nothing larger than the caller's buffer and zlib's 256 KiB input
/// window is held, so a gzip file of any size streams in bounded memory. Concatenated gzip
/// members are inflated one after another and trailing zero padding is ignored, as
/// `GzipInflater` does; corrupt or truncated data throws `OptmlError.user` naming the file and
/// the compressed byte offset.
final class FileByteStream {
    private let fd: Int32
    private let name: String
    private let path: String
    /// zlib state when the file is gzip; nil for plain files.
    private var stream: UnsafeMutablePointer<z_stream>?
    private let input: UnsafeMutablePointer<UInt8>
    private let inputCapacity = 256 << 10
    /// Compressed bytes handed to zlib so far (for messages).
    private var consumed = 0
    private var inputEnded = false
    private var memberEnded = false
    /// Bytes read by the gzip sniff that a plain file must still return.
    private var pending: [UInt8] = []
    private(set) var finished = false

    /// Opens the file at `path`; `name` names it in messages.
    ///
    /// - Throws: `OptmlError.platform` when the file cannot be opened or read.
    init(path: String, name: String) throws {
        fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ioError("Cannot open \(name) (\(path))") }
        self.name = name
        self.path = path
        input = .allocate(capacity: inputCapacity)
        var head = [UInt8](repeating: 0, count: 2)
        var got = 0
        while got < 2 {
            let n = head.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + got, 2 - got) }
            if n < 0 { if errno == EINTR { continue }; close(fd); input.deallocate(); throw ioError("Cannot read \(name) (\(path))") }
            if n == 0 { break }
            got += n
        }
        if got == 2 && head[0] == 0x1F && head[1] == 0x8B {
            let z = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
            z.initialize(to: z_stream())
            guard inflateInit2_(z, 16 + MAX_WBITS, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
                z.deallocate(); close(fd); input.deallocate()
                throw OptmlError.platform("zlib could not start inflating \(name)")
            }
            stream = z
            input[0] = 0x1F
            input[1] = 0x8B
            z.pointee.next_in = input
            z.pointee.avail_in = 2
        } else {
            pending = Array(head[0 ..< got])
        }
    }

    deinit {
        if let stream {
            inflateEnd(stream)
            stream.deallocate()
        }
        input.deallocate()
        close(fd)
    }

    /// Whether the file is gzip data.
    var isGzip: Bool { stream != nil }

    /// Reads up to `count` bytes into `buffer`; returns 0 only at the end of the (inflated) file.
    func read(into buffer: UnsafeMutablePointer<UInt8>, count: Int) throws -> Int {
        guard count > 0, !finished else { return 0 }
        if let stream { return try inflateSome(stream, buffer, count) }
        var filled = 0
        if !pending.isEmpty {
            let n = min(count, pending.count)
            for i in 0 ..< n { buffer[i] = pending[i] }
            pending.removeFirst(n)
            filled = n
        }
        while filled < count {
            let n = Glibc.read(fd, buffer + filled, count - filled)
            if n < 0 {
                if errno == EINTR { continue }
                throw ioError("Cannot read \(name) (\(path))")
            }
            if n == 0 { finished = true; break }
            filled += n
        }
        return filled
    }

    /// Refills zlib's input window; false at the end of the compressed file.
    private func refill(_ z: UnsafeMutablePointer<z_stream>) throws -> Bool {
        guard !inputEnded else { return false }
        // Keep what zlib has not consumed yet at the start of the window.
        let left = Int(z.pointee.avail_in)
        if left > 0, let next = z.pointee.next_in, next != input { memmove(input, next, left) }
        var filled = left
        while filled < inputCapacity {
            let n = Glibc.read(fd, input + filled, inputCapacity - filled)
            if n < 0 {
                if errno == EINTR { continue }
                throw ioError("Cannot read \(name) (\(path))")
            }
            if n == 0 { inputEnded = true; break }
            filled += n
        }
        z.pointee.next_in = input
        z.pointee.avail_in = UInt32(filled)
        return filled > left
    }

    private func inflateSome(_ z: UnsafeMutablePointer<z_stream>, _ buffer: UnsafeMutablePointer<UInt8>, _ count: Int) throws -> Int {
        var produced = 0
        while produced < count {
            if memberEnded {
                // After a member: another member, zero padding, or junk.
                if z.pointee.avail_in < 2 && !inputEnded { _ = try refill(z) }
                let available = Int(z.pointee.avail_in)
                if available == 0 { finished = true; return produced }
                let next = z.pointee.next_in!
                if available >= 2 && next[0] == 0x1F && next[1] == 0x8B {
                    inflateReset(z)
                    memberEnded = false
                    continue
                }
                if (0 ..< available).allSatisfy({ next[$0] == 0 }) {
                    consumed += available
                    z.pointee.avail_in = 0
                    if inputEnded { finished = true; return produced }
                    _ = try refill(z)
                    continue
                }
                throw OptmlError.user("\(name): unexpected bytes after the gzip data at compressed byte offset \(consumed).")
            }
            if z.pointee.avail_in == 0 { _ = try refill(z) }
            let room = min(count - produced, Int(UInt32.max))
            z.pointee.next_out = buffer + produced
            z.pointee.avail_out = UInt32(room)
            let before = Int(z.pointee.avail_in)
            let status = CZlib.inflate(z, Z_NO_FLUSH)
            produced += room - Int(z.pointee.avail_out)
            consumed += before - Int(z.pointee.avail_in)
            switch status {
            case Z_STREAM_END:
                memberEnded = true
            case Z_OK, Z_BUF_ERROR:
                // No progress happens only when zlib wants input and the file has none left.
                if room == Int(z.pointee.avail_out) && before == Int(z.pointee.avail_in) && inputEnded {
                    throw OptmlError.user("\(name): the gzip data ends early at compressed byte offset \(consumed) (truncated file).")
                }
            case Z_MEM_ERROR:
                throw OptmlError.platform("Out of memory inflating \(name)")
            default:
                let reason = z.pointee.msg.map { String(cString: $0) } ?? "zlib status \(status)"
                throw OptmlError.user("\(name): the gzip data is corrupt at compressed byte offset \(consumed) (\(reason)).")
            }
        }
        return produced
    }
}
