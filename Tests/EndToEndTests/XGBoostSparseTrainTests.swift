import Foundation
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `optml train` with `algorithm=xgboost` on libsvm channels: the channels stay sparse (absent
/// entries are missing values, as XGBoost reads libsvm), so a wide sparse channel trains in the
/// memory of its bin matrix, without the rows × features Float matrix.
@Suite(.serialized) struct XGBoostSparseTrainTests {
    /// Seeded libsvm rows: `rows` lines over `columns` features, about `perRow` stored entries
    /// each, label 1 when feature 0 is present and above 0.3 or feature 1 is above 0.8.
    static func libsvm(rows: Int, columns: Int, perRow: Int, seed: UInt64, maxIndex: Int? = nil) -> String {
        var generator = SplitMix(seed: seed)
        let top = maxIndex ?? (columns - 1)
        var text = ""
        text.reserveCapacity(rows * (perRow + 2) * 12)
        for _ in 0..<rows {
            var entries: [Int: Double] = [:]
            if generator.nextUnit() < 0.6 { entries[0] = generator.nextUnit() }
            if generator.nextUnit() < 0.6 { entries[1] = generator.nextUnit() }
            while entries.count < perRow { entries[2 + Int(generator.next() % UInt64(top - 1))] = generator.nextUnit() }
            let label = (entries[0] ?? 0) > 0.3 || (entries[1] ?? 0) > 0.8 ? 1 : 0
            text += "\(label)"
            for (index, value) in entries.sorted(by: { $0.key < $1.key }) {
                text += " \(index):" + String(format: "%.4f", value)
            }
            text += "\n"
        }
        return text
    }

    static func configure(_ tree: TemporaryOptML, _ hyperparameters: [String: String], channels: [String]) throws {
        try tree.configure(hyperparameters: hyperparameters, channels: channels, contentType: "text/libsvm")
    }

    /// Runs `optml train` on `tree` and returns its exit status, output and peak resident memory
    /// (as the job reports it; `Int.max` when it reports none).
    static func trainMeasured(_ tree: TemporaryOptML) throws -> (status: Int32, stdout: String, peakBytes: Int) {
        let outPath = tree.url("stdout.txt").path
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let executable = Repository.optmlExecutable.path
        var environment = ProcessInfo.processInfo.environment
        environment["SAGEMAKER_BASE_DIR"] = tree.root.path
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup(executable), strdup("train"), nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for p in argv + envp { free(p) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        try #require(spawned == 0, "posix_spawn failed: \(spawned)")
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let exited = status & 0x7f == 0
        let stdout = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        // The job's own `#memory:` line (its VmHWM). `usage.ru_maxrss` would not do: posix_spawn
        // starts the child on this process's memory, and the kernel carries that resident set
        // over the `exec`, so the figure is never below this test process's own size.
        let peak = stdout.split(separator: "\n").lazy.compactMap { line -> Int? in
            line.hasPrefix("#memory: peak_rss_bytes=") ? Int(line.dropFirst("#memory: peak_rss_bytes=".count)) : nil
        }.first ?? Int.max
        return (exited ? (status >> 8) & 0xff : 128 + (status & 0x7f), stdout, peak)
    }

    /// 20 000 rows × 2 500 features at 0.2 % density: 100 000 stored entries (about 1 MB as CSR,
    /// 1.6 MB of text), 200 MB as a dense Float matrix; training keeps the bins of the stored
    /// entries only (0.6 MB: 4 bytes each, as the features have more than 65 536 bins in all, and
    /// 8 per row). The job trains, prints its round lines and says the channels are sparse, and its
    /// peak memory stays below the dense matrix alone — main's path (densify with NaN, then bin)
    /// needed more than dense + bins. Depth 1 keeps the debug-build run short, so the peak is the
    /// process, the bins and a few node histograms. It runs with every core and with `nthread` 32,
    /// as on a large instance: threads share a node's histogram by feature range, with no
    /// histogram per thread, so the peak does not grow with the cores (on the one-byte matrix it
    /// once did, by a 10 MB histogram per thread, and passed 200 MB on a machine with a dozen cores).
    @Test(arguments: [nil, "32"])
    func wideLibSVMChannelTrainsWithoutTheDenseMatrix(nthread: String?) throws {
        let tree = try TemporaryOptML()
        defer { tree.remove() }
        let rows = 20_000, columns = 2_500
        try tree.write("input/data/train/part-0", Self.libsvm(rows: rows, columns: columns, perRow: 5, seed: 1))
        // The validation file never uses the last 500 features: as libsvm it is 2 000 columns wide
        // and is widened to the train channel's 2 500 (absent columns are missing anyway).
        try tree.write("input/data/validation/part-0", Self.libsvm(rows: 2_000, columns: columns, perRow: 5, seed: 2, maxIndex: 1_999))
        var hyperparameters = ["algorithm": "xgboost", "objective": "binary:logistic", "num_round": "4", "max_depth": "1",
                               "eta": "0.5", "eval_metric": "logloss,auc"]
        hyperparameters["nthread"] = nthread
        try Self.configure(tree, hyperparameters, channels: ["train", "validation"])
        let (status, stdout, peak) = try Self.trainMeasured(tree)
        #expect(status == 0, "\(stdout)")
        #expect(stdout.contains("Channel 'train' is sparse (20000 rows × 2500 features, 100000 stored entries, density 0.2 %); "
            + "its stored entries binned, histograms over them only (bins 0.6 MB)."), "\(stdout)")
        #expect(stdout.contains("Channel 'validation' is sparse (2000 rows × 2500 features, 10000 stored entries, density 0.2 %); "
            + "evaluated without a dense copy."), "\(stdout)")
        let rounds = stdout.split(separator: "\n").filter { $0.hasPrefix("[") }
        #expect(rounds.count == 4)
        let pattern = #/^\[3\]\ttrain-logloss:0\.\d{5}\ttrain-auc:0\.\d{5}\tvalidation-logloss:0\.\d{5}\tvalidation-auc:(0\.\d{5})$/#
        let last = try #require(rounds.last.flatMap { $0.wholeMatch(of: pattern) }, "\(rounds)")
        #expect(Double(last.1)! > 0.8)
        #expect(tree.exists("model/xgboost-model") && tree.exists("output/success"))
        let dense = rows * columns * MemoryLayout<Float>.size
        #expect(peak < dense, "peak RSS \(peak / 1_000_000) MB; the dense Float matrix alone is \(dense / 1_000_000) MB")
        print("wide libsvm job (nthread \(nthread ?? "unset")): peak RSS \(peak / 1_000_000) MB, dense Float matrix \(dense / 1_000_000) MB")
    }

    /// A validation channel using a feature the train channel never has names both channels and
    /// their widths.
    @Test func validationWiderThanTrainIsRejected() throws {
        let tree = try TemporaryOptML()
        defer { tree.remove() }
        try tree.write("input/data/train/part-0", "1 0:1 3:2\n0 1:1\n")
        try tree.write("input/data/validation/part-0", "1 0:1 6:2\n")
        try Self.configure(tree, ["algorithm": "xgboost", "objective": "binary:logistic", "num_round": "2"],
                           channels: ["train", "validation"])
        let (status, stdout, _) = try Self.trainMeasured(tree)
        #expect(status != 0, "\(stdout)")
        #expect(tree.read("output/failure")?.trimmingCharacters(in: .newlines) == "ClientError: The validation channel has 7 feature columns (feature indices up to 6) but "
            + "the train channel has 4; the model only knows the train channel's features, so validation rows need feature "
            + "indices below 4.", "\(tree.read("output/failure") ?? "")")
    }

    /// The same rows as libsvm (absent entries) and as CSV (empty fields) train the same model,
    /// byte for byte, and print the same round lines.
    @Test func libsvmTrainsTheModelCSVWithEmptyFieldsTrains() throws {
        let text = Self.libsvm(rows: 400, columns: 30, perRow: 6, seed: 5)
        var csv = ""
        for line in text.split(separator: "\n") {
            let tokens = line.split(separator: " ")
            var fields = [String](repeating: "", count: 30)
            for token in tokens.dropFirst() {
                let parts = token.split(separator: ":")
                fields[Int(parts[0])!] = String(parts[1])
            }
            csv += tokens[0] + "," + fields.joined(separator: ",") + "\n"
        }
        let hyperparameters = ["algorithm": "xgboost", "objective": "reg:squarederror", "num_round": "6", "max_depth": "3"]
        var outputs: [(stdout: String, model: Data)] = []
        for (file, content, type) in [("part-0", text, "text/libsvm"), ("part-0.csv", csv, "text/csv")] {
            let tree = try TemporaryOptML()
            defer { tree.remove() }
            try tree.write("input/data/train/\(file)", content)
            try tree.configure(hyperparameters: hyperparameters, channels: ["train"], contentType: type)
            let (status, stdout, _) = try Self.trainMeasured(tree)
            #expect(status == 0, "\(stdout)")
            outputs.append((stdout, try Data(contentsOf: tree.url("model/xgboost-model"))))
        }
        func rounds(_ s: String) -> [Substring] { s.split(separator: "\n").filter { $0.hasPrefix("[") } }
        #expect(rounds(outputs[0].stdout).count == 6)
        #expect(rounds(outputs[0].stdout) == rounds(outputs[1].stdout))
        #expect(outputs[0].model == outputs[1].model)
    }
}

/// A seeded splitmix64 generator (this test target links no module of the package).
private struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func nextUnit() -> Double { Double(next() >> 11) * 0x1.0p-53 }
}
