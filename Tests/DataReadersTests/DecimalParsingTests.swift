import Foundation
import MLCore
import Testing
@testable import DataReaders

// The hand-written conversion must be correctly rounded: bit-for-bit equal to Double(String) and
// Float(String) (strtod/strtof, which round the exact decimal once) for every decimal it accepts.
@Suite("Decimal conversion")
struct DecimalParsingTests {
    static func convert<T: DecimalConvertible>(_ text: String, as _: T.Type) -> FieldClass<T> {
        var bytes = Array(text.utf8)
        return bytes.withUnsafeMutableBufferPointer { buffer in
            let start = UnsafePointer(buffer.baseAddress!)
            return classifyField(T.self, start, start + buffer.count, DecimalTables.shared)
        }
    }

    static func double(_ text: String) -> Double? {
        if case .number(let v) = convert(text, as: Double.self) { return v }
        return nil
    }

    static func float(_ text: String) -> Float? {
        if case .number(let v) = convert(text, as: Float.self) { return v }
        return nil
    }

    static let edgeCases: [String] = [
        "0", "-0", "+0", "0.0", "-0.0", "0e0", "0e-400", "0e400", "1", "-1", "+1", ".5", "5.", "-.5", "+5.",
        "0.1", "0.2", "0.3", "1.5", "123456789", "9007199254740992", "9007199254740993", "9007199254740995",
        "18446744073709551615", "18446744073709551616", "9999999999999999999", "10000000000000000000",
        "1e22", "1e23", "1e-22", "1e-23", "4.9e-324", "5e-324", "2e-324", "3e-324", "2.4703282292062327e-324",
        "2.4703282292062328e-324", "1e-320", "1e-330", "2.2250738585072011e-308", "2.2250738585072012e-308",
        "2.2250738585072014e-308", "1.7976931348623157e308", "1.7976931348623158e308", "1.7976931348623159e308",
        "1e308", "1e-308", "1e-307", "8.98846567431158e307", "3.4028235e38", "3.4028236e38", "3.4028234e38",
        "1.17549435e-38", "1.4e-45", "1e-45", "7e-46", "7.1e-46", "0.7006492321624085354618647916449580656401e-45",
        "3.4028235677973366e38", "3.4028235677973367e38", "16777216", "16777217", "16777218", "16777219",
        "0.000001", "1e-7", "123.456e-5", "1.234567e-05", "9.999999e+37", "7.038531e-26", "0.1e-9", "1e10",
        "1e11", "12345678901234567890", "1234567890123456789", "0.12345678901234567890123", "00000000000000000000001",
        "0.0000000000000000000000000001", "1.00000000000000011102230246251565404236316680908203125",
        "1.00000000000000011102230246251565404236316680908203124", "1.00000000000000011102230246251565404236316680908203126",
        "9007199254740993.0000000000000000001", "4503599627370497.5", "4503599627370496.5", "2.5", "3.5",
        "0.500000000000000166533453693773481063544750213623046875", "7.2057594037927933e16", "1e-5", "1e5",
        "179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096"
            + "330286416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475"
            + "730270069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904"
            + "1748746356364.25",
    ]

    @Test(arguments: edgeCases)
    func edgeCaseMatchesStandardLibrary(_ text: String) {
        if let expected = Double(text), expected.isFinite {
            #expect(Self.double(text)?.bitPattern == expected.bitPattern, "\(text)")
        } else {
            #expect(Self.double(text) == nil, "\(text)")
        }
        if let expected = Float(text), expected.isFinite {
            #expect(Self.float(text)?.bitPattern == expected.bitPattern, "\(text)")
        } else {
            #expect(Self.float(text) == nil, "\(text)")
        }
    }

    /// Random decimal strings: 1 to 25 significant digits, the point anywhere, exponents across
    /// and beyond the range of both formats, optional signs and leading zeros.
    static func randomDecimal(_ rng: inout SeededGenerator) -> String {
        var text = ""
        switch rng.next() % 3 {
        case 0: text += "-"
        case 1: if rng.next() % 4 == 0 { text += "+" }
        default: break
        }
        if rng.next() % 8 == 0 { text += "000" }
        let digitCount = Int(rng.next() % 25) + 1
        var digits = ""
        for i in 0..<digitCount {
            let d = i == 0 ? rng.next() % 9 + 1 : rng.next() % 10
            digits += String(d)
        }
        let point = Int(rng.next() % UInt64(digitCount + 1))
        if point == 0 {
            text += "." + digits
        } else if point == digitCount {
            text += digits + (rng.next() % 2 == 0 ? "." : "")
        } else {
            let index = digits.index(digits.startIndex, offsetBy: point)
            text += digits[..<index] + "." + digits[index...]
        }
        switch rng.next() % 4 {
        case 0: break
        case 1: text += "e" + String(Int(rng.next() % 60) - 30)
        case 2: text += "E" + String(Int(rng.next() % 700) - 350)
        default: text += "e" + String(Int(rng.next() % 100) - 50)
        }
        return text
    }

