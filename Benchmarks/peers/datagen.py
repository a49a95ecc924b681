"""Seeded generators of the benchmark datasets (see ../../docs and performance.md's Data table).

Every generator returns (X float32/float64 array, y) and is deterministic for its seed. CSV files
follow the SageMaker convention: label first, no header. Data is written to a cache folder outside
the repository and never committed.
"""
import os

import numpy as np


def higgs_like(n=1_000_000, seed=7):
    """Binary, 28 features: 21 'low-level' features and 7 nonlinear 'high-level' ones; the label
    depends on interactions, so trees beat a linear model (logistic AUC about 0.79)."""
    rng = np.random.default_rng(seed)
    low = rng.standard_normal((n, 21)).astype(np.float64)
    low[:, 0::3] = np.abs(low[:, 0::3]) * 1.3  # momenta-like, positive and skewed
    high = np.empty((n, 7))
    high[:, 0] = np.sqrt(low[:, 0] ** 2 + low[:, 3] ** 2)
    high[:, 1] = low[:, 1] * low[:, 4]
    high[:, 2] = np.log1p(low[:, 6] + low[:, 9])
    high[:, 3] = np.maximum(low[:, 2], low[:, 5])
    high[:, 4] = np.cos(low[:, 7]) * low[:, 12]
    high[:, 5] = low[:, 10] ** 2 - low[:, 11] ** 2
    high[:, 6] = np.tanh(low[:, 13] + low[:, 14] * low[:, 15])
    x = np.hstack([low, high])
    f = (0.9 * low[:, 0] - 0.7 * low[:, 3] + 0.6 * low[:, 1] - 0.5 * low[:, 8] + 0.4 * low[:, 16]
         + 1.1 * high[:, 1] - 0.9 * high[:, 3] + 0.8 * high[:, 4] + 0.6 * high[:, 5] * np.sign(low[:, 17])
         + 0.7 * (np.abs(low[:, 18]) > 1.0) - 0.5 * low[:, 19] * low[:, 20] - 0.6)
    p = 1.0 / (1.0 + np.exp(-f))
    y = (rng.random(n) < p).astype(np.float64)
    return x.astype(np.float32), y


def regression(n=1_000_000, d=100, seed=11):
    """y = X w + 3 + N(0, 9); half the columns are correlated with the other half."""
    rng = np.random.default_rng(seed)
    base = rng.standard_normal((n, d // 2))
    mixed = 0.8 * base + 0.6 * rng.standard_normal((n, d // 2))
    x = np.hstack([base, mixed])
    w = rng.uniform(-2, 2, d)
    y = x @ w + 3.0 + rng.normal(0, 3.0, n)
    return x.astype(np.float64), y


def multiclass(n=200_000, d=50, k=10, seed=5):
    """make_classification with 30 informative features and 10 classes."""
    from sklearn.datasets import make_classification

    x, y = make_classification(n_samples=n, n_features=d, n_informative=30, n_redundant=10,
                               n_classes=k, n_clusters_per_class=2, random_state=seed)
    return x.astype(np.float64), y.astype(np.float64)


def write_csv(path, x, y, fmt="%.7g"):
    """Label first, no header; written once and reused from the cache."""
    if os.path.exists(path):
        return
    tmp = path + ".tmp"
    data = np.hstack([y.reshape(-1, 1), x])
    with open(tmp, "w") as f:
        np.savetxt(f, data, fmt=fmt, delimiter=",")
    os.replace(tmp, path)


# --- sparse logistic regression (sparse_linear_peers.py) ---

SPARSE_CHUNK_ENTRIES = 4_000_000


def sparse_logistic_truth(d, density, seed, informative=0.1, margin_std=3.0, bias=-0.5):
    """The true model of sparse_logistic_chunks: a fraction `informative` of the d columns carry a
    N(0, s²) weight, with s chosen so that the true margin x·w has standard deviation margin_std for
    a row of density·d standard-normal values; the rest weigh 0. Returns (w float64[d], bias)."""
    rng = np.random.default_rng([seed, 0])
    k = sparse_row_entries(d, density)
    support = rng.random(d) < informative
    w = np.zeros(d)
    w[support] = rng.standard_normal(int(support.sum())) * margin_std / np.sqrt(max(1.0, k * informative))
    return w, bias


def sparse_row_entries(d, density):
    """Stored entries per row: round(density·d), at least 1, at most d/2."""
    k = max(1, int(round(density * d)))
    if k > d // 2:
        raise ValueError(f"density {density} gives {k} of {d} columns per row: this generator needs at most half")
    return k


def sparse_chunk_rows(d, density):
    """Rows per generated chunk (about SPARSE_CHUNK_ENTRIES entries): part of the data's identity."""
    return max(1, SPARSE_CHUNK_ENTRIES // sparse_row_entries(d, density))


def sparse_logistic_chunks(n, d, density, seed, stream, truth, dtype=np.float32):
    """All chunks of sparse_logistic_chunk, in order."""
    for c in range(-(-n // sparse_chunk_rows(d, density))):
        yield sparse_logistic_chunk(n, d, density, seed, stream, truth, c, dtype)


def sparse_logistic_chunk(n, d, density, seed, stream, truth, c, dtype=np.float32):
    """Chunk c of a sparse logistic-regression set of n rows: (indptr int64 from 0, indices int32,
    values, labels float32, true probabilities float64), about SPARSE_CHUNK_ENTRIES entries.

    Every row has exactly k = round(density·d) stored entries at distinct columns chosen uniformly
    at random (every column is equally popular, in about density·n rows), sorted, with N(0, 1)
    values (float32, then cast to `dtype`); the label is 1 with probability sigmoid(x·w + bias) for
    the `truth` weights. Chunk c of `stream` draws from its own generator [seed, stream, c], so the
    rows are the same whoever generates them and in whatever order, and a set of n rows is a prefix
    of a larger one.

    The columns of a row: k draws with replacement, sorted; every repeated draw is replaced by a
    fresh one, and so on until none repeats. The procedure treats all columns alike, so the column
    set is uniform over the k-subsets (as rng.choice(d, k, replace=False) per row, but vectorized).
    """
    w, bias = truth
    k = sparse_row_entries(d, density)
    chunk_rows = sparse_chunk_rows(d, density)
    r0 = c * chunk_rows
    rows = min(chunk_rows, n - r0)
    index_type = np.int32 if d < 2 ** 31 else np.int64
    rng = np.random.default_rng([seed, stream, c])
    cols = rng.integers(0, d, size=(rows, k), dtype=index_type)
    cols.sort(axis=1)
    while True:
        dup = np.zeros(cols.shape, dtype=bool)
        np.equal(cols[:, 1:], cols[:, :-1], out=dup[:, 1:])
        repeats = int(np.count_nonzero(dup))
        if repeats == 0:
            break
        affected = np.flatnonzero(dup.any(axis=1))
        cols[dup] = rng.integers(0, d, size=repeats, dtype=index_type)
        redo = cols[affected]
        redo.sort(axis=1)
        cols[affected] = redo
    values = rng.standard_normal((rows, k), dtype=np.float32)
    margin = np.einsum("ij,ij->i", values, w[cols]) + bias
    p = 1.0 / (1.0 + np.exp(-margin))
    labels = (rng.random(rows) < p).astype(np.float32)
    indptr = np.arange(rows + 1, dtype=np.int64) * k
    return indptr, cols.ravel(), values.ravel().astype(dtype, copy=False), labels, p
