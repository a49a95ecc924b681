#!/usr/bin/env python3
"""Write the reference values of evaluation.json that Tests/EvaluationTests/ReportTests compares to.

Usage: python3 scripts/make_report_fixtures.py

For each task a seeded data set (300 rows, weights), the value of every metric of the report's
metric group computed by scikit-learn, and its bootstrap standard deviation computed by
scikit-learn on the same resamples the Swift code draws: this script reproduces the
counter-based Poisson(1) resample counts of Sources/Evaluation/Bootstrap/PoissonResampler.swift
bit for bit, calls scikit-learn with sample_weight = weight * count for each resample, and takes
the sample standard deviation (ddof=1) of the replicates. So the Swift fused one-pass bootstrap is
checked against independent metric code to 1e-9.
"""

import json
import math
import os
import sys

import numpy as np
import sklearn
from sklearn import metrics

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "EvaluationTests", "Fixtures", "report.json")
MASK = (1 << 64) - 1
SEED = 20261130
RESAMPLES = 25


def mix(z):
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


def poisson_table():
    """table[v]: the smallest k with (v + 1/2) / 2**16 < P(X <= k), X ~ Poisson(1)."""
    cdf = []
    term = 1.0 / 2.718281828459045
    cumulative = term
    for j in range(16):
        cdf.append(cumulative)
        term /= j + 1
        cumulative += term
    table = []
    k = 0
    for v in range(1 << 16):
        u = (v + 0.5) / 65536
        while u >= cdf[k]:
            k += 1
        table.append(k)
    return table


TABLE = poisson_table()


def fmix32(h):
    """MurmurHash3's 32-bit finaliser."""
    h ^= h >> 16
    h = (h * 0x85EBCA6B) & 0xFFFFFFFF
    h ^= h >> 13
    h = (h * 0xC2B2AE35) & 0xFFFFFFFF
    return h ^ (h >> 16)


