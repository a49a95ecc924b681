import MLCore

/// A parsed XGBoost model document: the JSON (or UBJSON) value tree the codec reads.
///
/// Numbers keep their text so that `float32` values are parsed once, directly to `Float`, with
/// no rounding through `Double`; UBJSON's typed arrays keep their binary values.
indirect enum ModelDocument: Sendable {
    case object([String: ModelDocument])
    case array([ModelDocument])
    case string(String)
    case number(String)
    case bool(Bool)
    case null
    /// A UBJSON typed array of `float32`.
    case floats([Float])
    /// A UBJSON typed array of integers (any width).
    case integers([Int64])

    subscript(key: String) -> ModelDocument? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    var objectMembers: [String: ModelDocument]? {
        if case .object(let members) = self { return members }
        return nil
    }

    /// The text of a string, or of a number (XGBoost writes most parameters as strings).
    var text: String? {
        switch self {
        case .string(let s), .number(let s): return s
        default: return nil
        }
    }

    var int: Int? {
        switch self {
        case .number(let s), .string(let s):
            if let v = Int(s) { return v }
            if let d = Double(s), d == d.rounded(), abs(d) < 9e15 { return Int(d) }
            return nil
        case .bool(let b): return b ? 1 : 0
        default: return nil
        }
    }

    /// Elements of an array (typed UBJSON arrays expanded).
    var elements: [ModelDocument]? {
        switch self {
        case .array(let items): return items
        case .floats(let values): return values.map { .number(String($0)) }
        case .integers(let values): return values.map { .number(String($0)) }
        default: return nil
        }
    }
}

/// A small, strict JSON parser (RFC 8259) producing `ModelDocument`.
struct ModelJSONParser {
    let bytes: [UInt8]
    var position = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    static func parse(_ bytes: [UInt8]) throws -> ModelDocument {
        var parser = ModelJSONParser(bytes)
        parser.skipSpace()
        let value = try parser.value(depth: 0)
        parser.skipSpace()
        guard parser.position == bytes.count else { throw parser.failure("unexpected text after the model document") }
        return value
    }

    func failure(_ what: String) -> OptmlError {
        OptmlError.user("The XGBoost model is not valid JSON: \(what) at byte \(position).")
    }

