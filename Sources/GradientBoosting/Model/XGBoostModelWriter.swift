import MLCore

/// Writes a `TreeEnsemble` as the JSON document XGBoost's `Booster.save_model` writes: compact,
/// keys in sorted order, parameters as strings, `float32` arrays in XGBoost's number spelling.
struct XGBoostModelWriter {
    let ensemble: TreeEnsemble
    let bestScore: Double?

    func document() throws -> String {
        let e = ensemble
        let perRound = e.treesPerRound
        guard perRound > 0, e.trees.count % perRound == 0 else {
            throw OptmlError.algorithm("The model has \(e.trees.count) trees, not a whole number of rounds of \(perRound) trees; it cannot be written in XGBoost's format.")
        }
        guard e.baseScore.isFinite else {
            throw OptmlError.algorithm("The model's base_score is \(e.baseScore); XGBoost's format needs a finite number.")
        }
        var out = ""
        out.reserveCapacity(256 + e.trees.reduce(0) { $0 + $1.nodeCount * 90 })
        out += "{\"learner\":{\"attributes\":{"
        if let best = e.bestIteration {
            out += "\"best_iteration\":\"\(best)\""
            if let score = bestScore, score.isFinite {
                out += ",\"best_score\":\"\(score)\""
            }
        }
        out += "},\"feature_names\":[],\"feature_types\":[],"
        out += "\"gradient_booster\":{\"model\":{\"gbtree_model_param\":{\"num_parallel_tree\":\"\(e.parallelTreeCount)\",\"num_trees\":\"\(e.trees.count)\"},"
        out += "\"iteration_indptr\":["
        for round in 0...(e.trees.count / perRound) {
            if round > 0 { out += "," }
            out += String(round * perRound)
        }
        out += "],\"tree_info\":["
        appendIntegers(e.treeGroups, to: &out)
        out += "],\"trees\":["
        for (index, tree) in e.trees.enumerated() {
            if index > 0 { out += "," }
            try appendTree(tree, id: index, to: &out)
        }
        out += "]},\"name\":\"gbtree\"},"
        let numClass = e.objective.outputGroups > 1 ? e.objective.classCount : 0
        out += "\"learner_model_param\":{\"base_score\":\"\(XGBoostNumberFormat.float(Float(e.baseScore)))\",\"boost_from_average\":\"1\","
        out += "\"num_class\":\"\(numClass)\",\"num_feature\":\"\(e.featureCount)\",\"num_target\":\"1\"},"
        out += "\"objective\":" + objectiveObject(e.objective)
        out += "},\"version\":[" + TreeEnsemble.xgboostFormatVersion.map(String.init).joined(separator: ",") + "]}"
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

    func appendTree(_ t: RegressionTree, id: Int, to out: inout String) throws {
        out += "{\"base_weights\":["
        try appendFloats(t.baseWeights, tree: id, field: "base_weights", to: &out)
        out += "],\"categories\":[],\"categories_nodes\":[],\"categories_segments\":[],\"categories_sizes\":[],\"default_left\":["
        for (i, d) in t.defaultLeft.enumerated() {
            if i > 0 { out += "," }
            out += d ? "1" : "0"
        }
        out += "],\"id\":\(id),\"left_children\":["
        appendIntegers(t.leftChildren, to: &out)
        out += "],\"loss_changes\":["
        try appendFloats(t.lossChanges, tree: id, field: "loss_changes", to: &out)
        out += "],\"parents\":["
        appendIntegers(t.parents, to: &out)
        out += "],\"right_children\":["
        appendIntegers(t.rightChildren, to: &out)
        out += "],\"split_conditions\":["
        try appendFloats(t.splitConditions, tree: id, field: "split_conditions", to: &out)
        out += "],\"split_indices\":["
        appendIntegers(t.splitIndices, to: &out)
        out += "],\"split_type\":["
        for i in 0..<t.nodeCount {
            if i > 0 { out += "," }
            out += "0"
        }
        out += "],\"sum_hessian\":["
        try appendFloats(t.sumHessians, tree: id, field: "sum_hessian", to: &out)
        out += "],\"tree_param\":{\"num_deleted\":\"0\",\"num_feature\":\"\(ensemble.featureCount)\",\"num_nodes\":\"\(t.nodeCount)\",\"size_leaf_vector\":\"1\"}}"
    }

    func appendIntegers(_ values: [Int32], to out: inout String) {
        for (i, v) in values.enumerated() {
            if i > 0 { out += "," }
            out += String(v)
        }
    }

    func appendFloats(_ values: [Float], tree: Int, field: String, to out: inout String) throws {
        for (i, v) in values.enumerated() {
            guard v.isFinite else {
                throw OptmlError.algorithm("Tree \(tree) has \(field)[\(i)] = \(v); XGBoost's format needs finite numbers.")
            }
            if i > 0 { out += "," }
            out += XGBoostNumberFormat.float(v)
        }
    }
}
