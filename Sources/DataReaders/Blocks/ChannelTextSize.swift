import MLCore
#if canImport(Glibc)
import Glibc
#endif

/// How large a channel's data is once read: the bytes of its files, gzip files counted inflated.
public enum ChannelTextSize {
    /// The bytes `file` holds; for a gzip file, the inflated size its trailer records (ISIZE, the
    /// size modulo 2³²), or four times the compressed size when the trailer cannot be the size
    /// (a member of 4 GiB or more). An estimate: concatenated members count only the last one.
    ///
    /// - Throws: `OptmlError.platform` when the file cannot be opened or inspected.
    public static func bytes(of file: ChannelFile) throws -> Int {
        let fd = open(file.url.path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ioError("Cannot open \(file.relativePath) (\(file.url.path))") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw ioError("Cannot inspect \(file.relativePath) (\(file.url.path))") }
        let size = Int(info.st_size)
        guard size >= 18 else { return size }
        var head = [UInt8](repeating: 0, count: 2)
        guard pread(fd, &head, 2, 0) == 2, head == [0x1F, 0x8B] else { return size }
        var tail = [UInt8](repeating: 0, count: 4)
        guard pread(fd, &tail, 4, off_t(size - 4)) == 4 else { return size * 4 }
        let recorded = Int(UInt32(tail[0]) | UInt32(tail[1]) << 8 | UInt32(tail[2]) << 16 | UInt32(tail[3]) << 24)
        return recorded >= size ? recorded : size * 4
    }
}

extension CSVBlockReader {
    /// An estimate of the channel's size read in memory, from its first block of at most
    /// `sampleBytes`: the feature count, the rows of that block, the text bytes they took, and the
    /// text bytes of all files (`ChannelTextSize`). Rows ≈ `totalBytes · sampleRows / sampleBytes`.
    ///
    /// - Throws: what reading the first block throws (a bad first row names its file and line).
    public func estimate(sampleBytes: Int = 1 << 20) throws -> (featureCount: Int, sampleRows: Int, sampleBytes: Int, totalBytes: Int) {
        var total = 0
        var firstFileBytes = 0
        for file in files {
            let bytes = try ChannelTextSize.bytes(of: file)
            if firstFileBytes == 0 { firstFileBytes = bytes }
            total += bytes
        }
        let sampler = CSVBlockReader(files: files, source: source, options: options, blockBytes: sampleBytes)
        var featureCount = 0, rows = 0
        _ = try sampler.forEachBlock(limit: 1) { _, block in
            featureCount = block.featureCount
            rows = block.count
        }
        // The first block is the first file when that file is smaller than the sample.
        return (featureCount, rows, max(1, min(sampleBytes, firstFileBytes)), total)
    }
}
