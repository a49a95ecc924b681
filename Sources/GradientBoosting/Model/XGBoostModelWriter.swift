import MLCore

/// Writes a `TreeEnsemble` as the JSON document XGBoost's `Booster.save_model` writes: compact,
/// keys in sorted order, parameters as strings, `float32` arrays in XGBoost's number spelling.
/// The document is built as UTF-8 bytes (a 500-tree depth-8 model is about 5.5 MB).
struct XGBoostModelWriter {
    let ensemble: TreeEnsemble
    let bestScore: Double?

    func document() throws -> [UInt8] {
        let e = ensemble
        let perRound = e.treesPerRound
        guard perRound > 0, e.trees.count % perRound == 0 else {
            throw OptmlError.algorithm("The model has \(e.trees.count) trees, not a whole number of rounds of \(perRound) trees; it cannot be written in XGBoost's format.")
        }
        guard e.baseScore.isFinite else {
            throw OptmlError.algorithm("The model's base_score is \(e.baseScore); XGBoost's format needs a finite number.")
        }
        var out: [UInt8] = []
        out.reserveCapacity(256 + e.trees.reduce(0) { $0 + $1.nodeCount * 90 })
        out.append(contentsOf: ("{\"learner\":{\"attributes\":{").utf8)
        if let best = e.bestIteration {
            out.append(contentsOf: ("\"best_iteration\":\"\(best)\"").utf8)
            if let score = bestScore, score.isFinite {
                out.append(contentsOf: (",\"best_score\":\"\(score)\"").utf8)
            }
        }
        out.append(contentsOf: ("},\"feature_names\":[],\"feature_types\":[],").utf8)
        out.append(contentsOf: ("\"gradient_booster\":{\"model\":{\"gbtree_model_param\":{\"num_parallel_tree\":\"\(e.parallelTreeCount)\",\"num_trees\":\"\(e.trees.count)\"},").utf8)
        out.append(contentsOf: ("\"iteration_indptr\":[").utf8)
        for round in 0...(e.trees.count / perRound) {
            if round > 0 { out.append(UInt8(ascii: ",")) }
            XGBoostNumberFormat.appendInteger(round * perRound, to: &out)
        }
        out.append(contentsOf: ("],\"tree_info\":[").utf8)
        appendIntegers(e.treeGroups, to: &out)
        out.append(contentsOf: ("],\"trees\":[").utf8)
        for (index, tree) in e.trees.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            try appendTree(tree, id: index, to: &out)
        }
        out.append(contentsOf: ("]},\"name\":\"gbtree\"},").utf8)
        let numClass = e.objective.outputGroups > 1 ? e.objective.classCount : 0
        out.append(contentsOf: ("\"learner_model_param\":{\"base_score\":\"\(XGBoostNumberFormat.float(Float(e.baseScore)))\",\"boost_from_average\":\"1\",").utf8)
        out.append(contentsOf: ("\"num_class\":\"\(numClass)\",\"num_feature\":\"\(e.featureCount)\",\"num_target\":\"1\"},").utf8)
        out.append(contentsOf: ("\"objective\":" + objectiveObject(e.objective)).utf8)
        out.append(contentsOf: ("},\"version\":[" + TreeEnsemble.xgboostFormatVersion.map(String.init).joined(separator: ",") + "]}").utf8)
        return out
    }

    func objectiveObject(_ o: Objective) -> String {
        let name = "{\"name\":\"\(o.kind.rawValue)\""
        let p = XGBoostNumberFormat.parameter
        switch o.kind {
        case .squaredError, .logistic, .binaryLogistic, .binaryLogitRaw, .gamma:
            return name + ",\"reg_loss_param\":{\"scale_pos_weight\":\"\(p(o.scalePositiveWeight))\"}}"
        case .pseudoHuberError:
            return name + ",\"pseudo_huber_param\":{\"huber_slope\":\"\(p(o.huberSlope))\"}}"
        case .quantileError:
            return name + ",\"quantile_loss_param\":{\"quantile_alpha\":\"[\(XGBoostNumberFormat.float(Float(o.quantileAlpha)))]\"}}"
        case .countPoisson:
            return name + ",\"poisson_regression_param\":{\"max_delta_step\":\"\(p(o.maxDeltaStep))\"}}"
        case .tweedie:
            return name + ",\"tweedie_regression_param\":{\"tweedie_variance_power\":\"\(p(o.tweedieVariancePower))\"}}"
        case .multiSoftmax, .multiSoftprob:
            return name + ",\"softmax_multiclass_param\":{\"num_class\":\"\(o.classCount)\"}}"
        case .squaredLogError, .absoluteError, .binaryHinge:
            return name + "}"
        }
    }

    func appendTree(_ t: RegressionTree, id: Int, to out: inout [UInt8]) throws {
        out.append(contentsOf: ("{\"base_weights\":[").utf8)
        try appendFloats(t.baseWeights, tree: id, field: "base_weights", to: &out)
        out.append(contentsOf: ("],\"categories\":[],\"categories_nodes\":[],\"categories_segments\":[],\"categories_sizes\":[],\"default_left\":[").utf8)
        for (i, d) in t.defaultLeft.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            out.append(d ? UInt8(ascii: "1") : UInt8(ascii: "0"))
        }
        out.append(contentsOf: ("],\"id\":\(id),\"left_children\":[").utf8)
        appendIntegers(t.leftChildren, to: &out)
        out.append(contentsOf: ("],\"loss_changes\":[").utf8)
        try appendFloats(t.lossChanges, tree: id, field: "loss_changes", to: &out)
        out.append(contentsOf: ("],\"parents\":[").utf8)
        appendIntegers(t.parents, to: &out)
        out.append(contentsOf: ("],\"right_children\":[").utf8)
        appendIntegers(t.rightChildren, to: &out)
        out.append(contentsOf: ("],\"split_conditions\":[").utf8)
        try appendFloats(t.splitConditions, tree: id, field: "split_conditions", to: &out)
        out.append(contentsOf: ("],\"split_indices\":[").utf8)
        appendIntegers(t.splitIndices, to: &out)
        out.append(contentsOf: ("],\"split_type\":[").utf8)
        for i in 0..<t.nodeCount {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "0"))
        }
        out.append(contentsOf: ("],\"sum_hessian\":[").utf8)
        try appendFloats(t.sumHessians, tree: id, field: "sum_hessian", to: &out)
        out.append(contentsOf: ("],\"tree_param\":{\"num_deleted\":\"0\",\"num_feature\":\"\(ensemble.featureCount)\",\"num_nodes\":\"\(t.nodeCount)\",\"size_leaf_vector\":\"1\"}}").utf8)
    }

    func appendIntegers(_ values: [Int32], to out: inout [UInt8]) {
        for (i, v) in values.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            XGBoostNumberFormat.appendInteger(v, to: &out)
        }
    }

    func appendFloats(_ values: [Float], tree: Int, field: String, to out: inout [UInt8]) throws {
        for (i, v) in values.enumerated() {
            guard v.isFinite else {
                throw OptmlError.algorithm("Tree \(tree) has \(field)[\(i)] = \(v); XGBoost's format needs finite numbers.")
            }
            if i > 0 { out.append(UInt8(ascii: ",")) }
            XGBoostNumberFormat.appendFloat(v, to: &out)
        }
    }
}
