import Foundation
import MLCore

/// Approximate equality with a stated relative and absolute tolerance.
public func isClose(_ a: Double, _ b: Double, relative: Double = 1e-9, absolute: Double = 1e-12) -> Bool {
    if a == b { return true }
    return abs(a - b) <= max(absolute, relative * max(abs(a), abs(b)))
}

/// Seeded synthetic data for tests: nothing random without a seed.
public enum SyntheticData {
    /// Features ~ N(0, 1); y = X·w + bias + noise·N(0, 1).
    public static func regression(rows: Int, features: Int, weights: [Double]? = nil, bias: Double = 0,
                                  noise: Double = 0.1, seed: UInt64) -> (x: DenseMatrix<Double>, y: [Double], w: [Double]) {
        var rng = SeededGenerator(seed: seed)
        let w = weights ?? (0..<features).map { _ in rng.nextGaussian() }
        var x = DenseMatrix<Double>(rows: rows, columns: features)
        var y = [Double](repeating: 0, count: rows)
        for i in 0..<rows {
            var s = bias
            for j in 0..<features {
                let v = rng.nextGaussian()
                x[i, j] = v
                s += v * w[j]
            }
            y[i] = s + noise * rng.nextGaussian()
        }
        return (x, y, w)
    }

    /// Binary labels drawn from a logistic model on Gaussian features.
    public static func binary(rows: Int, features: Int, seed: UInt64) -> (x: DenseMatrix<Double>, y: [Double]) {
        var rng = SeededGenerator(seed: seed)
        let w = (0..<features).map { _ in rng.nextGaussian() }
        var x = DenseMatrix<Double>(rows: rows, columns: features)
        var y = [Double](repeating: 0, count: rows)
        for i in 0..<rows {
            var s = 0.3
            for j in 0..<features {
                let v = rng.nextGaussian()
                x[i, j] = v
                s += v * w[j]
            }
            y[i] = rng.nextUnit() < 1 / (1 + exp(-s)) ? 1 : 0
        }
        return (x, y)
    }
}

/// A temporary SageMaker tree (`input/config`, `input/data/<channel>`, `model`, `output`) for tests.
public struct TemporaryOptML {
    public let root: URL

    public init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("optml-test-\(UUID().uuidString)", isDirectory: true)
        for folder in ["input/config", "input/data", "model", "output"] {
            try FileManager.default.createDirectory(at: root.appendingPathComponent(folder), withIntermediateDirectories: true)
        }
    }

    /// A copy of a bundled dataset's tree (`datasets/<name>/opt_ml`).
    public init(copying dataset: String) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("optml-test-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.copyItem(at: Repository.root.appendingPathComponent("datasets/\(dataset)/opt_ml"), to: root)
    }

    public func url(_ relative: String) -> URL { root.appendingPathComponent(relative) }

    public func write(_ relative: String, _ text: String) throws {
        try write(relative, Data(text.utf8))
    }

    public func write(_ relative: String, _ data: Data) throws {
        let url = self.url(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: url)
    }

    public func writeJSON(_ relative: String, _ object: Any) throws {
        try write(relative, try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]))
    }

    public func read(_ relative: String) -> String? {
        (try? Data(contentsOf: url(relative))).map { String(decoding: $0, as: UTF8.self) }
    }

    public func exists(_ relative: String) -> Bool { FileManager.default.fileExists(atPath: url(relative).path) }

    public func remove() { try? FileManager.default.removeItem(at: root) }

    /// Writes hyperparameters.json, inputdataconfig.json (CSV File-mode channels) and resourceconfig.json.
    public func configure(hyperparameters: [String: String], channels: [String], contentType: String? = "text/csv") throws {
        try writeJSON("input/config/hyperparameters.json", hyperparameters)
        var config: [String: Any] = [:]
        for channel in channels {
            var entry: [String: Any] = ["TrainingInputMode": "File", "S3DistributionType": "FullyReplicated", "RecordWrapperType": "None"]
            if let contentType { entry["ContentType"] = contentType }
            config[channel] = entry
        }
        try writeJSON("input/config/inputdataconfig.json", config)
        try writeJSON("input/config/resourceconfig.json", ["current_host": "algo-1", "hosts": ["algo-1"], "network_interface_name": "eth0"])
    }

    /// Writes rows as CSV, label first.
    public func writeCSV(channel: String, file: String = "data.csv", labels: [Double], features: DenseMatrix<Double>) throws {
        var text = ""
        for i in 0..<labels.count {
            text += formatNumber(labels[i])
            for j in 0..<features.columns { text += "," + formatNumber(features[i, j]) }
            text += "\n"
        }
        try write("input/data/\(channel)/\(file)", text)
    }

    private func formatNumber(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : "\(v)"
    }
}

/// Paths inside the repository and the built executable.
public enum Repository {
    /// The package root (two levels above this file's folder).
    public static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The `optml` executable built next to the test bundle (`swift build` builds it before `swift test`).
    public static var optmlExecutable: URL {
        if let override = ProcessInfo.processInfo.environment["OPTML_BINARY"] { return URL(fileURLWithPath: override) }
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        // On Linux the test runner is `<bin>/optmlPackageTests.xctest`; on macOS it is inside a bundle.
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("optml")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory.deleteLastPathComponent()
        }
        return root.appendingPathComponent(".build/debug/optml")
    }
}

/// The result of running a process to completion.
public struct ProcessResult: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
}

/// Runs `executable` with arguments and extra environment, waiting for it to exit.
public func runProcess(_ executable: URL, _ arguments: [String], environment: [String: String] = [:]) throws -> ProcessResult {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    // Read both pipes to the end before waiting so a chatty child never blocks on a full pipe.
    let group = DispatchGroup()
    nonisolated(unsafe) var errData = Data()
    group.enter()
    DispatchQueue.global().async {
        errData = err.fileHandleForReading.readDataToEndOfFile()
        group.leave()
    }
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    process.waitUntilExit()
    return ProcessResult(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                         stderr: String(decoding: errData, as: UTF8.self))
}

/// Runs `optml train` on `root`, waits until its standard output contains `marker`, sends SIGTERM,
/// and returns the exit status and everything it printed (SIGTERM is sent after 120 s at the latest).
public func trainUntil(_ marker: String, root: URL) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = Repository.optmlExecutable
    process.arguments = ["train"]
    process.environment = ProcessInfo.processInfo.environment.merging(["SAGEMAKER_BASE_DIR": root.path]) { $1 }
    let out = Pipe()
    process.standardOutput = out
    process.standardError = FileHandle.nullDevice
    try process.run()
    var seen = ""
    let deadline = Date().addingTimeInterval(120)
    while !seen.contains(marker), Date() < deadline {
        let chunk = out.fileHandleForReading.availableData
        if chunk.isEmpty { break }
        seen += String(decoding: chunk, as: UTF8.self)
    }
    kill(process.processIdentifier, SIGTERM)
    seen += String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    return (process.terminationStatus, seen)
}

/// `data` gzip-compressed by the system's gzip tool.
public func gzipCompressed(_ data: Data) throws -> Data {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("optml-gz-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let file = folder.appendingPathComponent("data")
    try data.write(to: file)
    let result = try runProcess(URL(fileURLWithPath: "/bin/gzip"), ["-f", file.path])
    precondition(result.status == 0, result.stderr)
    return try Data(contentsOf: folder.appendingPathComponent("data.gz"))
}
