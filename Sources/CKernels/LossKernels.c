#include "CKernels.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

// Per-row losses of the linear learner's exact solvers, eight rows (or scores) at a time: the
// logistic loss with its derivative and curvature, and the softmax cross entropy turning a
// block of class scores into its gradient coefficients. Their exp and log are vector
// polynomials accurate to about one unit in the last place (tested against the C library),
// where a call to the library's scalar exp and log per value was most of the pass.
//
// Clones for x86-64-v4 (AVX-512) and v3 (AVX2, FMA) are chosen at load time; the baseline clone
// is the same code without fused multiply-adds.

#if defined(__x86_64__) && defined(__clang__)
#define OPTML_LOSS_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define OPTML_LOSS_CLONES
#endif

typedef double f64x8 __attribute__((ext_vector_type(8)));
typedef int64_t i64x8 __attribute__((ext_vector_type(8)));

#define LANES 8

// Vector values cross no function boundary here (an 8-double vector argument would depend on the
// clone's ABI): helpers are macros or take pointers.
#define fma8(a, b, c) __builtin_elementwise_fma((a), (b), (c))
#define select8(mask, a, b) ((f64x8)((((i64x8)(a)) & (mask)) | (((i64x8)(b)) & ~(mask))))

// e^x for x ≤ 709.7; values below -745.1 give 0 (as the C library does, up to the last subnormals).
static inline __attribute__((always_inline)) void vexp(f64x8 *value) {
    f64x8 x = *value;
    const double log2e = 0x1.71547652b82fep0;
    const double ln2hi = 0x1.62e42fefa3800p-1, ln2lo = 0x1.ef35793c76730p-45;
    const double shifter = 0x1.8p52;
    x = __builtin_elementwise_max(x, (f64x8)-746.0);
    f64x8 t = fma8(x, (f64x8)log2e, (f64x8)shifter);
    f64x8 n = t - shifter;  // round(x / ln 2)
    f64x8 r = fma8(-n, (f64x8)ln2hi, x);
    r = fma8(-n, (f64x8)ln2lo, r);  // |r| ≤ ln(2)/2
    // e^r by its Taylor series to r^13 / 13! (remainder below 1e-18 relative).
    f64x8 p = (f64x8)(1.0 / 6227020800.0);
    p = fma8(p, r, (f64x8)(1.0 / 479001600.0));
    p = fma8(p, r, (f64x8)(1.0 / 39916800.0));
    p = fma8(p, r, (f64x8)(1.0 / 3628800.0));
    p = fma8(p, r, (f64x8)(1.0 / 362880.0));
    p = fma8(p, r, (f64x8)(1.0 / 40320.0));
    p = fma8(p, r, (f64x8)(1.0 / 5040.0));
    p = fma8(p, r, (f64x8)(1.0 / 720.0));
    p = fma8(p, r, (f64x8)(1.0 / 120.0));
    p = fma8(p, r, (f64x8)(1.0 / 24.0));
    p = fma8(p, r, (f64x8)(1.0 / 6.0));
    p = fma8(p, r, (f64x8)0.5);
    p = fma8(p, r, (f64x8)1.0);
    p = fma8(p, r, (f64x8)1.0);
    // 2^n in two factors, so that n down to -1076 stays within normal exponents.
    i64x8 ni = __builtin_convertvector(n, i64x8);
    i64x8 half = ni >> 1;
    i64x8 rest = ni - half;
    i64x8 b1 = (half + 1023) << 52, b2 = (rest + 1023) << 52;
    f64x8 s1, s2;
    memcpy(&s1, &b1, sizeof s1);
    memcpy(&s2, &b2, sizeof s2);
    *value = p * s1 * s2;
}

