#!/usr/bin/env python3
"""Reference metrics from scikit-learn for optml's Linear Learner on the bundled datasets.

For each case, scikit-learn fits the same rows (datasets/<name> train channel) with the same
regularisation, and the test-channel metrics are written to
Tests/EndToEndTests/Fixtures/sklearn_parity.json, which the end-to-end parity test compares with
`optml train` (tolerances: AUC 0.002, RMSE 0.5 %, accuracy 0.5 % or one test row).

Mapping of the regularisation. optml minimises mean(w_i * loss_i) + wd/2 |w|^2 on standardised
features (normalize_data=true; loss = 1/2 r^2 for squared loss). With StandardScaler features this
equals Ridge(alpha = wd * n) and LogisticRegression(C = 1 / (wd * n)); the label scaling optml
applies for regression leaves the minimiser unchanged.
"""
import json
import os

import numpy as np
from sklearn.linear_model import LinearRegression, LogisticRegression, Ridge
from sklearn.metrics import accuracy_score, mean_squared_error, roc_auc_score
from sklearn.preprocessing import StandardScaler

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def load(name, channel):
    data = np.loadtxt(os.path.join(ROOT, "datasets", name, "opt_ml/input/data", channel, f"{channel}.csv"), delimiter=",")
    return data[:, 1:], data[:, 0]


def main():
    cases = []
    for name, predictor, wd_values in [("breast-cancer", "binary_classifier", [1e-3, 1e-2]),
                                       ("diabetes", "regressor", [0.0, 1e-2]),
                                       ("wine", "multiclass_classifier", [1e-2]),
                                       ("iris", "multiclass_classifier", [1e-3, 1e-2])]:
        xtr, ytr = load(name, "train")
        xte, yte = load(name, "test")
        scaler = StandardScaler().fit(xtr)
        str_, ste = scaler.transform(xtr), scaler.transform(xte)
        n = len(ytr)
        for wd in wd_values:
            hp = {"algorithm": "linear-learner", "predictor_type": predictor, "wd": repr(wd)}
            metrics = {}
            if predictor == "regressor":
                model = LinearRegression() if wd == 0 else Ridge(alpha=wd * n)
                model.fit(str_, ytr)
                metrics["rmse"] = float(np.sqrt(mean_squared_error(yte, model.predict(ste))))
            else:
                model = LogisticRegression(C=1.0 / (wd * n), tol=1e-10, max_iter=100000)
                model.fit(str_, ytr)
                if predictor == "binary_classifier":
                    hp["binary_classifier_model_selection_criteria"] = "loss_function"
                    metrics["roc_auc_score"] = float(roc_auc_score(yte, model.decision_function(ste)))
                    metrics["binary_classification_accuracy"] = float(accuracy_score(yte, model.predict(ste)))
                else:
                    hp["num_classes"] = str(int(ytr.max()) + 1)
                    metrics["multiclass_accuracy"] = float(accuracy_score(yte, model.predict(ste)))
            cases.append({"dataset": name, "hyperparameters": hp, "test_rows": len(yte), "sklearn": metrics})
    out = os.path.join(ROOT, "Tests/EndToEndTests/Fixtures/sklearn_parity.json")
    with open(out, "w") as f:
        json.dump({"generator": "scripts/make_parity_fixtures.py", "cases": cases}, f, indent=2, sort_keys=True)
        f.write("\n")
    print(json.dumps(cases, indent=1))


if __name__ == "__main__":
    main()
