#!/usr/bin/env python3
"""Exact linear solvers: optml vs numpy / scikit-learn, timed interleaved in one run.

Generates seeded data as .npy in a temporary directory (never committed):
  regression   1,000,000 x 100   y = Xw + 3 + N(0, 9); columns 50..99 correlated with 0..49
  higgs-like   1,000,000 x 28    binary; label from a nonlinear function through a sigmoid
  multiclass     200,000 x 50    10 classes, make_classification(n_informative=30)
trains on the first 80 % of rows and scores the last 20 %. Each contender runs in its own process
(so OPENBLAS_NUM_THREADS / OMP_NUM_THREADS take effect before numpy loads) and reports its fit time,
loading excluded. optml runs through a small release executable outside the repository that
depends on optml by path and reads the .npy files (`--optml`; the optml CLI is not involved).

  python3 Benchmarks/peers/solver_peer.py --optml /tmp/solverbench/.build/release/solverbench \
      [--repeats 3] [--threads 1 2] [--tasks leastsquares logistic multinomial] [--data DIR]

Installs numpy, scipy and scikit-learn from PyPI when they are missing.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time


def ensure_packages():
    try:
        import numpy  # noqa: F401
        import sklearn  # noqa: F401
    except ImportError:
        subprocess.check_call([sys.executable, "-m", "pip", "install", "--quiet", "numpy", "scipy", "scikit-learn"])


# ----------------------------------------------------------------------------- data generation

def generate(directory):
    import numpy as np
    from sklearn.datasets import make_classification

    def save(name, x, y):
        folder = os.path.join(directory, name)
        os.makedirs(folder, exist_ok=True)
        cut = int(0.8 * len(y))
        np.save(os.path.join(folder, "x_train.npy"), np.ascontiguousarray(x[:cut], dtype=np.float64))
        np.save(os.path.join(folder, "y_train.npy"), np.ascontiguousarray(y[:cut], dtype=np.float64))
        np.save(os.path.join(folder, "x_test.npy"), np.ascontiguousarray(x[cut:], dtype=np.float64))
        np.save(os.path.join(folder, "y_test.npy"), np.ascontiguousarray(y[cut:], dtype=np.float64))

    rng = np.random.default_rng(20261101)
    n, d = 1_000_000, 100
    x = rng.standard_normal((n, d))
    x[:, 50:] = 0.8 * x[:, :50] + 0.6 * x[:, 50:]
    w = rng.standard_normal(d)
    y = x @ w + 3 + rng.normal(0, 3, n)
    save("leastsquares", x, y)
    del x, y

    # Higgs-like: 21 "low-level" features from Gaussian mixtures, 7 "high-level" nonlinear
    # combinations; the label depends nonlinearly on them (interactions, thresholds, radii), so a
    # linear model reaches AUC ≈ 0.79 and trees do better.
    n = 1_000_000
    low = rng.standard_normal((n, 21))
    component = rng.uniform(size=(n, 21)) < 0.3
    low = np.where(component, 1.5 * low + 1.0, low)
    high = np.column_stack([
        np.hypot(low[:, 0], low[:, 1]),
        low[:, 2] * low[:, 3],
        np.abs(low[:, 4] - low[:, 5]),
        np.tanh(low[:, 6] + low[:, 7]),
        np.maximum(low[:, 8], low[:, 9]),
        np.log1p(np.abs(low[:, 10] * low[:, 11])),
        np.sin(low[:, 12]) + 0.5 * low[:, 13],
    ])
    logit = (0.9 * low[:, 0] - 0.7 * low[:, 1] + 0.8 * low[:, 14] - 0.5 * low[:, 15] + 0.4 * low[:, 16]
             + 0.9 * low[:, 2] * low[:, 3] - 0.7 * np.abs(low[:, 4] - low[:, 5]) + 1.0 * (low[:, 17] > 0.5)
             + 0.6 * np.sin(2 * low[:, 12]) + 0.5 * low[:, 18] * (low[:, 19] > 0) - 0.4 * low[:, 20] ** 2 + 0.3)
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-logit))).astype(np.float64)
    x = np.column_stack([low, high])
    x = (x - x.mean(axis=0)) / x.std(axis=0)
    save("logistic", x, y)
    del x, y, low, high

    x, y = make_classification(n_samples=200_000, n_features=50, n_informative=30, n_redundant=10, n_classes=10,
                               random_state=7)
    save("multinomial", x, y.astype(np.float64))


# ----------------------------------------------------------------------------- one peer run

def run_peer(task, contender, folder):
    """Runs inside a child process whose BLAS thread variables are already set."""
    import numpy as np
    x = np.load(os.path.join(folder, "x_train.npy"))
    y = np.load(os.path.join(folder, "y_train.npy"))
    n = len(y)
    start = time.perf_counter()
    extra = {}
    if contender == "numpy-normal-equations":
        # Gram of [X 1] without copying X: X^T X, column sums, n.
        xtx = x.T @ x
        s = x.sum(axis=0)
        gram = np.empty((x.shape[1] + 1, x.shape[1] + 1))
        gram[:-1, :-1] = xtx
        gram[:-1, -1] = s
        gram[-1, :-1] = s
        gram[-1, -1] = n
        rhs = np.append(x.T @ y, y.sum())
        theta = np.linalg.solve(gram, rhs)
        coef, intercept = [theta[:-1].tolist()], [float(theta[-1])]
    elif contender == "sklearn-LinearRegression":
        from sklearn.linear_model import LinearRegression
        model = LinearRegression().fit(x, y)
        coef, intercept = [model.coef_.tolist()], [float(model.intercept_)]
    elif contender in ("sklearn-lbfgs", "sklearn-lbfgs-multinomial"):
        from sklearn.linear_model import LogisticRegression
        model = LogisticRegression(C=1.0, max_iter=1000).fit(x, y)
        coef, intercept = model.coef_.tolist(), model.intercept_.tolist()
        extra["iterations"] = int(np.max(model.n_iter_))
    else:
        raise SystemExit(f"unknown contender {contender}")
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "coef": coef, "intercept": intercept, **extra}))


# ----------------------------------------------------------------------------- driver

PEERS = {
    "leastsquares": ["numpy-normal-equations", "sklearn-LinearRegression"],
    "logistic": ["sklearn-lbfgs"],
    "multinomial": ["sklearn-lbfgs-multinomial"],
}


def run_one(task, contender, folder, threads, optml):
    env = dict(os.environ, OPENBLAS_NUM_THREADS=str(threads), OMP_NUM_THREADS=str(threads), MKL_NUM_THREADS=str(threads))
    if contender == "optml":
        command = [optml, task, folder, str(threads)]
    else:
        command = [sys.executable, os.path.abspath(__file__), "--peer", task, contender, folder]
    out = subprocess.run(command, env=env, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def quality(task, folder, result):
    import numpy as np
    from sklearn.metrics import accuracy_score, log_loss, r2_score, roc_auc_score
    x = np.load(os.path.join(folder, "x_test.npy"))
    y = np.load(os.path.join(folder, "y_test.npy"))
    w = np.array(result["coef"])
    b = np.array(result["intercept"])
    scores = x @ w.T + b
    if task == "leastsquares":
        return {"r2": r2_score(y, scores[:, 0])}
    if task == "logistic":
        p = 1 / (1 + np.exp(-scores[:, 0]))
        return {"logloss": log_loss(y, p), "auc": roc_auc_score(y, p)}
    scores -= scores.max(axis=1, keepdims=True)
    prob = np.exp(scores)
    prob /= prob.sum(axis=1, keepdims=True)
    return {"logloss": log_loss(y, prob, labels=np.arange(prob.shape[1])), "accuracy": accuracy_score(y, prob.argmax(axis=1))}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--peer", nargs=3, metavar=("TASK", "CONTENDER", "FOLDER"), help=argparse.SUPPRESS)
    parser.add_argument("--optml", help="path of the solverbench release executable")
    parser.add_argument("--data", help="reuse (or create) the data in this directory instead of a temporary one")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--tasks", nargs="+", default=["leastsquares", "logistic", "multinomial"])
    args = parser.parse_args()
    if args.peer:
        run_peer(*args.peer)
        return
    if not args.optml:
        parser.error("--optml is required")
    ensure_packages()
    import numpy as np

    temporary = None
    directory = args.data
    if directory is None:
        temporary = tempfile.TemporaryDirectory(prefix="optml-solver-peer-")
        directory = temporary.name
    if not os.path.exists(os.path.join(directory, "multinomial", "y_test.npy")):
        print(f"generating data in {directory} ...", flush=True)
        generate(directory)

    for task in args.tasks:
        folder = os.path.join(directory, task)
        contenders = ["optml"] + PEERS[task]
        for threads in args.threads:
            times = {c: [] for c in contenders}
            last = {}
            for _ in range(args.repeats):
                for contender in contenders:  # interleaved: A B A B within the same minutes
                    result = run_one(task, contender, folder, threads, args.optml)
                    times[contender].append(result["seconds"])
                    last[contender] = result
            ours = float(np.median(times["optml"]))
            print(f"\n{task}, {threads} thread(s), median of {args.repeats}:")
            for contender in contenders:
                median = float(np.median(times[contender]))
                q = quality(task, folder, last[contender])
                detail = ", ".join(f"{k} {v:.4f}" for k, v in q.items())
                info = last[contender]
                meta = f" [{info['method']}, {info['iterations']} it]" if contender == "optml" else (
                    f" [{info['iterations']} it]" if "iterations" in info else "")
                ratio = "" if contender == "optml" else f"  optml is {median / ours:.2f}x faster"
                print(f"  {contender:28s} {median:8.3f} s  {detail}{meta}{ratio}", flush=True)
    if temporary:
        temporary.cleanup()


if __name__ == "__main__":
    main()
