#include "CKernels.h"

#include <stddef.h>
#if defined(__x86_64__) && defined(__clang__)
#include <immintrin.h>
#endif

// The Gram update g += Xᵀ diag(w) X of a row-major block, without packing.
//
// A tile of MR output rows × NR output columns keeps its MR·NR sums in registers while every row
// of a chunk of the block passes: per row, MR broadcasts and NR/VL vector loads feed MR·NR/VL
// fused multiply-adds. Chunks of CHUNK rows stay in the L2 cache while all tiles of the upper
// triangle pass over them. The last row tile is shifted back to end at d (it overlaps the tile
// before, whose entries it does not store again); the last column tile is narrowed (AVX-512 masked
// loads) or shifted back (AVX2), so no tile reads past a row.
//
// Only the upper triangle (j ≥ i) of g is updated. Fused multiply-adds are used, so the last bits
// may differ between the AVX-512, AVX2 and baseline versions, as they do between BLAS kernels.

#define CHUNK 128

typedef double f64x8 __attribute__((ext_vector_type(8)));
typedef double f64x4 __attribute__((ext_vector_type(4)));

static inline void store_tile(double *g, int64_t ldg, int64_t i0, int64_t j0, int64_t row_from, int64_t col_from,
                              int mr, int nr, int stride, const double *sums) {
    for (int a = 0; a < mr; a++) {
        int64_t i = i0 + a;
        if (i < row_from) continue;
        for (int b = 0; b < nr; b++) {
            int64_t j = j0 + b;
            if (j < col_from || j < i) continue;
            g[i * ldg + j] += sums[a * stride + b];
        }
    }
}

#if defined(__x86_64__) && defined(__clang__)

#define V4 __attribute__((target("avx512f,avx512dq,avx512vl,avx2,fma")))
#define V3 __attribute__((target("avx2,fma")))

// AVX-512: 8 × 16 tiles (16 accumulators of 8 doubles). The last column tile of a row of tiles
// is narrowed by masked loads (masked-off lanes are never read), so it computes no column twice.
// Each row step also prefetches one cache line of the next chunk, so the chunk's first tile pass
// does not wait on memory.
static inline __attribute__((always_inline)) V4 void tile_v4(
    const double *x, int64_t rows, int64_t ldx, const double *w, int64_t i0, int64_t j0, int vectors,
    __mmask8 mask0, __mmask8 mask1, const char **prefetch, const char *prefetch_end, double *out) {
    __m512d acc[8][2];
    for (int a = 0; a < 8; a++) { acc[a][0] = _mm512_setzero_pd(); acc[a][1] = _mm512_setzero_pd(); }
    const char *pf = *prefetch;
    for (int64_t r = 0; r < rows; r++) {
        const double *row = x + r * ldx;
        if (pf < prefetch_end) { __builtin_prefetch(pf, 0, 3); pf += 64; }
        __m512d b0 = _mm512_maskz_loadu_pd(mask0, row + j0);
        __m512d b1 = vectors > 1 ? _mm512_maskz_loadu_pd(mask1, row + j0 + 8) : _mm512_setzero_pd();
        if (w) {
            __m512d scale = _mm512_set1_pd(w[r]);
            b0 = _mm512_mul_pd(b0, scale);
            b1 = _mm512_mul_pd(b1, scale);
        }
        for (int a = 0; a < 8; a++) {
            __m512d s = _mm512_set1_pd(row[i0 + a]);
            acc[a][0] = _mm512_fmadd_pd(s, b0, acc[a][0]);
            if (vectors > 1) acc[a][1] = _mm512_fmadd_pd(s, b1, acc[a][1]);
        }
    }
    *prefetch = pf;
    for (int a = 0; a < 8; a++) {
        _mm512_storeu_pd(out + a * 16, acc[a][0]);
        _mm512_storeu_pd(out + a * 16 + 8, acc[a][1]);
    }
}

V4 static void chunk_v4(const double *x, int64_t rows, int64_t d, int64_t ldx, const double *w, double *g, int64_t ldg,
                        const char *next, const char *next_end) {
    double sums[8 * 16];
    for (int64_t it = 0; it < d; it += 8) {
        int64_t i0 = it + 8 <= d ? it : d - 8;
        for (int64_t j0 = it; j0 < d; j0 += 16) {
            int64_t width = d - j0 < 16 ? d - j0 : 16;
            if (width == 16) {
                tile_v4(x, rows, ldx, w, i0, j0, 2, 0xFF, 0xFF, &next, next_end, sums);
            } else if (width > 8) {
                tile_v4(x, rows, ldx, w, i0, j0, 2, 0xFF, (__mmask8)((1u << (width - 8)) - 1), &next, next_end, sums);
            } else {
                tile_v4(x, rows, ldx, w, i0, j0, 1, (__mmask8)((1u << width) - 1), 0, &next, next_end, sums);
            }
            store_tile(g, ldg, i0, j0, it, j0, 8, (int)width, 16, sums);
        }
    }
}

