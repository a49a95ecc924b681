import Foundation

/// The reader fixtures of `Fixtures/readers/` (written by `scripts/make_reader_fixtures.py`: the
/// SageMaker SDK's RecordIO writers and scikit-learn's `dump_svmlight_file`) and their JSON twins.
enum ReaderFixtures {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/readers", isDirectory: true)

    static let recordFiles = [
        "dense_f32_labeled.rec", "dense_f32_unlabeled.rec", "dense_f64_labeled.rec", "dense_i32_labeled.rec",
        "dense_f32_f64labels.rec", "sparse_f32_labeled.rec", "sparse_f64_unlabeled.rec", "dense_f32_multipart.rec",
    ]

    static func bytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: folder.appendingPathComponent(name)))
    }

    /// What the writer was given.
    struct Expected {
        let kind: String
        let rows: Int
        let columns: Int
        /// Dense fixtures: the rows.
        let features: [[Double]]
        /// Sparse fixtures: CSR arrays as scipy holds them.
        let rowOffsets: [Int]
        let columnIndices: [UInt32]
        let values: [Double]
        let labels: [Double]?
        let queryIDs: [UInt64]?
        let dtype: String?
    }

    static func expected(_ name: String) throws -> Expected {
        let data = try Data(contentsOf: folder.appendingPathComponent(name + ".json"))
        let json = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        // Numbers are stored as decimal strings and converted by strtod (correctly rounded).
        func doubles(_ key: String) -> [Double]? { (json[key] as? [String])?.map { Double($0)! } }
        return Expected(
            kind: json["kind"] as! String,
            rows: (json["rows"] as? NSNumber)?.intValue ?? 0,
            columns: (json["columns"] as? NSNumber)?.intValue ?? 0,
            features: (json["features"] as? [[String]])?.map { $0.map { Double($0)! } } ?? [],
            rowOffsets: (json["row_offsets"] as? [NSNumber])?.map(\.intValue) ?? [],
            columnIndices: (json["column_indices"] as? [NSNumber])?.map { UInt32($0.intValue) } ?? [],
            values: doubles("values") ?? [],
            labels: doubles("labels"),
            queryIDs: (json["query_ids"] as? [NSNumber])?.map { UInt64($0.intValue) },
            dtype: json["dtype"] as? String)
    }
}
