#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A `malloc`ed array of trivial values that grows by doubling, for the per-chunk output of the
/// parsers: appending is a store and a compare, with no uniqueness check or bounds check beyond
/// the capacity test. The owner calls `deallocate()` once; copies share storage (it is not a value type).
struct GrowableBuffer<Element: BitwiseCopyable> {
    private(set) var base: UnsafeMutablePointer<Element>?
    private(set) var count = 0
    private var capacity = 0

    init(capacity: Int = 0) {
        if capacity > 0 { reserve(capacity) }
    }

    @inline(__always)
    mutating func append(_ value: Element) {
        if count == capacity { grow() }
        base.unsafelyUnwrapped[count] = value
        count += 1
    }

    @inline(__always)
    subscript(i: Int) -> Element {
        get { base.unsafelyUnwrapped[i] }
        nonmutating set { base.unsafelyUnwrapped[i] = newValue }
    }

    /// Drops the elements from `newCount` on (used to undo a partially stored row).
    mutating func truncate(to newCount: Int) { count = min(count, newCount) }

    mutating func reserve(_ minimum: Int) {
        guard minimum > capacity else { return }
        let bytes = minimum * MemoryLayout<Element>.stride
        guard let grown = realloc(base, bytes) else { fatalError("out of memory growing a parse buffer to \(bytes) bytes") }
        base = grown.assumingMemoryBound(to: Element.self)
        capacity = minimum
    }

    @inline(never)
    private mutating func grow() { reserve(max(1024, capacity * 2)) }

    /// The elements as a buffer (valid until the next append or `free`).
    var buffer: UnsafeBufferPointer<Element> { UnsafeBufferPointer(start: base, count: count) }

    mutating func deallocate() {
        if let base { free(base) }
        base = nil
        count = 0
        capacity = 0
    }
}
