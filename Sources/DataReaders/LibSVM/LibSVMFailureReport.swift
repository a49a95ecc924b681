import MLCore

/// Turns a located libsvm failure into the message a person reads: file, line, token, what is
/// wrong, what would be right, the start of the line, and a hint when the file looks like
/// another format.
struct LibSVMFailureReport {
    let inputs: [CSVInput]
    let expectedFeatureCount: Int?

    static let shape = "A libsvm line reads 'label[:weight] [qid:id] index:value ...' with zero-based indices."
    static let snippetLength = 60

    func message(for failure: LibSVMFailure, input index: Int, featureFormat: any DecimalConvertible.Type) -> String {
        let input = inputs[index]
        let base = input.text.base!
        let end = base + input.text.count
        let lineStart = base + failure.lineOffset
        let token = base + failure.tokenOffset
        let tokenText = shortened(asciiText(token, libsvmTokenEnd(token, end)))
        let at = "\(input.name) line \(failure.line)"
        let reads = " " + lineQuote(lineStart, end, line: failure.line)
        let body: String
        switch failure.kind {
        case .badLabel:
            let guess = FormatSniffer.guess(base + input.dataStart, end)
            if guess != .libsvm, guess != .unknown, let phrase = guess.phrase {
                return "\(at): the data is not libsvm: the file looks like \(phrase). "
                    + "Set the channel's ContentType to match the data (libsvm is the default when none is given). "
                    + Self.shape + reads
            }
            var labelText = tokenText
            if let colon = labelText.firstIndex(of: ":") { labelText = String(labelText[..<colon]) }
            body = "the label '\(labelText)' is not a finite number. " + Self.shape
        case .badWeight:
            body = "the weight in '\(tokenText)' is not a finite number. Write 'label:weight' with a finite, "
                + "non-negative weight."
        case .negativeWeight:
            body = "the weight in '\(tokenText)' is negative. Instance weights must be finite and non-negative."
        case .badQueryID:
            body = "'\(tokenText)' is not a query id. Write 'qid:' and a non-negative integer right after the label."
        case .notAPair:
            body = "'\(tokenText)' is not an index:value pair. " + Self.shape
        case .badIndex:
            let indexText = tokenText.prefix { $0 != ":" }
            body = "the feature index '\(indexText)' in '\(tokenText)' is not a non-negative integer. " + Self.shape
        case .indexTooLarge:
            if let expected = expectedFeatureCount {
                body = "feature index \(failure.index) in '\(tokenText)' is beyond the \(expected) features expected "
                    + "(zero-based indices 0...\(expected - 1))."
            } else {
                body = "feature index '\(tokenText.prefix { $0 != ":" })' in '\(tokenText)' is too large "
                    + "(at most \(UInt32.max - 1))."
            }
        case .badValue:
            let valueText = tokenText.drop { $0 != ":" }.dropFirst()
            body = "the value '\(valueText)' of '\(tokenText)' is not a finite \(featureFormat.formatName) number "
                + "(leave an entry out for a missing value)."
        case .duplicateIndex:
            body = "feature index \(failure.index) appears twice on the line. Each index may appear once."
        case .inconsistentWeight:
            body = failure.index == 1
                ? "the line has no weight, but the channel's first row has one ('label:weight'). Give every row a weight or none."
                : "the line has a weight, but the channel's first row has none. Give every row a weight or none."
        case .inconsistentQueryID:
            body = failure.index == 1
                ? "the line has no qid, but the channel's first row has one. Give every row a qid or none."
                : "the line has a qid, but the channel's first row has none. Give every row a qid or none."
        }
        return "\(at): " + body + reads
    }

    /// The message for an input whose first bytes are binary data of another format, if they are.
    func binaryMismatch(input index: Int) -> String? {
        let input = inputs[index]
        guard let base = input.text.base else { return nil }
        let guess = FormatSniffer.guess(base + input.dataStart, base + input.text.count)
        guard guess == .recordIO || guess == .parquet || guess == .binary, let phrase = guess.phrase else { return nil }
        return "\(input.name): the data is not libsvm: the file looks like \(phrase). Set the channel's ContentType "
            + "to match the data (libsvm is the default when none is given)."
    }

    /// `Line 9 reads '1 0:2.5'.`, cut to 60 characters (then `...`), tabs shown as `\t`.
    private func lineQuote(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>, line: Int) -> String {
        var stop = lineEnd(start, end)
        if stop > start && stop[-1] == UInt8(ascii: "\r") { stop -= 1 }
        return "Line \(line) reads '\(shortened(asciiText(start, stop)))'."
    }

    private func shortened(_ text: String) -> String {
        var out = text.count > Self.snippetLength ? String(text.prefix(Self.snippetLength)) + "..." : text
        out = out.replacingOccurrences(of: "\t", with: "\\t").replacingOccurrences(of: "\r", with: "\\r")
        return out
    }
}
