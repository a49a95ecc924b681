import Foundation
import MLCore

/// A Pipe-mode channel (contract §1.5): SageMaker streams the channel's S3 objects, concatenated,
/// through the FIFO `/opt/ml/input/data/<channel>_<epoch>`, one FIFO per pass.
///
/// The learners read a channel once, so only epoch 0 is opened. A FIFO is read to its end like a
/// file (`TextBuffer` reads non-regular files with `read(2)`), gzip streams are inflated, and with
/// `RecordWrapperType=RecordIO` each wrapped object is taken out of its RecordIO record first.
public enum PipeChannel {
    /// The FIFO of `channel`'s pass `epoch` under the data folder.
    public static func fifo(dataFolder: URL, channel: String, epoch: Int = 0) -> URL {
        dataFolder.appendingPathComponent("\(channel)_\(epoch)")
    }

    /// Waits until `fifo` exists (SageMaker may create it after the container starts), polling
    /// every 50 ms for at most `timeout` seconds.
    ///
    /// - Throws: `OptmlError.user` naming the path when it never appears.
    public static func waitForFIFO(_ fifo: URL, channel: String, timeout: Double) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while !FileManager.default.fileExists(atPath: fifo.path) {
            guard Date() < deadline else {
                throw OptmlError.user("Channel '\(channel)' is in Pipe mode but \(fifo.path) did not appear within \(timeout.formatted()) s. "
                    + "In Pipe mode SageMaker streams the data through that FIFO; check the channel's TrainingInputMode.")
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
    }

    /// The concatenated payloads of a RecordIO-wrapped stream (`RecordWrapperType=RecordIO`
    /// with a text content type: each S3 object arrives as one record). Gzip payloads are
    /// inflated; a newline is put between text objects that do not end in one.
    ///
    /// - Throws: `OptmlError.user` naming the stream and byte offset for broken framing.
    public static func unwrapRecordIO(_ file: ChannelFile, displayName: String) throws -> [UInt8] {
        let buffer = try TextBuffer.load(path: file.url.path, displayName: displayName)
        var scanner = RecordIOScanner(base: buffer.base, count: buffer.count, name: displayName)
        defer { scanner.deallocate() }
        var out: [UInt8] = []
        out.reserveCapacity(buffer.count)
        while let record = try scanner.next() {
            let payload = record.payload
            if payload.count >= 2 && payload[0] == 0x1F && payload[1] == 0x8B {
                let inflated = try GzipInflater.inflate(payload, displayName: "\(displayName), record at byte \(record.offset)")
                if let base = inflated.base {
                    out.append(contentsOf: UnsafeBufferPointer(start: base, count: inflated.count))
                    free(UnsafeMutableRawPointer(mutating: base))
                }
            } else {
                out.append(contentsOf: payload)
            }
            if let last = out.last, last != 0x0A { out.append(0x0A) }
        }
        return out
    }
}
