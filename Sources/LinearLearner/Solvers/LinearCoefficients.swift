import LinearAlgebra
import MLCore

/// The fitted parameters of a linear model: one weight row and one intercept per output.
///
/// Single-output losses have one output; `softmax(classes: k)` has `k`. Raw scores are
/// `x · Wᵀ + b`.
public struct LinearCoefficients: Sendable, Equatable, Codable {
    /// `outputs × d` weights, one row per output.
    public var weights: DenseMatrix<Double>
    /// `outputs` intercepts.
    public var intercepts: [Double]

    /// Coefficients from a weight matrix and one intercept per weight row.
    public init(weights: DenseMatrix<Double>, intercepts: [Double]) {
        precondition(weights.rows == intercepts.count, "\(weights.rows) weight rows but \(intercepts.count) intercepts")
        self.weights = weights
        self.intercepts = intercepts
    }

    /// All-zero coefficients for `outputs` outputs over `features` features.
    public static func zeros(outputs: Int, features: Int) -> LinearCoefficients {
        LinearCoefficients(weights: DenseMatrix(rows: outputs, columns: features), intercepts: [Double](repeating: 0, count: outputs))
    }

    /// Number of outputs (weight rows).
    public var outputs: Int { weights.rows }
    /// Number of features (weight columns).
    public var featureCount: Int { weights.columns }

    /// Raw scores `X · Wᵀ + b` as an `n × outputs` matrix.
    ///
    /// One `dgemm` (or `dgemv` for a single output); `x.columns` must equal `featureCount`.
    /// Cost O(n · d · outputs).
    public func predict(_ x: DenseMatrix<Double>) -> DenseMatrix<Double> {
        precondition(x.columns == weights.columns, "\(x.columns) feature columns but the model has \(weights.columns)")
        var out = DenseMatrix<Double>(rows: x.rows, columns: outputs)
        for i in 0 ..< x.rows {
            for k in 0 ..< outputs { out.storage[i * outputs + k] = intercepts[k] }
        }
        // out (n × k, ld k) += X (n × d, ld d) · Wᵀ, where W is stored k × d (ld d).
        BLAS.gemm(x.storage, rows: x.rows, columns: x.columns,
                  weights.storage, rows: weights.rows, columns: weights.columns, transposeB: true,
                  into: &out.storage, alpha: 1, beta: 1)
        return out
    }

    private enum CodingKeys: String, CodingKey { case outputs, features, weights, intercepts }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let outputs = try c.decode(Int.self, forKey: .outputs)
        let features = try c.decode(Int.self, forKey: .features)
        let storage = try c.decode([Double].self, forKey: .weights)
        let intercepts = try c.decode([Double].self, forKey: .intercepts)
        guard outputs >= 0, features >= 0, storage.count == outputs * features, intercepts.count == outputs else {
            throw DecodingError.dataCorruptedError(
                forKey: .weights, in: c,
                debugDescription: "expected \(outputs) × \(features) weights and \(outputs) intercepts, found \(storage.count) weights and \(intercepts.count) intercepts")
        }
        self.init(weights: DenseMatrix(rows: outputs, columns: features, storage: storage), intercepts: intercepts)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(weights.rows, forKey: .outputs)
        try c.encode(weights.columns, forKey: .features)
        try c.encode(weights.storage, forKey: .weights)
        try c.encode(intercepts, forKey: .intercepts)
    }
}
