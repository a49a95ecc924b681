import Foundation

/// What a training job records next to a model that has no room for it in its own format: the
/// metric of every round, for the training-history chart of `optml evaluate`.
///
/// Stored as `model/.optml-training.json` (a dot-file, so SageMaker's XGBoost serving, which loads
/// every other file of the model directory as an ensemble member, skips it).
public struct TrainingRecord: Codable, Sendable, Equatable {
    public static let fileName = ".optml-training.json"

    /// One metric on one channel, round by round (`nil` where the value was not finite).
    public struct Series: Codable, Sendable, Equatable {
        /// `<channel>-<metric>`, as the round lines print it (`validation-auc`).
        public var name: String
        public var values: [Double?]

        public init(name: String, values: [Double?]) {
            self.name = name
            self.values = values
        }
    }

    public var format = "optml-training-record"
    public var version = 1
    public var algorithm: String
    public var rounds: Int
    /// The round early stopping kept (0-based), when it ran.
    public var bestIteration: Int?
    public var metrics: [Series]

    public init(algorithm: String, rounds: Int, bestIteration: Int?, metrics: [Series]) {
        self.algorithm = algorithm
        self.rounds = rounds
        self.bestIteration = bestIteration
        self.metrics = metrics
    }

    enum CodingKeys: String, CodingKey {
        case format, version, algorithm, rounds, metrics
        case bestIteration = "best_iteration"
    }

    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(self)
    }

    /// The record in `directory`, or nil when there is none or it cannot be read (the history is
    /// an extra; a model without it is still evaluated).
    public static func load(from directory: URL) -> TrainingRecord? {
        guard let data = try? Data(contentsOf: directory.appendingPathComponent(fileName)),
              let record = try? JSONDecoder().decode(TrainingRecord.self, from: data),
              record.format == "optml-training-record" else { return nil }
        return record
    }
}
