import Foundation
import MLCore

/// An output written to a hidden temporary file next to its destination and renamed into place
/// after an fsync, so readers see nothing or the whole file.
final class OutputFile {
    let destination: URL
    let temporary: URL
    private var fd: Int32

    init(destination: URL) throws {
        let directory = destination.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw OptmlError.platform("Cannot create the folder \(directory.path): \(error.localizedDescription)")
        }
        self.destination = destination
        temporary = directory.appendingPathComponent(".\(destination.lastPathComponent).tmp-\(getpid())")
        fd = open(temporary.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw OptmlError.platform("Cannot write \(temporary.path): \(String(cString: strerror(errno)))")
        }
    }

    deinit { if fd >= 0 { close(fd); unlink(temporary.path) } }

    func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Foundation.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw OptmlError.platform("Cannot write \(destination.path): \(String(cString: strerror(errno)))")
                }
                offset += n
            }
        }
    }

    /// fsync, close and rename over the destination.
    func commit() throws {
        guard fsync(fd) == 0 else {
            throw OptmlError.platform("Cannot write \(destination.path): \(String(cString: strerror(errno)))")
        }
        close(fd)
        fd = -1
        guard rename(temporary.path, destination.path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary.path)
            throw OptmlError.platform("Cannot move the finished file into place at \(destination.path): \(reason)")
        }
    }

    /// Removes the temporary file.
    func discard() {
        if fd >= 0 { close(fd); fd = -1 }
        unlink(temporary.path)
    }
}
