import Foundation
import MLCore

/// One channel's entry in `inputdataconfig.json` (contract §1.2).
public struct ChannelConfig: Sendable, Equatable {
    /// Absent when the channel was created without a content type.
    public var contentType: String?
    /// `File`, `FastFile` or `Pipe`.
    public var inputMode: String
    /// `FullyReplicated` (default, as SDK local mode omits it) or `ShardedByS3Key`.
    public var distribution: String
    /// `None` or `Gzip`.
    public var compression: String
    /// `None` or `RecordIO`.
    public var recordWrapper: String

    public init(contentType: String? = nil, inputMode: String = "File", distribution: String = "FullyReplicated",
                compression: String = "None", recordWrapper: String = "None") {
        self.contentType = contentType
        self.inputMode = inputMode
        self.distribution = distribution
        self.compression = compression
        self.recordWrapper = recordWrapper
    }
}

/// `resourceconfig.json` (contract §1.3): which host this is among the job's hosts.
public struct ResourceConfig: Sendable, Equatable {
    public var currentHost: String
    /// Sorted host names; a host's rank is its index here, never parsed from its name.
    public var hosts: [String]
    public var currentInstanceType: String?

    public init(currentHost: String = "algo-1", hosts: [String] = ["algo-1"], currentInstanceType: String? = nil) {
        self.currentHost = currentHost
        self.hosts = hosts.sorted()
        self.currentInstanceType = currentInstanceType
    }
}

/// The three training configuration files, read and checked.
public struct TrainingConfiguration: Sendable {
    public var hyperparameters: [String: String]
    public var channels: [String: ChannelConfig]
    public var resources: ResourceConfig
    /// Notes about what was assumed (missing files, inferred channels), for the log.
    public var notes: [String]

    /// Reads `input/config/*.json` under `paths`.
    ///
    /// - Throws: `OptmlError.user` naming the file and what is wrong with it.
    public static func load(from paths: SageMakerPaths) throws -> TrainingConfiguration {
        var notes: [String] = []
        var hyperparameters: [String: String] = [:]
        if try readObject(paths.hyperparameters, missingNote: &notes) != nil {
            let values: [String: WireScalar]
            do {
                values = try JSONDecoder().decode([String: WireScalar].self, from: Data(contentsOf: paths.hyperparameters))
            } catch let DecodingError.dataCorrupted(context) {
                throw OptmlError.user("\(paths.hyperparameters.path): hyperparameter '\(context.codingPath.last?.stringValue ?? "?")' "
                    + "must be a string, for example \"max_depth\": \"6\".")
            } catch {
                throw OptmlError.user("\(paths.hyperparameters.path): every value must be a string, for example \"epochs\": \"15\".")
            }
            hyperparameters = values.mapValues(\.text)
        } else {
            notes.append("\(paths.hyperparameters.path) does not exist; no hyperparameters were given.")
        }

        var channels: [String: ChannelConfig] = [:]
        if let object = try readObject(paths.inputDataConfig, missingNote: &notes) {
            for (name, value) in object {
                guard let entry = value as? [String: Any] else {
                    throw OptmlError.user("\(paths.inputDataConfig.path): the entry for channel '\(name)' must be an object such as {\"ContentType\": \"text/csv\", \"TrainingInputMode\": \"File\"}.")
                }
                func field(_ key: String, default def: String) throws -> String {
                    guard let v = entry.first(where: { $0.key.lowercased() == key.lowercased() })?.value else { return def }
                    guard let s = v as? String else {
                        throw OptmlError.user("\(paths.inputDataConfig.path): \(name).\(key) must be a string.")
                    }
                    return s
                }
                let contentType = try entry.keys.contains { $0.lowercased() == "contenttype" } ? field("ContentType", default: "") : nil
                channels[name] = ChannelConfig(
                    contentType: contentType?.isEmpty == true ? nil : contentType,
                    inputMode: try field("TrainingInputMode", default: "File"),
                    distribution: try field("S3DistributionType", default: "FullyReplicated"),
                    compression: try field("CompressionType", default: "None"),
                    recordWrapper: try field("RecordWrapperType", default: "None"))
            }
        } else {
            // Without inputdataconfig.json, every folder under input/data is a File-mode channel.
            let names = (try? FileManager.default.contentsOfDirectory(atPath: paths.data.path)) ?? []
            for name in names where !name.hasPrefix(".") {
                var isDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: paths.channel(name).path, isDirectory: &isDirectory), isDirectory.boolValue {
                    channels[name] = ChannelConfig()
                }
            }
            notes.append("\(paths.inputDataConfig.path) does not exist; channels were taken from the folders in \(paths.data.path): "
                + (channels.keys.sorted().joined(separator: ", ").nilIfEmpty ?? "none") + ".")
        }

        var resources = ResourceConfig()
        if let object = try readObject(paths.resourceConfig, missingNote: &notes) {
            let current = object["current_host"] as? String ?? "algo-1"
            let hosts = object["hosts"] as? [String] ?? [current]
            resources = ResourceConfig(currentHost: current, hosts: hosts, currentInstanceType: object["current_instance_type"] as? String)
            if !resources.hosts.contains(current) {
                throw OptmlError.user("\(paths.resourceConfig.path): current_host '\(current)' is not among hosts \(resources.hosts).")
            }
        }
        return TrainingConfiguration(hyperparameters: hyperparameters, channels: channels, resources: resources, notes: notes)
    }

    static func readObject(_ url: URL, missingNote: inout [String]) throws -> [String: Any]? {
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw OptmlError.platform("Cannot read \(url.path): \(error.localizedDescription)")
        }
        if data.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { return [:] }
        let parsed: Any
        do { parsed = try JSONSerialization.jsonObject(with: data) } catch {
            let detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? error.localizedDescription
            throw OptmlError.user("\(url.path) is not valid JSON: \(detail)")
        }
        guard let object = parsed as? [String: Any] else {
            throw OptmlError.user("\(url.path) must hold a JSON object ({...}).")
        }
        return object
    }
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}

/// A hyperparameter value as found in hyperparameters.json: SageMaker always writes strings, local
/// tools sometimes write numbers or booleans, which are taken as their text.
struct WireScalar: Decodable {
    var text: String

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let s = try? c.decode(String.self) { text = s }
        else if let b = try? c.decode(Bool.self) { text = b ? "true" : "false" }
        else if let i = try? c.decode(Int64.self) { text = String(i) }
        else if let d = try? c.decode(Double.self) { text = String(d) }
        else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "not a string, number or boolean")
        }
    }
}
