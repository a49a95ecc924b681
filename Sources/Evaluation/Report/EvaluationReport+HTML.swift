import Foundation
import MLCore

extension EvaluationReport {
    /// `report.html`: one self-contained page (inline CSS and SVG, no script, no network) with
    /// the headline metrics and their bootstrap spread, the warnings, the charts of the task, the
    /// threshold table and every metric of `evaluation.json`.
    public func html() -> String {
        var body = "<h1>Model evaluation: \(HTMLText.escape(modelName))</h1>\n"
        body += "<p class=\"sub\">\(HTMLText.escape(subtitle))</p>\n"
        body += headlineCards()
        for warning in warnings { body += "<p class=\"warn\">\(HTMLText.escape(warning))</p>\n" }
        body += "<h2>Charts</h2>\n<div class=\"grid\">\n"
        for chart in charts() { body += "<figure>\(chart)</figure>\n" }
        body += "</div>\n"
        if !figures.thresholdTable.isEmpty {
            body += "<h2>Decisions by threshold</h2>\n" + thresholdTableHTML()
        }
        if case .multiclassClassification = task { body += "<h2>Per class</h2>\n" + perClassTableHTML() }
        body += "<h2>All metrics</h2>\n" + metricTableHTML()
        body += "<footer>Written by optml. The same numbers are in evaluation.json (SageMaker model-quality schema).</footer>"
        return HTMLPage.document(title: "Evaluation: \(modelName)", body: body)
    }

    var taskName: String {
        switch task {
        case .binaryClassification: return "Binary classification"
        case .multiclassClassification(let k): return "Multiclass classification (\(k) classes)"
        case .regression: return "Regression"
        }
    }

    var subtitle: String {
        var parts = [taskName, "\(document.dataset.itemCount) rows", "evaluated \(document.dataset.evaluationTime)"]
        if let t = document.evaluation?.decisionThreshold { parts.append("decision threshold \(HTMLText.tick(t))") }
        parts.append(replicates.resamples > 0
                     ? "± is the standard deviation over \(replicates.resamples) bootstrap resamples (seed \(bootstrap.seed))"
                     : "no bootstrap standard deviations")
        return parts.joined(separator: " · ")
    }

    /// The metrics shown large at the top, by task.
    var headlineNames: [String] {
        switch task {
        case .binaryClassification: return ["auc", "average_precision", "f1", "accuracy", "log_loss"]
        case .multiclassClassification: return ["accuracy", "weighted_f1", "macro_f1", "log_loss"]
        case .regression: return ["rmse", "mae", "r2", "mape"]
        }
    }

    static func displayName(_ name: String) -> String {
        let special = ["auc": "AUC", "r2": "R²", "rmse": "RMSE", "mae": "MAE", "mse": "MSE", "mape": "MAPE",
                       "f1": "F1", "f0_5": "F0.5", "f2": "F2", "average_precision": "average precision"]
        if let s = special[name] { return s }
        return name.replacingOccurrences(of: "f0_5", with: "F0.5").replacingOccurrences(of: "_f1", with: " F1")
            .replacingOccurrences(of: "_f2", with: " F2").replacingOccurrences(of: "_", with: " ")
    }

    func headlineCards() -> String {
        var s = "<div class=\"cards\">\n"
        for name in headlineNames {
            guard let m = metrics.metric(name) else { continue }
            s += "<div class=\"card\"><div class=\"name\">\(HTMLText.escape(Self.displayName(name)))</div>"
                + "<div class=\"value\">\(HTMLText.number(m.value))</div>"
                + "<div class=\"sd\">\(m.standardDeviation.isFinite ? "± " + HTMLText.number(m.standardDeviation, digits: 2) : "&nbsp;")</div></div>\n"
        }
        return s + "</div>\n"
    }

