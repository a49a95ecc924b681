#!/usr/bin/env python3
"""optml's gradient boosting on a wide sparse libsvm channel, against xgboost `hist` on the same files.

Generates (seeded, cached) a libsvm train file of ROWS × FEATURES at DENSITY (default 200 000 ×
20 000 at 0.5 %: 20M stored entries) and a validation file of a tenth as many rows. Column
popularity is skewed (index = FEATURES · u³), so a few hundred features appear in many rows and
the rest in few, as in text or one-hot data; the binary label follows a sparse linear score plus
one interaction, absent features counting as 0.

optml trains through `optml train` on an /opt/ml tree whose channels are those files
(ContentType text/libsvm); its time is the `#timing: phase=fit` line (binning, trees and both
channels' metrics every round, no parsing), its read time the `phase=read_*` lines, its peak RSS
from /usr/bin/time -v. xgboost reads the same files (`?format=libsvm`, zero-based) into DMatrix
objects in a child process run under /usr/bin/time -v; its time is time.perf_counter around
xgb.train with the train and validation sets in the watchlist (as SageMaker's XGBoost trains),
its load time around the two DMatrix constructions. Same settings for both: binary:logistic,
ROUNDS rounds, depth 6, eta 0.1, 256 bins, lambda 1, min_child_weight 1, THREADS threads; the
quality figure is the last round's validation logloss each printed.

It also prints the sizes involved: the train channel as CSR, the bins optml keeps of its stored
entries (2 or 4 bytes each, plus 8 per row), one node histogram (16 bytes per bin of every
feature), and what the earlier paths needed: the one-byte rows × features bin matrix and its two
partition buffers, and main's densify-with-NaN-then-bin path (not run; on the default shape it
needs more memory than a 24 GiB machine has).

    python3 Benchmarks/peers/sparse_gbdt_bench.py [--optml .build-rel/release/optml] [--rows 200000]
        [--features 20000] [--density 0.005] [--rounds 10] [--threads 2] [--cache /tmp/optml-bench]
        [--skip-optml] [--skip-xgboost]
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from peer_common import ensure  # noqa: E402

ensure([("numpy", "numpy"), ("xgboost", "xgboost")])

import numpy as np  # noqa: E402

DEPTH, ETA, BINS = 6, 0.1, 256


def generate(path, rows, features, density, seed):
    """Writes `rows` libsvm lines; returns the number of stored entries."""
    rng = np.random.default_rng(seed)
    weights_rng = np.random.default_rng(12345)  # the same score function for train and validation
    w = weights_rng.normal(size=features) * 3.0 / (1.0 + np.arange(features) / 100.0)
    # The skewed draws repeat a column now and then (dropped); about 5 % more draws keep the
    # stored density near the one asked for (the exact count is printed).
    per_row = max(1, int(round(density * features * 1.05)))
    stored = 0
    chunk = 20_000
    with open(path + ".tmp", "w") as f:
        for start in range(0, rows, chunk):
            n = min(chunk, rows - start)
            cols = np.floor(features * rng.random((n, per_row)) ** 3).astype(np.int64)
            cols.sort(axis=1)
            keep = np.ones_like(cols, dtype=bool)
            keep[:, 1:] = cols[:, 1:] != cols[:, :-1]          # drop the rare repeated draw
            vals = np.round(rng.random((n, per_row)), 3) + 0.001
            score = (np.where(keep, w[cols] * vals, 0.0)).sum(axis=1)
            has0 = keep & (cols == 0)
            v0 = np.where(has0, vals, 0.0).sum(axis=1)
            score += np.where(v0 > 0.5, 1.5, 0.0)
            score = (score - 0.3) / 2.0
            labels = (rng.random(n) < 1.0 / (1.0 + np.exp(-score))).astype(int)
            lines = []
            for i in range(n):
                k = keep[i]
                c, v = cols[i][k], vals[i][k]
                stored += len(c)
                lines.append(f"{labels[i]} " + " ".join(f"{a}:{b:.3f}" for a, b in zip(c.tolist(), v.tolist())))
            f.write("\n".join(lines) + "\n")
    os.replace(path + ".tmp", path)
    return stored


def make_data(cache, rows, features, density):
    folder = os.path.join(cache, f"sparse-gbdt-{rows}x{features}-{density}")
    paths = {"train": os.path.join(folder, "train.libsvm"), "validation": os.path.join(folder, "validation.libsvm")}
    meta_path = os.path.join(folder, "meta.json")
    if os.path.exists(meta_path):
        with open(meta_path) as f:
            return folder, paths, json.load(f)
    os.makedirs(folder, exist_ok=True)
    start = time.perf_counter()
    meta = {"train_stored": generate(paths["train"], rows, features, density, seed=1),
            "validation_rows": max(1, rows // 10)}
    meta["validation_stored"] = generate(paths["validation"], meta["validation_rows"], features, density, seed=2)
    print(f"generated {rows} + {meta['validation_rows']} rows in {time.perf_counter() - start:.0f} s", file=sys.stderr)
    with open(meta_path, "w") as f:
        json.dump(meta, f)
    return folder, paths, meta


def make_tree(folder, paths, rounds, threads):
    root = os.path.join(folder, "opt_ml")
    for channel, path in paths.items():
        d = os.path.join(root, "input/data", channel)
        os.makedirs(d, exist_ok=True)
        link = os.path.join(d, os.path.basename(path))
        if not os.path.exists(link):
            os.symlink(path, link)
    os.makedirs(os.path.join(root, "input/config"), exist_ok=True)
    hp = {"algorithm": "xgboost", "objective": "binary:logistic", "num_round": str(rounds), "max_depth": str(DEPTH),
          "eta": str(ETA), "max_bin": str(BINS), "eval_metric": "logloss", "nthread": str(threads)}
    with open(os.path.join(root, "input/config/hyperparameters.json"), "w") as f:
        json.dump(hp, f)
    with open(os.path.join(root, "input/config/inputdataconfig.json"), "w") as f:
        json.dump({c: {"ContentType": "text/libsvm", "TrainingInputMode": "File"} for c in paths}, f)
    with open(os.path.join(root, "input/config/resourceconfig.json"), "w") as f:
        json.dump({"current_host": "algo-1", "hosts": ["algo-1"]}, f)
    return root


def peak_rss_mb(stderr):
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", stderr)
    return int(m.group(1)) / 1024 if m else float("nan")


def run_optml(optml, root):
    env = dict(os.environ, SAGEMAKER_BASE_DIR=root)
    start = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-v", optml, "train"], env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"optml train failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    fit = re.search(r"#timing: host=\S+, phase=fit,.* seconds=(\S+), cpu_seconds=(\S+)", proc.stdout)
    reads = [float(s) for s in re.findall(r"phase=read_\w+,.* seconds=(\S+), cpu_seconds", proc.stdout)]
    rounds = [l for l in proc.stdout.splitlines() if l.startswith("[")]
    logloss = float(re.search(r"validation-logloss:(\S+)", rounds[-1]).group(1))
    sparse_lines = [l for l in proc.stdout.splitlines() if l.startswith("Channel '")]
    return {"fit": float(fit.group(1)), "cpu": float(fit.group(2)), "read": sum(reads), "wall": wall,
            "rss": peak_rss_mb(proc.stderr), "logloss": logloss, "lines": sparse_lines}


def xgboost_child(paths, rounds, threads):
    """Runs in a child process: loads both files, trains once, prints JSON."""
    import xgboost as xgb
    start = time.perf_counter()
    train = xgb.DMatrix(paths["train"] + "?format=libsvm", nthread=threads)
    valid = xgb.DMatrix(paths["validation"] + "?format=libsvm", nthread=threads)
    load = time.perf_counter() - start
    params = {"objective": "binary:logistic", "max_depth": DEPTH, "eta": ETA, "max_bin": BINS, "tree_method": "hist",
              "nthread": threads, "eval_metric": "logloss", "lambda": 1, "min_child_weight": 1}
    result = {}
    start, cpu = time.perf_counter(), time.process_time()
    xgb.train(params, train, num_boost_round=rounds, evals=[(train, "train"), (valid, "validation")],
              evals_result=result, verbose_eval=False)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    print(json.dumps({"fit": seconds, "cpu": cpu, "load": load, "logloss": result["validation"]["logloss"][-1],
                      "columns": train.num_col()}))


def run_xgboost(paths, rounds, threads):
    proc = subprocess.run(["/usr/bin/time", "-v", sys.executable, os.path.abspath(__file__), "--child",
                           json.dumps(paths), "--rounds", str(rounds), "--threads", str(threads)],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"xgboost failed: {proc.stderr[-3000:]}")
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    out["rss"] = peak_rss_mb(proc.stderr)
    return out


def mb(n):
    return f"{n / 1e6:,.0f} MB"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--optml", default=os.path.join(HERE, "../../.build-rel/release/optml"))
    ap.add_argument("--cache", default=os.path.join(tempfile.gettempdir(), "optml-bench"))
    ap.add_argument("--rows", type=int, default=200_000)
    ap.add_argument("--features", type=int, default=20_000)
    ap.add_argument("--density", type=float, default=0.005)
    ap.add_argument("--rounds", type=int, default=10)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--skip-optml", action="store_true")
    ap.add_argument("--skip-xgboost", action="store_true")
    ap.add_argument("--child")
    args = ap.parse_args()
    if args.child:
        xgboost_child(json.loads(args.child), args.rounds, args.threads)
        return
    folder, paths, meta = make_data(args.cache, args.rows, args.features, args.density)
    rows, features, stored = args.rows, args.features, meta["train_stored"]
    stride = max(8, (features + 7) // 8 * 8)
    file_bytes = os.path.getsize(paths["train"])
    csr = stored * (4 + 4) + (rows + 1) * 8
    dense = rows * features * 4
    bins = rows * stride
    sparse_bins = stored * (4 if features * 256 > 65_536 else 2) + (rows + 1) * 8
    histogram = features * 256 * 16
    print(f"# sparse GBDT: {rows:,} rows × {features:,} features, density {args.density * 100:g} % "
          f"({stored:,} stored entries), {args.rounds} rounds, depth {DEPTH}, {args.threads} threads")
    print(f"train file {mb(file_bytes)}; as CSR (Float values, UInt32 indices, Int offsets) {mb(csr)}; "
          f"as a dense Float matrix {mb(dense)}")
    print(f"bins of the stored entries {mb(sparse_bins)}; one node histogram at most {mb(histogram)} (16 bytes per bin, "
          f"up to 256 bins per feature)")
    print(f"the one-byte bin matrix (dense data, and sparse data above 1/4 density) would be {mb(bins)} (rows × {stride} bytes), "
          f"{mb(3 * bins)} with the tree grower's partition buffers; main's path (densify with NaN, then bin) at least "
          f"{mb(dense + bins)} — neither is run")
    if not args.skip_optml:
        root = make_tree(folder, paths, args.rounds, args.threads)
        o = run_optml(os.path.abspath(args.optml), root)
        for line in o["lines"]:
            print("  " + line)
        print(f"optml:   fit {o['fit']:.1f} s (cpu {o['cpu']:.1f} s), read {o['read']:.1f} s, whole job {o['wall']:.1f} s, "
              f"peak RSS {o['rss']:,.0f} MB, validation logloss {o['logloss']:.5f}")
    if not args.skip_xgboost:
        x = run_xgboost(paths, args.rounds, args.threads)
        print(f"xgboost: fit {x['fit']:.1f} s (cpu {x['cpu']:.1f} s), load {x['load']:.1f} s, "
              f"peak RSS {x['rss']:,.0f} MB, validation logloss {x['logloss']:.5f} ({x['columns']} columns)")
    if not args.skip_optml and not args.skip_xgboost:
        print(f"ratio optml / xgboost: fit time {o['fit'] / x['fit']:.2f}×, peak RSS {o['rss'] / x['rss']:.2f}×")


if __name__ == "__main__":
    main()
