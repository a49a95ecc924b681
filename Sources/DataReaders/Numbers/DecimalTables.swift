/// Read-only lookup tables of the decimal-to-binary conversion, allocated once per process.
///
/// The hot loops copy this struct into a local before they start, so a table lookup is one load
/// from a raw pointer: no lazy-global check and no array bounds check per value.
struct DecimalTables: @unchecked Sendable {
    /// `powersOfFive[2(q + 342)]`, `[2(q + 342) + 1]`: high and low words of the 128-bit 5^q.
    let powersOfFive: UnsafePointer<UInt64>
    /// 1e0 ... 1e22, every one exactly representable in a Double.
    let powersOfTenDouble: UnsafePointer<Double>
    /// 1e0 ... 1e10, every one exactly representable in a Float.
    let powersOfTenFloat: UnsafePointer<Float>

    static let shared: DecimalTables = {
        let five = UnsafeMutablePointer<UInt64>.allocate(capacity: powersOfFive128Words.count)
        five.initialize(from: powersOfFive128Words, count: powersOfFive128Words.count)
        let tenDouble = UnsafeMutablePointer<Double>.allocate(capacity: 23)
        var d = 1.0
        for i in 0...22 {
            tenDouble[i] = d
            d *= 10
        }
        let tenFloat = UnsafeMutablePointer<Float>.allocate(capacity: 11)
        var f: Float = 1
        for i in 0...10 {
            tenFloat[i] = f
            f *= 10
        }
        return DecimalTables(
            powersOfFive: UnsafePointer(five),
            powersOfTenDouble: UnsafePointer(tenDouble),
            powersOfTenFloat: UnsafePointer(tenFloat)
        )
    }()
}
