#!/usr/bin/env python3
"""Write the scikit-learn reference values that Tests/EvaluationTests compare against.

Usage: python3 scripts/make_evaluation_fixtures.py

Every input is generated from a fixed NumPy seed, so running the script again reproduces the
committed JSON files byte for byte (for the same scikit-learn and NumPy versions, recorded in each
file). The Swift tests compare every metric to these values with a relative tolerance of 1e-9.

Behaviour this script pins (checked below with assertions, so a scikit-learn upgrade that changes
it fails here first):
  * log_loss clips probabilities to [eps, 1 - eps] with eps = np.finfo(float64).eps (2.22e-16) and
    does NOT renormalise rows (scikit-learn >= 1.5; older versions used eps = 1e-15 and
    renormalised);
  * roc_auc_score is the trapezoid over the distinct thresholds (ties form one diagonal step);
  * zero sample weights are dropped before the curves are built.

Threshold selection (`bestThreshold`) has no scikit-learn counterpart; it is computed here by brute
force over every candidate, independently of the Swift sweep.
"""

import json
import math
import os
import sys

import numpy as np
import sklearn
from sklearn import metrics
from sklearn.calibration import calibration_curve

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "EvaluationTests", "Fixtures")
EPS = np.finfo(np.float64).eps


def floats(a):
    return [float(x) for x in np.asarray(a, dtype=np.float64).ravel()]


def finite_or_none(a):
    """JSON has no infinity: roc_curve's leading +inf threshold is written as null."""
    return [None if not math.isfinite(x) else x for x in floats(a)]


def header():
    return {"sklearn": sklearn.__version__, "numpy": np.__version__, "generator": "scripts/make_evaluation_fixtures.py"}


# ----------------------------------------------------------------------------------------------
# Binary classification
# ----------------------------------------------------------------------------------------------

def weighted_confusion(y, pred, w):
    tp = float(np.sum(w * ((y == 1) & (pred == 1))))
    fp = float(np.sum(w * ((y == 0) & (pred == 1))))
    tn = float(np.sum(w * ((y == 0) & (pred == 0))))
    fn = float(np.sum(w * ((y == 1) & (pred == 0))))
    return tp, fp, tn, fn


def brute_force_threshold(y, s, w, criterion):
    """Reference for BinaryMetrics.bestThreshold: evaluate every candidate, highest threshold first.

    Candidates: every distinct score, plus nextafter(max score, +inf) meaning "all negative".
    Predicted positive iff score >= threshold. Ties keep the higher threshold (strict improvement
    is needed to move to a lower one).
    """
    candidates = [float(np.nextafter(np.max(s), np.inf))] + sorted(set(floats(s)), reverse=True)
    rows = []
    for t in candidates:
        pred = (s >= t).astype(int)
        tp, fp, tn, fn = weighted_confusion(y, pred, w)
        total = tp + fp + tn + fn
        acc = (tp + tn) / total if total > 0 else float("nan")
        prec = tp / (tp + fp) if tp + fp > 0 else 0.0
        rec = tp / (tp + fn) if tp + fn > 0 else 0.0
        rows.append((t, tp, fp, tn, fn, acc, prec, rec))

    kind = criterion[0]
    if kind in ("accuracy", "fBeta"):
        best = None
        for (t, tp, fp, tn, fn, acc, prec, rec) in rows:
            if kind == "accuracy":
                v = acc
            else:
                b2 = criterion[1] ** 2
                d = (1 + b2) * tp + b2 * fn + fp
                v = (1 + b2) * tp / d if d > 0 else 0.0
            if best is None or v > best[1]:
                best = (t, v)
        return {"threshold": best[0], "value": best[1], "met": True}

    if kind == "precisionAtTargetRecall":
        target = criterion[1]
        objective = lambda r: r[6]
        constraint = lambda r: r[7]
    else:
        target = criterion[1]
        objective = lambda r: r[7]
        constraint = lambda r: r[6]
    feasible = [r for r in rows if constraint(r) >= target]
    if feasible:
        best = None
        for r in feasible:
            if best is None or objective(r) > objective(best):
                best = r
        return {"threshold": best[0], "value": objective(best), "met": True}
    # Nothing meets the target: the constraint closest to it (the largest), then the best objective.
    best = None
    for r in rows:
        if best is None or (constraint(r), objective(r)) > (constraint(best), objective(best)):
            best = r
    return {"threshold": best[0], "value": objective(best), "met": False}


