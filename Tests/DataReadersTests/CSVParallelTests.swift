import Foundation
import MLCore
import Testing
@testable import DataReaders

// Parallel parsing must give exactly what a sequential parse gives: the same values in the same
// rows, and errors with exact line numbers even when the bad line is deep inside a later chunk.
@Suite("CSV: parallel chunks")
struct CSVParallelTests {
    /// Seeded rows of `features` columns, with blank lines, CRLF lines and missing values sprinkled in.
    static func generate(rows: Int, features: Int, seed: UInt64) -> (text: String, lineOfRow: [Int]) {
        var rng = SeededGenerator(seed: seed)
        var text = ""
        text.reserveCapacity(rows * features * 12)
        var line = 1
        var lineOfRow: [Int] = []
        for _ in 0..<rows {
            if rng.next() % 50 == 0 {
                text += rng.next() % 2 == 0 ? "\n" : "  \r\n"
                line += 1
            }
            lineOfRow.append(line)
            text += rng.next() % 2 == 0 ? "1" : "0"
            for _ in 0..<features {
                text += ","
                switch rng.next() % 40 {
                case 0: break
                case 1: text += "nan"
                case 2: text += String(rng.nextGaussian() * 1e-300)
                case 3: text += String(format: "%.17g", rng.nextGaussian() * 1e20)
                default: text += String(format: "%.7g", rng.nextGaussian())
                }
            }
            text += rng.next() % 10 == 0 ? "\r\n" : "\n"
            line += 1
        }
        return (text, lineOfRow)
    }

    static let small = 1024...4096

    /// The lines of `text` split at every `\n` byte (a Swift `Character` would keep `\r\n` whole).
    static func lines(_ text: String) -> [String] {
        text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
    }

    @Test(arguments: [1, 2, 3, 8])
    func sameResultForAnyThreadCount(threads: Int) throws {
        let (text, _) = Self.generate(rows: 20_000, features: 7, seed: 42)
        let reference = try parseCSV(text, as: Double.self, options: CSVOptions(threads: 1), chunkBytes: 1 << 30...1 << 30)
        let parallel = try parseCSV(text, as: Double.self, options: CSVOptions(threads: threads), chunkBytes: Self.small)
        #expect(parallel.count == 20_000)
        #expect(sameBits(parallel.labels, reference.labels))
        #expect(sameBits(parallel.features.storage, reference.features.storage))
        let float = try parseCSV(text, as: Float.self, options: CSVOptions(threads: threads), chunkBytes: Self.small)
        let floatReference = try parseCSV(text, as: Float.self, options: CSVOptions(threads: 1), chunkBytes: 1 << 30...1 << 30)
        #expect(sameBits(float.features.storage, floatReference.features.storage))
    }

    @Test func valuesEqualDoubleOfString() throws {
        let (text, _) = Self.generate(rows: 3_000, features: 5, seed: 7)
        let data = try parseCSV(text, as: Double.self, options: CSVOptions(threads: 2), chunkBytes: Self.small)
        var expected: [Double] = []
        for line in Self.lines(text) {
            let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty { continue }
            for field in trimmed.split(separator: ",", omittingEmptySubsequences: false).dropFirst() {
                if field.isEmpty || field == "nan" {
                    expected.append(.nan)
                } else if let value = Double(field) {
                    expected.append(value)
                } else {
                    Issue.record("generated field '\(field)' is not a Double")
                }
            }
        }
        #expect(sameBits(data.features.storage, expected))
    }

    @Test(arguments: [1, 2, 4])
    func errorLineDeepInsideALaterChunk(threads: Int) throws {
        let rows = 30_000
        var (text, lineOfRow) = Self.generate(rows: rows, features: 4, seed: 99)
        // Corrupt row 25_000 and, later, row 29_000: the earlier one must be reported.
        var lines = Self.lines(text)
        for (row, junk) in [(25_000, "oops"), (29_000, "later")] {
            let index = lineOfRow[row] - 1
            var fields = lines[index].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            fields[3] = junk
            lines[index] = fields.joined(separator: ",")
        }
        text = lines.joined(separator: "\n")
        let line = lineOfRow[25_000]
        let quoted = lines[line - 1].hasSuffix("\r") ? String(lines[line - 1].dropLast()) : lines[line - 1]
        let expected = "train/a.csv line \(line), column 4: 'oops' is not a number. "
            + "Expecting a decimal number, or an empty field or 'nan' for a missing value. "
            + "Line \(line) reads '\(quoted.count > 60 ? String(quoted.prefix(60)) + "..." : quoted)'."
        #expect(line > 25_000)
        let message = errorMessage {
            _ = try parseCSV(text, as: Float.self, options: CSVOptions(threads: threads), chunkBytes: Self.small)
        }
        #expect(message == expected)
    }

    @Test func widthErrorDeepInsideALaterChunk() throws {
        var (text, lineOfRow) = Self.generate(rows: 10_000, features: 3, seed: 5)
        var lines = Self.lines(text)
        let line = lineOfRow[9_000]
        lines[line - 1] = "1,2"
        text = lines.joined(separator: "\n")
        let message = errorMessage {
            _ = try parseCSV(text, as: Float.self, options: CSVOptions(threads: 2), chunkBytes: Self.small)
        }
        #expect(message == "train/a.csv line \(line): 2 columns, expected 4 (label + 3 features) as on line 1. Line \(line) reads '1,2'.")
    }

    @Test func chunkSplitsFallOnLineStarts() {
        let text = Array("aaaa\nbb\ncccccc\nd\n\neeee".utf8)
        text.withUnsafeBufferPointer { buffer in
            let splits = lineAlignedSplits(buffer.baseAddress!, start: 0, end: buffer.count, target: 3)
            #expect(splits.first == 0 && splits.last == buffer.count)
            for split in splits.dropFirst().dropLast() { #expect(buffer[split - 1] == UInt8(ascii: "\n")) }
            var rows = 0
            var newlines = 0
            for k in 0..<(splits.count - 1) {
                let counted = countLines(buffer.baseAddress! + splits[k], buffer.baseAddress! + splits[k + 1])
                rows += counted.rows
                newlines += counted.newlines
            }
            #expect(rows == 5 && newlines == 5)
        }
    }
}
