#include "CKernels.h"

#include <float.h>
#include <string.h>

// Results must not depend on the clone that runs: no a * b + c fused into one rounding.
#pragma STDC FP_CONTRACT OFF

typedef double f64x16 __attribute__((ext_vector_type(16)));
typedef uint32_t u32x8 __attribute__((ext_vector_type(8)));
typedef uint16_t u16x16 __attribute__((ext_vector_type(16)));
typedef int16_t i16x16 __attribute__((ext_vector_type(16)));

#if defined(__x86_64__) && defined(__clang__)
#define OPTML_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define OPTML_CLONES
#endif

static inline __attribute__((always_inline)) void fmix32(u32x8 *p) {
    u32x8 x = *p;
    x ^= x >> 16;
    x *= 0x85EBCA6Bu;
    x ^= x >> 13;
    x *= 0xC2B2AE35u;
    x ^= x >> 16;
    *p = x;
}

static inline __attribute__((always_inline)) void lane_counts(const u32x8 *keys, const i16x16 *limits, uint32_t index, i16x16 *counts) {
    u32x8 words = *keys + index * 0x9E3779B9u;
    fmix32(&words);
    u16x16 v = (u16x16)words;
    i16x16 c = 0;
    // A comparison gives -1 where true. limits hold threshold - 32768 so that signed compares
    // order the 16-bit values as unsigned ones (x86 has only signed 16-bit compares before AVX-512).
    i16x16 s = (i16x16)(v ^ (uint16_t)0x8000);
    for (int t = 0; t < 8; t++) c -= (s >= limits[t]);
    *counts = c;
}

void optml_poisson_lanes(const uint32_t *keys, const uint16_t *thresholds, uint32_t index, uint8_t *counts) {
    u32x8 k;
    memcpy(&k, keys, sizeof k);
    i16x16 limits[8];
    for (int t = 0; t < 8; t++) limits[t] = (int16_t)(thresholds[t] ^ 0x8000);
    i16x16 c;
    lane_counts(&k, limits, index, &c);
    for (int l = 0; l < OPTML_BOOTSTRAP_LANES; l++) counts[l] = (uint8_t)c[l];
}

typedef struct {
    f64x16 tp, fp, previous_tp, previous_fp, area, half_area, precision_sum, log_loss, brier;
} lane_state;

// The loop body, specialised by the optimiser for each combination of the constant flags.
static inline __attribute__((always_inline)) void run_range(
    lane_state *st, const int32_t *order, const uint8_t *flags, const double *weights, const double *log_loss,
    const double *brier, int64_t begin, int64_t end, const u32x8 *keys, const i16x16 *limits, int unit, int weighted,
    int losses) {
    const f64x16 tiny = DBL_MIN;
    f64x16 tp = st->tp, fp = st->fp, ptp = st->previous_tp, pfp = st->previous_fp;
    f64x16 area = st->area, harea = st->half_area, psum = st->precision_sum, ll = st->log_loss, br = st->brier;
    for (int64_t j = begin; j < end; j++) {
        uint8_t f = flags[j];
        f64x16 c;
        if (unit) {
            c = 1.0;
        } else {
            i16x16 counts;
            lane_counts(keys, limits, (uint32_t)order[j], &counts);
            c = __builtin_convertvector(counts, f64x16);
        }
        if (weighted) c *= weights[j];
        f64x16 positive = c * (double)((f >> 2) & 1);
        f64x16 negative = c - positive;
        tp += positive;
        fp += negative;
        if (losses) {
            ll += c * log_loss[j];
            br += c * brier[j];
        }
        if (f & 8) {
            // A run of one example: its trapezoid is negative x 2tp (tp did not move unless it is
            // positive, and then negative is 0); `half_area` collects negative x tp.
            harea += negative * tp;
            if (f & 2) {
                f64x16 seen = tp + fp;
                seen = seen < tiny ? tiny : seen;
                psum += positive * (tp / seen);
            }
            ptp = tp;
            pfp = fp;
        } else if (f & 1) {
            area += (fp - pfp) * (tp + ptp);
            if (f & 2) {
                f64x16 seen = tp + fp;
                seen = seen < tiny ? tiny : seen;
                psum += (tp - ptp) * (tp / seen);
            }
            ptp = tp;
            pfp = fp;
        }
    }
    st->tp = tp; st->fp = fp; st->previous_tp = ptp; st->previous_fp = pfp;
    st->area = area; st->half_area = harea; st->precision_sum = psum; st->log_loss = ll; st->brier = br;
}

static inline __attribute__((always_inline)) void run_all(
    lane_state *st, f64x16 *tp_at, f64x16 *fp_at, const int32_t *order, const uint8_t *flags, const double *weights,
    const double *log_loss, const double *brier, int64_t n, int64_t split, const u32x8 *keys, const i16x16 *limits,
    int unit, int weighted, int losses) {
    run_range(st, order, flags, weights, log_loss, brier, 0, split, keys, limits, unit, weighted, losses);
    *tp_at = st->tp;
    *fp_at = st->fp;
    run_range(st, order, flags, weights, log_loss, brier, split, n, keys, limits, unit, weighted, losses);
}

OPTML_CLONES
void optml_binary_resample_pass(const int32_t *order, const uint8_t *flags, const double *weights,
                                const double *log_loss, const double *brier, int64_t n, int64_t split,
                                const uint32_t *keys, const uint16_t *thresholds, optml_binary_sums *out) {
    u32x8 k = 0;
    i16x16 limits[8];
    for (int t = 0; t < 8; t++) limits[t] = 0;
    if (keys) {
        memcpy(&k, keys, sizeof k);
        for (int t = 0; t < 8; t++) limits[t] = (int16_t)(thresholds[t] ^ 0x8000);
    }
    if (split < 0) split = 0;
    if (split > n) split = n;
    lane_state st;
    memset(&st, 0, sizeof st);
    f64x16 tp_at = 0, fp_at = 0;
    int unit = keys == NULL, weighted = weights != NULL, losses = log_loss != NULL && brier != NULL;
    // Each combination gets its own copy of the loop with the tests hoisted out.
    if (unit) {
        run_all(&st, &tp_at, &fp_at, order, flags, weights, log_loss, brier, n, split, &k, limits, 1, weighted, losses);
    } else if (weighted) {
        if (losses) run_all(&st, &tp_at, &fp_at, order, flags, weights, log_loss, brier, n, split, &k, limits, 0, 1, 1);
        else run_all(&st, &tp_at, &fp_at, order, flags, weights, log_loss, brier, n, split, &k, limits, 0, 1, 0);
    } else {
        if (losses) run_all(&st, &tp_at, &fp_at, order, flags, weights, log_loss, brier, n, split, &k, limits, 0, 0, 1);
        else run_all(&st, &tp_at, &fp_at, order, flags, weights, log_loss, brier, n, split, &k, limits, 0, 0, 0);
    }
    memcpy(out->positives, &st.tp, sizeof out->positives);
    memcpy(out->negatives, &st.fp, sizeof out->negatives);
    memcpy(out->tp_at_threshold, &tp_at, sizeof out->tp_at_threshold);
    memcpy(out->fp_at_threshold, &fp_at, sizeof out->fp_at_threshold);
    f64x16 area = st.area + 2 * st.half_area;
    memcpy(out->area, &area, sizeof out->area);
    memcpy(out->precision_sum, &st.precision_sum, sizeof out->precision_sum);
    memcpy(out->log_loss, &st.log_loss, sizeof out->log_loss);
    memcpy(out->brier, &st.brier, sizeof out->brier);
}
