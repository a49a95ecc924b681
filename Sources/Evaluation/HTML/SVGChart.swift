/// A small SVG plot: a frame with labelled axes and grid, and the marks drawn on it.
///
/// Everything is inline SVG with presentation attributes, so the report needs no script, no
/// stylesheet from the network and renders the same in any browser.
struct SVGChart {
    static let palette = ["#1f6fb4", "#e8741c", "#2a9d4b", "#c9302c", "#7b4fb0", "#8c564b", "#d14fa8", "#5f6b73"]

    let width: Double
    let height: Double
    let x: AxisScale
    let y: AxisScale
    private var body = ""
    private var legend: [(label: String, color: String, dashed: Bool)] = []
    /// Put the legend in the top right corner instead of the bottom right (for falling curves).
    var legendAtTop = false

    static let margin = (left: 62.0, right: 16.0, top: 30.0, bottom: 48.0)

    init(width: Double = 460, height: Double = 340, x: ClosedRange<Double>, y: ClosedRange<Double>) {
        self.width = width
        self.height = height
        self.x = AxisScale(domain: x, range: Self.margin.left ... (width - Self.margin.right))
        self.y = AxisScale(domain: y, range: Self.margin.top ... (height - Self.margin.bottom), flipped: true)
    }

    /// A polyline through the points (non-finite points are skipped).
    mutating func line(_ xs: [Double], _ ys: [Double], color: String, width strokeWidth: Double = 2, dashed: Bool = false,
                       label: String? = nil, step: Bool = false) {
        var points: [String] = []
        points.reserveCapacity(xs.count * (step ? 2 : 1))
        var previousY: Double?
        for (a, b) in zip(xs, ys) where a.isFinite && b.isFinite {
            if step, let py = previousY { points.append("\(HTMLText.px(x(a))),\(HTMLText.px(y(py)))") }
            points.append("\(HTMLText.px(x(a))),\(HTMLText.px(y(b)))")
            previousY = b
        }
        body += "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"\(strokeWidth)\" stroke-linejoin=\"round\""
            + (dashed ? " stroke-dasharray=\"5 4\"" : "") + " points=\"\(points.joined(separator: " "))\"/>\n"
        if let label { legend.append((label, color, dashed)) }
    }

    /// Small circles at the points.
    mutating func scatter(_ xs: [Double], _ ys: [Double], color: String, radius: Double = 2.2, opacity: Double = 0.45,
                          label: String? = nil) {
        body += "<g fill=\"\(color)\" fill-opacity=\"\(opacity)\">"
        for (a, b) in zip(xs, ys) where a.isFinite && b.isFinite {
            body += "<circle cx=\"\(HTMLText.px(x(a)))\" cy=\"\(HTMLText.px(y(b)))\" r=\"\(radius)\"/>"
        }
        body += "</g>\n"
        if let label { legend.append((label, color, false)) }
    }

    /// A rectangle between two data corners.
    mutating func rect(x0: Double, x1: Double, y0: Double, y1: Double, color: String, opacity: Double = 1) {
        let left = min(x(x0), x(x1)), top = min(y(y0), y(y1))
        body += "<rect x=\"\(HTMLText.px(left))\" y=\"\(HTMLText.px(top))\" width=\"\(HTMLText.px(abs(x(x1) - x(x0))))\" "
            + "height=\"\(HTMLText.px(abs(y(y1) - y(y0))))\" fill=\"\(color)\" fill-opacity=\"\(opacity)\"/>\n"
    }

    /// Text at a data position.
    mutating func text(_ s: String, atX a: Double, y b: Double, anchor: String = "start", size: Double = 12,
                       color: String = "#333", dx: Double = 0, dy: Double = 0) {
        body += "<text x=\"\(HTMLText.px(x(a) + dx))\" y=\"\(HTMLText.px(y(b) + dy))\" font-size=\"\(size)\" "
            + "text-anchor=\"\(anchor)\" fill=\"\(color)\">\(HTMLText.escape(s))</text>\n"
    }

