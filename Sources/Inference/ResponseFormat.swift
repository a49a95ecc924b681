import Foundation

/// The answer formats `/invocations` writes (contract §4.3-4.5), chosen from the `Accept` header.
public enum ResponseFormat: String, Sendable, CaseIterable {
    case csv = "text/csv"
    case json = "application/json"
    case jsonlines = "application/jsonlines"
    case recordioProtobuf = "application/x-recordio-protobuf"

    /// The supported types as the 406 message lists them.
    public static let supportedList = "[" + allCases.map(\.rawValue).joined(separator: ", ") + "]"

    /// The format for an `Accept` header.
    ///
    /// Missing, empty or `*/*` takes `defaultAccept`. A list (`application/json, text/csv;q=0.5`)
    /// is tried by decreasing `q`, then in order; `text/*` and `application/*` take the default
    /// when it is of that type, else the first supported type of it. Parameters other than `q`
    /// are ignored.
    ///
    /// - Throws: `InferenceError` 406 naming the header and the supported types.
    public init(accept header: String?, defaultAccept: ResponseFormat) throws(InferenceError) {
        let text = header?.trimmingCharacters(in: .whitespaces) ?? ""
        if text.isEmpty {
            self = defaultAccept
            return
        }
        var ranges: [(type: String, q: Double, order: Int)] = []
        for (order, item) in text.split(separator: ",").enumerated() {
            let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let type = parts.first?.lowercased(), !type.isEmpty else { continue }
            var q = 1.0
            for parameter in parts.dropFirst() where parameter.lowercased().hasPrefix("q=") {
                q = Double(parameter.dropFirst(2)) ?? 1
            }
            if q > 0 { ranges.append((type, q, order)) }
        }
        ranges.sort { $0.q != $1.q ? $0.q > $1.q : $0.order < $1.order }
        for range in ranges {
            if range.type == "*/*" || range.type == "*" {
                self = defaultAccept
                return
            }
            if range.type.hasSuffix("/*") {
                let family = String(range.type.dropLast(1))
                if defaultAccept.rawValue.hasPrefix(family) {
                    self = defaultAccept
                    return
                }
                if let match = Self.allCases.first(where: { $0.rawValue.hasPrefix(family) }) {
                    self = match
                    return
                }
                continue
            }
            if let match = Self(rawValue: range.type) {
                self = match
                return
            }
        }
        throw InferenceError(status: 406, message: "Accept type \(text) is not supported. Please use supported accept types: "
            + "\(Self.supportedList).")
    }
}

