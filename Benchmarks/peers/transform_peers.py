#!/usr/bin/env python3
"""`optml transform` against pandas + xgboost inplace_predict on 1M CSV rows, side by side in one run.

Generates (or reuses from the cache folder) the seeded higgs-like 1M×28 set (datagen.py), trains a
100-round, depth-6, eta-0.1, 256-bin binary:logistic model with `optml train` on all 1M labelled
rows (`algorithm=xgboost`), and writes the 1M feature rows without the label as the transform input
(`%.7g`, as the training CSV). Then, for each thread count, interleaved (optml, peer, optml, peer):

- optml: `optml transform --model-dir <model> --input <folder> --output <folder> --content-type
  text/csv --accept text/csv --threads N`, timed end to end from the parent (process start, model
  load, CSV parsing, prediction, writing `<file>.out`); peak RSS from `/usr/bin/time -v`.
- peer: a child Python process that does `pandas.read_csv` of the same file (C engine,
  `header=None`, float64), `xgboost.Booster(model_file=<model>/xgboost-model)`, `set_param(nthread=N)`,
  `inplace_predict(array)`, and `numpy.savetxt(<out>, predictions, fmt="%.9g")` (9 significant
  digits: every float32 reads back exactly). Its time is the sum of those four steps measured inside
  the child (interpreter start and imports left out, which favours the peer); the child's
  end-to-end wall is reported too. Peak RSS is the child's ru_maxrss.

The predictions of both are read back from their output files and must agree to 1e-5 (absolute);
the script exits non-zero otherwise. Rows/s = 1M / seconds; `peer/optml` above 1 means optml is
faster.

    python3 Benchmarks/peers/transform_peers.py [--optml .build-rel/release/optml] [--threads 1,2] [--repeat 1] [--cache DIR]

`--prepare-only` makes the data and the model (cached) and prints the model folder and the input
file, one a line: the serving benchmarks in Benchmarks/serve use it.
"""
import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from peer_common import ensure  # noqa: E402

ensure([("numpy", "numpy"), ("pandas", "pandas"), ("xgboost", "xgboost")])

import numpy as np  # noqa: E402

ROWS = 1_000_000
ROUNDS, DEPTH, ETA, BINS = 100, 6, 0.1, 256
TOLERANCE = 1e-5
HYPERPARAMETERS = {"algorithm": "xgboost", "objective": "binary:logistic", "num_round": str(ROUNDS),
                   "max_depth": str(DEPTH), "eta": str(ETA), "max_bin": str(BINS), "eval_metric": "auc"}


def prepare(optml, cache):
    """The job tree, the trained model and the transform input; each step skipped when cached."""
    import datagen
    base = os.path.join(cache, "transform-higgs")
    root = os.path.join(base, "opt_ml")
    model = os.path.join(root, "model")
    inputs = os.path.join(base, "input")
    features = os.path.join(inputs, "higgs-1m.csv")
    stamp = os.path.join(base, "model-hyperparameters.json")
    trained = os.path.exists(os.path.join(model, "xgboost-model")) and os.path.exists(stamp) \
        and json.load(open(stamp)) == HYPERPARAMETERS
    if trained and os.path.exists(features):
        return model, features
    print("generating the higgs-like set ...", file=sys.stderr, flush=True)
    x, y = datagen.higgs_like(ROWS)
    if not trained:
        for folder in ("input/config", "input/data/train"):
            os.makedirs(os.path.join(root, folder), exist_ok=True)
        datagen.write_csv(os.path.join(root, "input/data/train/train.csv"), x, y)
        with open(os.path.join(root, "input/config/hyperparameters.json"), "w") as f:
            json.dump(HYPERPARAMETERS, f)
        with open(os.path.join(root, "input/config/inputdataconfig.json"), "w") as f:
            json.dump({"train": {"ContentType": "text/csv", "TrainingInputMode": "File"}}, f)
        with open(os.path.join(root, "input/config/resourceconfig.json"), "w") as f:
            json.dump({"current_host": "algo-1", "hosts": ["algo-1"]}, f)
        print("training the 100-tree model with optml ...", file=sys.stderr, flush=True)
        proc = subprocess.run([optml, "train"], env=dict(os.environ, SAGEMAKER_BASE_DIR=root),
                              capture_output=True, text=True)
        if proc.returncode != 0:
            sys.exit(f"optml train failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
        with open(stamp, "w") as f:
            json.dump(HYPERPARAMETERS, f)
    if not os.path.exists(features):
        os.makedirs(inputs, exist_ok=True)
        tmp = features + ".tmp"
        np.savetxt(tmp, x, delimiter=",", fmt="%.7g")
        os.replace(tmp, features)
    return model, features


def run_optml(optml, model, features, output, threads):
    """Wall seconds (parent clock), optml's own seconds line and peak RSS MB of one transform."""
    command = [optml, "transform", "--model-dir", model, "--input", os.path.dirname(features), "--output", output,
               "--content-type", "text/csv", "--accept", "text/csv", "--threads", str(threads)]
    timed = os.path.exists("/usr/bin/time")
    start = time.perf_counter()
    proc = subprocess.run((["/usr/bin/time", "-v"] if timed else []) + command, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"optml transform failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)
    own = re.search(r"Transformed (\d+) records .* in (\S+) s", proc.stdout)
    if not own or int(own.group(1)) != ROWS:
        sys.exit(f"optml transform did not report {ROWS} records:\n{proc.stdout[-2000:]}")
    return dict(seconds=seconds, own=float(own.group(2)), rss=int(m.group(1)) / 1024 if m else None)


def peer_child(features, model, output, threads):
    """In a child process: read, load, predict, write; prints the step times and the peak RSS."""
    import pandas as pd
    import xgboost as xgb
    t0 = time.perf_counter()
    x = pd.read_csv(features, header=None).to_numpy()
    t1 = time.perf_counter()
    booster = xgb.Booster(model_file=os.path.join(model, "xgboost-model"))
    booster.set_param({"nthread": threads})
    t2 = time.perf_counter()
    p = booster.inplace_predict(x)
    t3 = time.perf_counter()
    np.savetxt(output, p, fmt="%.9g")
    t4 = time.perf_counter()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(dict(read=t1 - t0, load=t2 - t1, predict=t3 - t2, write=t4 - t3, seconds=t4 - t0, rss=rss,
                          rows=len(p))))


def run_peer(features, model, output, threads):
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, os.path.abspath(__file__), "--child", "--features", features, "--model", model,
                           "--out", output, "--threads", str(threads)], capture_output=True, text=True)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"peer failed: {proc.stderr[-3000:]}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result["wall"] = wall
    return result


