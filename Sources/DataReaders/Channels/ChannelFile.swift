import Foundation

/// One data file of a channel.
public struct ChannelFile: Sendable, Equatable {
    /// Where the file is.
    public let url: URL
    /// The path below the channel folder (`part-0001.csv`, `day=1/part-0001.csv.gz`), used in
    /// messages as `<channel>/<relativePath>`.
    public let relativePath: String

    public init(url: URL, relativePath: String) {
        self.url = url
        self.relativePath = relativePath
    }
}
