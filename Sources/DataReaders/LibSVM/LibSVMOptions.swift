import Foundation

/// How to read a `text/libsvm` channel.
public struct LibSVMOptions: Sendable {
    /// When set, every feature index must be below it and the matrix has exactly this many
    /// columns; otherwise the column count is the largest index seen plus one (as XGBoost and
    /// scikit-learn infer it).
    public var expectedFeatureCount: Int?
    /// Worker threads for parsing; values below 1 count as 1.
    public var threads: Int

    public init(expectedFeatureCount: Int? = nil, threads: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.expectedFeatureCount = expectedFeatureCount
        self.threads = threads
    }
}
