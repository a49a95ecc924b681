#!/usr/bin/env python3
"""Writes the trainer's reference fixtures to Tests/GradientBoostingTests/Fixtures/engine/.

metrics.json
    Small seeded prediction/label/weight vectors and, for each, the value of every evaluation
    metric: from scikit-learn where it has the metric (rmse, rmsle, mae, mape, logloss, error,
    merror, mlogloss, auc), and from xgboost itself for all of them (a zero-round booster whose
    base_margin is the margins of the predictions, evaluated with Booster.eval).
train-binary.csv, train-regression.csv, train-missing.csv
    Seeded synthetic data sets, 2000 training + 1000 test rows x 10 features, label first, no
    header; an empty field is a missing value.
training.json
    xgboost's (tree_method=hist) test-set AUC / RMSE after N rounds for fixed settings, the band
    the Swift trainer has to reach on the same data.

    pip install xgboost scikit-learn numpy && python3 scripts/make_gbdt_metric_fixtures.py
"""
import json
import os

import numpy as np
import xgboost as xgb
from sklearn import metrics as skm

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "GradientBoostingTests", "Fixtures", "engine")
os.makedirs(OUT, exist_ok=True)
rng = np.random.default_rng(20261204)


def f32(a):
    return [float(np.float32(v)) for v in a]


def xgb_metrics(objective, margins, labels, weights, names, extra=None):
    params = {"objective": objective, "eval_metric": names, "base_score": 0.5 if "logistic" in objective or "multi" in objective else 1.0}
    params.update(extra or {})
    dm = xgb.DMatrix(np.zeros((len(labels), 1)), label=labels, weight=weights)
    dm.set_base_margin(np.asarray(margins, dtype=np.float32).reshape(-1))
    booster = xgb.train(params, dm, num_boost_round=0)
    text = booster.eval(dm, name="d")
    out = {}
    for part in text.split("\t")[1:]:
        key, value = part.split(":")
        out[key[2:]] = float(value)
    return out


cases = []
n = 200
# Regression outputs (positive, for the log metrics too).
y = rng.gamma(2.0, 2.0, n).astype(np.float32) + 0.1
p = (y * rng.lognormal(0, 0.3, n)).astype(np.float32)
w = rng.uniform(0.2, 3.0, n).astype(np.float32)
for weighted in (False, True):
    ww = w if weighted else None
    sk = {
        "rmse": skm.mean_squared_error(y, p, sample_weight=ww) ** 0.5,
        "rmsle": skm.mean_squared_log_error(y, p, sample_weight=ww) ** 0.5,
        "mae": skm.mean_absolute_error(y, p, sample_weight=ww),
        "mape": skm.mean_absolute_percentage_error(y, p, sample_weight=ww),
    }
    xg = xgb_metrics("reg:squarederror", p, y, ww, ["rmse", "rmsle", "mae", "mape", "mphe"])
    xg.update(xgb_metrics("count:poisson", np.log(p), y, ww, ["poisson-nloglik"]))
    xg.update(xgb_metrics("reg:gamma", np.log(p), y, ww, ["gamma-nloglik", "gamma-deviance"]))
    xg.update(xgb_metrics("reg:tweedie", np.log(p), y, ww, ["tweedie-nloglik@1.5", "tweedie-nloglik@1.2"]))
    xg.update(xgb_metrics("reg:quantileerror", p, y, ww, ["quantile"], {"quantile_alpha": 0.3}))
    cases.append({"name": "regression" + ("-weighted" if weighted else ""), "kind": "regression", "classes": 1,
                  "predictions": f32(p), "labels": f32(y), "weights": f32(ww) if weighted else None,
                  "quantileAlpha": 0.3, "sklearn": sk, "xgboost": xg})

# Binary probabilities with ties.
yb = (rng.random(n) < 0.35).astype(np.float32)
pb = np.clip(0.5 * yb + rng.normal(0.25, 0.2, n), 0.001, 0.999)
pb = np.clip(np.round(pb, 2), 0.01, 0.99).astype(np.float32)   # ties
for weighted in (False, True):
    ww = w if weighted else None
    sk = {
        "logloss": skm.log_loss(yb, pb, sample_weight=ww),
        "error": 1 - skm.accuracy_score(yb, pb > 0.5, sample_weight=ww),
        "error@0.7": 1 - skm.accuracy_score(yb, pb > 0.7, sample_weight=ww),
        "auc": skm.roc_auc_score(yb, pb, sample_weight=ww),
    }
    margins = np.log(pb / (1 - pb))
    xg = xgb_metrics("binary:logistic", margins, yb, ww, ["logloss", "error", "error@0.7", "auc", "aucpr"])
    cases.append({"name": "binary" + ("-weighted" if weighted else ""), "kind": "binary", "classes": 1,
                  "predictions": f32(pb), "labels": f32(yb), "weights": f32(ww) if weighted else None,
                  "sklearn": sk, "xgboost": xg})

