#!/usr/bin/env python3
"""How long `optml evaluate` takes to evaluate 1M predictions, against the time to predict them.

Trains a 100-round depth-6 binary:logistic model with optml on the higgs-like 1M x 28 set, then
runs `optml evaluate` on another seeded 1M-row higgs-like set (labelled CSV) for 1 and 2 threads,
and reads its `#timing:` lines: `read` (CSV parse), `predict` (1M rows through the 100 trees) and
`evaluate` (every binary metric, ROC / PR / calibration curves, the threshold table, and the
bootstrap of 200 Poisson resamples for the standard deviations; evaluation.json and report.html
written). For scale it also times scikit-learn computing the same rows once, without any
bootstrap: roc_auc_score, average_precision_score, roc_curve, precision_recall_curve, log_loss,
brier_score_loss and the confusion-matrix metrics, on the same model's predictions (computed by the
xgboost package from optml's model file).

    python3 Benchmarks/peers/evaluate_speed.py [--optml .build-rel/release/optml] [--repeat 3]
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from peer_common import ensure  # noqa: E402

ensure([("numpy", "numpy"), ("sklearn", "scikit-learn"), ("xgboost", "xgboost")])

import numpy as np  # noqa: E402
from sklearn import metrics  # noqa: E402

import datagen  # noqa: E402
from gbdt_peers import make_tree, run_optml  # noqa: E402


def timings(output):
    out = {}
    for phase in ("read", "predict", "evaluate"):
        m = re.search(r"#timing: phase=" + phase + r",.* seconds=(\S+), cpu_seconds=(\S+)", output)
        out[phase] = (float(m.group(1)), float(m.group(2)))
    return out


def sklearn_once(y, p):
    start = time.perf_counter()
    metrics.roc_auc_score(y, p)
    metrics.average_precision_score(y, p)
    metrics.roc_curve(y, p)
    metrics.precision_recall_curve(y, p)
    metrics.log_loss(y, p)
    metrics.brier_score_loss(y, p)
    d = (p >= 0.5).astype(float)
    for f in (metrics.accuracy_score, metrics.precision_score, metrics.recall_score, metrics.f1_score,
              metrics.balanced_accuracy_score, metrics.matthews_corrcoef, metrics.cohen_kappa_score):
        f(y, d)
    return time.perf_counter() - start


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--optml", default=os.path.join(HERE, "../../.build-rel/release/optml"))
    ap.add_argument("--cache", default=os.path.join(tempfile.gettempdir(), "optml-bench"))
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--resamples", type=int, default=200)
    args = ap.parse_args()
    optml = os.path.abspath(args.optml)

    x, y = datagen.higgs_like(1_000_000)
    root, _ = make_tree(args.cache, "evaluate-higgs", x, y, {
        "algorithm": "xgboost", "objective": "binary:logistic", "num_round": "100", "max_depth": "6", "eta": "0.1",
        "max_bin": "256", "eval_metric": "auc"})
    model = os.path.join(root, "model")
    if not os.path.exists(os.path.join(model, "xgboost-model")):
        run_optml(optml, root, 2)
    test_dir = os.path.join(args.cache, "evaluate-higgs", "test")
    os.makedirs(test_dir, exist_ok=True)
    xt, yt = datagen.higgs_like(1_000_000, seed=8)
    datagen.write_csv(os.path.join(test_dir, "test.csv"), xt, yt)

    rows = []
    for threads in (1, 2):
        runs = []
        for _ in range(args.repeat):
            out = os.path.join(args.cache, "evaluate-higgs", f"report-{threads}")
            proc = subprocess.run([optml, "evaluate", "--model-dir", model, "--input", test_dir, "--output", out,
                                   "--bootstrap", str(args.resamples), "--threads", str(threads)],
                                  capture_output=True, text=True)
            if proc.returncode != 0:
                sys.exit(f"optml evaluate failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
            runs.append(timings(proc.stdout + proc.stderr))
        best = {phase: min(r[phase] for r in runs) for phase in ("read", "predict", "evaluate")}
        with open(os.path.join(out, "evaluation.json")) as f:
            auc = json.load(f)["binary_classification_metrics"]["auc"]
        rows.append((threads, best, auc))

    # The same model's predictions of the same rows (optml's model loads in xgboost), for the
    # scikit-learn reference.
    import xgboost as xgb
    p = np.asarray(xgb.Booster(model_file=os.path.join(model, "xgboost-model")).inplace_predict(xt), dtype=np.float64)
    sk = min(sklearn_once(yt, p) for _ in range(args.repeat))

    print(f"| threads | read s | predict s | evaluate s ({args.resamples} resamples) | evaluate / predict | "
          "scikit-learn, one pass, no bootstrap s | AUC ± bootstrap sd |")
    print("|---|---|---|---|---|---|---|")
    for threads, best, auc in rows:
        print(f"| {threads} | {best['read'][0]:.3f} | {best['predict'][0]:.3f} | {best['evaluate'][0]:.3f} | "
              f"{best['evaluate'][0] / best['predict'][0]:.2f} | {sk:.3f} | "
              f"{auc['value']:.4f} ± {auc['standard_deviation']:.5f} |")


if __name__ == "__main__":
    main()