def resample_counts(seed, r, n):
    """Resample r is lane r % 16 of group r // 16: group g has eight 32-bit keys, the low and high
    halves of mix(seed + (4g + q + 1) * 0xD1B54A32D192ED03) for q = 0..3; lane 2k + h takes the
    low (h = 0) or high (h = 1) 16 bits of fmix32(key[k] + i * 0x9E3779B9)."""
    g, lane = divmod(r, 16)
    word = mix((seed + (4 * g + lane // 4 + 1) * 0xD1B54A32D192ED03) & MASK)
    key = (word >> (32 * ((lane // 2) % 2))) & 0xFFFFFFFF
    shift = 16 * (lane % 2)
    out = np.empty(n)
    for i in range(n):
        h = fmix32((key + i * 0x9E3779B9) & 0xFFFFFFFF)
        out[i] = TABLE[(h >> shift) & 0xFFFF]
    return out


def ratio(a, b):
    return a / b if b != 0 else 0.0


def binary_metrics(y, s, w, threshold):
    pred = (s >= threshold).astype(float)
    tn, fp, fn, tp = metrics.confusion_matrix(y, pred, labels=[0, 1], sample_weight=w).ravel()
    ones = np.ones_like(y)
    out = {
        "accuracy": metrics.accuracy_score(y, pred, sample_weight=w),
        "precision": metrics.precision_score(y, pred, sample_weight=w, zero_division=0),
        "recall": metrics.recall_score(y, pred, sample_weight=w, zero_division=0),
        "true_positive_rate": ratio(tp, tp + fn),
        "true_negative_rate": ratio(tn, tn + fp),
        "false_positive_rate": ratio(fp, fp + tn),
        "false_negative_rate": ratio(fn, fn + tp),
        "f0_5": metrics.fbeta_score(y, pred, beta=0.5, sample_weight=w, zero_division=0),
        "f1": metrics.f1_score(y, pred, sample_weight=w, zero_division=0),
        "f2": metrics.fbeta_score(y, pred, beta=2, sample_weight=w, zero_division=0),
        "balanced_accuracy": metrics.balanced_accuracy_score(y, pred, sample_weight=w),
        "matthews_correlation": metrics.matthews_corrcoef(y, pred, sample_weight=w),
        "cohen_kappa": metrics.cohen_kappa_score(y, pred, labels=[0, 1], sample_weight=w),
        "accuracy_best_constant_classifier": metrics.accuracy_score(y, ones, sample_weight=w),
        "precision_best_constant_classifier": metrics.precision_score(y, ones, sample_weight=w, zero_division=0),
        "recall_best_constant_classifier": metrics.recall_score(y, ones, sample_weight=w, zero_division=0),
        "f0_5_best_constant_classifier": metrics.fbeta_score(y, ones, beta=0.5, sample_weight=w, zero_division=0),
        "f1_best_constant_classifier": metrics.f1_score(y, ones, sample_weight=w, zero_division=0),
        "f2_best_constant_classifier": metrics.fbeta_score(y, ones, beta=2, sample_weight=w, zero_division=0),
        "auc": metrics.roc_auc_score(y, s, sample_weight=w),
        "average_precision": metrics.average_precision_score(y, s, sample_weight=w),
        "log_loss": metrics.log_loss(y, s, sample_weight=w, labels=[0, 1]),
        "brier_score": metrics.brier_score_loss(y, s, sample_weight=w),
    }
    return out


def multiclass_metrics(y, prob, w):
    k = prob.shape[1]
    classes = list(range(k))
    pred = np.argmax(prob, axis=1).astype(float)
    support = np.array([np.sum(w[y == c]) for c in classes])
    majority = int(np.argmax(support))  # lowest index on ties, as the Swift code
    const = np.full_like(y, majority)
    out = {"accuracy": metrics.accuracy_score(y, pred, sample_weight=w)}
    for prefix, p in (("", pred), ("_best_constant_classifier", const)):
        if prefix:
            out["accuracy" + prefix] = metrics.accuracy_score(y, p, sample_weight=w)
        kw = dict(labels=classes, average="weighted", sample_weight=w, zero_division=0)
        out["weighted_recall" + prefix] = metrics.recall_score(y, p, **kw)
        out["weighted_precision" + prefix] = metrics.precision_score(y, p, **kw)
        out["weighted_f0_5" + prefix] = metrics.fbeta_score(y, p, beta=0.5, **kw)
        out["weighted_f1" + prefix] = metrics.f1_score(y, p, **kw)
        out["weighted_f2" + prefix] = metrics.fbeta_score(y, p, beta=2, **kw)
    for avg in ("macro", "micro"):
        kw = dict(labels=classes, average=avg, sample_weight=w, zero_division=0)
        out[avg + "_precision"] = metrics.precision_score(y, pred, **kw)
        out[avg + "_recall"] = metrics.recall_score(y, pred, **kw)
        out[avg + "_f1"] = metrics.f1_score(y, pred, **kw)
    out["balanced_accuracy"] = metrics.balanced_accuracy_score(y, pred, sample_weight=w)
    out["matthews_correlation"] = metrics.matthews_corrcoef(y, pred, sample_weight=w)
    out["cohen_kappa"] = metrics.cohen_kappa_score(y, pred, labels=classes, sample_weight=w)
    out["log_loss"] = metrics.log_loss(y, prob, sample_weight=w, labels=classes)
    out["brier_score"] = metrics.brier_score_loss(y, prob, sample_weight=w, labels=classes)
    for t in range(2, min(k - 1, 5) + 1):
        out[f"top_{t}_accuracy"] = metrics.top_k_accuracy_score(y, prob, k=t, labels=classes, sample_weight=w)
    return out


def regression_metrics(y, p, w, drawn):
    return {
        "mae": metrics.mean_absolute_error(y, p, sample_weight=w),
        "mse": metrics.mean_squared_error(y, p, sample_weight=w),
        "rmse": metrics.root_mean_squared_error(y, p, sample_weight=w),
        "r2": metrics.r2_score(y, p, sample_weight=w),
        "explained_variance": metrics.explained_variance_score(y, p, sample_weight=w),
        # max_error ignores weights; a resample sees only the rows it drew.
        "max_error": float(np.max(np.abs(y - p)[drawn])),
        "mape": metrics.mean_absolute_percentage_error(y, p, sample_weight=w),
    }


def with_bootstrap(n, w, compute):
    point = compute(w, np.ones(n, dtype=bool))
    replicates = {name: [] for name in point}
    for r in range(RESAMPLES):
        counts = resample_counts(SEED, r, n)
        values = compute(w * counts, counts > 0)
        for name, v in values.items():
            replicates[name].append(v)
    expected = {}
    for name, v in point.items():
        reps = np.array(replicates[name], dtype=float)
        reps = reps[np.isfinite(reps)]
        std = float(np.std(reps, ddof=1)) if len(reps) >= 2 else None
        expected[name] = {"value": float(v), "standard_deviation": std}
    return expected


def floats(a):
    return [float(x) for x in np.asarray(a, dtype=np.float64).ravel()]


def main():
    rng = np.random.default_rng(20261130)
    n = 300
    cases = []

    s = np.round(rng.uniform(size=n), 3)
    y = (rng.uniform(size=n) < 0.1 + 0.8 * s).astype(float)
    w = np.round(rng.uniform(0.2, 2, size=n), 2)
    cases.append({"name": "binary", "labels": floats(y), "scores": floats(s), "weights": floats(w), "threshold": 0.5,
                  "expected": with_bootstrap(n, w, lambda ww, _: binary_metrics(y, s, ww, 0.5))})

    k = 4
    yk = rng.integers(0, k, size=n).astype(float)
    z = rng.normal(size=(n, k))
    z[np.arange(n), yk.astype(int)] += 1.0
    prob = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    w = np.round(rng.uniform(0.5, 1.5, size=n), 2)
    cases.append({"name": "multiclass", "labels": floats(yk), "probabilities": [floats(r) for r in prob],
                  "weights": floats(w), "expected": with_bootstrap(n, w, lambda ww, _: multiclass_metrics(yk, prob, ww))})

    yr = rng.normal(size=n) * 5 + 20
    pr = yr + rng.normal(size=n) * 2 + 0.5
    w = np.round(rng.uniform(0.5, 2, size=n), 2)
    cases.append({"name": "regression", "labels": floats(yr), "predictions": floats(pr), "weights": floats(w),
                  "expected": with_bootstrap(n, w, lambda ww, drawn: regression_metrics(yr, pr, ww, drawn))})

    doc = {"sklearn": sklearn.__version__, "numpy": np.__version__, "generator": "scripts/make_report_fixtures.py",
           "seed": SEED, "resamples": RESAMPLES, "cases": cases}
    with open(OUT, "w") as f:
        json.dump(doc, f, indent=1, allow_nan=False)
        f.write("\n")
    print(f"wrote {os.path.relpath(OUT)} ({len(cases)} cases)", file=sys.stderr)


if __name__ == "__main__":
    main()
