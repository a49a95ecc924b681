#!/usr/bin/env python3
"""Writes the XGBoost model fixtures of Tests/GradientBoostingTests/Fixtures/xgboost/.

Each case is a folder `<tag>-<name>/` holding a model trained by the real xgboost package on a
small seeded dataset, the rows to predict and xgboost's own outputs for them:

  model.json       Booster.save_model(...json)      (model.ubj too for the UBJSON case)
  features.csv     rows to predict, no header; an empty field is a missing value (NaN)
  margins.csv      Booster.predict(output_margin=True), one row per line (%.9g of float32)
  predictions.csv  Booster.predict(), one row per line
  importance.json  Booster.get_score() for every importance type (features named f0, f1, ...)
  meta.json        xgboost version, objective, trees used, best_iteration

Predictions honour best_iteration (iteration_range up to it), as SageMaker's XGBoost serves
early-stopped models. Run it with each xgboost to cover: the tag is `x<major>`.

    pip install xgboost numpy && python3 scripts/make_gbdt_fixtures.py
"""
import json
import os
import sys

import numpy as np
import xgboost as xgb

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "GradientBoostingTests", "Fixtures", "xgboost")
TAG = "x" + xgb.__version__.split(".")[0]
FEATURES = 6


def data(seed, rows, missing=0.0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(rows, FEATURES)).astype(np.float32)
    # A few exact ties with likely split points, and a coarse column.
    x[:, 5] = np.round(x[:, 5] * 2) / 2
    z = 1.2 * x[:, 0] - 0.8 * x[:, 1] * x[:, 2] + 0.5 * np.sin(3 * x[:, 3]) + 0.3 * x[:, 5]
    if missing > 0:
        mask = rng.random(size=x.shape) < missing
        x[mask] = np.nan
    return x, z, rng


def write_rows(path, values):
    with open(path, "w") as f:
        for row in values:
            row = np.atleast_1d(row)
            f.write(",".join("" if np.isnan(v) else "%.9g" % v for v in row) + "\n")


def save_case(name, booster, x_test, best_iteration=None, ubjson=False, extra=None):
    folder = os.path.join(ROOT, f"{TAG}-{name}")
    os.makedirs(folder, exist_ok=True)
    booster.save_model(os.path.join(folder, "model.json"))
    if ubjson:
        booster.save_model(os.path.join(folder, "model.ubj"))
    d = xgb.DMatrix(x_test, missing=np.nan)
    rounds = booster.num_boosted_rounds()
    used = rounds if best_iteration is None else best_iteration + 1
    margins = booster.predict(d, output_margin=True, iteration_range=(0, used))
    predictions = booster.predict(d, iteration_range=(0, used))
    write_rows(os.path.join(folder, "features.csv"), x_test)
    write_rows(os.path.join(folder, "margins.csv"), margins)
    write_rows(os.path.join(folder, "predictions.csv"), predictions)
    importance = {kind: booster.get_score(importance_type=kind)
                  for kind in ("weight", "gain", "cover", "total_gain", "total_cover")}
    with open(os.path.join(folder, "importance.json"), "w") as f:
        json.dump(importance, f, indent=1, sort_keys=True)
    config = json.loads(booster.save_config())
    meta = {
        "xgboost": xgb.__version__,
        "objective": config["learner"]["objective"]["name"],
        "rounds": rounds,
        "rounds_used": used,
        "best_iteration": best_iteration,
        "num_feature": booster.num_features(),
    }
    meta.update(extra or {})
    with open(os.path.join(folder, "meta.json"), "w") as f:
        json.dump(meta, f, indent=1, sort_keys=True)
    print(folder, meta)


def train(params, x, y, rounds, **kw):
    params = dict(params)
    params.setdefault("seed", 0)
    params.setdefault("tree_method", "hist")
    return xgb.train(params, xgb.DMatrix(x, label=y, missing=np.nan), rounds, **kw)


