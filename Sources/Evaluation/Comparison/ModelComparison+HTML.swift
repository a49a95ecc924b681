import Foundation

extension ModelComparison {
    /// A self-contained page with the verdict, a side-by-side metric table (values, spreads,
    /// paired differences), the two models' curves overlaid where that reads well (ROC, PR,
    /// calibration) and each model's own charts side by side.
    public func html() -> String {
        let a = first, b = second
        var body = "<h1>Model comparison: \(HTMLText.escape(a.modelName)) vs \(HTMLText.escape(b.modelName))</h1>\n"
        body += "<p class=\"sub\">\(HTMLText.escape(a.taskName)) · \(a.document.dataset.itemCount) rows · primary metric "
            + "\(HTMLText.escape(EvaluationReport.displayName(primaryMetric))) (\(higherIsBetter ? "higher" : "lower") is better)</p>\n"
        body += "<p class=\"card\" style=\"font-size:16px\">\(HTMLText.escape(summary))</p>\n"
        for w in a.warnings { body += "<p class=\"warn\">\(HTMLText.escape(a.modelName)): \(HTMLText.escape(w))</p>\n" }
        for w in b.warnings { body += "<p class=\"warn\">\(HTMLText.escape(b.modelName)): \(HTMLText.escape(w))</p>\n" }

        body += "<h2>Charts</h2>\n<div class=\"grid\">\n"
        if case .binaryClassification = a.task {
            if let ra = a.figures.roc, let rb = b.figures.roc {
                body += "<figure>" + ReportCharts.roc([(a.modelName, ra.x, ra.y, a.metrics.metric("auc")!.value),
                                                       (b.modelName, rb.x, rb.y, b.metrics.metric("auc")!.value)]) + "</figure>\n"
            }
            if let pa = a.figures.precisionRecall, let pb = b.figures.precisionRecall {
                let c = a.figures.confusion
                let rate = (c[1][0] + c[1][1]) / c.flatMap { $0 }.reduce(0, +)
                body += "<figure>" + ReportCharts.precisionRecall([
                    (a.modelName, pa.x, pa.y, a.metrics.metric("average_precision")!.value),
                    (b.modelName, pb.x, pb.y, b.metrics.metric("average_precision")!.value),
                ], positiveRate: rate) + "</figure>\n"
            }
            if let ca = a.figures.calibration, let cb = b.figures.calibration {
                body += "<figure>" + ReportCharts.calibration([(a.modelName, ca), (b.modelName, cb)]) + "</figure>\n"
            }
        }
        body += "</div>\n"

        body += "<h2>Metrics side by side</h2>\n<table><tr><th>Metric</th><th>\(HTMLText.escape(a.modelName))</th>"
            + "<th>\(HTMLText.escape(b.modelName))</th><th>Paired difference (± sd)</th></tr>\n"
        for name in a.metrics.names {
            guard let ma = a.metrics.metric(name), let mb = b.metrics.metric(name) else { continue }
            let diff = ma.value - mb.value
            var sd = Double.nan
            if let ra = a.replicates.replicates(of: name), let rb = b.replicates.replicates(of: name), !ra.isEmpty {
                sd = BootstrapReplicates.standardDeviation(zip(ra, rb).map { $0 - $1 })
            }
            let higher = !Self.lossNames.contains(name) && !name.hasSuffix("best_constant_classifier")
            var cls = ""
            if sd.isFinite && abs(diff) > 2 * sd && !name.hasSuffix("best_constant_classifier") {
                cls = (diff > 0) == higher ? " class=\"better\"" : " class=\"worse\""
            }
            func cell(_ m: MetricValue) -> String {
                HTMLText.number(m.value) + (m.standardDeviation.isFinite ? " ± " + HTMLText.number(m.standardDeviation, digits: 2) : "")
            }
            body += "<tr\(name == primaryMetric ? " class=\"chosen\"" : "")><td>\(HTMLText.escape(name))</td><td>\(cell(ma))</td><td>\(cell(mb))</td>"
                + "<td\(cls)>\(HTMLText.number(diff, digits: 3))\(sd.isFinite ? " ± " + HTMLText.number(sd, digits: 2) : "")</td></tr>\n"
        }
        body += "</table>\n<p class=\"sub\">Green: the first model is better by more than two paired standard deviations; red: worse.</p>\n"

        body += "<h2>Each model</h2>\n<div class=\"columns\">\n"
        for report in [a, b] {
            body += "<div><h2>\(HTMLText.escape(report.modelName))</h2>\n" + report.headlineCards()
            for chart in report.charts() { body += "<figure style=\"margin-top:12px\">\(chart)</figure>\n" }
            body += "</div>\n"
        }
        body += "</div>\n<footer>Written by optml. Both evaluations used the same bootstrap resamples (paired).</footer>"
        return HTMLPage.document(title: "Comparison: \(a.modelName) vs \(b.modelName)", body: body)
    }
}
