#!/usr/bin/env python3
"""optml's Linear Learner against numpy / scikit-learn, side by side in one run.

Generates the seeded datasets (datagen.py) as SageMaker CSV in a cache folder, trains optml through
`optml train` on /opt/ml trees (train = first 80 % of rows, test = last 20 %) and the peers on the
same rows, interleaving optml and peer runs (A B A B), for 1 and 2 threads. Prints per task:
median seconds, the ratio peer / optml (higher means optml is faster), held-out quality, and peak
RSS. optml's times come from its own `#timing:` log lines: phase=model runs from the parsed channels to
the final model (checks, scaling, solver, model and threshold selection; no CSV parsing, no final
metric report), the peers' from time.perf_counter around fit on arrays already in memory. Each time
comes with the process CPU seconds of the same span (time.process_time for the peers): on a busy
shared machine the one-thread CPU ratio is the stable figure, the wall ratio the user-facing one.

    python3 Benchmarks/peers/linear_peers.py [--optml .build/release/optml] [--repeat 3] [--tasks ls,logistic,multinomial,csv]
"""
import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from peer_common import ensure, optml_peak_rss  # noqa: E402




ensure([("numpy", "numpy"), ("sklearn", "scikit-learn"), ("pandas", "pandas"), ("threadpoolctl", "threadpoolctl")])

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from sklearn.linear_model import LinearRegression, LogisticRegression  # noqa: E402
from sklearn.metrics import accuracy_score, log_loss, r2_score, roc_auc_score  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

import datagen  # noqa: E402