# Multi-class probabilities.
k = 4
ym = rng.integers(0, k, n).astype(np.float32)
logits = rng.normal(0, 1, (n, k)) + 1.5 * np.eye(k)[ym.astype(int)]
pm = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
pm = pm.astype(np.float32)
for weighted in (False, True):
    ww = w if weighted else None
    sk = {
        "mlogloss": skm.log_loss(ym, pm, sample_weight=ww, labels=list(range(k))),
        "merror": 1 - skm.accuracy_score(ym, pm.argmax(axis=1), sample_weight=ww),
    }
    xg = xgb_metrics("multi:softprob", np.log(pm), ym, ww, ["mlogloss", "merror", "auc"], {"num_class": k})
    cases.append({"name": "multiclass" + ("-weighted" if weighted else ""), "kind": "multiclass", "classes": k,
                  "predictions": f32(pm.reshape(-1)), "labels": f32(ym), "weights": f32(ww) if weighted else None,
                  "sklearn": sk, "xgboost": xg})

with open(os.path.join(OUT, "metrics.json"), "w") as fh:
    json.dump({"xgboost": xgb.__version__, "cases": cases}, fh, indent=1)


# Training data sets.
def make(kind, rows=3000, d=10, missing=0.0):
    """Seeded features with a nonlinear signal f; the label is drawn from f by `kind`."""
    X = rng.normal(size=(rows, d)).astype(np.float32)
    X[:, 3] = np.round(X[:, 3] * 2) / 2           # a feature with few distinct values
    f = np.sin(2 * X[:, 0]) + X[:, 1] * X[:, 2] + 0.5 * np.abs(X[:, 3]) + 0.3 * X[:, 4]
    if missing > 0:
        mask = rng.random((rows, d)) < missing
        # Missing values of feature 5 carry signal: rows missing it lean positive.
        f = f + np.where(mask[:, 5], 1.5, 0.0)
        X[mask] = np.nan
    if kind == "binary":
        y = (rng.random(rows) < 1 / (1 + np.exp(-2 * f))).astype(np.float32)
    elif kind == "count":
        y = rng.poisson(np.exp(0.5 * f)).astype(np.float32)
    elif kind == "multiclass":
        z = f + rng.normal(0, 0.5, rows)
        y = np.digitize(z, np.quantile(z, [0.33, 0.66])).astype(np.float32)
    else:
        y = (3 + 2 * f + rng.normal(0, 0.5, rows)).astype(np.float32)
    return X, y


def write_csv(name, X, y):
    with open(os.path.join(OUT, name), "w") as fh:
        for label, row in zip(y, X):
            fields = ["" if np.isnan(v) else "%.7g" % v for v in row]
            fh.write("%.7g," % label + ",".join(fields) + "\n")


training = {"xgboost": xgb.__version__, "trainRows": 2000, "cases": []}
sets = {"binary": make("binary"), "regression": make("regression"), "missing": make("binary", missing=0.15),
        "count": make("count"), "multiclass": make("multiclass")}
for name, (X, y) in sets.items():
    write_csv("train-%s.csv" % name, X, y)
settings = [
    ("binary", {"objective": "binary:logistic", "eval_metric": "auc"}, 50),
    ("missing", {"objective": "binary:logistic", "eval_metric": "auc"}, 50),
    ("regression", {"objective": "reg:squarederror", "eval_metric": "rmse"}, 50),
    ("binary", {"objective": "binary:logistic", "eval_metric": "auc", "grow_policy": "lossguide", "max_leaves": 16, "max_depth": 0}, 50),
    ("regression", {"objective": "reg:squarederror", "eval_metric": "rmse", "subsample": 0.7, "colsample_bytree": 0.8, "lambda": 3, "alpha": 0.5, "gamma": 0.1}, 50),
    ("regression", {"objective": "reg:absoluteerror", "eval_metric": "mae"}, 50),
    ("count", {"objective": "count:poisson", "eval_metric": "poisson-nloglik"}, 50),
    ("multiclass", {"objective": "multi:softprob", "num_class": 3, "eval_metric": "mlogloss"}, 30),
    ("regression", {"objective": "reg:squarederror", "eval_metric": "rmse", "max_depth": 4, "min_child_weight": 5, "max_delta_step": 0.5, "colsample_bylevel": 0.7, "colsample_bynode": 0.8}, 60),
]
for data, params, rounds in settings:
    X, y = sets[data]
    params = dict(params, tree_method="hist", max_bin=256, eta=0.3, seed=0)
    params.setdefault("max_depth", 6)
    dtrain = xgb.DMatrix(X[:2000], label=y[:2000])
    dtest = xgb.DMatrix(X[2000:], label=y[2000:])
    log = {}
    xgb.train(params, dtrain, rounds, evals=[(dtest, "test")], evals_result=log, verbose_eval=False)
    metric = params["eval_metric"]
    training["cases"].append({"data": data, "params": params, "rounds": rounds, "metric": metric,
                              "test": log["test"][metric][-1]})
