import MLCore

extension MetricLines {
    /// One row of the Linear Learner metric table: the part of the definition name after the
    /// channel, the part of the line after the channel, and which channels the service defines.
    private struct LinearLearnerMetricRow {
        var key: String
        /// The metric name as it appears in the regex (may itself be a pattern, e.g. `binary_f_\S+`).
        var namePattern: String
        var isLoss: Bool
        var channels: [String]
    }

    private static let allChannels = ["train", "validation", "test"]
    private static let evaluationChannels = ["validation", "test"]

    /// The service-side metric rows of `linear-learner:1` after the objective loss, in the
    /// contract's order (§7.1), plus `rmse` and `roc_auc_score` for the channels the tuning
    /// documentation lists them for.
    private static let linearLearnerRows: [LinearLearnerMetricRow] = [
        .init(key: "binary_classification_accuracy", namePattern: "binary_classification_accuracy", isLoss: false, channels: allChannels),
        .init(key: "binary_f_beta", namePattern: #"binary_f_\S+"#, isLoss: false, channels: allChannels),
        .init(key: "precision", namePattern: "precision", isLoss: false, channels: allChannels),
        .init(key: "recall", namePattern: "recall", isLoss: false, channels: allChannels),
        .init(key: "mse", namePattern: "mse", isLoss: true, channels: allChannels),
        .init(key: "absolute_loss", namePattern: "absolute_loss", isLoss: true, channels: allChannels),
        .init(key: "multiclass_accuracy", namePattern: "multiclass_accuracy", isLoss: false, channels: evaluationChannels),
        .init(key: "multiclass_top_k_accuracy", namePattern: #"multiclass_top_k_accuracy_\S+"#, isLoss: false, channels: evaluationChannels),
        .init(key: "dcg", namePattern: "dcg", isLoss: false, channels: evaluationChannels),
        .init(key: "macro_precision", namePattern: "macro_precision", isLoss: false, channels: evaluationChannels),
        .init(key: "macro_recall", namePattern: "macro_recall", isLoss: false, channels: evaluationChannels),
        .init(key: "macro_f_beta", namePattern: #"macro_f_\S+"#, isLoss: false, channels: evaluationChannels),
        .init(key: "rmse", namePattern: "rmse", isLoss: true, channels: evaluationChannels),
        .init(key: "roc_auc_score", namePattern: "roc_auc_score", isLoss: false, channels: evaluationChannels),
    ]

    /// The `MetricDefinitions` for Linear Learner lines, exactly the service-side regexes of
    /// `linear-learner:1` (contract §7.1), with their direction.
    ///
    /// Losses minimise; scores, progress and throughput maximise (progress and throughput are
    /// not tuning objectives; their direction is nominal). The regexes split into two disjoint
    /// families: those with `epoch=\S+, ` (`train:objective_loss`,
    /// `validation:objective_loss`) match only per-epoch lines, and all others match only final
    /// lines, because `host=\S+, <channel>` cannot skip over `epoch=…, `. So per-epoch lines
    /// are only worth printing for the objective loss of `train` and `validation`, and each
    /// final metric must be printed once per channel (the last value wins).
    public static let linearLearnerDefinitions: [MetricDefinition] = {
        let quality = #"#quality_metric: host=\S+, "#
        var definitions: [MetricDefinition] = [
            MetricDefinition(name: "train:progress", regex: #"#progress_metric: host=\S+, completed (\S+) %"#, maximize: true),
            MetricDefinition(name: "train:throughput",
                             regex: #"#throughput_metric: host=\S+, train throughput=(\S+) records/second"#, maximize: true),
            MetricDefinition(name: "train:objective_loss",
                             regex: quality + #"epoch=\S+, train \S+_objective <loss>=(\S+)"#, maximize: false),
            MetricDefinition(name: "train:objective_loss:final",
                             regex: quality + #"train \S+_objective <loss>=(\S+)"#, maximize: false),
            MetricDefinition(name: "validation:objective_loss",
                             regex: quality + #"epoch=\S+, validation \S+_objective <loss>=(\S+)"#, maximize: false),
            MetricDefinition(name: "validation:objective_loss:final",
                             regex: quality + #"validation \S+_objective <loss>=(\S+)"#, maximize: false),
            MetricDefinition(name: "test:objective_loss",
                             regex: quality + #"test \S+_objective <loss>=(\S+)"#, maximize: false),
        ]
        for row in linearLearnerRows {
            for channel in row.channels {
                let kind = row.isLoss ? "<loss>" : "<score>"
                definitions.append(MetricDefinition(
                    name: "\(channel):\(row.key)",
                    regex: quality + "\(channel) \(row.namePattern) \(kind)=(\\S+)",
                    maximize: !row.isLoss))
            }
        }
        return definitions
    }()
}
