import Foundation
import Synchronization

/// Writes log and metric lines to standard output, one whole line per write, so that lines from
/// several threads never interleave and CloudWatch sees each as it happens.
public final class TrainingLog: Sendable {
    private let lock = Mutex<Void>(())
    private let sink: @Sendable (String) -> Void

    public init(sink: @escaping @Sendable (String) -> Void = { line in
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }) {
        self.sink = sink
    }

    public func line(_ text: String) {
        lock.withLock { _ in sink(text) }
    }
}
