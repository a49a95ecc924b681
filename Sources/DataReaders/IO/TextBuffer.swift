import MLCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The bytes of one input: a read-only memory map of a plain file, a heap buffer (gzip output, or
/// a file that cannot be mapped), or memory the caller lends.
///
/// Pages already parsed can be handed back with `releasePages(from:to:)`, so that reading a large
/// file keeps only a few chunks of it resident: a mapped page is dropped from the process (the
/// page cache keeps it) and a heap page is freed. Released bytes must not be read again.
final class TextBuffer: @unchecked Sendable {
    private enum Ownership {
        case mapped
        case malloced
        case borrowed
    }

    let base: UnsafePointer<UInt8>?
    let count: Int
    private let ownership: Ownership

    private init(base: UnsafePointer<UInt8>?, count: Int, ownership: Ownership) {
        self.base = base
        self.count = count
        self.ownership = ownership
    }

    /// Wraps memory the caller keeps alive for the lifetime of the buffer.
    convenience init(borrowing bytes: UnsafeRawBufferPointer) {
        self.init(base: bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), count: bytes.count, ownership: .borrowed)
    }

    deinit {
        guard let base else { return }
        switch ownership {
        case .mapped: munmap(UnsafeMutableRawPointer(mutating: base), count)
        case .malloced: free(UnsafeMutableRawPointer(mutating: base))
        case .borrowed: break
        }
    }

    /// The byte range `[start, end)` is parsed and will not be read again: return its whole pages.
    func releasePages(from start: Int, to end: Int) {
        guard let base, ownership != .borrowed else { return }
        let page = pageSize
        let address = Int(bitPattern: base)
        let first = (address + start + page - 1) / page * page
        let last = (address + end) / page * page
        guard last > first, let pointer = UnsafeMutableRawPointer(bitPattern: first) else { return }
        _ = madvise(pointer, last - first, Int32(MADV_DONTNEED))
    }

    /// The bytes are a file mapping: released pages can be read again (from the page cache).
    var isMapped: Bool { ownership == .mapped }

    /// The bytes are gzip data (RFC 1952 magic 1f 8b).
    var isGzip: Bool {
        guard let base, count >= 2 else { return false }
        return base[0] == 0x1F && base[1] == 0x8B
    }

    /// The text of the file at `path`: memory-mapped when it is a plain regular file, inflated
    /// into the heap when it starts with the gzip magic bytes (whatever its name says).
    /// `displayName` names the file in error messages.
    static func load(path: String, displayName: String) throws -> TextBuffer {
        let raw = try loadRaw(path: path, displayName: displayName)
        guard raw.isGzip, let base = raw.base else { return raw }
        let inflated = try GzipInflater.inflate(
            UnsafeRawBufferPointer(start: base, count: raw.count), displayName: displayName)
        return TextBuffer(base: inflated.base, count: inflated.count, ownership: .malloced)
    }

    private static func loadRaw(path: String, displayName: String) throws -> TextBuffer {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ioError("Cannot open \(displayName) (\(path))") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw ioError("Cannot inspect \(displayName) (\(path))") }
        if info.st_mode & S_IFMT == S_IFREG {
            let size = Int(info.st_size)
            if size == 0 { return TextBuffer(base: nil, count: 0, ownership: .borrowed) }
            if let map = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), map != MAP_FAILED {
                return TextBuffer(base: UnsafePointer(map.assumingMemoryBound(to: UInt8.self)), count: size, ownership: .mapped)
            }
        }
        return try readAll(fd: fd, path: path, displayName: displayName)
    }

    /// Reads to end of file (pipes, files that cannot be mapped).
    private static func readAll(fd: Int32, path: String, displayName: String) throws -> TextBuffer {
        var capacity = 1 << 20
        var count = 0
        guard var buffer = malloc(capacity) else { throw OptmlError.platform("Out of memory reading \(displayName)") }
        while true {
            if count == capacity {
                capacity *= 2
                guard let grown = realloc(buffer, capacity) else {
                    free(buffer)
                    throw OptmlError.platform("Out of memory reading \(displayName)")
                }
                buffer = grown
            }
            let n = read(fd, buffer + count, capacity - count)
            if n < 0 {
                if errno == EINTR { continue }
                let error = ioError("Cannot read \(displayName) (\(path))")
                free(buffer)
                throw error
            }
            if n == 0 { break }
            count += n
        }
        if count == 0 {
            free(buffer)
            return TextBuffer(base: nil, count: 0, ownership: .borrowed)
        }
        return TextBuffer(base: UnsafePointer(buffer.assumingMemoryBound(to: UInt8.self)), count: count, ownership: .malloced)
    }
}

private let pageSize: Int = Int(sysconf(Int32(_SC_PAGESIZE)))

/// A platform error carrying the current `errno` text.
func ioError(_ what: String) -> OptmlError {
    OptmlError.platform("\(what): \(String(cString: strerror(errno)))")
}
