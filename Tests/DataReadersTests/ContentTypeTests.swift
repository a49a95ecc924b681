import MLCore
import Testing
@testable import DataReaders

// contract §1.2: ContentType is free text, compared case-insensitively; parameters may follow.
@Suite("Content types")
struct ContentTypeTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let text: String
        let mediaType: String
        let parameters: [String: String]
        let format: DataFormat?
        let labelSize: Int?
        var testDescription: String { text }
    }

    @Test(arguments: [
        Case(text: "text/csv", mediaType: "text/csv", parameters: [:], format: .csv, labelSize: nil),
        Case(text: "text/csv;label_size=1", mediaType: "text/csv", parameters: ["label_size": "1"], format: .csv, labelSize: 1),
        Case(text: "text/csv; label_size=0", mediaType: "text/csv", parameters: ["label_size": "0"], format: .csv, labelSize: 0),
        Case(text: "text/csv; charset=utf-8", mediaType: "text/csv", parameters: ["charset": "utf-8"], format: .csv, labelSize: nil),
        Case(text: "TEXT/CSV", mediaType: "text/csv", parameters: [:], format: .csv, labelSize: nil),
        Case(text: "  Text/CSV ; Label_Size = 1 ;", mediaType: "text/csv", parameters: ["label_size": "1"], format: .csv, labelSize: 1),
        Case(text: "text/csv; charset=\"UTF-8\"", mediaType: "text/csv", parameters: ["charset": "UTF-8"], format: .csv, labelSize: nil),
        Case(text: "csv", mediaType: "csv", parameters: [:], format: .csv, labelSize: nil),
        Case(text: "application/x-recordio-protobuf", mediaType: "application/x-recordio-protobuf", parameters: [:], format: .recordioProtobuf, labelSize: nil),
        Case(text: "recordio-protobuf", mediaType: "recordio-protobuf", parameters: [:], format: .recordioProtobuf, labelSize: nil),
        Case(text: "text/libsvm", mediaType: "text/libsvm", parameters: [:], format: .libsvm, labelSize: nil),
        Case(text: "text/x-libsvm", mediaType: "text/x-libsvm", parameters: [:], format: .libsvm, labelSize: nil),
        Case(text: "libsvm", mediaType: "libsvm", parameters: [:], format: .libsvm, labelSize: nil),
        Case(text: "application/json", mediaType: "application/json", parameters: [:], format: .json, labelSize: nil),
        Case(text: "application/jsonlines", mediaType: "application/jsonlines", parameters: [:], format: .jsonlines, labelSize: nil),
        Case(text: "application/x-parquet", mediaType: "application/x-parquet", parameters: [:], format: .parquet, labelSize: nil),
        Case(text: "image/png", mediaType: "image/png", parameters: [:], format: nil, labelSize: nil),
    ])
    func parses(_ c: Case) throws {
        let type = try ContentType(parsing: c.text)
        #expect(type.mediaType == c.mediaType)
        #expect(type.parameters == c.parameters)
        #expect(type.format == c.format)
        #expect(type.labelSize == c.labelSize)
    }

    @Test(arguments: [
        ("", "Malformed content type '': the media type is empty (expected a type such as 'text/csv')."),
        ("  ;label_size=1", "Malformed content type '  ;label_size=1': the media type is empty (expected a type such as 'text/csv')."),
        ("text csv", "Malformed content type 'text csv': 'text csv' is not a media type (expected a type such as 'text/csv')."),
        ("text/csv/x", "Malformed content type 'text/csv/x': 'text/csv/x' is not a media type (expected a type such as 'text/csv')."),
        ("text/", "Malformed content type 'text/': 'text/' is not a media type (expected a type such as 'text/csv')."),
        ("text/csv;label_size", "Malformed content type 'text/csv;label_size': parameter 'label_size' has no value (expected key=value)."),
        ("text/csv;=1", "Malformed content type 'text/csv;=1': '=1' is not a key=value parameter."),
        ("text/csv;label_size=1;label_size=0", "Malformed content type 'text/csv;label_size=1;label_size=0': parameter 'label_size' appears twice."),
        ("text/csv;label_size=one", "Malformed content type 'text/csv;label_size=one': label_size must be a non-negative integer, got 'one'."),
        ("text/csv;label_size=-1", "Malformed content type 'text/csv;label_size=-1': label_size must be a non-negative integer, got '-1'."),
        ("text/csv;label_size=1.5", "Malformed content type 'text/csv;label_size=1.5': label_size must be a non-negative integer, got '1.5'."),
    ])
    func rejects(_ text: String, _ expected: String) {
        #expect(errorMessage { _ = try ContentType(parsing: text) } == expected)
        #expect(errorKind { _ = try ContentType(parsing: text) } == .user)
    }

    @Test func equalityIgnoresCaseOfMediaTypeAndKeys() throws {
        #expect(try ContentType(parsing: "TEXT/CSV;LABEL_SIZE=1") == ContentType(parsing: "text/csv; label_size=1"))
        #expect(try ContentType(parsing: "text/csv; charset=utf-8; label_size=1").description == "text/csv; charset=utf-8; label_size=1")
    }
}
