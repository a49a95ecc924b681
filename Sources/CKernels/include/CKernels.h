#ifndef OPTML_CKERNELS_H
#define OPTML_CKERNELS_H

#include <stdint.h>

/// Kernels that need instruction sets chosen at run time (AVX-512, AVX2 or the baseline), which
/// Swift cannot select per function. The bootstrap kernels perform the same IEEE operations in the
/// same order in every clone (no contraction into fused multiply-adds), so their results are
/// identical on every machine; the Gram kernel, like a BLAS, may differ in the last bits.

#ifdef __cplusplus
extern "C" {
#endif

/// Resamples evaluated together by one binary bootstrap pass: the 16-bit halves of eight 32-bit
/// generator words per example.
#define OPTML_BOOTSTRAP_LANES 16

/// Per-lane sums of a binary resampling pass (see `optml_binary_resample_pass`).
typedef struct optml_binary_sums {
    double positives[OPTML_BOOTSTRAP_LANES];
    double negatives[OPTML_BOOTSTRAP_LANES];
    double tp_at_threshold[OPTML_BOOTSTRAP_LANES];
    double fp_at_threshold[OPTML_BOOTSTRAP_LANES];
    /// Twice the ROC area in weight units (sum of trapezoids).
    double area[OPTML_BOOTSTRAP_LANES];
    /// Sum over thresholds of (change in true positives) x precision.
    double precision_sum[OPTML_BOOTSTRAP_LANES];
    double log_loss[OPTML_BOOTSTRAP_LANES];
    double brier[OPTML_BOOTSTRAP_LANES];
} optml_binary_sums;

/// The Poisson(1) counts of the 16 resamples of a group for example `index`: word k of the
/// group is fmix32(keys[k] + index * 0x9E3779B9) (MurmurHash3's finaliser); lane 2k is its low
/// 16 bits, lane 2k + 1 its high 16 bits; a lane's count is the number of `thresholds` (eight,
/// increasing) that its 16-bit value reaches.
void optml_poisson_lanes(const uint32_t *keys, const uint16_t *thresholds, uint32_t index, uint8_t *counts);

/// One pass over examples sorted by decreasing score, for 16 resamples at once.
///
/// - order[j]: the input index of sorted position j (the generator's `index`).
/// - flags[j]: bit 0 the run of equal scores ends at j; bit 1 that run holds a positive of
///   non-zero weight; bit 2 the label is 1; bit 3 the run is j alone (bit 0 set too), which takes
///   a shorter path: its trapezoid is 2 x (drawn negatives) x tp.
/// - weights, log_loss, brier: per sorted position, or NULL (weights all 1; no loss terms).
/// - split: positions 0 ..< split are predicted positive.
/// - keys (8) and thresholds (8) as in `optml_poisson_lanes`; keys NULL means every example
///   counts once in every lane (the metrics of the data itself).
void optml_binary_resample_pass(const int32_t *order, const uint8_t *flags, const double *weights,
                                const double *log_loss, const double *brier, int64_t n, int64_t split,
                                const uint32_t *keys, const uint16_t *thresholds, optml_binary_sums *out);

/// The upper triangle (j >= i) of g += Xᵀ diag(weights) X for a row-major block X of `rows` rows
/// and `d` columns with leading dimension `ldx`; `weights` (one per row) may be NULL for all ones;
/// g is d × d row-major with leading dimension `ldg`. Register-tiled, no packing: for the tall,
/// narrow blocks of the normal equations it outruns BLAS syrk, whose packing copies dominate there.
/// Returns 0 without touching g where it has no kernel (under 8 columns, or a CPU without AVX2 and
/// FMA): the caller uses BLAS syrk then.
int optml_gram_update(const double *x, int64_t rows, int64_t d, int64_t ldx, const double *weights, double *g, int64_t ldg);

/// `optml_gram_update` using at most the AVX2 kernel when `ceiling` is 1 (2: any), so tests can
/// check every kernel this machine runs.
int optml_gram_update_up_to(const double *x, int64_t rows, int64_t d, int64_t ldx, const double *weights, double *g,
                            int64_t ldg, int ceiling);

/// The kernel used on this machine for `d` columns under `ceiling`: "avx512", "avx2", or "blas"
/// where it declines.
const char *optml_gram_kernel_name(int64_t d, int ceiling);

/// out[i] = e^x[i] (about one unit in the last place; below -745 gives 0). `out` may be `x`.
void optml_vector_exp(const double *x, double *out, int64_t n);

/// out[i] = log x[i] for positive normal x[i] (about one unit in the last place). `out` may be `x`.
void optml_vector_log(const double *x, double *out, int64_t n);

/// The logistic loss of m rows with margins p and 0/1 labels: returns Σ w_i ℓ_i with
/// ℓ = log(1 + e^{−z}), z = ±p (+ for label 1); writes w_i ℓ'_i to `derivative` and, when not NULL,
/// w_i ℓ''_i to `curvature`. `weights` NULL means all ones.
double optml_logistic_block(const double *margins, const double *labels, const double *weights, int64_t m,
                            double *derivative, double *curvature);

/// The softmax cross entropy of m rows of k class scores (row-major, ld k) with class labels
/// 0 ..< k: adds `bias` (k values, or NULL) to every row, returns Σ w_i (log Σ_c e^{p_ic} − p_iy),
/// and overwrites the scores with the gradient coefficients w_i (softmax_ic − [c = y_i]).
/// `scratch` holds 2m doubles.
double optml_softmax_block(double *scores, int64_t m, int64_t k, const double *bias, const double *labels,
                           const double *weights, double *scratch);

/// Sets glibc's `M_MMAP_THRESHOLD` and `M_TRIM_THRESHOLD` (`mallopt`), which Swift's C library
/// module does not export. Returns 1 when both were applied, 0 otherwise (other C libraries).
int optml_configure_allocator(int64_t map_threshold, int64_t trim_threshold);

/// Sets glibc's `M_MMAP_THRESHOLD` and `M_TRIM_THRESHOLD` (`mallopt`), which Swift's C library
/// module does not export. Returns 1 when both were applied, 0 otherwise (other C libraries).
int optml_configure_allocator(int64_t map_threshold, int64_t trim_threshold);

/// Class scores of a block for the softmax pass: P (m × k, row-major, ld k) = X Wᵀ for X (m × d,
/// leading dimension ldx) and W (k × d, row-major). `wt` is scratch of d · (k rounded up to 8)
/// doubles. Reads X in place (no packing, unlike BLAS dgemm, whose copies cost as much as the
/// arithmetic for these shapes).
void optml_class_scores(const double *x, int64_t m, int64_t d, int64_t ldx, const double *w, int64_t k, double *p,
                        double *wt);

/// The softmax pass's gradient update: G (k × d, row-major) += Cᵀ X for C (m × k, row-major) and
/// X (m × d, leading dimension ldx).
void optml_class_gradient(const double *c, int64_t m, int64_t k, const double *x, int64_t d, int64_t ldx, double *g);

#ifdef __cplusplus
}
#endif

#endif
