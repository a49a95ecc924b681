import Foundation
import MLCore
import LinearLearner

/// The versioned model file optml writes into `/opt/ml/model` and reloads for prediction.
///
/// JSON with sorted keys: `format` ("optml-model"), `format_version`, `algorithm`, `feature_count`,
/// `hyperparameters` (the final configuration in wire form), `training` (how the model was found)
/// and `model` (the algorithm's own payload). A reader rejects unknown formats and newer versions
/// with a message naming the file.
public struct ModelArtifact: Sendable, Codable, Equatable {
    public static let formatName = "optml-model"
    public static let currentVersion = 1

    /// What the algorithm learned.
    public enum Payload: Sendable, Equatable {
        case linearLearner(LinearModel)
    }

    public struct TrainingSummary: Sendable, Codable, Equatable {
        public var method: String
        public var iterations: Int
        public var converged: Bool
        public var objective: Double
        /// Objective value per iteration (or epoch), for training-history charts.
        public var history: [Double]
        public var modelsTrained: Int
        public var selectedWD: Double?
        public var selectedL1: Double?
        public var selectedPositiveWeight: Double?
        public var trainRows: Int

        public init(method: String, iterations: Int, converged: Bool, objective: Double, history: [Double],
                    modelsTrained: Int, selectedWD: Double?, selectedL1: Double?, selectedPositiveWeight: Double?, trainRows: Int) {
            self.method = method
            self.iterations = iterations
            self.converged = converged
            self.objective = objective
            self.history = history
            self.modelsTrained = modelsTrained
            self.selectedWD = selectedWD
            self.selectedL1 = selectedL1
            self.selectedPositiveWeight = selectedPositiveWeight
            self.trainRows = trainRows
        }

        enum CodingKeys: String, CodingKey {
            case method, iterations, converged, objective, history
            case modelsTrained = "models_trained"
            case selectedWD = "selected_wd"
            case selectedL1 = "selected_l1"
            case selectedPositiveWeight = "selected_positive_example_weight_mult"
            case trainRows = "train_rows"
        }
    }

    public var formatVersion: Int
    public var algorithm: String
    public var featureCount: Int
    public var hyperparameters: [String: String]
    public var training: TrainingSummary?
    public var payload: Payload

    public init(algorithm: String, featureCount: Int, hyperparameters: [String: String], training: TrainingSummary?, payload: Payload) {
        self.formatVersion = Self.currentVersion
        self.algorithm = algorithm
        self.featureCount = featureCount
        self.hyperparameters = hyperparameters
        self.training = training
        self.payload = payload
    }

    enum CodingKeys: String, CodingKey {
        case format
        case formatVersion = "format_version"
        case algorithm
        case featureCount = "feature_count"
        case hyperparameters, training, model
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let format = try c.decode(String.self, forKey: .format)
        guard format == Self.formatName else {
            throw DecodingError.dataCorruptedError(forKey: .format, in: c, debugDescription: "format is '\(format)', expected '\(Self.formatName)'")
        }
        formatVersion = try c.decode(Int.self, forKey: .formatVersion)
        guard formatVersion >= 1, formatVersion <= Self.currentVersion else {
            throw DecodingError.dataCorruptedError(forKey: .formatVersion, in: c,
                debugDescription: "format_version \(formatVersion) is newer than this optml reads (\(Self.currentVersion)); use a newer optml")
        }
        algorithm = try c.decode(String.self, forKey: .algorithm)
        featureCount = try c.decode(Int.self, forKey: .featureCount)
        hyperparameters = try c.decode([String: String].self, forKey: .hyperparameters)
        training = try c.decodeIfPresent(TrainingSummary.self, forKey: .training)
        switch algorithm {
        case "linear-learner":
            payload = .linearLearner(try c.decode(LinearModel.self, forKey: .model))
        default:
            throw DecodingError.dataCorruptedError(forKey: .algorithm, in: c, debugDescription: "unknown algorithm '\(algorithm)'")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(Self.formatName, forKey: .format)
        try c.encode(formatVersion, forKey: .formatVersion)
        try c.encode(algorithm, forKey: .algorithm)
        try c.encode(featureCount, forKey: .featureCount)
        try c.encode(hyperparameters, forKey: .hyperparameters)
        try c.encodeIfPresent(training, forKey: .training)
        switch payload {
        case .linearLearner(let model): try c.encode(model, forKey: .model)
        }
    }

    /// The artifact as bytes: pretty-printed JSON with sorted keys, so equal models give equal files.
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        var data = try encoder.encode(self)
        data.append(0x0A)
        return data
    }

    /// Reads an artifact file.
    ///
    /// - Throws: `OptmlError.user` naming the file and what is wrong with it.
    public static func load(contentsOf url: URL) throws -> ModelArtifact {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw OptmlError.user("Cannot read the model file \(url.path): \(error.localizedDescription)")
        }
        do {
            return try JSONDecoder().decode(ModelArtifact.self, from: data)
        } catch let DecodingError.dataCorrupted(context) {
            throw OptmlError.user("The model file \(url.path) is not an optml model: \(context.debugDescription).")
        } catch let DecodingError.keyNotFound(key, _) {
            throw OptmlError.user("The model file \(url.path) is not an optml model: the key '\(key.stringValue)' is missing.")
        } catch {
            throw OptmlError.user("The model file \(url.path) is not an optml model: \(error).")
        }
    }
}