with open(os.path.join(OUT, "training.json"), "w") as fh:
    json.dump(training, fh, indent=1)

# Exact agreement: with at most 255 distinct values per feature both sides cut at the distinct
# values themselves, so the trees must be the same (split features, thresholds, default
# directions, leaf values).
X = np.round(rng.normal(size=(1500, 6)) * 4) / 4              # steps of 0.25: about 30 distinct values
X = np.clip(X, -3, 3).astype(np.float32)
X[rng.random(X.shape) < 0.1] = np.nan
f = np.sin(2 * np.nan_to_num(X[:, 0])) + np.nan_to_num(X[:, 1]) * np.nan_to_num(X[:, 2]) + np.where(np.isnan(X[:, 3]), 1.0, 0.0)
exact = {"xgboost": xgb.__version__, "cases": []}
reg = (2 * f + rng.normal(0, 0.3, 1500)).astype(np.float32)
labels = {
    "regression": reg,
    "binary": (rng.random(1500) < 1 / (1 + np.exp(-2 * f))).astype(np.float32),
    "count": rng.poisson(np.exp(0.4 * f)).astype(np.float32),
    "positive": rng.gamma(2.0, np.exp(0.3 * f) / 2).astype(np.float32) + 0.01,
    "classes": np.digitize(f + rng.normal(0, 0.3, 1500), [-0.5, 0.8]).astype(np.float32),
}
write_csv("exact.csv", X, reg)
for name, y in labels.items():
    with open(os.path.join(OUT, "exact-labels-%s.csv" % name), "w") as fh:
        fh.write("\n".join("%.9g" % v for v in y) + "\n")
exact_settings = [
    ("regression", "reg:squarederror", {}),
    ("binary", "binary:logistic", {}),
    ("regression", "reg:squarederror", {"grow_policy": "lossguide", "max_depth": 0, "max_leaves": 9}),
    ("regression", "reg:squarederror", {"alpha": 0.7, "lambda": 2.0, "gamma": 3.0, "max_delta_step": 0.8, "min_child_weight": 4.0}),
    ("regression", "reg:squarederror", {"monotone_constraints": "(1,0,-1,0,0,0)"}),
    ("binary", "binary:logistic", {"scale_pos_weight": 2.5, "max_depth": 3}),
    ("regression", "reg:squarederror", {"interaction_constraints": "[[0, 1], [2, 3, 4, 5]]"}),
    ("regression", "reg:pseudohubererror", {"huber_slope": 1.5}),
    ("regression", "reg:absoluteerror", {}),
    ("regression", "reg:quantileerror", {"quantile_alpha": 0.3}),
    ("binary", "binary:hinge", {}),
    ("binary", "reg:logistic", {}),
    ("count", "count:poisson", {}),
    ("positive", "reg:gamma", {}),
    ("count", "reg:tweedie", {"tweedie_variance_power": 1.4}),
    ("classes", "multi:softprob", {"num_class": 3, "base_score": 0.5}),
    ("positive", "reg:squaredlogerror", {}),
    ("binary", "binary:logitraw", {}),
    ("regression", "reg:squarederror", {"weighted": True}),
    ("binary", "binary:logistic", {"weighted": True, "max_depth": 3}),
]
weights = rng.uniform(0.2, 3.0, 1500).astype(np.float32)
with open(os.path.join(OUT, "exact-weights.csv"), "w") as fh:
    fh.write("\n".join("%.9g" % v for v in weights) + "\n")
for labels_name, objective, extra in exact_settings:
    y = labels[labels_name]
    params = {"objective": objective, "tree_method": "hist", "max_bin": 256, "eta": 0.3, "max_depth": 4, "lambda": 1.0,
              "min_child_weight": 1.0, "seed": 0}
    params.update(extra)
    weighted = params.pop("weighted", False)
    booster = xgb.train(params, xgb.DMatrix(X, label=y, weight=weights if weighted else None), 5)
    params["weighted"] = weighted
    model = json.loads(booster.save_raw("json"))
    trees = model["learner"]["gradient_booster"]["model"]["trees"]
    base = json.loads(booster.save_config())["learner"]["learner_model_param"]["base_score"].strip("[]").split(",")[0]
    exact["cases"].append({
        "labels": labels_name, "objective": objective, "rounds": 5, "params": params, "baseScore": float(base),
        "trees": [{k: t[k] for k in ("left_children", "right_children", "split_indices", "split_conditions", "default_left", "base_weights")} for t in trees],
    })
with open(os.path.join(OUT, "exact.json"), "w") as fh:
    json.dump(exact, fh)
print("wrote", OUT)