CRITERIA = [
    ("accuracy",),
    ("fBeta", 1.0),
    ("fBeta", 0.5),
    ("fBeta", 2.0),
    ("precisionAtTargetRecall", 0.8),
    ("precisionAtTargetRecall", 0.95),
    ("recallAtTargetPrecision", 0.8),
    ("recallAtTargetPrecision", 0.999),
]


def binary_case(name, y, s, w, threshold, probabilities):
    y = np.asarray(y, dtype=np.float64)
    s = np.asarray(s, dtype=np.float64)
    sw = None if w is None else np.asarray(w, dtype=np.float64)
    ww = np.ones_like(y) if sw is None else sw
    pred = (s >= threshold).astype(np.float64)

    tn, fp, fn, tp = metrics.confusion_matrix(y, pred, labels=[0, 1], sample_weight=sw).ravel()
    assert np.allclose([tp, fp, tn, fn], weighted_confusion(y, pred, ww))
    fpr, tpr, roc_t = metrics.roc_curve(y, s, sample_weight=sw, drop_intermediate=False)
    prec, rec, pr_t = metrics.precision_recall_curve(y, s, sample_weight=sw)
    auc = metrics.roc_auc_score(y, s, sample_weight=sw)
    # The trapezoid over the full (undropped) curve is the same area.
    assert abs(metrics.auc(fpr, tpr) - auc) <= 1e-12

    expected = {
        "confusion": {"tp": float(tp), "fp": float(fp), "tn": float(tn), "fn": float(fn)},
        "accuracy": metrics.accuracy_score(y, pred, sample_weight=sw),
        "precision": metrics.precision_score(y, pred, sample_weight=sw, zero_division=0),
        "recall": metrics.recall_score(y, pred, sample_weight=sw, zero_division=0),
        "f1": metrics.f1_score(y, pred, sample_weight=sw, zero_division=0),
        "f0_5": metrics.fbeta_score(y, pred, beta=0.5, sample_weight=sw, zero_division=0),
        "f2": metrics.fbeta_score(y, pred, beta=2.0, sample_weight=sw, zero_division=0),
        "mcc": metrics.matthews_corrcoef(y, pred, sample_weight=sw),
        "balancedAccuracy": metrics.balanced_accuracy_score(y, pred, sample_weight=sw),
        "cohenKappa": metrics.cohen_kappa_score(y, pred, labels=[0, 1], sample_weight=sw),
        "rocAUC": auc,
        "averagePrecision": metrics.average_precision_score(y, s, sample_weight=sw),
        "rocCurve": {"fpr": floats(fpr), "tpr": floats(tpr), "thresholds": finite_or_none(roc_t)},
        "prCurve": {"precision": floats(prec), "recall": floats(rec), "thresholds": floats(pr_t)},
        "thresholds": [
            {"criterion": list(c), **brute_force_threshold(y, s, ww, c)} for c in CRITERIA
        ],
    }
    if probabilities:
        expected["logLoss"] = metrics.log_loss(y, s, sample_weight=sw, labels=[0, 1])
        expected["brier"] = metrics.brier_score_loss(y, s, sample_weight=sw)
        # Pin the clipping rule: eps is float64 machine epsilon, applied to p and to 1 - p.
        clipped = np.clip(np.stack([1 - s, s], axis=1), EPS, 1 - EPS)
        manual = -np.log(np.where(y == 1, clipped[:, 1], clipped[:, 0]))
        assert abs(np.average(manual, weights=sw) - expected["logLoss"]) <= 1e-12 * max(1.0, expected["logLoss"])
        if sw is None:
            # calibration_curve takes no weights; the weighted Swift curve is checked on the
            # unweighted cases (and by hand-made examples in the tests).
            true_fraction, mean_predicted = calibration_curve(y, s, n_bins=10, strategy="uniform")
            expected["calibration"] = {"fractionPositive": floats(true_fraction), "meanPredicted": floats(mean_predicted)}
    return {
        "name": name,
        "labels": floats(y),
        "scores": floats(s),
        "weights": None if sw is None else floats(sw),
        "threshold": threshold,
        "expected": {k: (float(v) if isinstance(v, (np.floating, float)) else v) for k, v in expected.items()},
    }


