import Foundation
import MLCore

/// Reading and writing XGBoost's model format (the `xgboost-model` file of SageMaker's XGBoost).
///
/// The written document follows the schema XGBoost ≥ 1.0 writes with `Booster.save_model("*.json")`
/// (keys sorted, `float32` values in XGBoost's spelling, `base_score` as a scalar string, which
/// every version from 1.0 to 3.x reads). Reading accepts JSON and UBJSON models written by XGBoost
/// 1.x, 2.x and 3.x, including 3.x's bracketed and per-class `base_score`.
extension TreeEnsemble {
    /// The version written in the model's `version` field: the XGBoost of SageMaker's 3.0-5 image.
    public static let xgboostFormatVersion = [3, 0, 5]

    /// Reads a model saved by XGBoost (`Booster.save_model`), as JSON or UBJSON (told apart by the
    /// first bytes, as XGBoost does), or written by `xgboostJSON()`.
    ///
    /// Per-class `base_score` vectors (XGBoost ≥ 3.1 multi-class models) are folded into the leaf
    /// values of the first round's trees, which leaves every margin unchanged up to `float32` rounding.
    ///
    /// - Throws: `OptmlError.user` for documents that are not XGBoost tree models, and for models
    ///   this runtime cannot predict: the `gblinear` and `dart` boosters, categorical splits,
    ///   multi-target trees, and ranking or survival objectives.
    public init(xgboostJSON data: Data) throws {
        let bytes = [UInt8](data)
        var first = 0
        while first < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[first]) { first += 1 }
        guard first < bytes.count, bytes[first] == UInt8(ascii: "{") else {
            if bytes.starts(with: Array("binf".utf8)) || bytes.starts(with: [0x00, 0x00, 0x00, 0x3F]) {
                throw OptmlError.user("The model is in XGBoost's old binary format, which is not supported. Load it with XGBoost and save it again as JSON: booster.save_model('xgboost-model.json').")
            }
            throw OptmlError.user("The model is not an XGBoost JSON or UBJSON document (it does not start with '{'). Pickled models are not supported; save the booster with booster.save_model('xgboost-model.json').")
        }
        var next = first + 1
        while next < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[next]) { next += 1 }
        let document: ModelDocument
        if next < bytes.count, bytes[next] == UInt8(ascii: "\"") || bytes[next] == UInt8(ascii: "}") {
            document = try ModelJSONParser.parse(bytes)
        } else {
            document = try ModelUBJSONParser.parse(bytes)
        }
        self = try XGBoostModelReader(document: document).ensemble()
    }

    /// The model as an XGBoost JSON document that `xgboost.Booster(model_file=...)` loads and
    /// predicts identically.
    ///
    /// - Parameter bestScore: written with `bestIteration` as the `best_score` attribute (the
    ///   early-stopping metric's best value), as XGBoost's early stopping records it.
    /// - Throws: `OptmlError.algorithm` when a tree holds a non-finite value (no JSON spelling) or
    ///   the trees do not match `treesPerRound`.
    public func xgboostJSON(bestScore: Double? = nil) throws -> Data {
        Data(try XGBoostModelWriter(ensemble: self, bestScore: bestScore).document())
    }

    /// The ensemble cut after `bestIteration` (a copy without the later rounds and without
    /// `bestIteration`), the form SageMaker's XGBoost saves after early stopping, so that every
    /// XGBoost that loads the file predicts with the best round.
    public func truncatedToBestIteration() -> TreeEnsemble {
        guard bestIteration != nil else { return self }
        let used = usedTreeCount
        return TreeEnsemble(objective: objective, featureCount: featureCount, baseScore: baseScore,
                            trees: Array(trees[0..<used]), treeGroups: Array(treeGroups[0..<used]),
                            parallelTreeCount: parallelTreeCount, bestIteration: nil)
    }
}

/// Turns a parsed model document into a `TreeEnsemble`, with messages that name the field.
struct XGBoostModelReader {
    let document: ModelDocument

    func failure(_ what: String) -> OptmlError {
        OptmlError.user("The XGBoost model is malformed: \(what).")
    }

    func member(_ doc: ModelDocument?, _ key: String, in path: String) throws -> ModelDocument {
        guard let value = doc?[key] else { throw failure("'\(path)' has no '\(key)'") }
        return value
    }

