import Evaluation
import Foundation
import MLCore
import Testing

/// report.html: self-contained, one chart per figure of the task, values consistent with the
/// JSON. Set OPTML_REPORT_OUTPUT to a folder to also write the pages (scripts/render_report.sh).
@Suite("HTML report")
struct ReportHTMLTests {
    static let options = EvaluationOptions(bootstrap: BootstrapOptions(resamples: 200, seed: 1, threads: 2),
                                           evaluationTime: Date(timeIntervalSince1970: 1_796_000_000))

    static func write(_ html: String, _ name: String) throws {
        guard let folder = ProcessInfo.processInfo.environment["OPTML_REPORT_OUTPUT"] else { return }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try Data(html.utf8).write(to: URL(fileURLWithPath: folder).appendingPathComponent(name))
    }

    static func expectSelfContained(_ html: String) {
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(!html.contains("<script"))
        #expect(!html.contains("<link"))
        // The only URL is the SVG namespace (an identifier, never fetched).
        #expect(html.replacingOccurrences(of: "http://www.w3.org/2000/svg", with: "").range(of: "http") == nil)
        #expect(!html.contains("NaN"))
        #expect(html.components(separatedBy: "<svg").count == html.components(separatedBy: "</svg>").count)
    }

    static func svgTitles(_ html: String) -> [String] {
        html.components(separatedBy: "aria-label=\"").dropFirst().map { String($0.prefix { $0 != "\"" }) }
    }

    @Test("Binary: ROC, PR, calibration, confusion, importance, history; threshold table; AUC in the legend")
    func binary() throws {
        let report = try EvaluationReport(ExampleModels.binary(strength: 0.8, seed: 2, name: "churn-xgboost"), options: Self.options)
        let html = report.html()
        Self.expectSelfContained(html)
        #expect(Self.svgTitles(html) == ["ROC curve", "Precision–recall curve", "Calibration", "Confusion matrix at threshold 0.5",
                                         "Feature importance", "Training history"])
        let auc = report.metrics.metric("auc")!.value
        #expect(html.contains("churn-xgboost (AUC = \(String(format: "%.3f", auc)))"))
        #expect(html.contains("0.500 (used)"))
        #expect(html.contains(">churns<") && html.contains("Predicted class") && html.contains("False positive rate"))
        try Self.write(html, "binary.html")
    }

    @Test("Multiclass: confusion heat map and per-class table")
    func multiclass() throws {
        let report = try EvaluationReport(ExampleModels.multiclass(seed: 4), options: Self.options)
        let html = report.html()
        Self.expectSelfContained(html)
        #expect(Self.svgTitles(html) == ["Confusion matrix"])
        #expect(html.contains("<h2>Per class</h2>") && html.contains(">virginica<"))
        try Self.write(html, "multiclass.html")
    }

    @Test("Regression: predicted vs actual, residuals, coefficients, history by epoch")
    func regression() throws {
        let report = try EvaluationReport(ExampleModels.regression(seed: 6), options: Self.options)
        let html = report.html()
        Self.expectSelfContained(html)
        #expect(Self.svgTitles(html) == ["Predicted vs actual", "Residuals", "Feature importance", "Training history"])
        #expect(html.contains(">Epoch<"))
        // 3000 rows, 2000 points at most: every second row.
        #expect(html.components(separatedBy: "<circle").count - 1 == 2 * 1500)
        try Self.write(html, "regression.html")
    }

    @Test("Names from the user are escaped")
    func escaping() throws {
        var input = ExampleModels.regression(rows: 300, seed: 1)
        input.modelName = "<b>\"x\" & 'y'</b>"
        let html = try EvaluationReport(input, options: Self.options).html()
        #expect(html.contains("&lt;b&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/b&gt;"))
        #expect(!html.contains("<b>\"x\""))
    }
}
