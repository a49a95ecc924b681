import Foundation
import MLCore

/// Times `CSVReader.read` on one file, for `optml parse-bench` and the pandas comparison script
/// (`Benchmarks/peers/csv_parse_peer.py`).
public enum CSVParseBenchmark {
    /// Reads the CSV file at `path` (label in column 1) with `threads` workers into a Float32
    /// (`float32`) or Float64 matrix and returns the row count, the CSV column count (label plus
    /// features) and the wall-clock seconds from opening the file to the finished dataset.
    public static func run(path: String, threads: Int, float32: Bool) throws -> (rows: Int, columns: Int, seconds: Double) {
        let url = URL(fileURLWithPath: path)
        let file = ChannelFile(url: url, relativePath: url.lastPathComponent)
        let options = CSVOptions(hasLabel: true, threads: threads)
        let clock = ContinuousClock()
        let start = clock.now
        let shape: (rows: Int, columns: Int)
        if float32 {
            let data = try CSVReader.read(files: [file], as: Float.self, options: options, source: "bench")
            shape = (data.count, data.featureCount + 1)
        } else {
            let data = try CSVReader.read(files: [file], as: Double.self, options: options, source: "bench")
            shape = (data.count, data.featureCount + 1)
        }
        let elapsed = clock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        return (shape.rows, shape.columns, seconds)
    }

    /// Times reading the libsvm (`libsvm: true`) or RecordIO-protobuf file at `path` into Float32
    /// with `threads` workers, from opening the file to the finished dataset: rows, feature
    /// columns, stored values (non-zeros for sparse data, rows × columns for dense) and seconds.
    public static func run(path: String, libsvm: Bool, threads: Int) throws -> (rows: Int, columns: Int, values: Int, seconds: Double) {
        let url = URL(fileURLWithPath: path)
        let file = ChannelFile(url: url, relativePath: url.lastPathComponent)
        let clock = ContinuousClock()
        let start = clock.now
        let shape: (rows: Int, columns: Int, values: Int)
        if libsvm {
            let data = try LibSVMReader.read(files: [file], as: Float.self, options: LibSVMOptions(threads: threads), source: "bench")
            shape = (data.dataset.count, data.dataset.featureCount, data.dataset.features.columnIndices.count)
        } else {
            switch try RecordIOProtobufReader.read(files: [file], as: Float.self, options: RecordIOProtobufOptions(threads: threads),
                                                   source: "bench") {
            case .dense(let d): shape = (d.count, d.featureCount, d.count * d.featureCount)
            case .sparse(let d): shape = (d.count, d.featureCount, d.features.columnIndices.count)
            }
        }
        let elapsed = clock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        return (shape.rows, shape.columns, shape.values, seconds)
    }
}
