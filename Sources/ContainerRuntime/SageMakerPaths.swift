import Foundation

/// The `/opt/ml` layout (contract §1), rooted at `$SAGEMAKER_BASE_DIR` when set.
public struct SageMakerPaths: Sendable {
    public var root: URL

    public init(root: URL) { self.root = root }

    /// `$SAGEMAKER_BASE_DIR` when set and non-empty, else `/opt/ml`.
    public init(environment: [String: String]) {
        if let base = environment["SAGEMAKER_BASE_DIR"], !base.isEmpty {
            root = URL(fileURLWithPath: base, isDirectory: true)
        } else {
            root = URL(fileURLWithPath: "/opt/ml", isDirectory: true)
        }
    }

    public var inputConfig: URL { root.appendingPathComponent("input/config", isDirectory: true) }
    public var hyperparameters: URL { inputConfig.appendingPathComponent("hyperparameters.json") }
    public var inputDataConfig: URL { inputConfig.appendingPathComponent("inputdataconfig.json") }
    public var resourceConfig: URL { inputConfig.appendingPathComponent("resourceconfig.json") }
    public var data: URL { root.appendingPathComponent("input/data", isDirectory: true) }
    public func channel(_ name: String) -> URL { data.appendingPathComponent(name, isDirectory: true) }
    public var model: URL { root.appendingPathComponent("model", isDirectory: true) }
    public var output: URL { root.appendingPathComponent("output", isDirectory: true) }
    public var outputData: URL { output.appendingPathComponent("data", isDirectory: true) }
    public var failure: URL { output.appendingPathComponent("failure") }
    public var success: URL { output.appendingPathComponent("success") }
}