    mutating func skipSpace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x0A, 0x0D, 0x09: position += 1
            default: return
            }
        }
    }

    mutating func expect(_ byte: UInt8) throws {
        guard position < bytes.count, bytes[position] == byte else {
            throw failure("expected '\(Character(Unicode.Scalar(byte)))'")
        }
        position += 1
    }

    mutating func value(depth: Int) throws -> ModelDocument {
        guard depth < 64 else { throw failure("nesting deeper than 64 levels") }
        guard position < bytes.count else { throw failure("unexpected end") }
        switch bytes[position] {
        case UInt8(ascii: "{"):
            position += 1
            var members: [String: ModelDocument] = [:]
            skipSpace()
            if position < bytes.count, bytes[position] == UInt8(ascii: "}") { position += 1; return .object(members) }
            while true {
                skipSpace()
                let key = try string()
                skipSpace()
                try expect(UInt8(ascii: ":"))
                skipSpace()
                members[key] = try value(depth: depth + 1)
                skipSpace()
                guard position < bytes.count else { throw failure("unexpected end inside an object") }
                if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
                try expect(UInt8(ascii: "}"))
                return .object(members)
            }
        case UInt8(ascii: "["):
            position += 1
            var items: [ModelDocument] = []
            skipSpace()
            if position < bytes.count, bytes[position] == UInt8(ascii: "]") { position += 1; return .array(items) }
            while true {
                skipSpace()
                items.append(try value(depth: depth + 1))
                skipSpace()
                guard position < bytes.count else { throw failure("unexpected end inside an array") }
                if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
                try expect(UInt8(ascii: "]"))
                return .array(items)
            }
        case UInt8(ascii: "\""):
            return .string(try string())
        case UInt8(ascii: "t"):
            try literal("true"); return .bool(true)
        case UInt8(ascii: "f"):
            try literal("false"); return .bool(false)
        case UInt8(ascii: "n"):
            try literal("null"); return .null
        default:
            return .number(try number())
        }
    }

    mutating func literal(_ word: String) throws {
        let utf8 = Array(word.utf8)
        guard position + utf8.count <= bytes.count, Array(bytes[position..<(position + utf8.count)]) == utf8 else {
            throw failure("unexpected character")
        }
        position += utf8.count
    }

    mutating func number() throws -> String {
        let start = position
        while position < bytes.count {
            switch bytes[position] {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."),
                 UInt8(ascii: "e"), UInt8(ascii: "E"):
                position += 1
            default:
                guard position > start else { throw failure("unexpected character") }
                return String(decoding: bytes[start..<position], as: UTF8.self)
            }
        }
        guard position > start else { throw failure("unexpected end") }
        return String(decoding: bytes[start..<position], as: UTF8.self)
    }

    mutating func string() throws -> String {
        try expect(UInt8(ascii: "\""))
        let start = position
        var plain = true
        while position < bytes.count {
            let b = bytes[position]
            if b == UInt8(ascii: "\"") {
                if plain {
                    let s = String(decoding: bytes[start..<position], as: UTF8.self)
                    position += 1
                    return s
                }
                break
            }
            if b == UInt8(ascii: "\\") { plain = false; break }
            position += 1
        }
        // Slow path with escapes.
        position = start
        var scalars = String.UnicodeScalarView()
        var pending: [UInt8] = []
        func flush() {
            if !pending.isEmpty { scalars.append(contentsOf: String(decoding: pending, as: UTF8.self).unicodeScalars); pending.removeAll() }
        }
        while position < bytes.count {
            let b = bytes[position]
            position += 1
            if b == UInt8(ascii: "\"") { flush(); return String(scalars) }
            if b != UInt8(ascii: "\\") { pending.append(b); continue }
            flush()
            guard position < bytes.count else { break }
            let e = bytes[position]
            position += 1
            switch e {
            case UInt8(ascii: "n"): scalars.append("\n")
            case UInt8(ascii: "t"): scalars.append("\t")
            case UInt8(ascii: "r"): scalars.append("\r")
            case UInt8(ascii: "b"): scalars.append("\u{08}")
            case UInt8(ascii: "f"): scalars.append("\u{0C}")
            case UInt8(ascii: "u"):
                guard position + 4 <= bytes.count,
                      let code = UInt32(String(decoding: bytes[position..<(position + 4)], as: UTF8.self), radix: 16) else {
                    throw failure("bad \\u escape")
                }
                position += 4
                scalars.append(Unicode.Scalar(code) ?? "\u{FFFD}")
            default: scalars.append(Unicode.Scalar(e))
            }
        }
        throw failure("unterminated string")
    }
}

/// A parser for Universal Binary JSON (draft 12), the format XGBoost ≥ 1.6 writes for model files
/// without a `.json` extension (the SageMaker XGBoost container's `xgboost-model`).
struct ModelUBJSONParser {
    let bytes: [UInt8]
    var position = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    static func parse(_ bytes: [UInt8]) throws -> ModelDocument {
        var parser = ModelUBJSONParser(bytes)
        return try parser.value(depth: 0)
    }

    func failure(_ what: String) -> OptmlError {
        OptmlError.user("The XGBoost model is not valid UBJSON: \(what) at byte \(position).")
    }

    mutating func byte() throws -> UInt8 {
        guard position < bytes.count else { throw failure("unexpected end") }
        defer { position += 1 }
        return bytes[position]
    }

    mutating func bigEndian(_ count: Int) throws -> UInt64 {
        guard position + count <= bytes.count else { throw failure("unexpected end") }
        var v: UInt64 = 0
        for i in 0..<count { v = v << 8 | UInt64(bytes[position + i]) }
        position += count
        return v
    }

    mutating func integer(marker: UInt8) throws -> Int64 {
        switch marker {
        case UInt8(ascii: "i"): return Int64(Int8(bitPattern: UInt8(try bigEndian(1))))
        case UInt8(ascii: "U"): return Int64(try bigEndian(1))
        case UInt8(ascii: "I"): return Int64(Int16(bitPattern: UInt16(try bigEndian(2))))
        case UInt8(ascii: "l"): return Int64(Int32(bitPattern: UInt32(try bigEndian(4))))
        case UInt8(ascii: "L"): return Int64(bitPattern: try bigEndian(8))
        default: throw failure("expected an integer type marker")
        }
    }

