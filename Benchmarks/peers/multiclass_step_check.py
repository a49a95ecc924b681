#!/usr/bin/env python3
"""Why lightgbm's multiclass accuracy in gbdt_peers.py is higher than xgboost's and optml's.

XGBoost's softmax objective uses the hessian 2·p·(1 − p) (optml computes the same, to train the
models a SageMaker XGBoost user expects); LightGBM's uses k/(k − 1)·p·(1 − p). At the same eta,
XGBoost's leaf values are therefore k/(2(k − 1)) of LightGBM's: a smaller effective step. This
script trains each peer at the other's effective step on the gbdt_peers.py multiclass data
(200k × 50 × 10, 100 rounds, depth 6): lightgbm at eta 0.1·k/(2(k − 1)) lands on xgboost's
accuracy, and xgboost at eta 0.2·(k − 1)/k lands on lightgbm's.

    python3 Benchmarks/peers/multiclass_step_check.py
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from peer_common import ensure  # noqa: E402

ensure([("numpy", "numpy"), ("sklearn", "scikit-learn"), ("xgboost", "xgboost"), ("lightgbm", "lightgbm")])

import datagen  # noqa: E402
import lightgbm as lgb  # noqa: E402
import xgboost as xgb  # noqa: E402

x, y = datagen.multiclass()
split = int(0.8 * len(y)); xt, yt, xv, yv = x[:split], y[:split], x[split:], y[split:]
k = 10
for eta in [0.1 * (k / (k - 1)) / 2]:
    params = {"objective": "multiclass", "num_class": k, "max_depth": 6, "num_leaves": 63, "learning_rate": eta, "max_bin": 255,
              "min_sum_hessian_in_leaf": 1.0, "min_data_in_leaf": 0, "lambda_l2": 1.0, "num_threads": 2, "verbose": -1, "force_row_wise": True}
    m = lgb.train(params, lgb.Dataset(xt, label=yt), num_boost_round=100)
    print("lightgbm eta", round(eta, 4), "accuracy", (m.predict(xv).argmax(1) == yv).mean())
params = {"objective": "multi:softprob", "num_class": k, "max_depth": 6, "eta": 0.2 * (k - 1) / k, "max_bin": 256, "tree_method": "hist", "nthread": 2}
m = xgb.train(params, xgb.DMatrix(xt, label=yt), num_boost_round=100)
print("xgboost eta", 0.2 * (k - 1) / k, "accuracy", (m.inplace_predict(xv).argmax(1) == yv).mean())
