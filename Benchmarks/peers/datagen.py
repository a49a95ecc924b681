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
