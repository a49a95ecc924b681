import CZlib
import MLCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whole-buffer gzip decompression through zlib.
enum GzipInflater {
    /// Inflates every gzip member of `input` (RFC 1952; concatenated members, as `cat a.gz b.gz`
    /// makes, are decompressed one after another) into one `malloc`ed buffer the caller frees.
    ///
    /// Trailing zero bytes after the last member (tape-style padding) are ignored, as `gzip -d`
    /// does. Corrupt, truncated or trailing non-gzip data throws `OptmlError.user` naming the file
    /// and the compressed byte offset where zlib stopped.
    static func inflate(_ input: UnsafeRawBufferPointer, displayName: String) throws -> (base: UnsafePointer<UInt8>?, count: Int) {
        guard let inputBase = input.baseAddress?.assumingMemoryBound(to: UInt8.self), input.count > 0 else {
            return (nil, 0)
        }
        var stream = z_stream()
        guard inflateInit2_(&stream, 16 + MAX_WBITS, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw OptmlError.platform("zlib could not start inflating \(displayName)")
        }
        defer { inflateEnd(&stream) }

        // The last member's trailer holds its size modulo 2^32: a good first guess for one member.
        let sizeHint = input.count >= 18
            ? Int(UInt32(input[input.count - 4]) | UInt32(input[input.count - 3]) << 8
                | UInt32(input[input.count - 2]) << 16 | UInt32(input[input.count - 1]) << 24)
            : 0
        var capacity = max(sizeHint + 4096, input.count * 3, 1 << 16)
        guard var output = malloc(capacity)?.assumingMemoryBound(to: UInt8.self) else {
            throw OptmlError.platform("Out of memory inflating \(displayName)")
        }
        var produced = 0
        var consumed = 0
        var succeeded = false
        defer { if !succeeded { free(output) } }

        func feed() {
            let chunk = min(input.count - consumed, Int(UInt32.max))
            stream.next_in = UnsafeMutablePointer(mutating: inputBase + consumed)
            stream.avail_in = UInt32(chunk)
        }
        feed()
        while true {
            if produced == capacity {
                capacity *= 2
                guard let grown = realloc(output, capacity) else {
                    throw OptmlError.platform("Out of memory inflating \(displayName)")
                }
                output = grown.assumingMemoryBound(to: UInt8.self)
            }
            let room = min(capacity - produced, Int(UInt32.max))
            stream.next_out = output + produced
            stream.avail_out = UInt32(room)
            let availableBefore = Int(stream.avail_in)
            let status = CZlib.inflate(&stream, Z_NO_FLUSH)
            produced += room - Int(stream.avail_out)
            consumed += availableBefore - Int(stream.avail_in)

            switch status {
            case Z_STREAM_END:
                if consumed == input.count || allZero(inputBase + consumed, input.count - consumed) {
                    succeeded = true
                    return (UnsafePointer(output), produced)
                }
                guard input.count - consumed >= 2, inputBase[consumed] == 0x1F, inputBase[consumed + 1] == 0x8B else {
                    throw OptmlError.user(
                        "\(displayName): unexpected bytes after the gzip data at compressed byte offset \(consumed).")
                }
                inflateReset(&stream)
                feed()
            case Z_OK, Z_BUF_ERROR:
                if stream.avail_in == 0 {
                    if consumed == input.count {
                        if stream.avail_out == 0 { continue }
                        throw OptmlError.user(
                            "\(displayName): the gzip data ends early at compressed byte offset \(consumed) (truncated file).")
                    }
                    feed()
                }
            case Z_MEM_ERROR:
                throw OptmlError.platform("Out of memory inflating \(displayName)")
            default:
                let reason = stream.msg.map { String(cString: $0) } ?? "zlib status \(status)"
                throw OptmlError.user(
                    "\(displayName): the gzip data is corrupt at compressed byte offset \(consumed) (\(reason)).")
            }
        }
    }

    private static func allZero(_ p: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        for i in 0..<count where p[i] != 0 { return false }
        return true
    }
}
