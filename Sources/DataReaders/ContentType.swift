import MLCore

/// A parsed MIME content type such as `text/csv;label_size=1` (contract §1.2: compared
/// case-insensitively, parameters may follow).
///
/// `mediaType` is trimmed and lowercased; parameter keys are trimmed and lowercased, values are
/// trimmed and unquoted but keep their case. Besides MIME types, the short names SageMaker users
/// write (`csv`, `libsvm`, `recordio-protobuf`) are accepted as media types.
public struct ContentType: Sendable, Equatable, CustomStringConvertible {
    /// `text/csv`, `application/x-recordio-protobuf`, … (lowercased).
    public let mediaType: String
    /// Parameters by lowercased key, e.g. `["label_size": "1", "charset": "utf-8"]`.
    public let parameters: [String: String]

    /// Parses a content type string.
    ///
    /// Throws `OptmlError.user` for an empty string, a media type that is not a single token, a
    /// parameter without `=` or without a key, a parameter given twice, and a `label_size` that is
    /// not a non-negative integer. Empty parameter segments (`text/csv;`) are allowed.
    public init(parsing text: String) throws {
        let parts = text.split(separator: ";", omittingEmptySubsequences: false)
        let media = parts[0].trimmingSpaces.lowercased()
        guard !media.isEmpty else {
            throw OptmlError.user("Malformed content type '\(text)': the media type is empty "
                + "(expected a type such as 'text/csv').")
        }
        let halves = media.split(separator: "/", omittingEmptySubsequences: false)
        guard media.unicodeScalars.allSatisfy(Self.isTokenCharacter),
              halves.count <= 2, halves.allSatisfy({ !$0.isEmpty })
        else {
            throw OptmlError.user("Malformed content type '\(text)': '\(media)' is not a media type "
                + "(expected a type such as 'text/csv').")
        }
        var parameters: [String: String] = [:]
        for part in parts.dropFirst() {
            let segment = part.trimmingSpaces
            if segment.isEmpty { continue }
            guard let equals = segment.firstIndex(of: "=") else {
                throw OptmlError.user("Malformed content type '\(text)': parameter '\(segment)' has no value "
                    + "(expected key=value).")
            }
            let key = segment[..<equals].trimmingSpaces.lowercased()
            var value = segment[segment.index(after: equals)...].trimmingSpaces
            if value.count >= 2 && value.hasPrefix("\"") && value.hasSuffix("\"") {
                value = String(value.dropFirst().dropLast())
            }
            guard !key.isEmpty, key.unicodeScalars.allSatisfy(Self.isTokenCharacter) else {
                throw OptmlError.user("Malformed content type '\(text)': '\(segment)' is not a key=value parameter.")
            }
            guard parameters[key] == nil else {
                throw OptmlError.user("Malformed content type '\(text)': parameter '\(key)' appears twice.")
            }
            parameters[key] = value
        }
        if let labelSize = parameters["label_size"], Int(labelSize).map({ $0 < 0 }) ?? true {
            throw OptmlError.user("Malformed content type '\(text)': label_size must be a non-negative integer, "
                + "got '\(labelSize)'.")
        }
        self.mediaType = media
        self.parameters = parameters
    }

    /// The data format the media type names, or `nil` for one optml does not know.
    ///
    /// `text/csv` and `csv`; `text/libsvm`, `text/x-libsvm` and `libsvm`;
    /// `application/x-recordio-protobuf` and `recordio-protobuf`; `application/json`;
    /// `application/jsonlines`; `application/x-parquet`.
    public var format: DataFormat? {
        switch mediaType {
        case "text/csv", "csv": .csv
        case "text/libsvm", "text/x-libsvm", "libsvm": .libsvm
        case "application/x-recordio-protobuf", "recordio-protobuf": .recordioProtobuf
        case "application/json": .json
        case "application/jsonlines": .jsonlines
        case "application/x-parquet": .parquet
        default: nil
        }
    }

    /// The `label_size` parameter (`text/csv;label_size=0` declares CSV without labels), or `nil`
    /// when absent. Validated by the initialiser.
    public var labelSize: Int? { parameters["label_size"].flatMap { Int($0) } }

    /// `text/csv; charset=utf-8; label_size=1`: the media type, then parameters sorted by key.
    public var description: String {
        ([mediaType] + parameters.keys.sorted().map { "\($0)=\(parameters[$0]!)" }).joined(separator: "; ")
    }

    /// RFC 7230 token characters (letters, digits, ``!#$%&'*+-.^_`|~``), plus `/` for the media type.
    private static func isTokenCharacter(_ c: Unicode.Scalar) -> Bool {
        switch c {
        case "a"..."z", "A"..."Z", "0"..."9": true
        case "!", "#", "$", "%", "&", "'", "*", "+", "-", ".", "^", "_", "`", "|", "~", "/": true
        default: false
        }
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces and tabs.
    fileprivate var trimmingSpaces: String {
        var scalars = Substring(self).unicodeScalars
        while let first = scalars.first, first == " " || first == "\t" { scalars.removeFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars.removeLast() }
        return String(scalars)
    }
}