    mutating func length() throws -> Int {
        let n = try integer(marker: try byte())
        guard n >= 0, n <= Int64(bytes.count) * 8 + 16 else { throw failure("bad length \(n)") }
        return Int(n)
    }

    mutating func key() throws -> String {
        let n = try length()
        guard position + n <= bytes.count else { throw failure("unexpected end") }
        defer { position += n }
        return String(decoding: bytes[position..<(position + n)], as: UTF8.self)
    }

    mutating func value(depth: Int) throws -> ModelDocument {
        try value(marker: try byte(), depth: depth)
    }

    mutating func scalar(marker: UInt8) throws -> ModelDocument {
        switch marker {
        case UInt8(ascii: "i"), UInt8(ascii: "U"), UInt8(ascii: "I"), UInt8(ascii: "l"), UInt8(ascii: "L"):
            return .number(String(try integer(marker: marker)))
        case UInt8(ascii: "d"):
            return .number(String(Float(bitPattern: UInt32(try bigEndian(4)))))
        case UInt8(ascii: "D"):
            return .number(String(Double(bitPattern: try bigEndian(8))))
        case UInt8(ascii: "S"), UInt8(ascii: "H"):
            return .string(try key())
        case UInt8(ascii: "C"):
            return .string(String(Character(Unicode.Scalar(try byte()))))
        case UInt8(ascii: "T"): return .bool(true)
        case UInt8(ascii: "F"): return .bool(false)
        case UInt8(ascii: "Z"): return .null
        default: throw failure("unknown type marker \(marker)")
        }
    }

    mutating func value(marker: UInt8, depth: Int) throws -> ModelDocument {
        guard depth < 64 else { throw failure("nesting deeper than 64 levels") }
        switch marker {
        case UInt8(ascii: "["):
            var type: UInt8?
            var count: Int?
            if position < bytes.count, bytes[position] == UInt8(ascii: "$") { position += 1; type = try byte() }
            if position < bytes.count, bytes[position] == UInt8(ascii: "#") { position += 1; count = try length() }
            if let type, let count {
                switch type {
                case UInt8(ascii: "d"):
                    guard position + 4 * count <= bytes.count else { throw failure("unexpected end") }
                    var values = [Float](repeating: 0, count: count)
                    for i in 0..<count { values[i] = Float(bitPattern: UInt32(try bigEndian(4))) }
                    return .floats(values)
                case UInt8(ascii: "i"), UInt8(ascii: "U"), UInt8(ascii: "I"), UInt8(ascii: "l"), UInt8(ascii: "L"):
                    var values = [Int64](repeating: 0, count: count)
                    for i in 0..<count { values[i] = try integer(marker: type) }
                    return .integers(values)
                default:
                    var items: [ModelDocument] = []
                    items.reserveCapacity(count)
                    for _ in 0..<count { items.append(try value(marker: type, depth: depth + 1)) }
                    return .array(items)
                }
            }
            var items: [ModelDocument] = []
            if let count {
                items.reserveCapacity(count)
                for _ in 0..<count { items.append(try value(depth: depth + 1)) }
                return .array(items)
            }
            while true {
                guard position < bytes.count else { throw failure("unexpected end inside an array") }
                if bytes[position] == UInt8(ascii: "]") { position += 1; return .array(items) }
                items.append(try value(depth: depth + 1))
            }
        case UInt8(ascii: "{"):
            var members: [String: ModelDocument] = [:]
            var type: UInt8?
            var count: Int?
            if position < bytes.count, bytes[position] == UInt8(ascii: "$") { position += 1; type = try byte() }
            if position < bytes.count, bytes[position] == UInt8(ascii: "#") { position += 1; count = try length() }
            if let count {
                for _ in 0..<count {
                    let k = try key()
                    members[k] = try type.map { try value(marker: $0, depth: depth + 1) } ?? value(depth: depth + 1)
                }
                return .object(members)
            }
            while true {
                guard position < bytes.count else { throw failure("unexpected end inside an object") }
                if bytes[position] == UInt8(ascii: "}") { position += 1; return .object(members) }
                let k = try key()
                members[k] = try value(depth: depth + 1)
            }
        default:
            return try scalar(marker: marker)
        }
    }
}
