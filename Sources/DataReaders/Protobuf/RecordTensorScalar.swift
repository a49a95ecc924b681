/// The scalar types features are decoded into: Float32 tensors are copied bit for bit into a
/// Float matrix; every other combination converts each value (Float64 to Float rounds once).
protocol RecordTensorScalar: BinaryFloatingPoint, BitwiseCopyable, Sendable {
    init(_ value: Float)
    init(_ value: Double)
    init(_ value: Int32)
}

extension Float: RecordTensorScalar {}
extension Double: RecordTensorScalar {}