// log x for positive normal x.
static inline __attribute__((always_inline)) void vlog(f64x8 *value) {
    f64x8 x = *value;
    const double ln2hi = 0x1.62e42fefa3800p-1, ln2lo = 0x1.ef35793c76730p-45;
    i64x8 bits;
    memcpy(&bits, &x, sizeof bits);
    i64x8 exponent = ((bits >> 52) & 0x7FF) - 1023;
    i64x8 mantissaBits = (bits & 0x000FFFFFFFFFFFFFLL) | 0x3FF0000000000000LL;
    f64x8 m;
    memcpy(&m, &mantissaBits, sizeof m);  // [1, 2)
    i64x8 big = m > 0x1.6a09e667f3bcdp0;  // √2
    m = select8(big, m * 0.5, m);         // [√2/2, √2)
    exponent = exponent - big;            // big is -1 where true
    f64x8 e = __builtin_convertvector(exponent, f64x8);
    // log m = 2 atanh f = 2 (f + f³/3 + f⁵/5 + …), f = (m − 1)/(m + 1), |f| ≤ 0.1716.
    f64x8 f = (m - 1.0) / (m + 1.0);
    f64x8 s = f * f;
    f64x8 p = (f64x8)(1.0 / 25.0);
    p = fma8(p, s, (f64x8)(1.0 / 23.0));
    p = fma8(p, s, (f64x8)(1.0 / 21.0));
    p = fma8(p, s, (f64x8)(1.0 / 19.0));
    p = fma8(p, s, (f64x8)(1.0 / 17.0));
    p = fma8(p, s, (f64x8)(1.0 / 15.0));
    p = fma8(p, s, (f64x8)(1.0 / 13.0));
    p = fma8(p, s, (f64x8)(1.0 / 11.0));
    p = fma8(p, s, (f64x8)(1.0 / 9.0));
    p = fma8(p, s, (f64x8)(1.0 / 7.0));
    p = fma8(p, s, (f64x8)(1.0 / 5.0));
    p = fma8(p, s, (f64x8)(1.0 / 3.0));
    // 2f + 2f·s·p, with 2f exact.
    f64x8 twoF = f + f;
    f64x8 logm = fma8(twoF * s, p, twoF);
    *value = fma8(e, (f64x8)ln2hi, fma8(e, (f64x8)ln2lo, logm));
}

// The first `count` (up to 8) values at p; the other lanes `fill`.
static inline __attribute__((always_inline)) void load8(f64x8 *v, const double *p, int64_t count, double fill) {
    if (count >= LANES) {
        memcpy(v, p, sizeof *v);
    } else {
        *v = (f64x8)fill;
        for (int64_t l = 0; l < count; l++) (*v)[l] = p[l];
    }
}

static inline __attribute__((always_inline)) void store8(double *p, const f64x8 *v, int64_t count) {
    if (count >= LANES) memcpy(p, v, sizeof *v);
    else for (int64_t l = 0; l < count; l++) p[l] = (*v)[l];
}

OPTML_LOSS_CLONES
void optml_vector_exp(const double *x, double *out, int64_t n) {
    for (int64_t i = 0; i < n; i += LANES) {
        int64_t c = n - i < LANES ? n - i : LANES;
        f64x8 v;
        load8(&v, x + i, c, 0.0);
        vexp(&v);
        store8(out + i, &v, c);
    }
}

OPTML_LOSS_CLONES
void optml_vector_log(const double *x, double *out, int64_t n) {
    for (int64_t i = 0; i < n; i += LANES) {
        int64_t c = n - i < LANES ? n - i : LANES;
        f64x8 v;
        load8(&v, x + i, c, 1.0);
        vlog(&v);
        store8(out + i, &v, c);
    }
}

