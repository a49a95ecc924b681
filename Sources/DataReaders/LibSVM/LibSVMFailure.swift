/// Why a libsvm line could not be stored, located well enough to build the message afterwards.
struct LibSVMFailure: Sendable {
    enum Kind: Sendable {
        case badLabel
        case badWeight
        case negativeWeight
        case badQueryID
        /// A token without the `index:value` shape.
        case notAPair
        case badIndex
        case indexTooLarge
        case badValue
        case duplicateIndex
        /// Some lines carry a weight (or qid) and this one does not, or the reverse.
        case inconsistentWeight
        case inconsistentQueryID
    }

    var kind: Kind
    /// Line number counted from the chunk's first line (0-based), made absolute when reported.
    var line: Int
    /// Byte offsets in the input's text.
    var lineOffset: Int
    var tokenOffset: Int
    /// For `indexTooLarge` and `duplicateIndex`: the index.
    var index: UInt64 = 0
}
