import DataReaders
import Foundation

/// A strict JSON (RFC 8259) reader over bytes whose errors give the byte offset and what was
/// expected there.
///
/// Also reads `NaN`, `Infinity` and `-Infinity`, which Python's `json.dumps` writes for
/// non-finite floats (the SageMaker SDK's JSON serializer goes through it). Nesting deeper than
/// `maximumDepth` is refused, so hostile bodies cannot exhaust the stack.
public struct JSONParser {
    public static let maximumDepth = 64

    /// Why the bytes are not JSON: `byte <offset>: <what>`.
    public struct SyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
        public var offset: Int
        public var reason: String
        public var description: String { "byte \(offset): \(reason)" }
    }

    private let bytes: UnsafeBufferPointer<UInt8>
    private var p = 0

    private init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    /// Parses exactly one JSON value (surrounding whitespace allowed).
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(SyntaxError) -> JSONValue {
        var parser = JSONParser(bytes)
        parser.skipSpace()
        let value = try parser.value(depth: 0)
        parser.skipSpace()
        if parser.p < bytes.count { throw parser.error("unexpected \(parser.found) after the JSON value") }
        return value
    }

    /// Parses text (tests and small bodies).
    public static func parse(_ text: String) throws(SyntaxError) -> JSONValue {
        var copy = Array(text.utf8)
        do {
            return try copy.withUnsafeMutableBufferPointer { buffer throws(SyntaxError) in
                try parse(UnsafeBufferPointer(buffer))
            }
        }
    }

    private func error(_ reason: String) -> SyntaxError { SyntaxError(offset: p, reason: reason) }

    /// `'x'` for the byte at `p`, or `the end of the input`.
    private var found: String {
        guard p < bytes.count else { return "the end of the input" }
        let c = bytes[p]
        return (0x20..<0x7F).contains(c) ? "'\(Character(Unicode.Scalar(c)))'" : "byte 0x\(String(c, radix: 16, uppercase: true))"
    }

    private mutating func skipSpace() {
        while p < bytes.count {
            switch bytes[p] {
            case 0x20, 0x09, 0x0A, 0x0D: p += 1
            default: return
            }
        }
    }

    private mutating func value(depth: Int) throws(SyntaxError) -> JSONValue {
        guard depth < Self.maximumDepth else { throw error("nesting deeper than \(Self.maximumDepth) levels") }
        guard p < bytes.count else { throw error("expected a value, found the end of the input") }
        switch bytes[p] {
        case UInt8(ascii: "{"): return try object(depth: depth)
        case UInt8(ascii: "["): return try array(depth: depth)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try word("true"); return .bool(true)
        case UInt8(ascii: "f"): try word("false"); return .bool(false)
        case UInt8(ascii: "n"): try word("null"); return .null
        case UInt8(ascii: "N"): try word("NaN"); return .number(.nan)
        case UInt8(ascii: "I"): try word("Infinity"); return .number(.infinity)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
        default: throw error("expected a value, found \(found)")
        }
    }

    private mutating func word(_ text: StaticString) throws(SyntaxError) {
        let n = text.utf8CodeUnitCount
        let start = text.utf8Start
        guard p + n <= bytes.count, (0..<n).allSatisfy({ bytes[p + $0] == start[$0] }) else {
            throw error("expected a value, found \(found)")
        }
        p += n
    }

    private mutating func object(depth: Int) throws(SyntaxError) -> JSONValue {
        p += 1
        var members: [(key: String, value: JSONValue)] = []
        skipSpace()
        if p < bytes.count && bytes[p] == UInt8(ascii: "}") { p += 1; return .object(members) }
        while true {
            skipSpace()
            guard p < bytes.count, bytes[p] == UInt8(ascii: "\"") else { throw error("expected a quoted member name, found \(found)") }
            let key = try string()
            skipSpace()
            guard p < bytes.count, bytes[p] == UInt8(ascii: ":") else { throw error("expected ':' after the member name, found \(found)") }
            p += 1
            skipSpace()
            members.append((key, try value(depth: depth + 1)))
            skipSpace()
            guard p < bytes.count else { throw error("expected ',' or '}', found the end of the input") }
            if bytes[p] == UInt8(ascii: ",") { p += 1; continue }
            if bytes[p] == UInt8(ascii: "}") { p += 1; return .object(members) }
            throw error("expected ',' or '}', found \(found)")
        }
    }

    private mutating func array(depth: Int) throws(SyntaxError) -> JSONValue {
        p += 1
        var elements: [JSONValue] = []
        skipSpace()
        if p < bytes.count && bytes[p] == UInt8(ascii: "]") { p += 1; return .array(elements) }
        while true {
            skipSpace()
            elements.append(try value(depth: depth + 1))
            skipSpace()
            guard p < bytes.count else { throw error("expected ',' or ']', found the end of the input") }
            if bytes[p] == UInt8(ascii: ",") { p += 1; continue }
            if bytes[p] == UInt8(ascii: "]") { p += 1; return .array(elements) }
            throw error("expected ',' or ']', found \(found)")
        }
    }

    private mutating func number() throws(SyntaxError) -> Double {
        let start = p
        if bytes[p] == UInt8(ascii: "-") {
            p += 1
            if p < bytes.count && bytes[p] == UInt8(ascii: "I") {
                try word("Infinity")
                return -.infinity
            }
        }
        func digits(_ p: inout Int) -> Int {
            let s = p
            while p < bytes.count && (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[p]) { p += 1 }
            return p - s
        }
        let intStart = p
        let intDigits = digits(&p)
        guard intDigits > 0 else { throw error("expected a digit, found \(found)") }
        if intDigits > 1 && bytes[intStart] == UInt8(ascii: "0") {
            p = intStart + 1
            throw error("a number may not start with 0 followed by digits")
        }
        if p < bytes.count && bytes[p] == UInt8(ascii: ".") {
            p += 1
            guard digits(&p) > 0 else { throw error("expected a digit after the decimal point, found \(found)") }
        }
        if p < bytes.count && (bytes[p] == UInt8(ascii: "e") || bytes[p] == UInt8(ascii: "E")) {
            p += 1
            if p < bytes.count && (bytes[p] == UInt8(ascii: "+") || bytes[p] == UInt8(ascii: "-")) { p += 1 }
            guard digits(&p) > 0 else { throw error("expected a digit in the exponent, found \(found)") }
        }
        // The syntax was checked above; the readers' exact conversion gives ±infinity for
        // magnitudes beyond Double, which the record checks reject as not finite.
        let base = bytes.baseAddress!
        return parseDecimalDouble(base + start, base + p) ?? .nan
    }

    private mutating func string() throws(SyntaxError) -> String {
        let open = p
        p += 1
        var scalars = String.UnicodeScalarView()
        var runStart = p
        func flush(_ end: Int) {
            if end > runStart {
                scalars.append(contentsOf: String(decoding: UnsafeBufferPointer(rebasing: bytes[runStart..<end]), as: UTF8.self).unicodeScalars)
            }
        }
        while true {
            guard p < bytes.count else {
                p = open
                throw error("the string has no closing quote")
            }
            let c = bytes[p]
            if c == UInt8(ascii: "\"") {
                flush(p)
                p += 1
                return String(scalars)
            }
            if c < 0x20 { throw error("control character 0x\(String(c, radix: 16, uppercase: true)) inside a string (escape it)") }
            if c != UInt8(ascii: "\\") { p += 1; continue }
            flush(p)
            p += 1
            guard p < bytes.count else { throw error("the string has no closing quote") }
            let e = bytes[p]
            p += 1
            switch e {
            case UInt8(ascii: "\""): scalars.append("\"")
            case UInt8(ascii: "\\"): scalars.append("\\")
            case UInt8(ascii: "/"): scalars.append("/")
            case UInt8(ascii: "b"): scalars.append("\u{08}")
            case UInt8(ascii: "f"): scalars.append("\u{0C}")
            case UInt8(ascii: "n"): scalars.append("\n")
            case UInt8(ascii: "r"): scalars.append("\r")
            case UInt8(ascii: "t"): scalars.append("\t")
            case UInt8(ascii: "u"):
                var code = try hex4()
                if (0xD800..<0xDC00).contains(code), p + 6 <= bytes.count,
                   bytes[p] == UInt8(ascii: "\\"), bytes[p + 1] == UInt8(ascii: "u") {
                    p += 2
                    let low = try hex4()
                    code = (0xDC00..<0xE000).contains(low) ? 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00) : 0xFFFD
                }
                scalars.append(Unicode.Scalar(code) ?? "\u{FFFD}")
            default:
                p -= 1
                throw error("unknown escape '\\\(Character(Unicode.Scalar(e)))'")
            }
            runStart = p
        }
    }

    private mutating func hex4() throws(SyntaxError) -> UInt32 {
        guard p + 4 <= bytes.count else { throw error("expected 4 hex digits after \\u") }
        var code: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[p]
            let digit: UInt32
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(c - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(c - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(c - UInt8(ascii: "A") + 10)
            default: throw error("expected a hex digit after \\u, found \(found)")
            }
            code = code * 16 + digit
            p += 1
        }
        return code
    }
}
