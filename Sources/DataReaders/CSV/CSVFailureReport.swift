import Foundation

/// Turns a located failure into the message a person reads: file, line, column, what is wrong,
/// what would be right, and the start of the offending line.
struct CSVFailureReport {
    let inputs: [CSVInput]
    let layout: CSVLayout?
    let reference: CSVWidthReference?
    let firstRowOfInput: [Int]
    let expectedFeatureCount: Int?

    static let missingValueHint = "Expecting a decimal number, or an empty field or 'nan' for a missing value."
    static let snippetLength = 60

    func message(for failure: CSVRowFailure, input index: Int, featureFormat: any DecimalConvertible.Type) -> String {
        let input = inputs[index]
        let base = input.text.base!
        let end = base + input.text.count
        let lineStart = base + failure.lineOffset
        let at = "\(input.name) line \(failure.line), column \(failure.column)"
        let reads = " " + lineQuote(lineStart, end, line: failure.line)

        switch failure.kind {
        case .missingLabel:
            return "\(at): the label is missing. Every row needs a finite label in column 1 "
                + "(content type text/csv;label_size=0 declares data without labels)." + reads
        case .missingWeight:
            return "\(at): the instance weight is missing. Every row needs a finite, non-negative weight "
                + "in column \(failure.column)." + reads
        case .negativeWeight:
            let text = fieldText(base + failure.fieldOffset, end)
            return "\(at): the instance weight '\(text)' is negative. Every row needs a finite, non-negative "
                + "weight in column \(failure.column)." + reads
        case .wrongWidth:
            return widthMessage(failure, input: index, lineStart: lineStart, end: end)
        case .invalidField:
            if let layout, layout.columns > 1, countFields(lineStart, end) == 1,
               let delimiter = suspectedDelimiter(lineStart, end) {
                return delimiterMessage(input: index, line: failure.line, lineOffset: failure.lineOffset, delimiter: delimiter)
            }
            let field = base + failure.fieldOffset
            let extent = FieldExtent(at: field, end: end)
            if extent.unterminatedQuote {
                return "\(at): the quoted field has no closing quote on this line." + reads
            }
            let format: any DecimalConvertible.Type = failure.isFeature ? featureFormat : Double.self
            let text = fieldText(field, end)
            switch classify(format, extent.contentStart, extent.contentEnd) {
            case .invalidUTF8(let bad):
                let byte = "0x" + String(bad.pointee, radix: 16, uppercase: true)
                return "\(at): byte \(byte) at offset \(bad - base) is not valid UTF-8; CSV channels must be UTF-8 text."
            case .notFinite:
                return "\(at): '\(text)' is not a finite number. \(Self.missingValueHint)" + reads
            case .outOfRange:
                let largest = format.formatName == "Float32" ? "3.4028235e+38" : "1.7976931348623157e+308"
                return "\(at): '\(text)' is out of range for \(format.formatName) "
                    + "(largest finite magnitude \(largest))." + reads
            case .notANumber, .number, .missing:
                // `.number`/`.missing` cannot happen for a field the parser rejected, except for
                // junk right after it (e.g. a stray `\r`), which makes the raw field not a number.
                var message = "\(at): '\(text)' is not a number. \(Self.missingValueHint)" + reads
                // A name where the first row's label should be is almost always a header line.
                if failure.column == 1 && firstRowOfInput.indices.contains(index)
                    && failure.row == firstRowOfInput[index] {
                    message += " SageMaker CSV files have no header row; remove it."
                }
                return message
            }
        }
    }

    private enum Problem {
        case number, missing, notFinite, outOfRange, invalidUTF8(UnsafePointer<UInt8>), notANumber
    }

