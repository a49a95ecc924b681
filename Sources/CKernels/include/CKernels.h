#ifndef OPTML_CKERNELS_H
#define OPTML_CKERNELS_H

#include <stdint.h>

/// Kernels that need instruction sets chosen at run time (AVX-512, AVX2 or the baseline), which
/// Swift cannot select per function. Every clone performs the same IEEE operations in the same
/// order (no contraction into fused multiply-adds), so results are identical on every machine.

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

#ifdef __cplusplus
}
#endif

#endif
