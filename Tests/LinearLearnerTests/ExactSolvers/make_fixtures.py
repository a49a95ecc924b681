"""Reference solutions for the exact-solver tests, computed once with scikit-learn and SciPy.

Run from anywhere: `python3 Tests/LinearLearnerTests/ExactSolvers/make_fixtures.py`. It writes
Fixtures/*.json next to this file. Each fixture holds a small seeded dataset, the objective
parameters in optml's convention

    F(w, b) = (1/S) sum_i s_i loss(x_i.w + b, y_i) + (l2/2)|w|^2 + l1 |w|_1   (intercept unpenalized)

and the reference coefficients and objective value. Mappings to the peers:
  * LogisticRegression(C = 1/(l2*S)) minimizes S times this objective for l2 penalties
    (sklearn >= 1.2 normalizes the loss by the sample-weight sum; C scales the penalty).
  * QuantileRegressor(quantile=tau, alpha=l1) minimizes exactly this objective for the pinball loss.
  * Absolute, epsilon-insensitive absolute and hinge without l2 are linear programs solved by
    scipy.optimize.linprog (HiGHS).
  * SVC(kernel='linear', C = 1/(l2*n)) minimizes 1/l2 times the hinge objective with margin 1
    (libsvm leaves the intercept unpenalized, as optml does).
"""
import json
import pathlib

import numpy as np
import scipy
import sklearn
from scipy.optimize import linprog
from sklearn.linear_model import LogisticRegression, QuantileRegressor
from sklearn.svm import SVC

OUT = pathlib.Path(__file__).resolve().parent / "Fixtures"


def write(name, payload):
    payload["generator"] = f"make_fixtures.py (numpy {np.__version__}, scipy {scipy.__version__}, scikit-learn {sklearn.__version__})"
    (OUT / f"{name}.json").write_text(json.dumps(payload, indent=1) + "\n")


def regression_data(rng, n, d, heavy_tails=True):
    x = rng.normal(size=(n, d))
    w = rng.normal(size=d)
    noise = rng.standard_t(3, size=n) if heavy_tails else rng.normal(size=n)
    y = x @ w + 0.5 + noise
    return x, y


def binary_data(rng, n, d, flip=0.1):
    x = rng.normal(size=(n, d))
    w = rng.normal(size=d)
    p = 1 / (1 + np.exp(-(x @ w + 0.3)))
    y = (rng.uniform(size=n) < p).astype(float)
    flips = rng.uniform(size=n) < flip
    y[flips] = 1 - y[flips]
    return x, y


def pinball(r, tau):
    return np.where(r >= 0, tau * r, (tau - 1) * r)


def logistic_fixture(rng, weighted):
    n, d, l2 = 200, 5, 0.1
    x, y = binary_data(rng, n, d)
    s = rng.uniform(0.5, 2.0, size=n) if weighted else np.ones(n)
    S = s.sum()
    model = LogisticRegression(C=1 / (l2 * S), tol=1e-12, max_iter=100000)
    model.fit(x, y, sample_weight=s)
    w, b = model.coef_[0], model.intercept_[0]
    p = x @ w + b
    z = np.where(y > 0.5, 1, -1) * p
    objective = (s * np.logaddexp(0, -z)).sum() / S + 0.5 * l2 * (w @ w)
    return {"x": x.tolist(), "y": y.tolist(), "weights": s.tolist() if weighted else None, "l2": l2, "l1": 0,
            "loss": "logistic", "reference": "sklearn LogisticRegression(C=1/(l2*S), tol=1e-12)",
            "coefficients": [w.tolist()], "intercepts": [b], "objective": objective}


def softmax_fixture(rng):
    n, d, k, l2 = 300, 4, 3, 0.05
    x = rng.normal(size=(n, d))
    w_true = rng.normal(size=(k, d)) * 1.5
    logits = x @ w_true.T
    prob = np.exp(logits - logits.max(axis=1, keepdims=True))
    prob /= prob.sum(axis=1, keepdims=True)
    y = np.array([rng.choice(k, p=row) for row in prob], dtype=float)
    model = LogisticRegression(C=1 / (l2 * n), tol=1e-12, max_iter=100000)
    model.fit(x, y)
    w, b = model.coef_, model.intercept_
    scores = x @ w.T + b
    lse = scores.max(axis=1) + np.log(np.exp(scores - scores.max(axis=1, keepdims=True)).sum(axis=1))
    objective = (lse - scores[np.arange(n), y.astype(int)]).mean() + 0.5 * l2 * (w * w).sum()
    return {"x": x.tolist(), "y": y.tolist(), "weights": None, "l2": l2, "l1": 0, "loss": "softmax", "classes": k,
            "reference": "sklearn LogisticRegression multinomial (C=1/(l2*n), tol=1e-12)",
            "coefficients": w.tolist(), "intercepts": b.tolist(), "objective": objective}


