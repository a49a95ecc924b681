import Foundation
import LinearLearner
import MLCore
import Testing
import TestSupport

@Suite("LinearCoefficients")
struct LinearCoefficientsTests {
    @Test("predict computes X·Wᵀ + b")
    func predict() {
        let c = LinearCoefficients(weights: DenseMatrix([[1, 2, 3], [-1, 0, 0.5]]), intercepts: [0.5, -2])
        let x = DenseMatrix<Double>([[1, 1, 1], [0, 2, -1]])
        let p = c.predict(x)
        #expect(p == DenseMatrix([[6.5, -2.5], [1.5, -2.5]]))
    }

    @Test("Codable round trip keeps shape and values")
    func codable() throws {
        let c = LinearCoefficients(weights: DenseMatrix([[1, 2, 3], [-1, 0, 0.5]]), intercepts: [0.5, -2])
        let data = try JSONEncoder().encode(c)
        #expect(try JSONDecoder().decode(LinearCoefficients.self, from: data) == c)
        let bad = Data(#"{"outputs":2,"features":3,"weights":[1,2],"intercepts":[0,0]}"#.utf8)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(LinearCoefficients.self, from: bad) }
    }

    @Test("penalty follows the documented objective")
    func penalty() {
        let c = LinearCoefficients(weights: DenseMatrix([[1, -2]]), intercepts: [3])
        let r = Regularization(l2: 0.5, l1: 0.1, interceptL2Multiplier: 0.2)
        #expect(isClose(r.penalty(c), 0.25 * (5 + 0.2 * 9) + 0.3, relative: 1e-15))
    }
}
