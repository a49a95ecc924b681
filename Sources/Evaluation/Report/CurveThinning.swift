/// Reduces a curve to at most about `limit` points for `evaluation.json` and the charts, keeping
/// its shape: the first and last points always, and a point whenever the path has moved at least
/// δ (L1 distance in the unit square) since the last kept point. δ starts at 2 / limit, which
/// bounds a monotone curve such as ROC to `limit` + 1 points, and doubles until the result fits.
enum CurveThinning {
    /// The curve's point `i` is `(x(i), y(i))` for `i` in `0 ..< count`; the accessors let callers
    /// thin a curve derived from a sweep without materialising it.
    static func thin(count: Int, limit: Int, x: (Int) -> Double, y: (Int) -> Double) -> (x: [Double], y: [Double]) {
        precondition(count >= 1 && limit >= 2)
        guard count > limit else { return ((0 ..< count).map(x), (0 ..< count).map(y)) }
        var delta = 2 / Double(limit)
        while true {
            var keptX = [x(0)]
            var keptY = [y(0)]
            var lastX = keptX[0], lastY = keptY[0]
            for i in 1 ..< count - 1 {
                let xi = x(i), yi = y(i)
                if abs(xi - lastX) + abs(yi - lastY) >= delta {
                    keptX.append(xi)
                    keptY.append(yi)
                    lastX = xi
                    lastY = yi
                    if keptX.count > limit { break }
                }
            }
            if keptX.count <= limit {
                keptX.append(x(count - 1))
                keptY.append(y(count - 1))
                return (keptX, keptY)
            }
            delta *= 2
        }
    }
}
