#!/usr/bin/env python3
"""optml's gradient boosting (`algorithm=xgboost`) against xgboost and lightgbm, side by side.

Generates the seeded datasets (datagen.py) as SageMaker CSV in a cache folder (train = first 80 %
of rows, validation = last 20 %), trains optml through `optml train` on /opt/ml trees and the
peers on the same rows in memory, interleaved (A B C A B C), for 1 and 2 threads, with the same
settings: 100 rounds, depth 6, eta 0.1, 256 bins, lambda 1, min_child_weight 1 (lightgbm:
num_leaves 63 with max_depth 6, min_sum_hessian_in_leaf 1, lambda_l2 1, max_bin 255). Multiclass
adds "lightgbm-xgboost-step": lightgbm at the learning rate whose softmax leaves match XGBoost's
(and optml's) at eta 0.1, i.e. the comparison at equal quality (multiclass_step_check.py).

optml's time is its `#timing: phase=fit` line: binning, trees and the per-round metrics of both
channels, no CSV parsing; the peers' is time.perf_counter around xgb.train / lgb.train on a DMatrix /
Dataset built from arrays beforehand (their binning happens inside train), with the train and
validation sets evaluated every round as a SageMaker XGBoost job does (same metric). Quality is measured on
the validation rows by the same sklearn functions for everyone (optml's predictions come from
`optml predict-bench`). Batch prediction: optml predict-bench against xgboost inplace_predict on
the same 1M rows and 100-tree model. Peak RSS of optml's training run comes from /usr/bin/time -v,
the peers' from ru_maxrss of a child process that only trains.

    python3 Benchmarks/peers/gbdt_peers.py [--optml .build-rel/release/optml] [--repeat 1] [--tasks binary,regression,multiclass,predict]
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

from peer_common import ensure, optml_peak_rss  # noqa: E402




ensure([("numpy", "numpy"), ("sklearn", "scikit-learn"), ("xgboost", "xgboost"), ("lightgbm", "lightgbm")])

import numpy as np  # noqa: E402
from sklearn.metrics import accuracy_score, mean_squared_error, roc_auc_score  # noqa: E402

import datagen  # noqa: E402

ROUNDS, DEPTH, ETA, BINS = 100, 6, 0.1, 256

TASKS = {
    "binary": dict(make=lambda: datagen.higgs_like(1_000_000), objective="binary:logistic", metric="auc",
                   title="GBDT binary higgs-like 1M×28"),
    "regression": dict(make=lambda: datagen.regression(1_000_000, 100), objective="reg:squarederror", metric="rmse",
                       title="GBDT regression 1M×100"),
    "multiclass": dict(make=lambda: datagen.multiclass(200_000, 50, 10), objective="multi:softprob", metric="mlogloss",
                       title="GBDT multiclass 200k×50×10"),
}


def make_tree(cache, name, x, y, hyperparameters):
    root = os.path.join(cache, "gbdt-" + name, "opt_ml")
    split = int(0.8 * len(y))
    os.makedirs(os.path.join(root, "input/config"), exist_ok=True)
    for channel, sl in (("train", slice(0, split)), ("validation", slice(split, None))):
        folder = os.path.join(root, "input/data", channel)
        os.makedirs(folder, exist_ok=True)
        datagen.write_csv(os.path.join(folder, f"{channel}.csv"), x[sl], y[sl])
    os.makedirs(os.path.join(cache, "gbdt-" + name, "features"), exist_ok=True)
    features = os.path.join(cache, "gbdt-" + name, "features", "validation.csv")
    if not os.path.exists(features):
        np.savetxt(features, x[split:], delimiter=",", fmt="%.7g")
    with open(os.path.join(root, "input/config/hyperparameters.json"), "w") as f:
        json.dump(hyperparameters, f)
    with open(os.path.join(root, "input/config/inputdataconfig.json"), "w") as f:
        json.dump({c: {"ContentType": "text/csv", "TrainingInputMode": "File"} for c in ("train", "validation")}, f)
    with open(os.path.join(root, "input/config/resourceconfig.json"), "w") as f:
        json.dump({"current_host": "algo-1", "hosts": ["algo-1"]}, f)
    return root, features


def run_optml(optml, root, threads):
    env = dict(os.environ, SAGEMAKER_BASE_DIR=root)
    with open(os.path.join(root, "input/config/hyperparameters.json")) as f:
        hp = json.load(f)
    hp["nthread"] = str(threads)
    with open(os.path.join(root, "input/config/hyperparameters.json"), "w") as f:
        json.dump(hp, f)
    proc = subprocess.run([optml, "train"], env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"optml train failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    m = re.search(r"#timing: host=\S+, phase=fit,.* seconds=(\S+), cpu_seconds=(\S+)", proc.stdout)
    return float(m.group(1)), float(m.group(2))


def optml_predictions(optml, root, features, threads):
    proc = subprocess.run([optml, "predict-bench", "--model-dir", os.path.join(root, "model"), "--threads", str(threads),
                           "--repetitions", "3", features], capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"optml predict-bench failed: {proc.stderr}")
    return json.loads(proc.stdout)


def quality(task, y, p):
    if task == "binary":
        return f"AUC {roc_auc_score(y, p):.4f}"
    if task == "regression":
        return f"RMSE {mean_squared_error(y, p) ** 0.5:.4f}"
    return f"accuracy {accuracy_score(y, p.argmax(axis=1)):.4f}"


def xgb_params(task, threads, classes):
    params = {"objective": TASKS[task]["objective"], "max_depth": DEPTH, "eta": ETA, "max_bin": BINS,
              "tree_method": "hist", "nthread": threads, "eval_metric": TASKS[task]["metric"]}
    if classes:
        params["num_class"] = classes
    return params


def lgb_params(task, threads, classes, step=1.0):
    objective = {"binary": "binary", "regression": "regression", "multiclass": "multiclass"}[task]
    params = {"objective": objective, "max_depth": DEPTH, "num_leaves": 63, "learning_rate": ETA * step, "max_bin": BINS - 1,
              "min_sum_hessian_in_leaf": 1.0, "min_data_in_leaf": 0, "lambda_l2": 1.0, "num_threads": threads,
              "verbose": -1, "force_row_wise": True,
              "metric": {"binary": "auc", "regression": "rmse", "multiclass": "multi_logloss"}[task]}
    if classes:
        params["num_class"] = classes
    return params


def peer_child(kind, task, threads, cache):
    """Runs in a child process: trains one peer once, prints seconds, CPU seconds, RSS and quality."""
    import lightgbm as lgb
    import xgboost as xgb
    x, y = TASKS[task]["make"]()
    split = int(0.8 * len(y))
    xt, yt, xv, yv = x[:split], y[:split], x[split:], y[split:]
    classes = 10 if task == "multiclass" else 0
    if kind == "xgboost":
        data = xgb.DMatrix(xt, label=yt, nthread=threads)
        valid = xgb.DMatrix(xv, label=yv, nthread=threads)
        start, cpu = time.perf_counter(), time.process_time()
        # As the SageMaker XGBoost container trains: the train and validation channels in the
        # watchlist, the metric printed every round.
        model = xgb.train(xgb_params(task, threads, classes), data, num_boost_round=ROUNDS,
                          evals=[(data, "train"), (valid, "validation")], verbose_eval=False)
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        p = model.inplace_predict(xv)
    else:
        data = lgb.Dataset(xt, label=yt, free_raw_data=False)
        valid = lgb.Dataset(xv, label=yv, reference=data)
        start, cpu = time.perf_counter(), time.process_time()
        # "lightgbm-xgboost-step": the learning rate that gives lightgbm's softmax leaves the size
        # of XGBoost's (hessian k/(k-1)·p(1-p) against 2·p(1-p)), i.e. the same model family as
        # xgboost and optml at eta 0.1 (see multiclass_step_check.py).
        step = classes / (2 * (classes - 1)) if kind == "lightgbm-xgboost-step" else 1.0
        model = lgb.train(lgb_params(task, threads, classes, step), data, num_boost_round=ROUNDS,
                          valid_sets=[data, valid], valid_names=["train", "validation"])
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        p = model.predict(xv, num_threads=threads)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "cpu": cpu, "rss": rss, "quality": quality(task, yv, np.asarray(p))}))


def run_peer(kind, task, threads, cache):
    proc = subprocess.run([sys.executable, os.path.abspath(__file__), "--child", kind, "--child-task", task,
                           "--threads", str(threads), "--cache", cache], capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"{kind} failed: {proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])




def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--optml", default=os.path.join(HERE, "../../.build-rel/release/optml"))
    ap.add_argument("--cache", default=os.path.join(tempfile.gettempdir(), "optml-bench"))
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--tasks", default="binary,regression,multiclass,predict")
    ap.add_argument("--child")
    ap.add_argument("--child-task")
    args = ap.parse_args()
    if args.child:
        peer_child(args.child, args.child_task, int(args.threads), args.cache)
        return
    optml = os.path.abspath(args.optml)
    threads_list = [int(t) for t in args.threads.split(",")]
    rows = []
    for task in [t for t in args.tasks.split(",") if t in TASKS]:
        x, y = TASKS[task]["make"]()
        hp = {"algorithm": "xgboost", "objective": TASKS[task]["objective"], "num_round": str(ROUNDS),
              "max_depth": str(DEPTH), "eta": str(ETA), "max_bin": str(BINS), "eval_metric": TASKS[task]["metric"]}
        if task == "multiclass":
            hp["num_class"] = "10"
        root, features = make_tree(args.cache, task, x, y, hp)
        yv = y[int(0.8 * len(y)):]
        del x
        for threads in threads_list:
            ours, ours_cpu, peers = [], [], {"xgboost": [], "lightgbm": []}
            if task == "multiclass":
                peers["lightgbm-xgboost-step"] = []
            for _ in range(args.repeat):
                s, c = run_optml(optml, root, threads)
                ours.append(s)
                ours_cpu.append(c)
                for kind in peers:
                    peers[kind].append(run_peer(kind, task, threads, args.cache))
            # optml's quality from its own predictions of the validation rows.
            bench = subprocess.run([optml, "transform", "--model-dir", os.path.join(root, "model"), "--input",
                                    os.path.dirname(features), "--output", os.path.join(os.path.dirname(features), "..", "out"),
                                    "--content-type", "text/csv", "--accept", "text/csv"],
                                   capture_output=True, text=True)
            if bench.returncode != 0:
                sys.exit(f"optml transform failed: {bench.stderr}")
            out = os.path.join(os.path.dirname(features), "..", "out", os.path.basename(features) + ".out")
            pred = np.loadtxt(out, delimiter=",")
            q_optml = quality(task, yv, pred)
            rss = optml_peak_rss(optml, root) if threads == threads_list[-1] else None
            s, c = statistics.median(ours), statistics.median(ours_cpu)
            for kind, results in peers.items():
                ps = statistics.median(r["seconds"] for r in results)
                pc = statistics.median(r["cpu"] for r in results)
                rows.append(dict(task=TASKS[task]["title"], threads=threads, optml=s, optml_cpu=c, peer=kind, peer_s=ps,
                                 peer_cpu=pc, q_optml=q_optml, q_peer=results[0]["quality"],
                                 rss=f"{rss:.0f}" if rss else "-", peer_rss=f"{results[0]['rss']:.0f}"))
    if "predict" in args.tasks.split(","):
        rows.extend(predict_rows(optml, args.cache, threads_list))
    print()
    print("| task | threads | optml s | peer | peer s | peer/optml (wall) | peer/optml (CPU) | optml quality | peer quality | optml / peer peak RSS MB |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        cpu = f"{r['peer_cpu'] / r['optml_cpu']:.2f}x" if r.get("optml_cpu") and r.get("peer_cpu") else "-"
        print(f"| {r['task']} | {r['threads']} | {r['optml']:.3f} | {r['peer']} | {r['peer_s']:.3f} | "
              f"{r['peer_s'] / r['optml']:.2f}x | {cpu} | {r['q_optml']} | {r['q_peer']} | {r['rss']} / {r['peer_rss']} |")


def predict_rows(optml, cache, threads_list):
    """1M rows through the binary task's 100-tree model: optml predict-bench vs xgboost inplace_predict."""
    import xgboost as xgb
    root = os.path.join(cache, "gbdt-binary", "opt_ml")
    model = os.path.join(root, "model", "xgboost-model")
    if not os.path.exists(model):
        return []
    x, _ = datagen.higgs_like(1_000_000)
    features = os.path.join(cache, "gbdt-binary", "predict-1m.csv")
    if not os.path.exists(features):
        np.savetxt(features, x, delimiter=",", fmt="%.7g")
    booster = xgb.Booster(model_file=model)
    rows = []
    for threads in threads_list:
        ours = optml_predictions(optml, root, features, threads)
        booster.set_param({"nthread": threads})
        times = []
        for _ in range(3):
            start = time.perf_counter()
            booster.inplace_predict(x)
            times.append(time.perf_counter() - start)
        rows.append(dict(task="GBDT batch prediction 1M rows, 100 trees", threads=threads, optml=ours["seconds"], peer="xgboost inplace_predict",
                         peer_s=min(times), q_optml="-", q_peer="-", rss="-", peer_rss="-"))
    return rows


if __name__ == "__main__":
    main()