def binary_cases(rng):
    cases = []

    # Probabilities rounded to two decimals: many ties, unweighted.
    n = 300
    s = np.round(rng.uniform(size=n), 2)
    y = (rng.uniform(size=n) < 0.15 + 0.7 * s).astype(float)
    cases.append(binary_case("ties_unweighted", y, s, None, 0.5, True))

    # Same shape with weights, about 10 % of them zero.
    s = np.round(rng.uniform(size=n), 2)
    y = (rng.uniform(size=n) < 0.1 + 0.8 * s).astype(float)
    w = np.round(rng.uniform(0, 3, size=n), 3)
    w[rng.uniform(size=n) < 0.1] = 0.0
    cases.append(binary_case("ties_weighted", y, s, w, 0.5, True))

    # Exact 0 and 1 and values beyond the clip, with labels that make the clip matter.
    s = np.array([0.0, 1.0, 0.0, 1.0, 1e-20, 1 - 1e-17, 1e-300, 0.5, 0.25, 0.75, 1e-10, 1 - 1e-10] * 4)
    y = np.array([1, 0, 0, 1, 1, 0, 0, 1, 0, 1, 1, 0] * 4, dtype=float)
    perm = rng.permutation(len(s))
    cases.append(binary_case("clipped_probabilities", y[perm], s[perm], None, 0.5, True))

    # Raw margins (hinge-style scores) with integer weights, threshold 0.
    n = 500
    s = np.round(rng.normal(size=n) * 3, 1)
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-s))).astype(float)
    w = rng.integers(1, 6, size=n).astype(float)
    cases.append(binary_case("raw_scores_weighted", y, s, w, 0.0, False))

    # Large enough for the radix-sort path of the Swift sweep (ScoreSort.radixThreshold = 4096):
    # three-decimal probabilities, so about a thousand tied groups, and weights with zeros.
    n = 5000
    s = np.round(rng.beta(2, 3, size=n), 3)
    y = (rng.uniform(size=n) < s).astype(float)
    w = np.round(rng.uniform(0, 2, size=n), 2)
    w[rng.uniform(size=n) < 0.05] = 0.0
    cases.append(binary_case("large_ties_weighted", y, s, w, 0.5, True))

    # Every score equal: the ROC curve is one diagonal step, AUC = 0.5.
    s = np.full(8, 0.5)
    y = np.array([1, 0, 1, 1, 0, 0, 0, 1], dtype=float)
    cases.append(binary_case("all_tied", y, s, None, 0.5, True))

    # Perfect separation with a tie straddling nothing.
    s = np.array([0.1, 0.2, 0.3, 0.4, 0.6, 0.7, 0.8, 0.9, 0.9, 0.2])
    y = np.array([0, 0, 0, 0, 1, 1, 1, 1, 1, 0], dtype=float)
    cases.append(binary_case("separable", y, s, None, 0.5, True))
    return cases


# ----------------------------------------------------------------------------------------------
# Regression
# ----------------------------------------------------------------------------------------------

def regression_case(name, y, p, w):
    y = np.asarray(y, dtype=np.float64)
    p = np.asarray(p, dtype=np.float64)
    sw = None if w is None else np.asarray(w, dtype=np.float64)
    expected = {
        "mse": metrics.mean_squared_error(y, p, sample_weight=sw),
        "rmse": metrics.root_mean_squared_error(y, p, sample_weight=sw),
        "mae": metrics.mean_absolute_error(y, p, sample_weight=sw),
        "r2": metrics.r2_score(y, p, sample_weight=sw),
        "explainedVariance": metrics.explained_variance_score(y, p, sample_weight=sw),
        "maxError": metrics.max_error(y, p),
        "mape": metrics.mean_absolute_percentage_error(y, p, sample_weight=sw),
    }
    return {
        "name": name,
        "labels": floats(y),
        "predictions": floats(p),
        "weights": None if sw is None else floats(sw),
        "expected": {k: float(v) for k, v in expected.items()},
    }