    /// The SVG charts of this report.
    func charts() -> [String] {
        var out: [String] = []
        switch task {
        case .binaryClassification:
            if let roc = figures.roc {
                out.append(ReportCharts.roc([(modelName, roc.x, roc.y, metrics.metric("auc")?.value ?? .nan)]))
            }
            if let pr = figures.precisionRecall {
                let positiveRate = (figures.confusion[1][0] + figures.confusion[1][1])
                    / figures.confusion.flatMap { $0 }.reduce(0, +)
                out.append(ReportCharts.precisionRecall([(modelName, pr.x, pr.y, metrics.metric("average_precision")?.value ?? .nan)],
                                                        positiveRate: positiveRate))
            }
            if let calibration = figures.calibration { out.append(ReportCharts.calibration([(modelName, calibration)])) }
            out.append(ReportCharts.confusion(figures.confusion, classNames: figures.classNames,
                                              title: "Confusion matrix at threshold \(HTMLText.tick(document.evaluation?.decisionThreshold ?? 0.5))"))
        case .multiclassClassification:
            out.append(ReportCharts.confusion(figures.confusion, classNames: figures.classNames))
        case .regression:
            if let sample = figures.regressionSample {
                out.append(ReportCharts.predictedVsActual(actual: sample.actual, predicted: sample.predicted))
                out.append(ReportCharts.residuals(actual: sample.actual, predicted: sample.predicted))
            }
        }
        for importance in featureImportance where !importance.names.isEmpty {
            out.append(ReportCharts.featureImportance(importance))
        }
        if !history.isEmpty { out.append(ReportCharts.history(history)) }
        return out
    }

    func thresholdTableHTML() -> String {
        let chosen = document.evaluation?.decisionThreshold
        var s = "<table><tr><th>Threshold</th><th>Predicted positive</th><th>Precision</th><th>Recall</th><th>F1</th>"
            + "<th>False positive rate</th><th>Accuracy</th></tr>\n"
        for row in figures.thresholdTable {
            let c = row.confusion
            s += "<tr\(row.threshold == chosen ? " class=\"chosen\"" : "")><td>\(HTMLText.number(row.threshold, digits: 3))"
                + (row.threshold == chosen ? " (used)" : "") + "</td>"
                + "<td>\(HTMLText.number(100 * row.predictedPositiveRate, digits: 3)) %</td>"
                + "<td>\(HTMLText.number(c.precision))</td><td>\(HTMLText.number(c.recall))</td><td>\(HTMLText.number(c.fBeta(1)))</td>"
                + "<td>\(HTMLText.number(c.falsePositiveRate))</td><td>\(HTMLText.number(c.accuracy))</td></tr>\n"
        }
        return s + "</table>\n"
    }

    func perClassTableHTML() -> String {
        let k = figures.confusion.count
        var s = "<table><tr><th>Class</th><th>Support</th><th>Predicted</th><th>Precision</th><th>Recall</th><th>F1</th></tr>\n"
        for c in 0 ..< k {
            let support = figures.confusion[c].reduce(0, +)
            let predicted = (0 ..< k).reduce(0.0) { $0 + figures.confusion[$1][c] }
            let tp = figures.confusion[c][c]
            let precision = predicted > 0 ? tp / predicted : 0
            let recall = support > 0 ? tp / support : 0
            let f1 = support + predicted > 0 ? 2 * tp / (support + predicted) : 0
            s += "<tr><td>\(HTMLText.escape(figures.classNames[c]))</td><td>\(HTMLText.count(support))</td>"
                + "<td>\(HTMLText.count(predicted))</td><td>\(HTMLText.number(precision))</td>"
                + "<td>\(HTMLText.number(recall))</td><td>\(HTMLText.number(f1))</td></tr>\n"
        }
        return s + "</table>\n"
    }

    func metricTableHTML() -> String {
        var s = "<table><tr><th>Metric (evaluation.json key)</th><th>Value</th><th>Standard deviation</th></tr>\n"
        for name in metrics.names {
            guard let m = metrics.metric(name) else { continue }
            s += "<tr><td>\(HTMLText.escape(name))</td><td>\(HTMLText.number(m.value, digits: 6))</td>"
                + "<td>\(HTMLText.number(m.standardDeviation, digits: 3))</td></tr>\n"
        }
        return s + "</table>\n"
    }
}