def read_predictions(path):
    import pandas as pd
    return pd.read_csv(path, header=None).to_numpy(dtype=np.float64).ravel()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--optml", default=os.path.join(HERE, "../../.build-rel/release/optml"))
    ap.add_argument("--cache", default=os.path.join(tempfile.gettempdir(), "optml-bench"))
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--prepare-only", action="store_true", help="make the data and the model, print the model folder, stop")
    ap.add_argument("--child", action="store_true")
    ap.add_argument("--features")
    ap.add_argument("--model")
    ap.add_argument("--out")
    args = ap.parse_args()
    if args.child:
        peer_child(args.features, args.model, args.out, int(args.threads))
        return
    optml = os.path.abspath(args.optml)
    model, features = prepare(optml, args.cache)
    if args.prepare_only:
        print(model)
        print(features)
        return
    work = os.path.join(args.cache, "transform-higgs")
    optml_out = os.path.join(work, "optml-out")
    peer_out = os.path.join(work, "peer-out.csv")
    size_mb = os.path.getsize(features) / 1e6
    rows = []
    for threads in [int(t) for t in args.threads.split(",")]:
        ours, peers = [], []
        for _ in range(args.repeat):
            ours.append(run_optml(optml, model, features, optml_out, threads))
            peers.append(run_peer(features, model, peer_out, threads))
        a = read_predictions(os.path.join(optml_out, os.path.basename(features) + ".out"))
        b = read_predictions(peer_out)
        if a.shape != b.shape:
            sys.exit(f"{threads} threads: optml wrote {a.shape[0]} predictions, the peer {b.shape[0]}")
        diff = float(np.max(np.abs(a - b)))
        if diff > TOLERANCE:
            worst = int(np.argmax(np.abs(a - b)))
            sys.exit(f"{threads} threads: predictions differ by {diff:.3g} (row {worst + 1}: optml {a[worst]}, xgboost {b[worst]})")
        s = statistics.median(r["seconds"] for r in ours)
        p = statistics.median(r["seconds"] for r in peers)
        steps = {k: statistics.median(r[k] for r in peers) for k in ("read", "load", "predict", "write", "wall")}
        rows.append(dict(threads=threads, optml=s, own=statistics.median(r["own"] for r in ours), peer=p, steps=steps,
                         rss=max((r["rss"] or 0) for r in ours), peer_rss=max(r["rss"] for r in peers), diff=diff))
    print()
    print(f"Transform input: {ROWS} rows × 28 features, {size_mb:.0f} MB CSV; model: {ROUNDS} trees, depth {DEPTH}, binary:logistic.")
    print()
    print("| threads | optml transform s | optml rows/s | peer s (read + load + predict + write) | peer rows/s | "
          "peer/optml | peer child wall s | optml / peer peak RSS MB | max abs diff |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        st = r["steps"]
        print(f"| {r['threads']} | {r['optml']:.3f} | {ROWS / r['optml']:,.0f} | {r['peer']:.3f} "
              f"({st['read']:.2f} + {st['load']:.2f} + {st['predict']:.2f} + {st['write']:.2f}) | {ROWS / r['peer']:,.0f} | "
              f"{r['peer'] / r['optml']:.2f}x | {st['wall']:.2f} | {r['rss']:.0f} / {r['peer_rss']:.0f} | {r['diff']:.1e} |")
    print()
    print("optml's own 'Transformed ... in' figure (model loaded, files listed): "
          + ", ".join(f"{r['threads']} thread(s) {r['own']:.2f} s" for r in rows))


if __name__ == "__main__":
    main()
