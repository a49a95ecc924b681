/// One regression tree in XGBoost's array layout (the `trees[i]` object of its JSON model format).
///
/// Node 0 is the root. For an internal node `n`, a row goes left when its value of feature
/// `splitIndices[n]` is less than `splitConditions[n]`, right otherwise, and to the left exactly
/// when `defaultLeft[n]` if the value is missing (NaN). For a leaf, `leftChildren[n] == -1` and
/// `splitConditions[n]` holds the leaf's output, already multiplied by the learning rate.
public struct RegressionTree: Sendable, Equatable {
    public var leftChildren: [Int32]
    public var rightChildren: [Int32]
    /// The parent of each node; the root's parent is `Int32.max` (as XGBoost writes it).
    public var parents: [Int32]
    public var splitIndices: [Int32]
    public var splitConditions: [Float]
    public var defaultLeft: [Bool]
    /// The node's weight (the would-be leaf value), scaled by the learning rate as XGBoost's JSON
    /// stores it.
    public var baseWeights: [Float]
    /// Gain of the split at internal nodes; 0 at leaves.
    public var lossChanges: [Float]
    /// Sum of hessians of the training rows that reached the node (XGBoost's "cover").
    public var sumHessians: [Float]

    public init(leftChildren: [Int32], rightChildren: [Int32], parents: [Int32], splitIndices: [Int32],
                splitConditions: [Float], defaultLeft: [Bool], baseWeights: [Float], lossChanges: [Float],
                sumHessians: [Float]) {
        let n = leftChildren.count
        precondition([rightChildren.count, parents.count, splitIndices.count, splitConditions.count, defaultLeft.count,
                      baseWeights.count, lossChanges.count, sumHessians.count].allSatisfy { $0 == n },
                     "every node array must have one entry per node")
        self.leftChildren = leftChildren
        self.rightChildren = rightChildren
        self.parents = parents
        self.splitIndices = splitIndices
        self.splitConditions = splitConditions
        self.defaultLeft = defaultLeft
        self.baseWeights = baseWeights
        self.lossChanges = lossChanges
        self.sumHessians = sumHessians
    }

    public var nodeCount: Int { leftChildren.count }

    @inlinable public func isLeaf(_ node: Int) -> Bool { leftChildren[node] == -1 }
}