    func integer(_ doc: ModelDocument?, _ key: String, in path: String) throws -> Int {
        guard let v = try member(doc, key, in: path).int else { throw failure("'\(path).\(key)' is not an integer") }
        return v
    }

    func ensemble() throws -> TreeEnsemble {
        guard let learner = document["learner"] else {
            throw OptmlError.user("The document is not an XGBoost model: it has no 'learner' object.")
        }
        let booster = try member(learner, "gradient_booster", in: "learner")
        let boosterName = booster["name"]?.text ?? "?"
        switch boosterName {
        case "gbtree": break
        case "dart":
            throw OptmlError.user("The XGBoost model uses booster 'dart', which is not supported; only 'gbtree' models can be loaded.")
        case "gblinear":
            throw OptmlError.user("The XGBoost model uses booster 'gblinear' (a linear model), which is not supported; only 'gbtree' models can be loaded.")
        default:
            throw OptmlError.user("The XGBoost model uses booster '\(boosterName)'; only 'gbtree' models can be loaded.")
        }
        let model = try member(booster, "model", in: "learner.gradient_booster")
        let modelParam = try member(model, "gbtree_model_param", in: "learner.gradient_booster.model")
        let parallel = max(1, modelParam["num_parallel_tree"]?.int ?? 1)
        guard let treeDocs = try member(model, "trees", in: "learner.gradient_booster.model").elements else {
            throw failure("'trees' is not an array")
        }
        let treeInfo = try int32s(try member(model, "tree_info", in: "learner.gradient_booster.model"), "tree_info")

        let lmp = try member(learner, "learner_model_param", in: "learner")
        let numClass = lmp["num_class"]?.int ?? 0
        let numFeature = try integer(lmp, "num_feature", in: "learner.learner_model_param")
        if let targets = lmp["num_target"]?.int, targets > 1 {
            throw OptmlError.user("The XGBoost model has \(targets) targets (multi-output regression), which is not supported; only single-target and multi-class models can be loaded.")
        }
        if let types = learner["feature_types"]?.elements, types.contains(where: { $0.text == "c" }) {
            throw OptmlError.user("The XGBoost model has categorical features (feature_types 'c'), which are not supported; train with numerically encoded features.")
        }

        let objective = try readObjective(try member(learner, "objective", in: "learner"), numClass: numClass)
        let groups = objective.outputGroups
        guard treeInfo.count == treeDocs.count else {
            throw failure("'tree_info' has \(treeInfo.count) entries for \(treeDocs.count) trees")
        }
        if let bad = treeInfo.firstIndex(where: { $0 < 0 || Int($0) >= groups }) {
            throw failure("tree \(bad) belongs to output group \(treeInfo[bad]) but the objective has \(groups)")
        }
        let perRound = groups * parallel
        guard treeDocs.count % perRound == 0 else {
            throw failure("\(treeDocs.count) trees is not a whole number of rounds of \(perRound) trees")
        }
        if let indptr = model["iteration_indptr"]?.elements {
            for (i, v) in indptr.enumerated() where v.int != i * perRound {
                throw OptmlError.user("The XGBoost model's rounds do not all have \(perRound) trees (iteration_indptr \(i) is \(v.text ?? "?")), which is not supported.")
            }
        }
        var trees: [RegressionTree] = []
        trees.reserveCapacity(treeDocs.count)
        for (i, doc) in treeDocs.enumerated() {
            trees.append(try readTree(doc, index: i, featureCount: numFeature))
        }

        var bestIteration: Int?
        if let attributes = learner["attributes"], let text = attributes["best_iteration"]?.text {
            guard let best = Int(text), best >= 0 else { throw failure("attribute best_iteration '\(text)' is not a round number") }
            bestIteration = best
        }

        // base_score: "5E-1" (1.x, 2.x), "[5E-1]" or one value per class (3.x).
        let baseText = try member(lmp, "base_score", in: "learner.learner_model_param").text ?? ""
        let scores = try baseScores(baseText)
        var ensemble = TreeEnsemble(objective: objective, featureCount: numFeature, baseScore: scores[0], trees: trees,
                                    treeGroups: treeInfo, parallelTreeCount: parallel, bestIteration: bestIteration)
        if scores.count > 1 {
            guard scores.count == groups else {
                throw failure("base_score has \(scores.count) values for \(groups) output groups")
            }
            try ensemble.foldIntercepts(scores)
        }
        return ensemble
    }

