import Foundation

/// The charts of the HTML report, each a self-contained SVG string.
enum ReportCharts {
    static let blue = SVGChart.palette[0]
    static let orange = SVGChart.palette[1]
    static let grey = "#8a939b"

    /// ROC curves (one per model) with the chance diagonal; the legend carries each AUC.
    static func roc(_ curves: [(name: String, x: [Double], y: [Double], auc: Double)]) -> String {
        var chart = SVGChart(x: 0 ... 1, y: 0 ... 1)
        chart.line([0, 1], [0, 1], color: grey, width: 1.2, dashed: true, label: "chance (AUC = 0.5)")
        for (i, c) in curves.enumerated() {
            chart.line(c.x, c.y, color: SVGChart.palette[i % SVGChart.palette.count], width: 2.2,
                       label: "\(c.name) (AUC = \(HTMLText.number(c.auc, digits: 3)))")
        }
        return chart.svg(title: "ROC curve", xLabel: "False positive rate", yLabel: "True positive rate (recall)")
    }

    /// Precision–recall curves with the no-skill line at the positive rate; legend carries AP.
    static func precisionRecall(_ curves: [(name: String, x: [Double], y: [Double], ap: Double)], positiveRate: Double) -> String {
        var chart = SVGChart(x: 0 ... 1, y: 0 ... 1.02)
        chart.line([0, 1], [positiveRate, positiveRate], color: grey, width: 1.2, dashed: true,
                   label: "no skill (\(HTMLText.number(positiveRate, digits: 3)))")
        for (i, c) in curves.enumerated() {
            chart.line(c.x, c.y, color: SVGChart.palette[i % SVGChart.palette.count], width: 2.2,
                       label: "\(c.name) (AP = \(HTMLText.number(c.ap, digits: 3)))", step: true)
        }
        return chart.svg(title: "Precision–recall curve", xLabel: "Recall", yLabel: "Precision",
                         yTicks: [0, 0.2, 0.4, 0.6, 0.8, 1])
    }

    /// Reliability diagram: observed positive rate per probability bin against the mean predicted
    /// probability, the diagonal of perfect calibration, and the share of rows per bin as bars.
    static func calibration(_ curves: [(name: String, curve: CalibrationCurve)]) -> String {
        var chart = SVGChart(x: 0 ... 1, y: 0 ... 1)
        if let first = curves.first?.curve {
            let total = first.binWeights.reduce(0, +)
            let step = 1 / Double(first.binCount)
            let tallest = first.binWeights.max() ?? 1
            for (b, w) in zip(first.binIndices, first.binWeights) {
                // Bars scaled to at most a quarter of the height: a histogram of the scores.
                chart.rect(x0: Double(b) * step + step * 0.08, x1: Double(b + 1) * step - step * 0.08, y0: 0,
                           y1: 0.25 * w / tallest, color: "#b9c7d6", opacity: 0.7)
            }
            chart.text("bars: share of rows per bin (tallest \(HTMLText.number(100 * tallest / total, digits: 3)) %)",
                       atX: 0.02, y: 0.97, size: 10.5, color: "#5f6b73")
        }
        chart.line([0, 1], [0, 1], color: grey, width: 1.2, dashed: true, label: "perfectly calibrated")
        for (i, c) in curves.enumerated() {
            let color = SVGChart.palette[i % SVGChart.palette.count]
            chart.line(c.curve.meanPredicted, c.curve.fractionPositive, color: color, width: 2, label: c.name)
            chart.scatter(c.curve.meanPredicted, c.curve.fractionPositive, color: color, radius: 3.5, opacity: 1)
        }
        return chart.svg(title: "Calibration", xLabel: "Mean predicted probability", yLabel: "Observed fraction of positives")
    }