def regression_cases(rng):
    cases = []
    n = 200
    y = rng.normal(size=n) * 10 + 5
    p = y + rng.normal(size=n) * 3
    cases.append(regression_case("unweighted", y, p, None))

    y = rng.normal(size=n) * 4 - 2
    p = 0.8 * y + rng.normal(size=n)
    w = np.round(rng.uniform(0, 2, size=n), 3)
    w[:10] = 0.0
    cases.append(regression_case("weighted", y, p, w))

    # Constant truth: r2 and explained variance are forced finite (0.0 when the fit is imperfect).
    y = np.full(20, 3.0)
    p = 3.0 + rng.normal(size=20)
    cases.append(regression_case("constant_truth", y, p, None))

    # Perfect constant fit: r2 and explained variance are 1.0.
    cases.append(regression_case("perfect_constant", y, y.copy(), None))

    # Zero targets: MAPE divides by float64 eps instead.
    y = np.array([0.0, 1.0, -2.0, 0.0, 4.0, 5.5])
    p = np.array([0.5, 1.5, -1.0, 0.0, 3.0, 5.0])
    cases.append(regression_case("zero_truth", y, p, np.array([1.0, 2.0, 1.0, 1.0, 0.5, 1.0])))
    return cases


# ----------------------------------------------------------------------------------------------
# Multiclass
# ----------------------------------------------------------------------------------------------

def reference_rank(prob, labels):
    """1-based rank of the true class when classes are ordered as top_k_accuracy_score orders them:
    descending score, ties broken towards the higher class index (stable ascending sort, reversed)."""
    order = np.argsort(prob, axis=1, kind="mergesort")[:, ::-1]
    return np.array([int(np.where(order[i] == int(labels[i]))[0][0]) + 1 for i in range(len(labels))])


def multiclass_case(name, y, prob, w, check_ndcg):
    y = np.asarray(y, dtype=np.float64)
    prob = np.asarray(prob, dtype=np.float64)
    sw = None if w is None else np.asarray(w, dtype=np.float64)
    k = prob.shape[1]
    classes = list(range(k))
    pred = np.argmax(prob, axis=1).astype(np.float64)  # lowest index wins a tie
    ranks = reference_rank(prob, y)
    dcg = float(np.average(1.0 / np.log2(1.0 + ranks), weights=sw))
    expected = {
        "accuracy": metrics.accuracy_score(y, pred, sample_weight=sw),
        "topK": {str(t): metrics.top_k_accuracy_score(y, prob, k=t, labels=classes, sample_weight=sw) for t in range(1, k)},
        "logLoss": metrics.log_loss(y, prob, sample_weight=sw, labels=classes),
        "confusionMatrix": metrics.confusion_matrix(y, pred, labels=classes, sample_weight=sw).astype(float).tolist(),
        "dcg": dcg,
        "mcc": metrics.matthews_corrcoef(y, pred, sample_weight=sw),
        "balancedAccuracy": metrics.balanced_accuracy_score(y, pred, sample_weight=sw),
        "cohenKappa": metrics.cohen_kappa_score(y, pred, labels=classes, sample_weight=sw),
        "brier": metrics.brier_score_loss(y, prob, labels=classes, sample_weight=sw),
    }
    if len(np.unique(y)) == k and np.allclose(prob.sum(axis=1), 1.0):
        expected["rocAUCOvrMacro"] = metrics.roc_auc_score(y, prob, multi_class="ovr", average="macro",
                                                           labels=classes, sample_weight=sw)
        expected["rocAUCOvrWeighted"] = metrics.roc_auc_score(y, prob, multi_class="ovr", average="weighted",
                                                              labels=classes, sample_weight=sw)
    for t in range(1, k):
        assert abs(expected["topK"][str(t)] - float(np.average(ranks <= t, weights=sw))) <= 1e-12
    for avg in ("macro", "weighted", "micro"):
        expected[avg] = {
            "precision": metrics.precision_score(y, pred, labels=classes, average=avg, sample_weight=sw, zero_division=0),
            "recall": metrics.recall_score(y, pred, labels=classes, average=avg, sample_weight=sw, zero_division=0),
            "f1": metrics.f1_score(y, pred, labels=classes, average=avg, sample_weight=sw, zero_division=0),
            "f0_5": metrics.fbeta_score(y, pred, beta=0.5, labels=classes, average=avg, sample_weight=sw, zero_division=0),
            "f2": metrics.fbeta_score(y, pred, beta=2.0, labels=classes, average=avg, sample_weight=sw, zero_division=0),
        }
    if check_ndcg:
        # Without ties, the definition equals NDCG with one relevant item (ideal DCG is 1).
        onehot = np.eye(k)[y.astype(int)]
        ndcg = metrics.ndcg_score(onehot, prob, sample_weight=sw)
        assert abs(ndcg - dcg) <= 1e-12, (ndcg, dcg)
        expected["ndcg"] = ndcg
    # Pin log-loss behaviour: clip each probability to [eps, 1 - eps], no row renormalisation.
    manual = -np.log(np.clip(prob[np.arange(len(y)), y.astype(int)], EPS, 1 - EPS))
    assert abs(np.average(manual, weights=sw) - expected["logLoss"]) <= 1e-12 * max(1.0, expected["logLoss"])

    def clean(v):
        if isinstance(v, dict):
            return {a: clean(b) for a, b in v.items()}
        if isinstance(v, list):
            return v
        return float(v)

    return {
        "name": name,
        "classCount": k,
        "labels": floats(y),
        "probabilities": [floats(r) for r in prob],
        "weights": None if sw is None else floats(sw),
        "expected": clean(expected),
    }


