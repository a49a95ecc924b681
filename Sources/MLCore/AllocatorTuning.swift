import CKernels

/// Process-wide settings of the C allocator, applied once at start-up.
public enum AllocatorTuning {
    /// Blocks below this size come from the heap and are reused after `free`; larger ones are
    /// mapped and unmapped on their own.
    public static let mapThreshold = 32 << 20
    /// Free memory at the top of the heap beyond this is returned to the kernel.
    public static let trimThreshold = 256 << 20

    /// Keeps freed blocks of up to 32 MiB in the heap for the next allocation instead of returning
    /// them to the kernel.
    ///
    /// glibc's default maps every block over 128 KiB (a threshold it raises only after such a
    /// block is freed) and gives freed heap memory back once 256 KiB sit free at its top. Training
    /// allocates and drops many arrays of one value per row (scores, curvatures, sort buffers:
    /// 6.4 MB each for 800,000 rows), so each one came back as fresh pages that the kernel zeroes on
    /// first touch: about 0.7 ms per MB on this project's benchmark machine, a tenth of a
    /// logistic regression's model phase. Blocks of 32 MiB and more (the data matrices) are still
    /// mapped on their own, so they return to the kernel when freed and the peak resident set stays
    /// that of the live data plus at most the retained top of the heap.
    /// Returns whether the C library took the settings (glibc does).
    @discardableResult
    public static func apply() -> Bool {
        optml_configure_allocator(Int64(mapThreshold), Int64(trimThreshold)) == 1
    }
}
