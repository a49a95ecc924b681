/// Guesses the format of a channel's bytes from their start, to turn "not a number" into "this is
/// CSV, not libsvm" when a channel's content type does not match its data.
enum FormatSniffer {
    /// What the bytes at the start of a file look like.
    enum Guess: Equatable {
        case recordIO
        case gzip
        case parquet
        case csv
        case libsvm
        case json
        case binary
        case unknown

        /// `CSV (text/csv)`: the name used in messages, with the content type to declare.
        var phrase: String? {
            switch self {
            case .recordIO: "RecordIO-protobuf (application/x-recordio-protobuf)"
            case .gzip: "gzip-compressed data"
            case .parquet: "Parquet (application/x-parquet)"
            case .csv: "CSV (text/csv)"
            case .libsvm: "libsvm (text/libsvm)"
            case .json: "JSON"
            case .binary: "binary data, not text"
            case .unknown: nil
            }
        }
    }

    /// Looks at the first bytes and the first non-blank, non-comment line of `[start, end)`.
    static func guess(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> Guess {
        let count = end - start
        if count >= 4 && start[0] == 0x0A && start[1] == 0x23 && start[2] == 0xD7 && start[3] == 0xCE { return .recordIO }
        if count >= 2 && start[0] == 0x1F && start[1] == 0x8B { return .gzip }
        if count >= 4 && start[0] == 0x50 && start[1] == 0x41 && start[2] == 0x52 && start[3] == 0x31 { return .parquet }
        var p = start
        // Skip blank and comment lines.
        while p < end {
            while p < end && (p.pointee == UInt8(ascii: " ") || p.pointee == UInt8(ascii: "\t")
                || p.pointee == UInt8(ascii: "\r")) { p += 1 }
            if p < end && (p.pointee == UInt8(ascii: "\n") || p.pointee == UInt8(ascii: "#")) {
                p = lineEnd(p, end)
                if p < end { p += 1 }
                continue
            }
            break
        }
        if p == end { return .unknown }
        if p.pointee == UInt8(ascii: "{") || p.pointee == UInt8(ascii: "[") { return .json }
        let stop = min(lineEnd(p, end), p + 4096)
        var commas = 0, colons = 0, spaces = 0, controls = 0
        var q = p
        while q < stop {
            switch q.pointee {
            case UInt8(ascii: ","): commas += 1
            case UInt8(ascii: ":"): colons += 1
            case UInt8(ascii: " "), UInt8(ascii: "\t"): spaces += 1
            case UInt8(ascii: "\r"): break
            case 0..<0x20, 0x7F: controls += 1
            default: break
            }
            q += 1
        }
        if controls > 0 { return .binary }
        if colons > 0 && spaces > 0 && commas == 0 { return .libsvm }
        if commas > 0 && colons == 0 { return .csv }
        return .unknown
    }
}
