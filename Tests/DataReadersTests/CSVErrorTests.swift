import Foundation
import MLCore
import Testing
@testable import DataReaders

// contract §5.1 and the house rule for errors: say what was wrong, where (file, line, column),
// and what would be right. The messages are part of the interface: exact text.
@Suite("CSV: errors")
struct CSVErrorTests {
    static let hint = "Expecting a decimal number, or an empty field or 'nan' for a missing value."

    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let text: String
        var options = CSVOptions(threads: 1)
        var double = false
        let message: String
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "not a number", text: "1,2,3\n1,abc,3\n",
             message: "train/a.csv line 2, column 2: 'abc' is not a number. \(hint) Line 2 reads '1,abc,3'."),
        Case(name: "header row", text: "label,f1,f2\n1,2,3\n",
             message: "train/a.csv line 1, column 1: 'label' is not a number. \(hint) Line 1 reads 'label,f1,f2'. "
                + "SageMaker CSV files have no header row; remove it."),
        Case(name: "header after blank lines", text: "\n\nlabel,f1\n1,2\n",
             message: "train/a.csv line 3, column 1: 'label' is not a number. \(hint) Line 3 reads 'label,f1'. "
                + "SageMaker CSV files have no header row; remove it."),
        Case(name: "digits then junk", text: "1,2,3\n1,2,3x\n",
             message: "train/a.csv line 2, column 3: '3x' is not a number. \(hint) Line 2 reads '1,2,3x'."),
        Case(name: "two points", text: "1,1.5.5,2\n",
             message: "train/a.csv line 1, column 2: '1.5.5' is not a number. \(hint) Line 1 reads '1,1.5.5,2'."),
        Case(name: "exponent without digits", text: "1,5e,2\n",
             message: "train/a.csv line 1, column 2: '5e' is not a number. \(hint) Line 1 reads '1,5e,2'."),
        Case(name: "hexadecimal", text: "1,0x1p3,2\n",
             message: "train/a.csv line 1, column 2: '0x1p3' is not a number. \(hint) Line 1 reads '1,0x1p3,2'."),
        Case(name: "NA is not a missing value", text: "1,NA,2\n",
             message: "train/a.csv line 1, column 2: 'NA' is not a number. \(hint) Line 1 reads '1,NA,2'."),
        Case(name: "non-ASCII but valid UTF-8", text: "1,é,3\n",
             message: "train/a.csv line 1, column 2: 'é' is not a number. \(hint) Line 1 reads '1,é,3'."),
        Case(name: "quoted junk", text: "1,\"2\"x,3\n",
             message: "train/a.csv line 1, column 2: '\"2\"x' is not a number. \(hint) Line 1 reads '1,\"2\"x,3'."),
        Case(name: "unterminated quote", text: "1,\"2.5,3\n",
             message: "train/a.csv line 1, column 2: the quoted field has no closing quote on this line. "
                + "Line 1 reads '1,\"2.5,3'."),
        Case(name: "infinite feature", text: "1,-inf,3\n",
             message: "train/a.csv line 1, column 2: '-inf' is not a finite number. \(hint) Line 1 reads '1,-inf,3'."),
        Case(name: "infinite label", text: "Infinity,2,3\n",
             message: "train/a.csv line 1, column 1: 'Infinity' is not a finite number. \(hint) Line 1 reads 'Infinity,2,3'."),
        Case(name: "Float32 overflow", text: "1,1e39,3\n",
             message: "train/a.csv line 1, column 2: '1e39' is out of range for Float32 "
                + "(largest finite magnitude 3.4028235e+38). Line 1 reads '1,1e39,3'."),
        Case(name: "Float64 overflow", text: "1,1e400,3\n", double: true,
             message: "train/a.csv line 1, column 2: '1e400' is out of range for Float64 "
                + "(largest finite magnitude 1.7976931348623157e+308). Line 1 reads '1,1e400,3'."),
        Case(name: "label overflow is Float64 even for Float32 features", text: "1e400,1,3\n",
             message: "train/a.csv line 1, column 1: '1e400' is out of range for Float64 "
                + "(largest finite magnitude 1.7976931348623157e+308). Line 1 reads '1e400,1,3'."),
        Case(name: "missing label", text: "1,2,3\n,2,3\n",
             message: "train/a.csv line 2, column 1: the label is missing. Every row needs a finite label in column 1 "
                + "(content type text/csv;label_size=0 declares data without labels). Line 2 reads ',2,3'."),
        Case(name: "nan label", text: "nan,2,3\n",
             message: "train/a.csv line 1, column 1: the label is missing. Every row needs a finite label in column 1 "
                + "(content type text/csv;label_size=0 declares data without labels). Line 1 reads 'nan,2,3'."),
        Case(name: "short row", text: "1,2,3\n1,2\n",
             message: "train/a.csv line 2: 2 columns, expected 3 (label + 2 features) as on line 1. Line 2 reads '1,2'."),
        Case(name: "long row", text: "1,2,3\n1,2,3,4\n",
             message: "train/a.csv line 2: 4 columns, expected 3 (label + 2 features) as on line 1. Line 2 reads '1,2,3,4'."),
        Case(name: "row of only a label", text: "1,2,3\n1\n",
             message: "train/a.csv line 2: 1 column, expected 3 (label + 2 features) as on line 1. Line 2 reads '1'."),
        Case(name: "width reference after blank lines", text: "\n1,2\n1,2,3\n",
             message: "train/a.csv line 3: 3 columns, expected 2 (label + 1 feature) as on line 2. Line 3 reads '1,2,3'."),
        Case(name: "expected feature count", text: "1,2,3\n", options: CSVOptions(expectedFeatureCount: 3, threads: 1),
             message: "train/a.csv line 1: 3 columns, expected 4 (label + 3 features). Line 1 reads '1,2,3'."),
        Case(name: "expected feature count with weight", text: "1,1,2,3\n",
             options: CSVOptions(hasWeight: true, expectedFeatureCount: 3, threads: 1),
             message: "train/a.csv line 1: 4 columns, expected 5 (label + weight + 3 features). Line 1 reads '1,1,2,3'."),
        Case(name: "no feature column", text: "5\n6\n",
             message: "train/a.csv line 1: 1 column, expected at least 2 (label + at least 1 feature). Line 1 reads '5'."),
        Case(name: "no feature column with weight", text: "5,1\n",
             options: CSVOptions(hasWeight: true, threads: 1),
             message: "train/a.csv line 1: 2 columns, expected at least 3 (label + weight + at least 1 feature). "
                + "Line 1 reads '5,1'."),
        Case(name: "tab separated", text: "1\t2\t3\n",
             message: "train/a.csv line 1: the row has no comma but contains tabs; CSV channels must use a comma as "
                + "the delimiter. Line 1 reads '1\\t2\\t3'."),
        Case(name: "tab separated after a comma separated row", text: "1,2,3\n1\t2\t3\n",
             message: "train/a.csv line 2: the row has no comma but contains tabs; CSV channels must use a comma as "
                + "the delimiter. Line 2 reads '1\\t2\\t3'."),
        Case(name: "semicolon separated", text: "1;2;3\n",
             message: "train/a.csv line 1: the row has no comma but contains semicolons; CSV channels must use a comma "
                + "as the delimiter. Line 1 reads '1;2;3'."),
        Case(name: "tab separated with an expected feature count", text: "1\t2\t3\n",
             options: CSVOptions(expectedFeatureCount: 2, threads: 1),
             message: "train/a.csv line 1: the row has no comma but contains tabs; CSV channels must use a comma as "
                + "the delimiter. Line 1 reads '1\\t2\\t3'."),
        Case(name: "missing weight", text: "1,,3,4\n", options: CSVOptions(hasWeight: true, threads: 1),
             message: "train/a.csv line 1, column 2: the instance weight is missing. Every row needs a finite, "
                + "non-negative weight in column 2. Line 1 reads '1,,3,4'."),
        Case(name: "negative weight", text: "1,-2,3,4\n", options: CSVOptions(hasWeight: true, threads: 1),
             message: "train/a.csv line 1, column 2: the instance weight '-2' is negative. Every row needs a finite, "
                + "non-negative weight in column 2. Line 1 reads '1,-2,3,4'."),
        Case(name: "stray carriage return", text: "1,2\r3,4\n",
             message: "train/a.csv line 1, column 2: '2\\r3' is not a number. \(hint) Line 1 reads '1,2\\r3,4'."),
        Case(name: "empty input", text: "", message: "No data in train/a.csv: the input holds no rows."),
        Case(name: "only blank lines", text: "\n \r\n\t\n", message: "No data in train/a.csv: the input holds no rows."),
        Case(name: "long line is cut", text: "1," + String(repeating: "2,", count: 40) + "x\n",
             message: "train/a.csv line 1, column 42: 'x' is not a number. \(hint) Line 1 reads '1,"
                + String(repeating: "2,", count: 29) + "...'."),
    ]

    @Test(arguments: cases)
    func message(_ c: Case) {
        let message = errorMessage {
            if c.double {
                _ = try parseCSV(c.text, as: Double.self, options: c.options)
            } else {
                _ = try parseCSV(c.text, as: Float.self, options: c.options)
            }
        }
        #expect(message == c.message)
        #expect(errorKind { _ = try parseCSV(c.text, as: Float.self, options: c.options) } == .user)
    }

    @Test func invalidUTF8NamesTheByteAndItsOffset() {
        let bytes = Array("1,2,3\n1,".utf8) + [0xFF] + Array("x,3\n".utf8)
        #expect(errorMessage { _ = try parseCSV(bytes) }
            == "train/a.csv line 2, column 2: byte 0xFF at offset 8 is not valid UTF-8; CSV channels must be UTF-8 text.")
        let truncated = Array("1,2,".utf8) + [0xC3] + Array("\n".utf8)
        #expect(errorMessage { _ = try parseCSV(truncated) }
            == "train/a.csv line 1, column 3: byte 0xC3 at offset 4 is not valid UTF-8; CSV channels must be UTF-8 text.")
    }

    @Test func firstErrorOfTheLineWins() {
        #expect(errorMessage { _ = try parseCSV("1,a,b\n") }?.hasPrefix("train/a.csv line 1, column 2: 'a'") == true)
    }
}
