import Foundation

/// How to read an `application/x-recordio-protobuf` channel.
public struct RecordIOProtobufOptions: Sendable {
    /// When set, every row has exactly this many columns: dense rows must hold this many values
    /// and sparse keys must be below it. Otherwise the first dense row decides (dense data) or
    /// the widest sparse shape does (sparse data).
    public var expectedFeatureCount: Int?
    /// Worker threads for decoding; values below 1 count as 1.
    public var threads: Int

    public init(expectedFeatureCount: Int? = nil, threads: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.expectedFeatureCount = expectedFeatureCount
        self.threads = threads
    }
}