// AVX2: 4 × 8 tiles (8 accumulators of 4 doubles).
V3 static void tile_v3(const double *x, int64_t rows, int64_t ldx, const double *w, int64_t i0, int64_t j0, double *out) {
    f64x4 acc[4][2];
    for (int a = 0; a < 4; a++) { acc[a][0] = 0; acc[a][1] = 0; }
    for (int64_t r = 0; r < rows; r++) {
        const double *row = x + r * ldx;
        f64x4 b0, b1;
        __builtin_memcpy(&b0, row + j0, sizeof b0);
        __builtin_memcpy(&b1, row + j0 + 4, sizeof b1);
        if (w) {
            b0 *= w[r];
            b1 *= w[r];
        }
        for (int a = 0; a < 4; a++) {
            f64x4 s = (f64x4)row[i0 + a];
            acc[a][0] = __builtin_elementwise_fma(s, b0, acc[a][0]);
            acc[a][1] = __builtin_elementwise_fma(s, b1, acc[a][1]);
        }
    }
    for (int a = 0; a < 4; a++) {
        __builtin_memcpy(out + a * 8, &acc[a][0], sizeof acc[a][0]);
        __builtin_memcpy(out + a * 8 + 4, &acc[a][1], sizeof acc[a][1]);
    }
}

V3 static void chunk_v3(const double *x, int64_t rows, int64_t d, int64_t ldx, const double *w, double *g, int64_t ldg,
                        const char *next, const char *next_end) {
    (void)next; (void)next_end;
    double sums[4 * 8];
    for (int64_t it = 0; it < d; it += 4) {
        int64_t i0 = it + 4 <= d ? it : d - 4;
        for (int64_t jt = it; jt < d; jt += 8) {
            int64_t j0 = jt + 8 <= d ? jt : d - 8;
            if (j0 + 8 <= i0) continue;
            tile_v3(x, rows, ldx, w, i0, j0, sums);
            store_tile(g, ldg, i0, j0, it, jt, 4, 8, 8, sums);
        }
    }
}

#endif

typedef void (*chunk_fn)(const double *, int64_t, int64_t, int64_t, const double *, double *, int64_t, const char *, const char *);

// The kernel for this machine and width, or NULL where BLAS syrk is the better choice: fewer
// than 8 columns (too narrow for a tile) or no AVX2. `ceiling` 1 stops at AVX2 (tests run both).
static chunk_fn choose(int64_t d, int ceiling) {
#if defined(__x86_64__) && defined(__clang__)
    if (d < 8) return NULL;
    __builtin_cpu_init();
    if (ceiling >= 2 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq")
        && __builtin_cpu_supports("avx512vl"))
        return chunk_v4;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return chunk_v3;
#else
    (void)d;
    (void)ceiling;
#endif
    return NULL;
}

int optml_gram_update_up_to(const double *x, int64_t rows, int64_t d, int64_t ldx, const double *weights, double *g,
                            int64_t ldg, int ceiling) {
    chunk_fn chunk = choose(d, ceiling);
    if (!chunk) return 0;
    for (int64_t start = 0; start < rows; start += CHUNK) {
        int64_t m = rows - start < CHUNK ? rows - start : CHUNK;
        int64_t next_rows = rows - start - m < CHUNK ? rows - start - m : CHUNK;
        const char *next = (const char *)(x + (start + m) * ldx);
        const char *next_end = next + next_rows * ldx * (int64_t)sizeof(double);
        chunk(x + start * ldx, m, d, ldx, weights ? weights + start : NULL, g, ldg, next, next_end);
    }
    return 1;
}

int optml_gram_update(const double *x, int64_t rows, int64_t d, int64_t ldx, const double *weights, double *g, int64_t ldg) {
    return optml_gram_update_up_to(x, rows, d, ldx, weights, g, ldg, 2);
}

const char *optml_gram_kernel_name(int64_t d, int ceiling) {
    chunk_fn chunk = choose(d, ceiling);
#if defined(__x86_64__) && defined(__clang__)
    if (chunk == chunk_v4) return "avx512";
    if (chunk == chunk_v3) return "avx2";
#endif
    (void)chunk;
    return "blas";
}
