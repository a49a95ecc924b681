import Foundation
import MLCore
import Testing
@testable import DataReaders

// contract §5.1: no header, label in the first column, comma separated.
@Suite("CSV: well-formed input")
struct CSVReaderTests {
    @Test func labelsAndFeatures() throws {
        let data = try parseCSV("1,2.5,-3\n0,4e2,0.125\n", as: Double.self)
        #expect(data.labels == [1, 0])
        #expect(data.features.rows == 2 && data.features.columns == 2)
        #expect(data.features.storage == [2.5, -3, 400, 0.125])
        #expect(data.weights == nil)
        #expect(data.source == "train/a.csv")
    }

    @Test func floatAndDoubleOutputAreCorrectlyRounded() throws {
        let text = "1,0.1,3.4028235e38,1e-45\n"
        let f = try parseCSV(text, as: Float.self)
        #expect(f.features.storage == [Float("0.1")!, Float("3.4028235e38")!, Float("1e-45")!])
        let d = try parseCSV(text, as: Double.self)
        #expect(d.features.storage == [0.1, 3.4028235e38, 1e-45])
    }

    @Test func crlfLineEnds() throws {
        let data = try parseCSV("1,2.5,3\r\n0,-1,4\r\n", as: Double.self)
        #expect(data.labels == [1, 0])
        #expect(data.features.storage == [2.5, 3, -1, 4])
    }

    @Test func byteOrderMarkIsSkipped() throws {
        let data = try parseCSV("\u{FEFF}1,2,3\n", as: Double.self)
        #expect(data.labels == [1])
        #expect(data.features.storage == [2, 3])
    }

    @Test func lastLineWithoutNewline() throws {
        let data = try parseCSV("1,2,3\n0,4,5", as: Double.self)
        #expect(data.labels == [1, 0])
        #expect(data.features.storage == [2, 3, 4, 5])
        let crlf = try parseCSV("1,2,3\r\n0,4,5\r", as: Double.self)
        #expect(crlf.features.storage == [2, 3, 4, 5])
    }

    @Test func blankLinesAreSkippedAndLinesStillCounted() throws {
        let data = try parseCSV("\n1,2,3\n\n   \n\t\r\n0,4,5\n\n\n", as: Double.self)
        #expect(data.labels == [1, 0])
        #expect(data.features.storage == [2, 3, 4, 5])
        #expect(errorMessage { _ = try parseCSV("1,2,3\n\n\r\n0,x,5\n", as: Double.self) }?
            .hasPrefix("train/a.csv line 4, column 2: 'x' is not a number.") == true)
    }

    @Test func missingValuesBecomeNaN() throws {
        let data = try parseCSV("1,,nan,NaN, ,\"\",NAN,-nan\n", as: Double.self)
        #expect(data.features.columns == 7)
        #expect(data.features.storage.allSatisfy { $0.isNaN })
        let trailing = try parseCSV("1,2,\n0,,3\n", as: Float.self)
        #expect(trailing.features.storage[0] == 2)
        #expect(trailing.features.storage[1].isNaN)
        #expect(trailing.features.storage[2].isNaN)
        #expect(trailing.features.storage[3] == 3)
    }

    @Test func quotedFieldsAndSpaces() throws {
        let data = try parseCSV("\"1\",\"2.5\", 3 ,\" -4 \" , \"5\"\n", as: Double.self)
        #expect(data.labels == [1])
        #expect(data.features.storage == [2.5, 3, -4, 5])
    }

    @Test func numberSyntaxVariants() throws {
        let data = try parseCSV("1,+5,.5,5.,-0,1E3,1e+3,2.5E-3,007,0.000\n", as: Double.self)
        #expect(data.features.storage == [5, 0.5, 5, -0.0, 1000, 1000, 0.0025, 7, 0])
        #expect(data.features.storage[3].sign == .minus)
    }

    @Test func weightColumn() throws {
        let options = CSVOptions(hasLabel: true, hasWeight: true, threads: 1)
        let data = try parseCSV("1,0.5,2,3\n0,2,4,5\n", as: Double.self, options: options)
        #expect(data.labels == [1, 0])
        #expect(data.weights == [0.5, 2])
        #expect(data.features.storage == [2, 3, 4, 5])
        #expect(data.features.columns == 2)
    }

    @Test func noLabelColumn() throws {
        // text/csv;label_size=0: every column is a feature; labels are NaN placeholders.
        let data = try parseCSV("2,3\n4,5\n", as: Double.self, options: CSVOptions(hasLabel: false, threads: 1))
        #expect(data.labels.count == 2 && data.labels.allSatisfy { $0.isNaN })
        #expect(data.features.storage == [2, 3, 4, 5])
        let single = try parseCSV("7\n8\n", as: Double.self, options: CSVOptions(hasLabel: false, threads: 1))
        #expect(single.features.storage == [7, 8])
    }

    @Test func weightWithoutLabelIsTheFirstColumn() throws {
        let data = try parseCSV("0.5,2,3\n", as: Double.self, options: CSVOptions(hasLabel: false, hasWeight: true, threads: 1))
        #expect(data.weights == [0.5])
        #expect(data.features.storage == [2, 3])
    }

    @Test func expectedFeatureCountMatches() throws {
        let data = try parseCSV("1,2,3\n", as: Double.self, options: CSVOptions(expectedFeatureCount: 2, threads: 1))
        #expect(data.featureCount == 2)
    }

    @Test func otherOutputFormatsGoThroughDouble() throws {
        let data = try parseCSV("1,0.5,,3\n", as: Float16.self)
        #expect(data.features.storage[0] == 0.5)
        #expect(data.features.storage[1].isNaN)
        #expect(data.features.storage[2] == 3)
    }

    @Test func longSignificandsUseTheSlowPath() throws {
        let text = "1,0.123456789012345678901234567890,123456789012345678901234\n"
        let data = try parseCSV(text, as: Double.self)
        #expect(data.features.storage == [Double("0.123456789012345678901234567890")!, Double("123456789012345678901234")!])
        let f = try parseCSV(text, as: Float.self)
        #expect(f.features.storage == [Float("0.123456789012345678901234567890")!, Float("123456789012345678901234")!])
    }
}