    private func classify(_ format: any DecimalConvertible.Type, _ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> Problem {
        func open<T: DecimalConvertible>(_ type: T.Type) -> Problem {
            switch classifyField(type, start, end, DecimalTables.shared) {
            case .number: return .number
            case .missing: return .missing
            case .notFinite: return .notFinite
            case .outOfRange: return .outOfRange
            case .invalidUTF8(let bad): return .invalidUTF8(bad)
            case .notANumber: return .notANumber
            }
        }
        return open(format)
    }

    private func widthMessage(_ failure: CSVRowFailure, input index: Int, lineStart: UnsafePointer<UInt8>,
                              end: UnsafePointer<UInt8>) -> String {
        let found = countFields(lineStart, end)
        if found == 1, let delimiter = suspectedDelimiter(lineStart, end) {
            return delimiterMessage(input: index, line: failure.line, lineOffset: failure.lineOffset, delimiter: delimiter)
        }
        let layout = self.layout!
        var message = "\(inputs[index].name) line \(failure.line): \(columnsPhrase(found)), expected \(layout.columns) "
            + "(\(layout.columnDescription))"
        if let reference {
            message += reference.input == index
                ? " as on line \(reference.line)"
                : " as on line \(reference.line) of \(inputs[reference.input].name)"
        }
        return message + ". " + lineQuote(lineStart, end, line: failure.line)
    }

    func delimiterMessage(input index: Int, line: Int, lineOffset: Int, delimiter: String) -> String {
        let input = inputs[index]
        let base = input.text.base!
        return "\(input.name) line \(line): the row has no comma but contains \(delimiter); CSV channels must use "
            + "a comma as the delimiter. " + lineQuote(base + lineOffset, base + input.text.count, line: line)
    }

    func tooNarrowMessage(input index: Int, line: Int, lineOffset: Int, columns: Int, hasLabel: Bool, hasWeight: Bool) -> String {
        let input = inputs[index]
        let base = input.text.base!
        var parts: [String] = []
        if hasLabel { parts.append("label") }
        if hasWeight { parts.append("weight") }
        parts.append("at least 1 feature")
        return "\(input.name) line \(line): \(columnsPhrase(columns)), expected at least \(parts.count) "
            + "(\(parts.joined(separator: " + ")))" + ". " + lineQuote(base + lineOffset, base + input.text.count, line: line)
    }

    /// `Line 9 reads '1,2,3'.`, the line cut to 60 characters (then `...`), tabs shown as `\t`.
    private func lineQuote(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>, line: Int) -> String {
        var stop = lineEnd(start, end)
        if stop > start && stop[-1] == UInt8(ascii: "\r") { stop -= 1 }
        return "Line \(line) reads '\(shortened(asciiText(start, stop)))'."
    }

    /// A field's content (quotes and surrounding spaces removed), cut to 60 characters.
    private func fieldText(_ field: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> String {
        let extent = FieldExtent(at: field, end: end)
        var start = extent.contentStart
        var stop = extent.contentEnd
        while start < stop && (start.pointee == UInt8(ascii: " ") || start.pointee == UInt8(ascii: "\t")) { start += 1 }
        while stop > start && (stop[-1] == UInt8(ascii: " ") || stop[-1] == UInt8(ascii: "\t")) { stop -= 1 }
        return shortened(asciiText(start, stop))
    }

    private func shortened(_ text: String) -> String {
        var out = text.count > Self.snippetLength ? String(text.prefix(Self.snippetLength)) + "..." : text
        out = out.replacingOccurrences(of: "\t", with: "\\t").replacingOccurrences(of: "\r", with: "\\r")
        return out
    }
}

/// `tabs` or `semicolons` when the line looks like it uses that delimiter instead of commas.
func suspectedDelimiter(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> String? {
    var first = start
    var last = lineEnd(start, end)
    while first < last && isLineSpace(first.pointee) { first += 1 }
    while last > first && isLineSpace(last[-1]) { last -= 1 }
    var sawTab = false
    var sawSemicolon = false
    var p = first
    while p < last {
        switch p.pointee {
        case UInt8(ascii: ","): return nil
        case UInt8(ascii: "\t"): sawTab = true
        case UInt8(ascii: ";"): sawSemicolon = true
        default: break
        }
        p += 1
    }
    return sawTab ? "tabs" : sawSemicolon ? "semicolons" : nil
}