    func baseScores(_ text: String) throws -> [Double] {
        var body = Substring(text.trimmingCharacters(in: .whitespaces))
        if body.hasPrefix("[") && body.hasSuffix("]") { body = body.dropFirst().dropLast() }
        let values = body.split(separator: ",").map { Float($0.trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty, values.allSatisfy({ $0 != nil && $0!.isFinite }) else {
            throw failure("base_score '\(text)' is not a number")
        }
        return values.map { Double($0!) }
    }

    func readObjective(_ doc: ModelDocument, numClass: Int) throws -> Objective {
        guard let name = doc["name"]?.text else { throw failure("'learner.objective' has no name") }
        let kind: Objective.Kind
        if name == "reg:linear" {
            kind = .squaredError
        } else if let known = Objective.Kind(rawValue: name) {
            kind = known
        } else {
            throw OptmlError.user("The XGBoost model's objective '\(name)' is not supported; supported objectives: "
                + Objective.Kind.allCases.map(\.rawValue).joined(separator: ", ") + ".")
        }
        func parameter(_ group: String, _ key: String) throws -> Double? {
            guard let text = doc[group]?[key]?.text else { return nil }
            let trimmed = text.trimmingCharacters(in: CharacterSet(charactersIn: "[] "))
            // XGBoost keeps these in float32 and writes nine digits ("0.699999988"); the shortest
            // decimal of that float is the value the user gave ("0.7").
            guard let single = Float(trimmed.split(separator: ",").first.map(String.init) ?? ""),
                  let v = Double(single.description) else {
                throw failure("objective parameter \(group).\(key) '\(text)' is not a number")
            }
            if trimmed.contains(",") {
                throw OptmlError.user("The XGBoost model predicts several quantiles (\(key) '\(text)'), which is not supported; train one model per quantile.")
            }
            return v
        }
        var objective = Objective(kind: kind)
        switch kind {
        case .multiSoftmax, .multiSoftprob:
            let k = try parameter("softmax_multiclass_param", "num_class").map { Int($0) } ?? numClass
            guard k >= 2 else { throw failure("objective '\(name)' has num_class \(k)") }
            objective.classCount = k
        default:
            objective.classCount = 1
        }
        if let v = try parameter("reg_loss_param", "scale_pos_weight") { objective.scalePositiveWeight = v }
        if let v = try parameter("pseudo_huber_param", "huber_slope") { objective.huberSlope = v }
        if let v = try parameter("quantile_loss_param", "quantile_alpha") { objective.quantileAlpha = v }
        if let v = try parameter("tweedie_regression_param", "tweedie_variance_power") { objective.tweedieVariancePower = v }
        if kind == .countPoisson {
            objective.maxDeltaStep = try parameter("poisson_regression_param", "max_delta_step") ?? 0.7
        }
        return objective
    }

    func floats(_ doc: ModelDocument, _ field: String, tree: Int) throws -> [Float] {
        switch doc {
        case .floats(let values): return values
        case .integers(let values): return values.map { Float($0) }
        case .array(let items):
            var out = [Float](repeating: 0, count: items.count)
            for (i, item) in items.enumerated() {
                guard let text = item.text, let v = Float(text) else {
                    throw failure("tree \(tree) '\(field)'[\(i)] is not a number")
                }
                out[i] = v
            }
            return out
        default:
            throw failure("tree \(tree) '\(field)' is not an array")
        }
    }

    func int32s(_ doc: ModelDocument, _ field: String, tree: Int? = nil) throws -> [Int32] {
        let place = tree.map { "tree \($0) '\(field)'" } ?? "'\(field)'"
        switch doc {
        case .integers(let values):
            guard values.allSatisfy({ $0 >= Int64(Int32.min) && $0 <= Int64(Int32.max) }) else { throw failure("\(place) holds a value out of range") }
            return values.map { Int32($0) }
        case .array(let items):
            var out = [Int32](repeating: 0, count: items.count)
            for (i, item) in items.enumerated() {
                guard let v = item.int, let narrow = Int32(exactly: v) else { throw failure("\(place)[\(i)] is not an integer") }
                out[i] = narrow
            }
            return out
        default:
            throw failure("\(place) is not an array")
        }
    }

    func readTree(_ doc: ModelDocument, index: Int, featureCount: Int) throws -> RegressionTree {
        func field(_ key: String) throws -> ModelDocument {
            guard let v = doc[key] else { throw failure("tree \(index) has no '\(key)'") }
            return v
        }
        if let leafVector = doc["tree_param"]?["size_leaf_vector"]?.int, leafVector > 1 {
            throw OptmlError.user("The XGBoost model has multi-target trees (size_leaf_vector \(leafVector)), which are not supported.")
        }
        let left = try int32s(try field("left_children"), "left_children", tree: index)
        let right = try int32s(try field("right_children"), "right_children", tree: index)
        let parents = try int32s(try field("parents"), "parents", tree: index)
        let splitIndices = try int32s(try field("split_indices"), "split_indices", tree: index)
        let conditions = try floats(try field("split_conditions"), "split_conditions", tree: index)
        let defaultLeft = try int32s(try field("default_left"), "default_left", tree: index).map { $0 != 0 }
        let n = left.count
        let baseWeights = try doc["base_weights"].map { try floats($0, "base_weights", tree: index) } ?? [Float](repeating: 0, count: n)
        let lossChanges = try doc["loss_changes"].map { try floats($0, "loss_changes", tree: index) } ?? [Float](repeating: 0, count: n)
        let hessians = try doc["sum_hessian"].map { try floats($0, "sum_hessian", tree: index) } ?? [Float](repeating: 0, count: n)
        if let types = doc["split_type"], try int32s(types, "split_type", tree: index).contains(where: { $0 != 0 }) {
            throw OptmlError.user("The XGBoost model's tree \(index) has categorical splits, which are not supported; train with numerically encoded features.")
        }
        let counts = [right.count, parents.count, splitIndices.count, conditions.count, defaultLeft.count,
                      baseWeights.count, lossChanges.count, hessians.count]
        guard n > 0, counts.allSatisfy({ $0 == n }) else {
            throw failure("tree \(index) has node arrays of different lengths")
        }
        if let declared = doc["tree_param"]?["num_nodes"]?.int, declared != n {
            throw failure("tree \(index) declares \(declared) nodes but has \(n)")
        }
        // Every node reachable from the root must be reached once only (so walks end), point at
        // nodes of this tree and split on a feature the rows have. Nodes XGBoost deleted while
        // pruning stay in the arrays, unreachable.
        var seen = [Bool](repeating: false, count: n)
        var stack = [0]
        while let node = stack.popLast() {
            guard !seen[node] else { throw failure("tree \(index) reaches node \(node) twice") }
            seen[node] = true
            guard left[node] != -1 else { continue }
            let l = Int(left[node]), r = Int(right[node])
            guard l >= 0, l < n, r >= 0, r < n else {
                throw failure("tree \(index) node \(node) has children \(l) and \(r) outside the tree")
            }
            guard splitIndices[node] >= 0, Int(splitIndices[node]) < featureCount else {
                throw failure("tree \(index) node \(node) splits on feature \(splitIndices[node]) but the model has \(featureCount) features")
            }
            stack.append(r)
            stack.append(l)
        }
        return RegressionTree(leftChildren: left, rightChildren: right, parents: parents, splitIndices: splitIndices,
                              splitConditions: conditions, defaultLeft: defaultLeft, baseWeights: baseWeights,
                              lossChanges: lossChanges, sumHessians: hessians)
    }
}

extension TreeEnsemble {
    /// Folds per-group starting margins into the first round's trees: `baseScore` becomes the
    /// first group's score and every other group's difference is added to the leaves of its
    /// first tree.
    ///
    /// - Parameter scores: one `base_score` per output group, in output space (margins for the
    ///   multi-class objectives, whose link is the identity here).
    mutating func foldIntercepts(_ scores: [Double]) throws {
        let reference = try objective.baseMargin(fromBaseScore: scores[0])
        baseScore = scores[0]
        for group in 1..<scores.count {
            let delta = try objective.baseMargin(fromBaseScore: scores[group]) - reference
            if delta == 0 { continue }
            guard let t = treeGroups.firstIndex(of: Int32(group)) else {
                throw OptmlError.user("The XGBoost model has a different base_score per class but no trees for class \(group); such a model is not supported.")
            }
            for node in 0..<trees[t].nodeCount where trees[t].isLeaf(node) {
                trees[t].splitConditions[node] += delta
            }
        }
    }
}
