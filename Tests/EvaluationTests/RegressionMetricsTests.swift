import Evaluation
import Testing

@Suite("Regression metrics")
struct RegressionMetricsTests {
    @Test("Against scikit-learn", arguments: Fixtures.regression)
    func sklearn(_ c: RegressionCase) {
        let y = c.labels, p = c.predictions, w = c.weights
        expectClose(RegressionMetrics.mse(labels: y, predictions: p, weights: w), c.expected.mse, "mse")
        expectClose(RegressionMetrics.rmse(labels: y, predictions: p, weights: w), c.expected.rmse, "rmse")
        expectClose(RegressionMetrics.mae(labels: y, predictions: p, weights: w), c.expected.mae, "mae")
        expectClose(RegressionMetrics.r2(labels: y, predictions: p, weights: w), c.expected.r2, "r2")
        expectClose(RegressionMetrics.explainedVariance(labels: y, predictions: p, weights: w),
                    c.expected.explainedVariance, "explained_variance")
        expectClose(RegressionMetrics.maxError(labels: y, predictions: p), c.expected.maxError, "max_error")
        expectClose(RegressionMetrics.mape(labels: y, predictions: p, weights: w), c.expected.mape, "mape")
    }

    @Test("Zero total weight gives NaN means; one example gives NaN r2")
    func undefined() {
        let y = [1.0, 2, 3]
        let p = [1.5, 2, 2]
        let zero = [0.0, 0, 0]
        #expect(RegressionMetrics.mse(labels: y, predictions: p, weights: zero).isNaN)
        #expect(RegressionMetrics.mae(labels: y, predictions: p, weights: zero).isNaN)
        #expect(RegressionMetrics.r2(labels: y, predictions: p, weights: zero).isNaN)
        #expect(RegressionMetrics.explainedVariance(labels: y, predictions: p, weights: zero).isNaN)
        #expect(RegressionMetrics.r2(labels: [1], predictions: [2]).isNaN)
    }

    @Test("Constant predictions: r2 is 0 at the mean, explained variance 0")
    func constantPredictions() {
        let y = [1.0, 2, 3, 6]
        let p = [Double](repeating: 3, count: 4)
        #expect(RegressionMetrics.r2(labels: y, predictions: p) == 0)
        #expect(RegressionMetrics.explainedVariance(labels: y, predictions: p) == 0)
        #expect(RegressionMetrics.mse(labels: y, predictions: p) == 14.0 / 4)
    }
}