OPTML_LOSS_CLONES
double optml_logistic_block(const double *margins, const double *labels, const double *weights, int64_t m,
                            double *derivative, double *curvature) {
    f64x8 total = 0;
    for (int64_t i = 0; i < m; i += LANES) {
        int64_t c = m - i < LANES ? m - i : LANES;
        f64x8 p, y, w;
        load8(&p, margins + i, c, 0.0);
        load8(&y, labels + i, c, 0.0);
        if (weights) load8(&w, weights + i, c, 0.0);
        else load8(&w, NULL, 0, 1.0);
        if (c < LANES) for (int64_t l = c; l < LANES; l++) w[l] = 0;
        // With s = ±1 and z = s·p: ℓ = log(1 + e^{−z}), ℓ' = −s·σ(−z), ℓ'' = σ(z)σ(−z); one exp
        // of −|z| serves all three without overflow.
        i64x8 positive = y > 0.5;
        f64x8 s = select8(positive, (f64x8)1.0, (f64x8)-1.0);
        f64x8 z = s * p;
        f64x8 e = -__builtin_elementwise_abs(z);
        vexp(&e);
        f64x8 onePlus = 1.0 + e;
        f64x8 logOnePlus = onePlus;
        vlog(&logOnePlus);
        f64x8 value = __builtin_elementwise_max(-z, (f64x8)0.0) + logOnePlus;
        f64x8 inverse = 1.0 / onePlus;
        f64x8 sigmaMinusZ = select8(z >= 0, e * inverse, inverse);
        total += w * value;
        f64x8 dv = w * (-s * sigmaMinusZ);
        store8(derivative + i, &dv, c);
        if (curvature) {
            f64x8 cv = w * (sigmaMinusZ * (1.0 - sigmaMinusZ));
            store8(curvature + i, &cv, c);
        }
    }
    double sum = 0;
    for (int l = 0; l < LANES; l++) sum += total[l];
    return sum;
}

OPTML_LOSS_CLONES
double optml_softmax_block(double *scores, int64_t m, int64_t k, const double *bias, const double *labels,
                           const double *weights, double *scratch) {
    // Shift each row by its largest score (stable log-sum-exp) and keep the label's shifted score.
    double *shiftedLabel = scratch, *sums = scratch + m;
    for (int64_t i = 0; i < m; i++) {
        double *p = scores + i * k;
        double largest = -INFINITY;
        for (int64_t c = 0; c < k; c++) {
            if (bias) p[c] += bias[c];
            largest = p[c] > largest ? p[c] : largest;
        }
        for (int64_t c = 0; c < k; c++) p[c] -= largest;
        shiftedLabel[i] = p[(int64_t)labels[i]];
    }
    for (int64_t i = 0; i < m * k; i += LANES) {
        int64_t c = m * k - i < LANES ? m * k - i : LANES;
        f64x8 v;
        load8(&v, scores + i, c, 0.0);
        vexp(&v);
        store8(scores + i, &v, c);
    }
    for (int64_t i = 0; i < m; i++) {
        const double *p = scores + i * k;
        double sum = 0;
        for (int64_t c = 0; c < k; c++) sum += p[c];
        sums[i] = sum;
    }
    // −log softmax_y = log Σ_c e^{p_c − max} − (p_y − max); the sum is at least 1.
    f64x8 total = 0;
    for (int64_t i = 0; i < m; i += LANES) {
        int64_t c = m - i < LANES ? m - i : LANES;
        f64x8 sum, w, label;
        load8(&sum, sums + i, c, 1.0);
        if (weights) load8(&w, weights + i, c, 0.0);
        else load8(&w, NULL, 0, 1.0);
        if (c < LANES) for (int64_t l = c; l < LANES; l++) w[l] = 0;
        load8(&label, shiftedLabel + i, c, 0.0);
        vlog(&sum);
        total += w * (sum - label);
    }
    for (int64_t i = 0; i < m; i++) {
        double *p = scores + i * k;
        double s = weights ? weights[i] : 1.0;
        double scale = s / sums[i];
        for (int64_t c = 0; c < k; c++) p[c] *= scale;
        p[(int64_t)labels[i]] -= s;
    }
    double sum = 0;
    for (int l = 0; l < LANES; l++) sum += total[l];
    return sum;
}