    /// Confusion matrix heat map: cells coloured by the share of their actual class (row), with
    /// the weighted count and that share printed in each cell.
    static func confusion(_ matrix: [[Double]], classNames: [String], title: String = "Confusion matrix") -> String {
        let k = matrix.count
        let cell = k <= 4 ? 86.0 : max(22, 440 / Double(k))
        let left = 90.0, top = 34.0, labelSpace = 52.0
        let width = left + cell * Double(k) + 20
        let height = top + cell * Double(k) + labelSpace
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" "
            + "viewBox=\"0 0 \(Int(width)) \(Int(height))\" font-family=\"Helvetica, Arial, sans-serif\" role=\"img\" "
            + "aria-label=\"\(HTMLText.escape(title))\">\n"
        s += "<text x=\"\(HTMLText.px(width / 2))\" y=\"19\" font-size=\"14\" font-weight=\"600\" text-anchor=\"middle\" fill=\"#222\">"
            + "\(HTMLText.escape(title))</text>\n"
        let showText = cell >= 34
        for a in 0 ..< k {
            let rowTotal = matrix[a].reduce(0, +)
            for p in 0 ..< k {
                let share = rowTotal > 0 ? matrix[a][p] / rowTotal : 0
                let x = left + cell * Double(p), y = top + cell * Double(a)
                s += "<rect x=\"\(HTMLText.px(x))\" y=\"\(HTMLText.px(y))\" width=\"\(HTMLText.px(cell - 1))\" "
                    + "height=\"\(HTMLText.px(cell - 1))\" fill=\"\(heat(share, diagonal: a == p))\"/>"
                if showText {
                    let ink = share > 0.55 ? "#ffffff" : "#1d2731"
                    s += "<text x=\"\(HTMLText.px(x + cell / 2))\" y=\"\(HTMLText.px(y + cell / 2 - 1))\" font-size=\"\(cell >= 60 ? 15 : 11)\" "
                        + "font-weight=\"600\" text-anchor=\"middle\" fill=\"\(ink)\">\(HTMLText.count(matrix[a][p]))</text>"
                    s += "<text x=\"\(HTMLText.px(x + cell / 2))\" y=\"\(HTMLText.px(y + cell / 2 + 14))\" font-size=\"10.5\" "
                        + "text-anchor=\"middle\" fill=\"\(ink)\">\(HTMLText.number(100 * share, digits: 3)) %</text>"
                }
            }
            s += "<text x=\"\(HTMLText.px(left - 8))\" y=\"\(HTMLText.px(top + cell * (Double(a) + 0.5) + 4))\" font-size=\"11\" "
                + "text-anchor=\"end\" fill=\"#333\">\(HTMLText.escape(short(classNames[a])))</text>"
        }
        for p in 0 ..< k {
            s += "<text x=\"\(HTMLText.px(left + cell * (Double(p) + 0.5)))\" y=\"\(HTMLText.px(top + cell * Double(k) + 15))\" "
                + "font-size=\"11\" text-anchor=\"middle\" fill=\"#333\">\(HTMLText.escape(short(classNames[p])))</text>"
        }
        s += "<text x=\"\(HTMLText.px(left + cell * Double(k) / 2))\" y=\"\(HTMLText.px(height - 10))\" font-size=\"12\" "
            + "text-anchor=\"middle\" fill=\"#222\">Predicted class</text>"
        s += "<text transform=\"translate(16 \(HTMLText.px(top + cell * Double(k) / 2))) rotate(-90)\" font-size=\"12\" "
            + "text-anchor=\"middle\" fill=\"#222\">Actual class</text>\n</svg>"
        return s
    }

    /// Blue for the diagonal (right), red for the rest (wrong), from white at 0 to full at 1.
    static func heat(_ share: Double, diagonal: Bool) -> String {
        let to: (Double, Double, Double) = diagonal ? (31, 111, 180) : (201, 48, 44)
        let t = min(max(share, 0), 1).squareRoot()  // √ so small shares still show
        func channel(_ c: Double) -> Int { Int((255 + (c - 255) * t).rounded()) }
        return String(format: "#%02x%02x%02x", channel(to.0), channel(to.1), channel(to.2))
    }

    static func short(_ s: String) -> String { s.count > 14 ? String(s.prefix(13)) + "…" : s }

    /// Predicted against actual with the identity line.
    static func predictedVsActual(actual: [Double], predicted: [Double]) -> String {
        let domain = AxisScale.paddedDomain(actual + predicted)
        var chart = SVGChart(x: domain, y: domain)
        chart.scatter(actual, predicted, color: blue, label: "rows (\(actual.count) shown)")
        chart.line([domain.lowerBound, domain.upperBound], [domain.lowerBound, domain.upperBound], color: orange, width: 1.5,
                   dashed: true, label: "predicted = actual")
        return chart.svg(title: "Predicted vs actual", xLabel: "Actual value", yLabel: "Predicted value")
    }

    /// Residuals (actual − predicted) against the prediction, with the zero line.
    static func residuals(actual: [Double], predicted: [Double]) -> String {
        let residuals = zip(actual, predicted).map { $0 - $1 }
        let spread = residuals.map(abs).max() ?? 1
        var chart = SVGChart(x: AxisScale.paddedDomain(predicted), y: -spread * 1.05 ... spread * 1.05)
        chart.scatter(predicted, residuals, color: blue)
        chart.line([chart.x.domain.lowerBound, chart.x.domain.upperBound], [0, 0], color: orange, width: 1.5, dashed: true)
        return chart.svg(title: "Residuals", xLabel: "Predicted value", yLabel: "Residual (actual − predicted)")
    }