def quantile_fixture(rng, tau, l1, loss):
    n, d = 120, 3
    x, y = regression_data(rng, n, d)
    # absolute = 2 * pinball(0.5): same minimizer as QuantileRegressor(0.5, alpha=l1/2).
    alpha = l1 / 2 if loss == "absolute" else l1
    model = QuantileRegressor(quantile=tau, alpha=alpha, solver="highs", fit_intercept=True)
    model.fit(x, y)
    w, b = model.coef_, model.intercept_
    r = y - (x @ w + b)
    data = np.abs(r).mean() if loss == "absolute" else pinball(r, tau).mean()
    objective = data + l1 * np.abs(w).sum()
    return {"x": x.tolist(), "y": y.tolist(), "weights": None, "l2": 0, "l1": l1, "loss": loss, "tau": tau,
            "reference": f"sklearn QuantileRegressor(quantile={tau}, alpha={alpha}, solver=highs)",
            "coefficients": [w.tolist()], "intercepts": [float(b)], "objective": objective}


def epsilon_absolute_fixture(rng, eps):
    # min (1/n) sum xi  s.t.  xi >= r - eps, xi >= -r - eps, xi >= 0, r = y - Xw - b
    n, d = 100, 3
    x, y = regression_data(rng, n, d)
    nv = d + 1 + n
    c = np.concatenate([np.zeros(d + 1), np.ones(n) / n])
    z = np.hstack([x, np.ones((n, 1))])
    a1 = np.hstack([-z, -np.eye(n)])  # y - zθ - eps <= xi  ->  -zθ - xi <= eps - y
    a2 = np.hstack([z, -np.eye(n)])   # zθ - y - eps <= xi  ->   zθ - xi <= eps + y
    res = linprog(c, A_ub=np.vstack([a1, a2]), b_ub=np.concatenate([eps - y, eps + y]),
                  bounds=[(None, None)] * (d + 1) + [(0, None)] * n, method="highs")
    assert res.status == 0
    w, b = res.x[:d], res.x[d]
    objective = np.maximum(0, np.abs(y - x @ w - b) - eps).mean()
    return {"x": x.tolist(), "y": y.tolist(), "weights": None, "l2": 0, "l1": 0, "loss": "epsilon_absolute", "epsilon": eps,
            "reference": "scipy linprog (HiGHS) LP", "coefficients": [w.tolist()], "intercepts": [float(b)], "objective": objective}


def hinge_lp_fixture(rng, margin):
    n, d = 150, 4
    x, y = binary_data(rng, n, d, flip=0.15)
    s = np.where(y > 0.5, 1.0, -1.0)
    z = np.hstack([x, np.ones((n, 1))])
    c = np.concatenate([np.zeros(d + 1), np.ones(n) / n])
    # xi >= margin - s (zθ)  ->  -s zθ - xi <= -margin
    a = np.hstack([-(s[:, None] * z), -np.eye(n)])
    res = linprog(c, A_ub=a, b_ub=-margin * np.ones(n), bounds=[(None, None)] * (d + 1) + [(0, None)] * n, method="highs")
    assert res.status == 0
    w, b = res.x[:d], res.x[d]
    objective = np.maximum(0, margin - s * (x @ w + b)).mean()
    return {"x": x.tolist(), "y": y.tolist(), "weights": None, "l2": 0, "l1": 0, "loss": "hinge", "margin": margin,
            "reference": "scipy linprog (HiGHS) LP", "coefficients": [w.tolist()], "intercepts": [float(b)], "objective": objective}


def hinge_svc_fixture(rng):
    n, d, l2 = 150, 4, 0.05
    x, y = binary_data(rng, n, d, flip=0.15)
    s = np.where(y > 0.5, 1.0, -1.0)
    # (1/n) sum hinge + (l2/2)|w|^2 = (l2) * [ (1/2)|w|^2 + C sum hinge ] with C = 1/(l2 n)
    model = SVC(kernel="linear", C=1 / (l2 * n), tol=1e-12)
    model.fit(x, s)
    w, b = model.coef_[0], model.intercept_[0]
    objective = np.maximum(0, 1 - s * (x @ w + b)).mean() + 0.5 * l2 * (w @ w)
    return {"x": x.tolist(), "y": y.tolist(), "weights": None, "l2": l2, "l1": 0, "loss": "hinge", "margin": 1.0,
            "reference": "sklearn SVC(kernel=linear, C=1/(l2*n), tol=1e-12)", "coefficients": [w.tolist()],
            "intercepts": [float(b)], "objective": objective}


def main():
    OUT.mkdir(exist_ok=True)
    rng = np.random.default_rng(20261101)
    write("logistic", logistic_fixture(rng, weighted=False))
    write("logistic_weighted", logistic_fixture(rng, weighted=True))
    write("softmax", softmax_fixture(rng))
    write("quantile", quantile_fixture(rng, tau=0.3, l1=0.0, loss="quantile"))
    write("quantile_l1", quantile_fixture(rng, tau=0.7, l1=0.05, loss="quantile"))
    write("absolute", quantile_fixture(rng, tau=0.5, l1=0.0, loss="absolute"))
    write("epsilon_absolute", epsilon_absolute_fixture(rng, eps=0.3))
    write("hinge_lp", hinge_lp_fixture(rng, margin=1.0))
    write("hinge_svc", hinge_svc_fixture(rng))


if __name__ == "__main__":
    main()
