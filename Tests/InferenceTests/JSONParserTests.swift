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
