import CLinearAlgebra
/// The number of threads OpenBLAS uses.
public func blasThreadCount() -> Int { Int(openblas_get_num_threads()) }