def run_optml(optml, root, threads):
    """Runs optml train; returns (timings by phase, final test metrics by name)."""
    for sub in ("model", "output"):
        shutil.rmtree(os.path.join(root, sub), ignore_errors=True)
    env = dict(os.environ, SAGEMAKER_BASE_DIR=root, OPTML_NUM_THREADS=str(threads))
    proc = subprocess.Popen([optml, "train"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out, err = proc.communicate()
    if proc.returncode != 0:
        raise RuntimeError(f"optml train failed ({proc.returncode}):\n{out[-3000:]}\n{err[-2000:]}")
    timings, metrics = {}, {}
    for line in out.splitlines():
        m = re.match(r"#timing: host=\S+, phase=(\S+?),.* seconds=(\S+), cpu_seconds=(\S+)", line)
        if m:
            timings[m.group(1)] = float(m.group(2))
            timings[m.group(1) + "_cpu"] = float(m.group(3))
        m = re.match(r"#quality_metric: host=\S+, test (\S+) <\w+>=(\S+)", line)
        if m:
            metrics[m.group(1)] = float(m.group(2))
    return timings, metrics




def make_tree(cache, name, x, y, hyperparameters):
    """A /opt/ml tree with train (first 80 %) and test (last 20 %) CSV channels."""
    root = os.path.join(cache, name, "opt_ml")
    split = int(0.8 * len(y))
    os.makedirs(os.path.join(root, "input/config"), exist_ok=True)
    for channel, sl in (("train", slice(0, split)), ("test", slice(split, None))):
        folder = os.path.join(root, "input/data", channel)
        os.makedirs(folder, exist_ok=True)
        datagen.write_csv(os.path.join(folder, f"{channel}.csv"), x[sl], y[sl])
    with open(os.path.join(root, "input/config/hyperparameters.json"), "w") as f:
        json.dump(hyperparameters, f)
    with open(os.path.join(root, "input/config/inputdataconfig.json"), "w") as f:
        json.dump({c: {"ContentType": "text/csv", "TrainingInputMode": "File"} for c in ("train", "test")}, f)
    with open(os.path.join(root, "input/config/resourceconfig.json"), "w") as f:
        json.dump({"current_host": "algo-1", "hosts": ["algo-1"]}, f)
    return root


CPU = {}


def timed(fn):
    """Wall seconds and the result; the process CPU seconds of the call go to CPU['last']."""
    start, start_cpu = time.perf_counter(), time.process_time()
    result = fn()
    CPU["last"] = time.process_time() - start_cpu
    return time.perf_counter() - start, result


def report(rows):
    print()
    print("| task | threads | optml s | peer | peer s | peer/optml (wall) | peer/optml (CPU) | optml quality | peer quality | optml peak RSS MB |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        cpu = f"{r['peer_cpu'] / r['optml_cpu']:.2f}x" if r.get("optml_cpu") and r.get("peer_cpu") else "-"
        print(f"| {r['task']} | {r['threads']} | {r['optml']:.3f} | {r['peer']} | {r['peer_s']:.3f} | "
              f"{r['peer_s'] / r['optml']:.2f}x | {cpu} | {r['q_optml']} | {r['q_peer']} | {r['rss'] if r['rss'] else '-'} |")


def median(xs):
    return statistics.median(xs)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--optml", default=os.path.join(HERE, "../../.build/release/optml"))
    ap.add_argument("--cache", default=os.path.join(tempfile.gettempdir(), "optml-bench"))
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--tasks", default="ls,logistic,multinomial,csv")
    args = ap.parse_args()
    optml = os.path.abspath(args.optml)
    os.makedirs(args.cache, exist_ok=True)
    tasks = args.tasks.split(",")
    threads_list = [int(t) for t in args.threads.split(",")]
    rows = []

    if "ls" in tasks:
        x, y = datagen.regression()
        split = int(0.8 * len(y))
        root = make_tree(args.cache, "regression", x, y, {"algorithm": "linear-learner", "predictor_type": "regressor", "wd": "0"})
        xtr, ytr, xte, yte = x[:split], y[:split], x[split:], y[split:]
        ztr = np.hstack([xtr, np.ones((split, 1))])
        for threads in threads_list:
            o, oc, pn, pnc, ps, psc = [], [], [], [], [], []
            for _ in range(args.repeat):
                t, m = run_optml(optml, root, threads)
                o.append(t["model"])
                oc.append(t["model_cpu"])
                with threadpool_limits(threads):
                    # Z = [X 1] is built before timing: numpy's normal equations are ZᵀZ (syrk), Zᵀy, solve.
                    s, w = timed(lambda: np.linalg.solve(ztr.T @ ztr, ztr.T @ ytr))
                    pn.append(s)
                    pnc.append(CPU["last"])
                    s, lr = timed(lambda: LinearRegression().fit(xtr, ytr))
                    ps.append(s)
                    psc.append(CPU["last"])
            pred = xte @ w[:-1] + w[-1]
            q_peer = f"R² {r2_score(yte, pred):.4f}, RMSE {np.sqrt(np.mean((pred - yte) ** 2)):.4f}"
            q_opt = f"RMSE {m.get('rmse', float('nan')):.4f}"
            rss = optml_peak_rss(optml, root, threads)
            rows.append(dict(task="least squares 1M×100 (fit)", threads=threads, optml=median(o), peer="numpy normal eq.",
                             peer_s=median(pn), q_optml=q_opt, q_peer=q_peer, rss=f"{rss:.0f}" if rss else None,
                             optml_cpu=median(oc), peer_cpu=median(pnc)))
            rows.append(dict(task="least squares 1M×100 (fit)", threads=threads, optml=median(o), peer="sklearn LinearRegression",
                             peer_s=median(ps), q_optml=q_opt, q_peer=f"R² {lr.score(xte, yte):.4f}", rss=None,
                             optml_cpu=median(oc), peer_cpu=median(psc)))
        del x, y, xtr, xte, ztr

    if "logistic" in tasks or "csv" in tasks:
        x, y = datagen.higgs_like()
        split = int(0.8 * len(y))
        wd = 1.0 / split  # sklearn C=1.0 ⇔ wd = 1/(C·n) for our objective mean loss + wd/2 |w|²
        root = make_tree(args.cache, "higgs", x, y, {"algorithm": "linear-learner", "predictor_type": "binary_classifier",
                                                     "wd": repr(wd), "binary_classifier_model_selection_criteria": "accuracy"})
        if "logistic" in tasks:
            xtr, ytr, xte, yte = x[:split].astype(np.float64), y[:split], x[split:].astype(np.float64), y[split:]
            for threads in threads_list:
                o, oc, p, pc = [], [], [], []
                for _ in range(args.repeat):
                    t, m = run_optml(optml, root, threads)
                    o.append(t["model"])
                    oc.append(t["model_cpu"])
                    with threadpool_limits(threads):
                        s, clf = timed(lambda: LogisticRegression(C=1.0, max_iter=1000).fit(xtr, ytr))
                        p.append(s)
                        pc.append(CPU["last"])
                proba = clf.predict_proba(xte)[:, 1]
                rss = optml_peak_rss(optml, root, threads)
                rows.append(dict(task="logistic higgs-like 800k×28 (fit)", threads=threads, optml=median(o),
                                 peer=f"sklearn lbfgs ({clf.n_iter_[0]} it.)", peer_s=median(p),
                                 q_optml=f"AUC {m.get('roc_auc_score', float('nan')):.4f}, logloss {m.get('binary_classification_cross_entropy_objective', float('nan')):.4f}",
                                 q_peer=f"AUC {roc_auc_score(yte, proba):.4f}, logloss {log_loss(yte, proba):.4f}",
                                 rss=f"{rss:.0f}" if rss else None, optml_cpu=median(oc), peer_cpu=median(pc)))
        if "csv" in tasks:
            path = os.path.join(root, "input/data/train/train.csv")
            size = os.path.getsize(path)
            for threads in threads_list:
                o, p = [], []
                for _ in range(args.repeat):
                    out = subprocess.run([optml, "parse-bench", "--threads", str(threads), "--float32", path],
                                         capture_output=True, text=True, check=True)
                    o.append(json.loads(out.stdout)["seconds"])
                    s, _ = timed(lambda: pd.read_csv(path, header=None, engine="c", dtype=np.float32))
                    p.append(s)
                rows.append(dict(task=f"CSV parse 800k×29 ({size / 1e6:.0f} MB) to float32", threads=threads, optml=median(o),
                                 peer="pandas read_csv (1 thread)", peer_s=median(p), q_optml="-", q_peer="-", rss=None))
        del x, y

    if "multinomial" in tasks:
        x, y = datagen.multiclass()
        split = int(0.8 * len(y))
        wd = 1.0 / split
        root = make_tree(args.cache, "multiclass", x, y, {"algorithm": "linear-learner", "predictor_type": "multiclass_classifier",
                                                          "num_classes": "10", "wd": repr(wd)})
        xtr, ytr, xte, yte = x[:split], y[:split], x[split:], y[split:]
        for threads in threads_list:
            o, oc, p, pc = [], [], [], []
            for _ in range(args.repeat):
                t, m = run_optml(optml, root, threads)
                o.append(t["model"])
                oc.append(t["model_cpu"])
                with threadpool_limits(threads):
                    s, clf = timed(lambda: LogisticRegression(C=1.0, max_iter=1000).fit(xtr, ytr))
                    p.append(s)
                    pc.append(CPU["last"])
            rss = optml_peak_rss(optml, root, threads)
            rows.append(dict(task="multinomial 160k×50×10 (fit)", threads=threads, optml=median(o),
                             peer=f"sklearn lbfgs ({clf.n_iter_[0]} it.)", peer_s=median(p),
                             q_optml=f"accuracy {m.get('multiclass_accuracy', float('nan')):.4f}",
                             q_peer=f"accuracy {accuracy_score(yte, clf.predict(xte)):.4f}", rss=f"{rss:.0f}" if rss else None,
                             optml_cpu=median(oc), peer_cpu=median(pc)))

    report(rows)


if __name__ == "__main__":
    main()