def main():
    x, z, rng = data(1, 600)
    xt, _, _ = data(2, 150)

    # binary:logistic, depth 4
    yb = (z + 0.5 * rng.normal(size=len(z)) > 0).astype(np.float32)
    save_case("binary-logistic", train({"objective": "binary:logistic", "max_depth": 4, "eta": 0.3}, x, yb, 20), xt, ubjson=True)

    # reg:squarederror, deeper trees, L1/L2 and subsampling
    yr = (3 * z + 2 + rng.normal(size=len(z))).astype(np.float32)
    save_case("reg-squarederror", train({"objective": "reg:squarederror", "max_depth": 6, "eta": 0.1, "subsample": 0.8,
                                         "colsample_bytree": 0.8, "alpha": 0.5, "lambda": 2}, x, yr, 15), xt)

    # multi:softprob and multi:softmax with 3 classes
    ym = np.digitize(z + 0.3 * rng.normal(size=len(z)), [-0.5, 0.5]).astype(np.float32)
    save_case("multi-softprob", train({"objective": "multi:softprob", "num_class": 3, "max_depth": 3}, x, ym, 10), xt)
    save_case("multi-softmax", train({"objective": "multi:softmax", "num_class": 3, "max_depth": 3}, x, ym, 10), xt)

    # count:poisson and reg:tweedie on counts
    counts = rng.poisson(np.exp(0.5 * z)).astype(np.float32)
    save_case("count-poisson", train({"objective": "count:poisson", "max_depth": 4}, x, counts, 15), xt)
    save_case("reg-tweedie", train({"objective": "reg:tweedie", "tweedie_variance_power": 1.3, "max_depth": 4}, x, counts, 15), xt)
    positive = np.exp(0.3 * z + 0.2 * rng.normal(size=len(z))).astype(np.float32)
    save_case("reg-gamma", train({"objective": "reg:gamma", "max_depth": 3}, x, positive, 12), xt)
    save_case("binary-hinge", train({"objective": "binary:hinge", "max_depth": 3}, x, yb, 8), xt)

    # The remaining objectives, small models (reg:absoluteerror and reg:quantileerror need xgboost >= 2).
    save_case("reg-logistic", train({"objective": "reg:logistic", "max_depth": 3}, x, yb, 6), xt)
    save_case("binary-logitraw", train({"objective": "binary:logitraw", "max_depth": 3}, x, yb, 6), xt)
    save_case("reg-pseudohubererror", train({"objective": "reg:pseudohubererror", "huber_slope": 2.0, "max_depth": 3}, x, yr, 6), xt)
    save_case("reg-squaredlogerror", train({"objective": "reg:squaredlogerror", "max_depth": 3}, x, positive, 6), xt)
    if int(xgb.__version__.split(".")[0]) >= 2:
        save_case("reg-absoluteerror", train({"objective": "reg:absoluteerror", "max_depth": 3}, x, yr, 6), xt)
        save_case("reg-quantileerror", train({"objective": "reg:quantileerror", "quantile_alpha": 0.8, "max_depth": 3}, x, yr, 6), xt)

    # Missing values in training and prediction: learned default directions.
    xm, zm, rngm = data(3, 800, missing=0.25)
    xmt, _, _ = data(4, 150, missing=0.25)
    zfill = np.nan_to_num(zm)
    ymb = (zfill + 0.3 * rngm.normal(size=len(zfill)) > 0).astype(np.float32)
    save_case("missing-values", train({"objective": "binary:logistic", "max_depth": 5, "grow_policy": "lossguide",
                                       "max_leaves": 24}, xm, ymb, 25), xmt)

    # Early stopping: best_iteration recorded, all rounds kept in the file.
    xv, zv, rngv = data(5, 300)
    yv = (3 * zv + 2 + 3 * rngv.normal(size=len(zv))).astype(np.float32)
    yr_noisy = (3 * z + 2 + 3 * rng.normal(size=len(z))).astype(np.float32)
    dtrain = xgb.DMatrix(x, label=yr_noisy)
    dvalid = xgb.DMatrix(xv, label=yv)
    booster = xgb.train({"objective": "reg:squarederror", "max_depth": 4, "eta": 0.3, "seed": 0, "tree_method": "hist"},
                        dtrain, 200, evals=[(dtrain, "train"), (dvalid, "validation")], early_stopping_rounds=5,
                        verbose_eval=False)
    assert booster.num_boosted_rounds() > booster.best_iteration + 1, "early stopping should leave extra rounds"
    save_case("early-stopping", booster, xt, best_iteration=booster.best_iteration,
              extra={"best_score": booster.best_score})

    # Boosted random forest: two parallel trees per round.
    save_case("parallel-trees", train({"objective": "reg:squarederror", "num_parallel_tree": 2, "subsample": 0.7,
                                       "max_depth": 3}, x, yr, 5), xt)


if __name__ == "__main__":
    sys.exit(main())
