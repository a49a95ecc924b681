/// A value handed to the workers of one parallel loop, which use it on disjoint parts: pointers
/// into storage that outlives the loop, each worker reading shared inputs and writing only its own
/// elements. The loop's join orders every write before the caller reads. The wrapper states that
/// promise to the compiler; keeping it is the caller's job.
public struct Unshared<T>: @unchecked Sendable {
    public let value: T
    public init(_ value: T) { self.value = value }
}
