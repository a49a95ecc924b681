import Foundation
import MLCore
import TestSupport
@testable import GradientBoosting

/// The XGBoost fixtures written by scripts/make_gbdt_fixtures.py: one folder per model, trained
/// by xgboost 1.x, 2.x or 3.x, with rows to predict and xgboost's own margins and predictions.
struct ModelFixture: CustomStringConvertible, Sendable {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/xgboost")

    /// Every fixture folder, sorted (`x1-…`, `x2-…`, `x3-…`).
    static let all: [ModelFixture] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        return names.sorted().filter { !$0.hasPrefix(".") }.map(ModelFixture.init)
    }()

    static func named(_ name: String) -> ModelFixture { ModelFixture(name: name) }

    let name: String
    var description: String { name }
    var folder: URL { Self.root.appendingPathComponent(name) }

    func data(_ file: String) throws -> Data { try Data(contentsOf: folder.appendingPathComponent(file)) }

    func meta() throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: data("meta.json")) as! [String: Any]
    }

    func ensemble() throws -> TreeEnsemble { try TreeEnsemble(xgboostJSON: data("model.json")) }

    /// Rows of a CSV file; an empty field is NaN.
    func rows(_ file: String) throws -> [[Float]] {
        let text = String(decoding: try data(file), as: UTF8.self)
        return text.split(separator: "\n").map { line in
            line.split(separator: ",", omittingEmptySubsequences: false).map { $0.isEmpty ? Float.nan : Float(String($0))! }
        }
    }

    /// The features as one row-major buffer and the row count.
    func features() throws -> (values: [Float], rows: Int) {
        let rows = try rows("features.csv")
        return (rows.flatMap { $0 }, rows.count)
    }
}

/// |a − b| ≤ 1e-5 · max(1, |b|): the agreement the codec promises with XGBoost.
func agrees(_ a: Float, _ b: Float, tolerance: Float = 1e-5) -> Bool {
    if a.isNaN || b.isNaN { return a.isNaN && b.isNaN }
    return abs(a - b) <= tolerance * max(1, abs(b))
}

/// A `python3` that can `import xgboost`, or nil (the interoperability tests then skip).
let pythonWithXGBoost: URL? = {
    let candidates = [findOnPath("python3"), "/usr/bin/python3", "/usr/local/bin/python3"].compactMap { $0 }
    for path in candidates where FileManager.default.isExecutableFile(atPath: path) {
        let url = URL(fileURLWithPath: path)
        if (try? runProcess(url, ["-c", "import xgboost"]).status) == 0 { return url }
    }
    return nil
}()

func findOnPath(_ name: String) -> String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
    return path.split(separator: ":").map { "\($0)/\(name)" }.first(where: FileManager.default.isExecutableFile)
}

extension ModelFixture {
    /// xgboost's `get_score` per importance type: feature name (`f0`, …) → value.
    func importance() throws -> [String: [String: Double]] {
        let object = try JSONSerialization.jsonObject(with: data("importance.json")) as! [String: [String: Any]]
        return object.mapValues { $0.mapValues { ($0 as! NSNumber).doubleValue } }
    }
}
