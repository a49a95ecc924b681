/// A LAPACK routine reported failure through its `info` argument.
///
/// `info < 0` means argument number `-info` was illegal (a bug in the caller); `info > 0` is
/// routine-specific — for `dpotrf` the leading minor of that order is not positive definite, for
/// `dsyevd` that many off-diagonal elements failed to converge.
public struct LAPACKError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The LAPACK routine, e.g. `"dpotrf"`.
    public var routine: String
    /// LAPACK's `info` value (non-zero).
    public var info: Int
    /// What the value means for this routine.
    public var message: String

    public init(routine: String, info: Int, message: String) {
        self.routine = routine
        self.info = info
        self.message = message
    }

    /// Whether the failure reports a property of the input (not positive definite, no convergence)
    /// rather than an illegal argument.
    public var isNumerical: Bool { info > 0 }

    public var description: String { "LAPACK \(routine) failed (info = \(info)): \(message)" }
}
