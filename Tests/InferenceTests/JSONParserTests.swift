import Testing
@testable import Inference

/// The request JSON reader: values, Python's non-finite spellings, and byte-exact errors.
@Suite struct JSONParserTests {
    @Test func readsValues() throws {
        let value = try JSONParser.parse(#" {"a": [1, -2.5e3, true, null, "x\u00e9\n\"", {}], "b": NaN, "c": -Infinity} "#)
        #expect(value == .object([
            ("a", .array([.number(1), .number(-2500), .bool(true), .null, .string("xé\n\""), .object([])])),
            ("b", .number(.nan)), ("c", .number(-.infinity)),
        ]))
        #expect(try JSONParser.parse("\"\\ud83d\\ude00\"") == .string("😀"))
    }

    // Numbers convert exactly as Swift's (correctly rounded) Double(String) does, long and extreme
    // literals included.
    @Test(arguments: ["0", "-0", "0.1", "3.14159", "-2.5e-3", "1E10", "123456789012345678901234567890",
                      "0.30000000000000004441", "2.2250738585072014e-308", "4.9e-324", "1.7976931348623157e308",
                      "1e400", "-1e400", "1e-400", "0.000000000000000000000000000001", "9007199254740993"])
    func numbersAreExact(text: String) throws {
        guard case .array(let items) = try JSONParser.parse("[\(text)]"), case .number(let x)? = items.first else {
            Issue.record("not a number")
            return
        }
        let expected = Double(text)!
        #expect(x.bitPattern == expected.bitPattern, "\(text): \(x) vs \(expected)")
    }

    @Test(arguments: [
        ("", "byte 0: expected a value, found the end of the input"),
        ("[1, 2", "byte 5: expected ',' or ']', found the end of the input"),
        ("[1 2]", "byte 3: expected ',' or ']', found '2'"),
        ("{\"a\" 1}", "byte 5: expected ':' after the member name, found '1'"),
        ("{a: 1}", "byte 1: expected a quoted member name, found 'a'"),
        ("[01]", "byte 2: a number may not start with 0 followed by digits"),
        ("[1.]", "byte 3: expected a digit after the decimal point, found ']'"),
        ("\"abc", "byte 0: the string has no closing quote"),
        ("[1] x", "byte 4: unexpected 'x' after the JSON value"),
        ("[tru]", "byte 1: expected a value, found 't'"),
        (String(repeating: "[", count: 70), "byte 64: nesting deeper than 64 levels"),
    ])
    func syntaxErrors(text: String, message: String) {
        #expect(throws: JSONParser.SyntaxError.self) { try JSONParser.parse(text) }
        do { _ = try JSONParser.parse(text) } catch { #expect(error.description == message) }
    }
}