    @Test func randomDecimalStringsMatchDoubleAndFloat() {
        var rng = SeededGenerator(seed: 0xC5F)
        var checked = 0
        var mismatches: [String] = []
        for _ in 0..<120_000 {
            let text = Self.randomDecimal(&rng)
            if let expected = Double(text), expected.isFinite {
                if Self.double(text)?.bitPattern != expected.bitPattern { mismatches.append("Double \(text)") }
            } else if Self.double(text) != nil {
                mismatches.append("Double overflow \(text)")
            }
            if let expected = Float(text), expected.isFinite {
                if Self.float(text)?.bitPattern != expected.bitPattern { mismatches.append("Float \(text)") }
            } else if Self.float(text) != nil {
                mismatches.append("Float overflow \(text)")
            }
            checked += 1
        }
        #expect(checked == 120_000)
        #expect(mismatches.isEmpty, "\(mismatches.prefix(10))")
    }

    @Test func randomDoublesRoundTrip() {
        var rng = SeededGenerator(seed: 2024)
        var mismatches: [String] = []
        for i in 0..<60_000 {
            let value: Double
            switch i % 3 {
            case 0: value = Double(bitPattern: rng.next())
            case 1: value = rng.nextGaussian() * pow(10, Double(Int(rng.next() % 40) - 20))
            default: value = Double(Float(bitPattern: UInt32(truncatingIfNeeded: rng.next())))
            }
            guard value.isFinite else { continue }
            for text in ["\(value)", String(format: "%.17g", value), String(format: "%.7g", value), String(format: "%.9e", value)] {
                guard let expected = Double(text), expected.isFinite else { continue }
                if Self.double(text)?.bitPattern != expected.bitPattern { mismatches.append("Double \(text)") }
                if let f = Float(text), f.isFinite, Self.float(text)?.bitPattern != f.bitPattern { mismatches.append("Float \(text)") }
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(10))")
    }

    @Test func rejectsWhatIsNotADecimal() {
        for text in ["", ".", "-", "+", "e5", ".e5", "5e", "5e+", "1..2", "--1", "+-1", "0x10", "1,5", "1 2", "١"] {
            switch Self.convert(text, as: Double.self) {
            case .number(let v): Issue.record("'\(text)' parsed as \(v)")
            default: break
            }
        }
        if case .notFinite = Self.convert("-Inf", as: Double.self) {} else { Issue.record("-Inf") }
        if case .outOfRange = Self.convert("1e309", as: Double.self) {} else { Issue.record("1e309") }
        if case .missing = Self.convert(" NaN ", as: Float.self) {} else { Issue.record("NaN") }
    }

    @Test func eightDigitSWARMatchesTheDigitLoop() {
        var rng = SeededGenerator(seed: 11)
        for _ in 0..<20_000 {
            let length = Int(rng.next() % 30) + 1
            var bytes = (0..<length).map { _ in UInt8(ascii: "0") + UInt8(rng.next() % 10) }
            let stop = Int(rng.next() % UInt64(length + 1))
            if stop < length { bytes[stop] = [UInt8(ascii: "."), UInt8(ascii: ","), UInt8(ascii: "e"), 0xFF, UInt8(ascii: "/"), UInt8(ascii: ":")][Int(rng.next() % 6)] }
            bytes.withUnsafeBufferPointer { buffer in
                var p = buffer.baseAddress!
                var m: UInt64 = 0
                let count = accumulateDigits(&p, buffer.baseAddress! + buffer.count, &m)
                var expected: UInt64 = 0
                var n = 0
                while n < buffer.count && buffer[n] >= 48 && buffer[n] <= 57 {
                    expected = expected &* 10 &+ UInt64(buffer[n] - 48)
                    n += 1
                }
                #expect(count == n && m == expected)
            }
        }
    }
}