    /// Horizontal bars of the largest `limit` importances by absolute value.
    static func featureImportance(_ importance: FeatureImportance, limit: Int = 20) -> String {
        let ranked = zip(importance.names, importance.values).filter { $0.1.isFinite }
            .sorted { abs($0.1) > abs($1.1) }.prefix(limit)
        let rowHeight = 20.0, top = 34.0, left = 150.0, right = 70.0, width = 460.0
        let height = top + rowHeight * Double(ranked.count) + 44
        let lo = min(0, ranked.map(\.1).min() ?? 0), hi = max(0, ranked.map(\.1).max() ?? 1)
        let scale = AxisScale(domain: lo ... (hi == lo ? lo + 1 : hi), range: left ... (width - right))
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" "
            + "viewBox=\"0 0 \(Int(width)) \(Int(height))\" font-family=\"Helvetica, Arial, sans-serif\" role=\"img\" "
            + "aria-label=\"Feature importance\">\n"
        s += "<text x=\"\(HTMLText.px(width / 2))\" y=\"19\" font-size=\"14\" font-weight=\"600\" text-anchor=\"middle\" fill=\"#222\">"
            + "Feature importance: \(HTMLText.escape(importance.kind))</text>\n"
        for (i, (name, value)) in ranked.enumerated() {
            let y = top + rowHeight * Double(i)
            let x0 = scale(0), x1 = scale(value)
            s += "<rect x=\"\(HTMLText.px(min(x0, x1)))\" y=\"\(HTMLText.px(y + 3))\" width=\"\(HTMLText.px(max(abs(x1 - x0), 1)))\" "
                + "height=\"\(HTMLText.px(rowHeight - 6))\" fill=\"\(value >= 0 ? blue : orange)\"/>"
            s += "<text x=\"\(HTMLText.px(left - 6))\" y=\"\(HTMLText.px(y + rowHeight / 2 + 4))\" font-size=\"11\" text-anchor=\"end\" "
                + "fill=\"#333\">\(HTMLText.escape(name.count > 22 ? String(name.prefix(21)) + "…" : name))</text>"
            s += "<text x=\"\(HTMLText.px(max(x0, x1) + 4))\" y=\"\(HTMLText.px(y + rowHeight / 2 + 4))\" font-size=\"10.5\" "
                + "fill=\"#555\">\(HTMLText.number(value, digits: 3))</text>"
        }
        let axisY = top + rowHeight * Double(ranked.count) + 4
        s += "<line x1=\"\(left)\" x2=\"\(width - right)\" y1=\"\(HTMLText.px(axisY))\" y2=\"\(HTMLText.px(axisY))\" stroke=\"#9aa3ab\"/>"
        for t in scale.ticks(4) {
            s += "<text x=\"\(HTMLText.px(scale(t)))\" y=\"\(HTMLText.px(axisY + 15))\" font-size=\"10.5\" text-anchor=\"middle\" "
                + "fill=\"#444\">\(HTMLText.tick(t))</text>"
        }
        let hidden = importance.names.count - ranked.count
        s += "<text x=\"\(HTMLText.px((left + width - right) / 2))\" y=\"\(HTMLText.px(height - 6))\" font-size=\"12\" "
            + "text-anchor=\"middle\" fill=\"#222\">\(HTMLText.escape(importance.kind))"
            + (hidden > 0 ? " (top \(ranked.count) of \(importance.names.count) features)" : "") + "</text>\n</svg>"
        return s
    }

    /// Training history: every series against its round or epoch.
    static func history(_ series: [TrainingSeries]) -> String {
        let xs = series.flatMap(\.steps), ys = series.flatMap(\.values)
        var chart = SVGChart(x: AxisScale.paddedDomain(xs, padding: 0), y: AxisScale.paddedDomain(ys, padding: 0.06))
        // Falling curves (losses) leave the top right corner free for the legend.
        chart.legendAtTop = series.allSatisfy { ($0.values.last ?? 0) < ($0.values.first ?? 0) }
        for (i, s) in series.enumerated() {
            chart.line(s.steps, s.values, color: SVGChart.palette[i % SVGChart.palette.count], width: 2, label: s.name)
        }
        let stepName = series.first?.stepName ?? "round"
        return chart.svg(title: "Training history", xLabel: stepName.prefix(1).uppercased() + stepName.dropFirst(),
                         yLabel: "Metric value")
    }
}