def softmax(z):
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def multiclass_cases(rng):
    cases = []
    n, k = 300, 4
    y = rng.integers(0, k, size=n)
    z = rng.normal(size=(n, k)) * 1.5
    z[np.arange(n), y] += 1.0
    prob = np.round(softmax(z), 2)  # ties, rows sum to 1 only approximately
    cases.append(multiclass_case("k4_ties_unweighted", y, prob, None, False))

    n, k = 250, 5
    y = rng.integers(0, 4, size=n)  # class 4 never occurs in the labels
    z = rng.normal(size=(n, k))
    z[np.arange(n), y] += 1.5
    z[:, 4] -= 1.0
    prob = softmax(z)
    prob[:5] = np.round(prob[:5], 1)
    w = np.round(rng.uniform(0, 2, size=n), 3)
    w[rng.uniform(size=n) < 0.05] = 0.0
    cases.append(multiclass_case("k5_weighted_absent_class", y, prob, w, False))

    n, k = 200, 3
    y = rng.integers(0, k, size=n)
    z = rng.normal(size=(n, k))
    z[np.arange(n), y] += 0.8
    prob = softmax(z)
    w = rng.uniform(0.5, 1.5, size=n)
    cases.append(multiclass_case("k3_no_ties_weighted", y, prob, w, True))

    # Hard zeros and ones so the clip decides the log loss.
    prob = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [0.5, 0.5, 0.0], [1 / 3, 1 / 3, 1 / 3]])
    y = np.array([0, 2, 2, 2, 1])
    cases.append(multiclass_case("k3_hard_probabilities", y, prob, None, False))
    return cases


def main():
    os.makedirs(OUT, exist_ok=True)
    # One generator per file, so adding a case to one file leaves the others unchanged.
    files = {
        "binary.json": binary_cases(np.random.default_rng(20261125)),
        "regression.json": regression_cases(np.random.default_rng(20261126)),
        "multiclass.json": multiclass_cases(np.random.default_rng(20261127)),
    }
    for name, cases in files.items():
        path = os.path.join(OUT, name)
        with open(path, "w") as f:
            json.dump({**header(), "cases": cases}, f, indent=1, allow_nan=False)
            f.write("\n")
        print(f"wrote {os.path.relpath(path)} ({len(cases)} cases)", file=sys.stderr)


if __name__ == "__main__":
    main()
