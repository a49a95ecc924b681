import Foundation
import Synchronization

/// Turns SIGTERM (SageMaker's StopTrainingJob and MaxRuntimeInSeconds) into a flag the trainer
/// polls, so training stops at the next iteration and says so, instead of dying mid-write.
public final class StopSignal: Sendable {
    public static let shared = StopSignal()

    private let stopped = Atomic<Bool>(false)
    private let signalName = Mutex<String?>(nil)
    /// The dispatch sources must stay alive; `install` runs once, from the main thread.
    nonisolated(unsafe) private static var retainedSources: [DispatchSourceSignal] = []

    public var isStopRequested: Bool { stopped.load(ordering: .acquiring) }
    public var receivedSignal: String? { signalName.withLock { $0 } }

    /// Starts watching SIGTERM and SIGINT. A second signal while stopping exits at once.
    public func install() {
        for (number, name) in [(SIGTERM, "SIGTERM"), (SIGINT, "SIGINT")] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [self] in
                if stopped.exchange(true, ordering: .acquiringAndReleasing) {
                    FileHandle.standardError.write(Data("\(name) received again; exiting now.\n".utf8))
                    exit(128 + number)
                }
                signalName.withLock { $0 = name }
                FileHandle.standardError.write(Data("\(name) received; stopping at the next iteration.\n".utf8))
            }
            source.resume()
            Self.retainedSources.append(source)
        }
    }

    /// For tests: request a stop as if a signal had arrived.
    public func requestStop(reason: String) {
        signalName.withLock { $0 = reason }
        stopped.store(true, ordering: .releasing)
    }
}