    /// The finished SVG: grid, marks, axes with ticks, axis titles, chart title and legend.
    func svg(title: String, xLabel: String, yLabel: String, xTicks: [Double]? = nil, yTicks: [Double]? = nil,
             xTickLabels: [String]? = nil, yTickLabels: [String]? = nil, grid: Bool = true) -> String {
        let m = Self.margin
        let plotBottom = height - m.bottom
        let plotRight = width - m.right
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" "
            + "viewBox=\"0 0 \(Int(width)) \(Int(height))\" font-family=\"Helvetica, Arial, sans-serif\" role=\"img\" "
            + "aria-label=\"\(HTMLText.escape(title))\">\n"
        s += "<text x=\"\(HTMLText.px(width / 2))\" y=\"19\" font-size=\"14\" font-weight=\"600\" text-anchor=\"middle\" fill=\"#222\">"
            + "\(HTMLText.escape(title))</text>\n"
        let xt = xTicks ?? x.ticks()
        let yt = yTicks ?? y.ticks()
        s += "<g stroke=\"#e3e6ea\" stroke-width=\"1\">"
        if grid {
            for t in xt { s += "<line x1=\"\(HTMLText.px(x(t)))\" x2=\"\(HTMLText.px(x(t)))\" y1=\"\(m.top)\" y2=\"\(plotBottom)\"/>" }
            for t in yt { s += "<line x1=\"\(m.left)\" x2=\"\(plotRight)\" y1=\"\(HTMLText.px(y(t)))\" y2=\"\(HTMLText.px(y(t)))\"/>" }
        }
        s += "</g>\n"
        s += body
        s += "<rect x=\"\(m.left)\" y=\"\(m.top)\" width=\"\(HTMLText.px(plotRight - m.left))\" height=\"\(HTMLText.px(plotBottom - m.top))\" "
            + "fill=\"none\" stroke=\"#9aa3ab\"/>\n"
        s += "<g font-size=\"11\" fill=\"#444\">"
        for (i, t) in xt.enumerated() {
            let label = xTickLabels?[i] ?? HTMLText.tick(t)
            s += "<line x1=\"\(HTMLText.px(x(t)))\" x2=\"\(HTMLText.px(x(t)))\" y1=\"\(plotBottom)\" y2=\"\(plotBottom + 4)\" stroke=\"#9aa3ab\"/>"
            s += "<text x=\"\(HTMLText.px(x(t)))\" y=\"\(plotBottom + 16)\" text-anchor=\"middle\">\(HTMLText.escape(label))</text>"
        }
        for (i, t) in yt.enumerated() {
            let label = yTickLabels?[i] ?? HTMLText.tick(t)
            s += "<line x1=\"\(m.left - 4)\" x2=\"\(m.left)\" y1=\"\(HTMLText.px(y(t)))\" y2=\"\(HTMLText.px(y(t)))\" stroke=\"#9aa3ab\"/>"
            s += "<text x=\"\(m.left - 7)\" y=\"\(HTMLText.px(y(t) + 4))\" text-anchor=\"end\">\(HTMLText.escape(label))</text>"
        }
        s += "</g>\n"
        s += "<text x=\"\(HTMLText.px((m.left + plotRight) / 2))\" y=\"\(HTMLText.px(height - 10))\" font-size=\"12\" "
            + "text-anchor=\"middle\" fill=\"#222\">\(HTMLText.escape(xLabel))</text>\n"
        s += "<text transform=\"translate(15 \(HTMLText.px((m.top + plotBottom) / 2))) rotate(-90)\" font-size=\"12\" "
            + "text-anchor=\"middle\" fill=\"#222\">\(HTMLText.escape(yLabel))</text>\n"
        if !legend.isEmpty {
            let rowHeight = 17.0
            let boxWidth = min(plotRight - m.left - 16, 24 + 6.6 * Double(legend.map(\.label.count).max() ?? 0))
            let boxX = plotRight - boxWidth - 8
            let boxY = legendAtTop ? m.top + 8 : plotBottom - 8 - rowHeight * Double(legend.count) - 6
            s += "<rect x=\"\(HTMLText.px(boxX))\" y=\"\(HTMLText.px(boxY))\" width=\"\(HTMLText.px(boxWidth))\" "
                + "height=\"\(HTMLText.px(rowHeight * Double(legend.count) + 8))\" fill=\"#ffffff\" fill-opacity=\"0.9\" stroke=\"#d5d9dd\"/>"
            for (i, entry) in legend.enumerated() {
                let ly = boxY + 4 + rowHeight * (Double(i) + 0.5)
                s += "<line x1=\"\(HTMLText.px(boxX + 6))\" x2=\"\(HTMLText.px(boxX + 20))\" y1=\"\(HTMLText.px(ly))\" y2=\"\(HTMLText.px(ly))\" "
                    + "stroke=\"\(entry.color)\" stroke-width=\"2.5\"" + (entry.dashed ? " stroke-dasharray=\"4 3\"" : "") + "/>"
                s += "<text x=\"\(HTMLText.px(boxX + 25))\" y=\"\(HTMLText.px(ly + 4))\" font-size=\"11.5\" fill=\"#222\">"
                    + "\(HTMLText.escape(entry.label))</text>"
            }
            s += "\n"
        }
        s += "</svg>"
        return s
    }
}
