/// Reduces a curve to at most about `limit` points for `evaluation.json` and the charts, keeping
/// its shape: the first and last points always, and a point whenever the path has moved at least
/// δ (L1 distance in the unit square) since the last kept point. δ starts at 2 / limit, which
/// bounds a monotone curve such as ROC to `limit` + 1 points, and doubles until the result fits.
enum CurveThinning {
    static func thin(_ x: [Double], _ y: [Double], limit: Int) -> (x: [Double], y: [Double]) {
        precondition(x.count == y.count && limit >= 2)
        guard x.count > limit else { return (x, y) }
        var delta = 2 / Double(limit)
        while true {
            var keptX = [x[0]]
            var keptY = [y[0]]
            for i in 1 ..< x.count - 1 where abs(x[i] - keptX.last!) + abs(y[i] - keptY.last!) >= delta {
                keptX.append(x[i])
                keptY.append(y[i])
            }
            keptX.append(x[x.count - 1])
            keptY.append(y[y.count - 1])
            if keptX.count <= limit + 1 { return (keptX, keptY) }
            delta *= 2
        }
    }
}
