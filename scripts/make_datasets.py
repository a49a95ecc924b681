#!/usr/bin/env python3
"""Regenerate datasets/: small real datasets laid out as ready SageMaker /opt/ml training trees.

Every dataset comes from the copy bundled inside scikit-learn (nothing is downloaded). For each one this
writes datasets/<name>/ with:

    opt_ml/input/config/{hyperparameters,inputdataconfig,resourceconfig}.json
    opt_ml/input/data/{train,validation,test}/<channel>.csv   (label first, no header, repr-exact floats)
    README.md       provenance, licence, split, label encoding, scikit-learn reference metrics, band
    expected.json   the same numbers, machine-readable, with Linear Learner's metric names

and datasets/README.md (the index).

The output is deterministic: running the script twice gives identical bytes (with the same
scikit-learn / numpy versions, which expected.json records). `--check` regenerates into a temporary
directory and compares it byte for byte with datasets/ instead of writing.

Usage:
    python3 scripts/make_datasets.py            # (re)write datasets/
    python3 scripts/make_datasets.py --check    # exit 1 if datasets/ differs from what would be written
"""

from __future__ import annotations

import argparse
import filecmp
import hashlib
import json
import math
import os
import shutil
import sys
import tempfile
import warnings

import numpy as np
import sklearn
from sklearn import datasets as skdatasets
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.metrics import (
    accuracy_score,
    mean_absolute_error,
    mean_squared_error,
    r2_score,
    roc_auc_score,
)
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SEED = 0
CHANNELS = ("train", "validation", "test")
# 60/20/20: first hold out 20 % for test, then 25 % of the remaining 80 % (= 20 %) for validation.
TEST_FRACTION = 0.2
VALIDATION_FRACTION_OF_REST = 0.25
# Number of quantile bins used to stratify the split of a regression target.
REGRESSION_STRATA = 5
METRIC_DIGITS = 6  # sklearn reference metrics are rounded to this many decimals in expected.json
BAND_DIGITS = 4  # band limits are rounded outward (looser) to this many decimals

# Licence texts. The UCI statements are those shown on each dataset's page in the UCI Machine Learning
# Repository; scikit-learn's bundled descriptions (sklearn/datasets/descr/*.rst) carry no licence
# statement for any of the four datasets.
UCI_LICENCE = (
    "Creative Commons Attribution 4.0 International (CC BY 4.0), as stated on the dataset's page in the "
    "UCI Machine Learning Repository (that page was not fetched when these files were generated; "
    "re-check it before redistributing). scikit-learn's bundled description carries no licence statement."
)

DATASETS = [
    {
        "name": "breast-cancer",
        "loader": "load_breast_cancer",
        "loader_kwargs": {},
        "predictor_type": "binary_classifier",
        "title": "Breast Cancer Wisconsin (Diagnostic)",
        "source": "UCI Machine Learning Repository, dataset 17, Breast Cancer Wisconsin (Diagnostic); "
        "scikit-learn's bundled copy (sklearn/datasets/data/breast_cancer.csv) via "
        "`sklearn.datasets.load_breast_cancer()`.",
        "source_short": "UCI Breast Cancer Wisconsin (Diagnostic), via scikit-learn",
        "url": "https://archive.ics.uci.edu/dataset/17/breast+cancer+wisconsin+diagnostic",
        "citation": [
            "Wolberg, W., Mangasarian, O., Street, N., & Street, W. (1995). Breast Cancer Wisconsin "
            "(Diagnostic) [Dataset]. UCI Machine Learning Repository. https://doi.org/10.24432/C5DW2B",
            "W.N. Street, W.H. Wolberg and O.L. Mangasarian. Nuclear feature extraction for breast tumor "
            "diagnosis. IS&T/SPIE 1993 International Symposium on Electronic Imaging: Science and "
            "Technology, volume 1905, pages 861-870, San Jose, CA, 1993.",
        ],
        "licence": UCI_LICENCE,
        "licence_short": "CC BY 4.0 (UCI)",
        "label_encoding": "scikit-learn's encoding, kept unchanged: **0 = malignant (212 rows), "
        "1 = benign (357 rows)**. Note that the positive class (label 1) is *benign*, so "
        "`roc_auc_score` and the predicted probability refer to P(benign). (The UCI file itself "
        "codes the diagnosis as M/B.)",
        "notes": [],
    },
    {
        "name": "diabetes",
        "loader": "load_diabetes",
        "loader_kwargs": {"scaled": False},
        "predictor_type": "regressor",
        "title": "Diabetes (Efron et al. 2004)",
        "source": "The diabetes data of Efron, Hastie, Johnstone & Tibshirani (2004), as distributed at "
        "https://www4.stat.ncsu.edu/~boos/var.select/diabetes.html (the source URL scikit-learn gives); "
        "scikit-learn's bundled copy (sklearn/datasets/data/diabetes_data_raw.csv.gz and "
        "diabetes_target.csv.gz) via `sklearn.datasets.load_diabetes(scaled=False)`, i.e. the original, "
        "unscaled feature values.",
        "source_short": "Efron et al. 2004 (LARS paper), via scikit-learn",
        "url": "https://www4.stat.ncsu.edu/~boos/var.select/diabetes.html",
        "citation": [
            'Bradley Efron, Trevor Hastie, Iain Johnstone and Robert Tibshirani (2004) "Least Angle '
            'Regression," Annals of Statistics 32(2), 407-499 (with discussion). '
            "https://doi.org/10.1214/009053604000000067",
        ],
        "licence": "No licence is stated. scikit-learn's description of this dataset "
        "(`load_diabetes().DESCR`, from sklearn/datasets/descr/diabetes.rst) gives no licence, only the "
        "source URL and the reference; its provenance text, quoted in full, is below. The data ship inside "
        "the scikit-learn package, which as a whole is distributed under the BSD 3-Clause licence; no "
        "separate licence for the data is given by scikit-learn or by the paper. Treat it as published "
        "research data redistributed by scikit-learn, and cite the paper.",
        "quote_descr_from": "Source URL:",
        "licence_short": "none stated (redistributed in scikit-learn, BSD-3-Clause package)",
        "label_encoding": "Regression target: a quantitative measure of disease progression one year "
        "after baseline (a float in the file; the values are integers 25-346).",
        "notes": [
            "Features are the original units (`scaled=False`): age in years, sex coded 1/2, BMI, average "
            "blood pressure and six blood-serum measurements. They are on very different scales, so a "
            "model that does not normalise the data (`normalize_data=false`) will train poorly.",
            "The split is stratified on quintiles of the target (a regression target cannot be "
            "stratified directly).",
        ],
    },
    {
        "name": "wine",
        "loader": "load_wine",
        "loader_kwargs": {},
        "predictor_type": "multiclass_classifier",
        "title": "Wine (recognition)",
        "source": "UCI Machine Learning Repository, dataset 109, Wine; scikit-learn's bundled copy "
        "(sklearn/datasets/data/wine_data.csv) via `sklearn.datasets.load_wine()`.",
        "source_short": "UCI Wine, via scikit-learn",
        "url": "https://archive.ics.uci.edu/dataset/109/wine",
        "citation": [
            "Aeberhard, S. & Forina, M. (1991). Wine [Dataset]. UCI Machine Learning Repository. "
            "https://doi.org/10.24432/C5PC7J",
            "Forina, M. et al. PARVUS - An Extendible Package for Data Exploration, Classification and "
            "Correlation. Institute of Pharmaceutical and Food Analysis and Technologies, Genoa, Italy.",
        ],
        "licence": UCI_LICENCE,
        "licence_short": "CC BY 4.0 (UCI)",
        "label_encoding": "scikit-learn's encoding: 0, 1, 2 = cultivar class_0, class_1, class_2 "
        "(UCI classes 1, 2, 3; 59, 71 and 48 rows).",
        "notes": [
            "scikit-learn's description of this dataset lists 'Creator: R.A. Fisher' and an iris donor; "
            "that is a copy-paste error in scikit-learn. The data were donated to UCI by Stefan "
            "Aeberhard and come from M. Forina et al. (PARVUS).",
        ],
    },
    {
        "name": "iris",
        "loader": "load_iris",
        "loader_kwargs": {},
        "predictor_type": "multiclass_classifier",
        "title": "Iris",
        "source": "UCI Machine Learning Repository, dataset 53, Iris; scikit-learn's bundled copy "
        "(sklearn/datasets/data/iris.csv) via `sklearn.datasets.load_iris()`.",
        "source_short": "UCI Iris (Fisher 1936), via scikit-learn",
        "url": "https://archive.ics.uci.edu/dataset/53/iris",
        "citation": [
            "Fisher, R. A. (1936). Iris [Dataset]. UCI Machine Learning Repository. "
            "https://doi.org/10.24432/C56C76",
            'Fisher, R.A. "The use of multiple measurements in taxonomic problems", Annual Eugenics, 7, '
            "Part II, 179-188 (1936).",
        ],
        "licence": UCI_LICENCE,
        "licence_short": "CC BY 4.0 (UCI)",
        "label_encoding": "scikit-learn's encoding: 0 = Iris setosa, 1 = Iris versicolor, "
        "2 = Iris virginica (50 rows each).",
        "notes": [
            "scikit-learn's copy follows Fisher's paper; per scikit-learn's description it differs from "
            "the UCI file in two data points (UCI has two wrong values).",
        ],
    },
]

INPUT_CHANNEL_CONFIG = {
    "ContentType": "text/csv",
    "TrainingInputMode": "File",
    "S3DistributionType": "FullyReplicated",
    "RecordWrapperType": "None",
}
RESOURCE_CONFIG = {"current_host": "algo-1", "hosts": ["algo-1"], "network_interface_name": "eth0"}


# ----------------------------------------------------------------------------------------------------
# helpers


def write_text(path: str, text: str) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def json_text(obj, level: int = 0) -> str:
    """json.dumps(indent=2), except that lists of scalars stay on one line."""
    pad, inner = "  " * level, "  " * (level + 1)
    if isinstance(obj, dict):
        if not obj:
            return "{}"
        items = [f"{inner}{json.dumps(k, ensure_ascii=False)}: {json_text(v, level + 1)}" for k, v in obj.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(obj, list) and any(isinstance(v, (dict, list)) for v in obj):
        return "[\n" + ",\n".join(inner + json_text(v, level + 1) for v in obj) + "\n" + pad + "]"
    return json.dumps(obj, ensure_ascii=False)


def write_json(path: str, obj) -> None:
    write_text(path, json_text(obj) + "\n")


def fmt_float(x) -> str:
    """Shortest string that round-trips to the same IEEE double (Python repr)."""
    v = float(x)
    if not math.isfinite(v):
        raise ValueError(f"non-finite value {v!r}")
    return repr(v)


def csv_text(X: np.ndarray, y: np.ndarray, integer_labels: bool) -> str:
    lines = []
    for row, label in zip(X, y):
        head = str(int(label)) if integer_labels else fmt_float(label)
        lines.append(",".join([head] + [fmt_float(v) for v in row]))
    return "\n".join(lines) + "\n"


def rnd(x: float) -> float:
    return round(float(x), METRIC_DIGITS)


def floor_to(x: float, digits: int = BAND_DIGITS) -> float:
    s = 10**digits
    return math.floor(x * s + 1e-9) / s


def ceil_to(x: float, digits: int = BAND_DIGITS) -> float:
    s = 10**digits
    return math.ceil(x * s - 1e-9) / s


def split(X: np.ndarray, y: np.ndarray, classification: bool):
    """Seeded stratified shuffle split 60/20/20. Returns {channel: (X, y)}."""
    if classification:
        strata = y
    else:
        edges = np.quantile(y, np.linspace(0, 1, REGRESSION_STRATA + 1)[1:-1])
        strata = np.digitize(y, edges)
    idx = np.arange(len(y))
    rest, test = train_test_split(idx, test_size=TEST_FRACTION, stratify=strata, random_state=SEED)
    train, val = train_test_split(
        rest, test_size=VALIDATION_FRACTION_OF_REST, stratify=strata[rest], random_state=SEED
    )
    return {"train": (X[train], y[train]), "validation": (X[val], y[val]), "test": (X[test], y[test])}


def fit_logistic(C: float, Xtr, ytr):
    scaler = StandardScaler().fit(Xtr)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # C=1e6 on (nearly) separable data: lbfgs may warn
        model = LogisticRegression(C=C, max_iter=100000).fit(scaler.transform(Xtr), ytr)
    # Scores for AUC are the decision function (the logit), not predict_proba: with C=1e6 on nearly
    # separable data the probabilities saturate to exactly 0.0/1.0 in float64, and the resulting ties
    # would understate the AUC of the model (0.975 instead of 0.993 on breast-cancer's test channel).
    return lambda X: (model.predict(scaler.transform(X)), model.decision_function(scaler.transform(X)))


# ----------------------------------------------------------------------------------------------------
# reference metrics and bands


def trivial_baseline(task: str, parts) -> dict:
    """What a model that ignores the features scores (train mean / train majority class); the band must exclude it."""
    ytr = parts["train"][1]
    out = {}
    for ch in ("validation", "test"):
        y = parts[ch][1]
        if task == "regressor":
            p = np.full(len(y), float(np.mean(ytr)))
            out[ch] = {
                "rmse": rnd(math.sqrt(mean_squared_error(y, p))),
                "mse": rnd(mean_squared_error(y, p)),
                "absolute_loss": rnd(mean_absolute_error(y, p)),
                "r2": rnd(r2_score(y, p)),
            }
        else:
            majority = int(np.argmax(np.bincount(ytr.astype(int))))
            acc = rnd(float(np.mean(y == majority)))
            if task == "binary_classifier":
                out[ch] = {"roc_auc_score": 0.5, "binary_classification_accuracy": acc}
            else:
                out[ch] = {"multiclass_accuracy": acc}
    return out


def reference_metrics(task: str, parts) -> tuple[dict, dict, dict]:
    """Returns (sklearn_metrics {channel: {...}}, models {key: description}, band {channel: {...}})."""
    Xtr, ytr = parts["train"]
    out: dict = {}
    band: dict = {}
    if task == "regressor":
        model = LinearRegression().fit(Xtr, ytr)
        models = {"": "LinearRegression() (ordinary least squares with intercept) fit on train"}
        for ch in ("validation", "test"):
            X, y = parts[ch]
            p = model.predict(X)
            mse = mean_squared_error(y, p)
            out[ch] = {
                "rmse": rnd(math.sqrt(mse)),
                "mse": rnd(mse),
                "absolute_loss": rnd(mean_absolute_error(y, p)),
                "r2": rnd(r2_score(y, p)),
            }
            rmse_max = ceil_to(math.sqrt(mse) * 1.02)
            var = float(np.mean((y - np.mean(y)) ** 2))
            band[ch] = {
                "rmse": {"max": rmse_max},
                "mse": {"max": ceil_to(rmse_max**2)},
                "absolute_loss": {"max": ceil_to(mean_absolute_error(y, p) * 1.05)},
                "r2": {"min": floor_to(1.0 - rmse_max**2 / var)},
            }
        return out, models, band

    fits = {"C=1e6": fit_logistic(1e6, Xtr, ytr), "C=1": fit_logistic(1.0, Xtr, ytr)}
    models = {
        "C=1e6": "StandardScaler (fit on train) + LogisticRegression(C=1e6, lbfgs), i.e. nearly unregularized",
        "C=1": "StandardScaler (fit on train) + LogisticRegression(C=1.0, lbfgs), scikit-learn's default",
    }
    if task == "multiclass_classifier":
        for k in models:
            models[k] += " (multinomial / softmax)"
    for ch in ("validation", "test"):
        X, y = parts[ch]
        n = len(y)
        acc_slack = max(0.02, 2.0 / n)  # at least two rows' worth of accuracy on small sets
        res = {}
        for key, predict in fits.items():
            pred, score = predict(X)
            if task == "binary_classifier":
                res[key] = {
                    "roc_auc_score": rnd(roc_auc_score(y, score)),
                    "binary_classification_accuracy": rnd(accuracy_score(y, pred)),
                }
            else:
                res[key] = {"multiclass_accuracy": rnd(accuracy_score(y, pred))}
        # Headline numbers = the nearly unregularized model; the band is anchored on the worse of the two
        # fits so that either an exact unregularized or a mildly regularized linear model passes.
        out[ch] = dict(res["C=1e6"])
        out[ch]["by_model"] = res
        if task == "binary_classifier":
            auc_ref = min(r["roc_auc_score"] for r in res.values())
            acc_ref = min(r["binary_classification_accuracy"] for r in res.values())
            band[ch] = {
                "roc_auc_score": {"min": floor_to(auc_ref - 0.01)},
                "binary_classification_accuracy": {"min": floor_to(acc_ref - acc_slack)},
            }
        else:
            acc_ref = min(r["multiclass_accuracy"] for r in res.values())
            band[ch] = {"multiclass_accuracy": {"min": floor_to(acc_ref - acc_slack)}}
    return out, models, band


# ----------------------------------------------------------------------------------------------------
# writers


def hyperparameters_for(spec, d: int, k: int) -> dict:
    hp = {"predictor_type": spec["predictor_type"], "algorithm": "linear-learner", "epochs": "15", "feature_dim": str(d)}
    if spec["predictor_type"] == "multiclass_classifier":
        hp["num_classes"] = str(k)
    return hp


def band_rule_text(task: str) -> list[str]:
    if task == "binary_classifier":
        return [
            "`roc_auc_score` >= min(sklearn AUC over the two fits) - 0.01",
            "`binary_classification_accuracy` >= min(sklearn accuracy over the two fits) - max(0.02, 2 / n_rows) "
            "(at least two rows' worth, because Linear Learner may pick a threshold other than 0.5)",
        ]
    if task == "multiclass_classifier":
        return [
            "`multiclass_accuracy` >= min(sklearn accuracy over the two fits) - max(0.02, 2 / n_rows) "
            "(at least two rows' worth on these small sets)",
        ]
    return [
        "`rmse` <= sklearn RMSE x 1.02",
        "`mse` <= (RMSE limit)^2",
        "`absolute_loss` (mean absolute error) <= sklearn MAE x 1.05 (least squares does not minimise MAE, "
        "so it gets more room)",
        "`r2` >= 1 - (RMSE limit)^2 / Var(y) (the R^2 implied by the RMSE limit; not a Linear Learner log metric)",
    ]


def fmt_metric(x: float) -> str:
    return f"{x:.6f}"


def fmt_limit(x: float) -> str:
    return f"{x:.4f}"


def dataset_readme(spec, info) -> str:
    task = spec["predictor_type"]
    L = []
    L.append(f"# {spec['name']}: {spec['title']}")
    L.append("")
    L.append(
        f"A ready SageMaker training tree for optml's Linear Learner (`predictor_type={task}`). "
        "Generated by `scripts/make_datasets.py`; do not edit by hand, rerun the script."
    )
    L.append("")
    L.append("## Source")
    L.append("")
    L.append(spec["source"])
    L.append("")
    L.append(f"Dataset page: {spec['url']}")
    L.append("")
    L.append("## Citation")
    L.append("")
    for c in spec["citation"]:
        L.append(f"- {c}")
    L.append("")
    L.append("## Licence")
    L.append("")
    L.append(spec["licence"])
    L.append("")
    if info.get("descr_quote"):
        L.append(f"scikit-learn {sklearn.__version__}, `DESCR`:")
        L.append("")
        for line in info["descr_quote"].splitlines():
            L.append(("> " + line).rstrip())
        L.append("")
    L.append("## Shape and split")
    L.append("")
    L.append(f"- {info['n']} rows x {info['d']} features (+ 1 label column = {info['d'] + 1} CSV fields per row).")
    L.append(
        f"- Seeded stratified shuffle split 60/20/20 (`random_state={SEED}`): "
        f"train {info['rows']['train']}, validation {info['rows']['validation']}, test {info['rows']['test']} rows. "
        "`train_test_split` holds out 20 % as test, then 25 % of the rest as validation; rows come out shuffled."
    )
    L.append(
        "- CSV: label in the **first** column, **no header**, comma-separated, `\\n` line endings; "
        "feature values written with Python `repr` (shortest exact round-trip of the double); "
        + ("labels written as integers." if task != "regressor" else "target written with `repr` too.")
    )
    L.append(f"- Feature columns, in order (CSV fields 2..{info['d'] + 1}): " + ", ".join(f"`{f}`" for f in info["features"]) + ".")
    L.append("")
    L.append("## Label encoding")
    L.append("")
    L.append(spec["label_encoding"])
    L.append("")
    if spec["notes"]:
        L.append("## Notes")
        L.append("")
        for note in spec["notes"]:
            L.append(f"- {note}")
        L.append("")
    L.append("## Layout")
    L.append("")
    L.append("```")
    L.append("opt_ml/input/config/hyperparameters.json")
    L.append("opt_ml/input/config/inputdataconfig.json   # train, validation, test: text/csv, File, FullyReplicated")
    L.append("opt_ml/input/config/resourceconfig.json    # single host algo-1")
    for ch in CHANNELS:
        L.append(f"opt_ml/input/data/{ch}/{ch}.csv")
    L.append("```")
    L.append("")
    L.append("`hyperparameters.json` (every value a string, as SageMaker writes it):")
    L.append("")
    L.append("```json")
    L.append(json.dumps(info["hyperparameters"]))
    L.append("```")
    L.append("")
    L.append("Train on a copy (training writes `model/` and `output/` into the tree):")
    L.append("")
    L.append("```sh")
    L.append('tmp=$(mktemp -d) && cp -R datasets/' + spec["name"] + '/opt_ml "$tmp/opt_ml"')
    L.append('SAGEMAKER_BASE_DIR="$tmp/opt_ml" optml train')
    L.append("```")
    L.append("")
    L.append("## Expected metric band")
    L.append("")
    L.append(f"Reference: scikit-learn {sklearn.__version__} on exactly this split, fit on `train` only.")
    L.append("")
    for key, desc in info["models"].items():
        L.append(f"- {('`' + key + '`: ') if key else ''}{desc}")
    L.append("")
    metrics = info["sklearn"]
    if task == "regressor":
        names = ["rmse", "mse", "absolute_loss", "r2"]
        L.append("| channel | " + " | ".join(names) + " |")
        L.append("|---|" + "---|" * len(names))
        for ch in ("validation", "test"):
            L.append(f"| {ch} | " + " | ".join(fmt_metric(metrics[ch][n]) for n in names) + " |")
        for ch in ("validation", "test"):
            L.append(f"| {ch} (baseline: train mean) | " + " | ".join(fmt_metric(info["baseline"][ch][n]) for n in names) + " |")
    else:
        names = (
            ["roc_auc_score", "binary_classification_accuracy"]
            if task == "binary_classifier"
            else ["multiclass_accuracy"]
        )
        L.append("| channel | model | " + " | ".join(names) + " |")
        L.append("|---|---|" + "---|" * len(names))
        for ch in ("validation", "test"):
            for key, vals in metrics[ch]["by_model"].items():
                L.append(f"| {ch} | {key} | " + " | ".join(fmt_metric(vals[n]) for n in names) + " |")
        for ch in ("validation", "test"):
            L.append(
                f"| {ch} | baseline: train majority class | "
                + " | ".join(fmt_metric(info["baseline"][ch][n]) for n in names)
                + " |"
            )
    L.append("")
    L.append("Band a test should accept (`expected.json` -> `band`; limits rounded outward to 4 decimals):")
    L.append("")
    for rule in band_rule_text(task):
        L.append(f"- {rule}")
    L.append("")
    L.append("| channel | metric | limit |")
    L.append("|---|---|---|")
    for ch in ("validation", "test"):
        for name, lim in info["band"][ch].items():
            (kind, value), = lim.items()
            L.append(f"| {ch} | `{name}` | {'>=' if kind == 'min' else '<='} {fmt_limit(value)} |")
    L.append("")
    L.append(
        "The metric names are Linear Learner's log names (`#quality_metric: host=algo-1, test <name> "
        "<aggregation>=<value>`). The band is wide enough for an exact unregularized or lightly regularized "
        "linear model on standardized features, and tight enough to fail a model that is broken (wrong "
        "label column, unnormalized divergence, constant predictions)."
    )
    L.append("")
    return "\n".join(L)


def index_readme(rows) -> str:
    L = []
    L.append("# datasets")
    L.append("")
    L.append(
        "Small real datasets, each laid out as a ready SageMaker `/opt/ml` training tree for optml's Linear "
        "Learner, with provenance, licence and the metric band a test should expect. Everything here is "
        "generated by `scripts/make_datasets.py` from the copies bundled inside scikit-learn (no download); "
        "rerunning it gives identical bytes (`python3 scripts/make_datasets.py --check` verifies that)."
    )
    L.append("")
    L.append("| name | task (`predictor_type`) | rows (train/validation/test) | features | classes | source | licence |")
    L.append("|---|---|---|---|---|---|---|")
    for r in rows:
        rows_txt = f"{r['n']} ({r['rows']['train']}/{r['rows']['validation']}/{r['rows']['test']})"
        L.append(
            f"| [{r['name']}]({r['name']}/README.md) | {r['task']} | {rows_txt} | {r['d']} | "
            f"{r['k'] if r['k'] else '-'} | {r['source_short']} | {r['licence_short']} |"
        )
    L.append("")
    L.append("Each `datasets/<name>/` holds:")
    L.append("")
    L.append("```")
    L.append("opt_ml/input/config/hyperparameters.json   # all values strings; predictor_type, feature_dim, epochs (+ num_classes)")
    L.append("opt_ml/input/config/inputdataconfig.json   # channels train, validation, test: text/csv, File mode")
    L.append("opt_ml/input/config/resourceconfig.json    # {\"current_host\": \"algo-1\", \"hosts\": [\"algo-1\"], ...}")
    L.append("opt_ml/input/data/train/train.csv          # label first, no header, rows shuffled")
    L.append("opt_ml/input/data/validation/validation.csv")
    L.append("opt_ml/input/data/test/test.csv")
    L.append("README.md                                  # source, citation, licence, split, label encoding, band")
    L.append("expected.json                              # the reference metrics and the band, machine-readable")
    L.append("```")
    L.append("")
    L.append("## Training on one")
    L.append("")
    L.append(
        "Training writes `model/` and `output/` into the tree, so copy it to a temporary directory first "
        "and point `SAGEMAKER_BASE_DIR` at the copy:"
    )
    L.append("")
    L.append("```sh")
    L.append("NAME=breast-cancer")
    L.append('tmp=$(mktemp -d) && cp -R "datasets/$NAME/opt_ml" "$tmp/opt_ml"')
    L.append('SAGEMAKER_BASE_DIR="$tmp/opt_ml" optml train')
    L.append('ls "$tmp/opt_ml/model" "$tmp/opt_ml/output"')
    L.append("```")
    L.append("")
    L.append(
        "Then compare the final `#quality_metric: host=algo-1, test <metric> ...` log lines with "
        "`datasets/$NAME/expected.json` -> `band.test`."
    )
    L.append("")
    L.append("## expected.json")
    L.append("")
    L.append("```")
    L.append("{")
    L.append('  "predictor_type": "binary_classifier" | "regressor" | "multiclass_classifier",')
    L.append('  "rows": {"train": n, "validation": n, "test": n},')
    L.append('  "features": d,')
    L.append('  "num_classes": k,                       # classification only')
    L.append('  "sklearn": {"validation": {...}, "test": {<metric>: value, ...,')
    L.append('                                          "by_model": {"C=1e6": {...}, "C=1": {...}}}},  # classification')
    L.append('  "band": {"validation": {...}, "test": {<metric>: {"min": x} | {"max": x}, ...}},')
    L.append("  ...provenance, hyperparameters, sha256 of each CSV")
    L.append("}")
    L.append("```")
    L.append("")
    L.append(
        "Metric names are Linear Learner's log names: `roc_auc_score`, `binary_classification_accuracy`, "
        "`rmse`, `mse`, `absolute_loss`, `multiclass_accuracy` (plus `r2`, which Linear Learner does not "
        "log). The headline classification numbers are the nearly unregularized fit (C=1e6); the band is "
        "anchored on the worse of the C=1e6 and C=1 fits."
    )
    L.append("")
    L.append("## Regenerating")
    L.append("")
    L.append("```sh")
    L.append("pip install scikit-learn")
    L.append("python3 scripts/make_datasets.py           # rewrite datasets/")
    L.append("python3 scripts/make_datasets.py --check   # exit 1 if datasets/ is stale")
    L.append("```")
    L.append("")
    L.append(
        f"Generated with scikit-learn {sklearn.__version__} and numpy {np.__version__}. Another scikit-learn "
        "version may change the last digits of the reference metrics (the data and the split come from "
        "the bundled files and a seeded split and are expected to be stable)."
    )
    L.append("")
    return "\n".join(L)


def build(out_root: str) -> None:
    index_rows = []
    for spec in DATASETS:
        bunch = getattr(skdatasets, spec["loader"])(**spec["loader_kwargs"])
        X = np.asarray(bunch.data, dtype=np.float64)
        y = np.asarray(bunch.target)
        task = spec["predictor_type"]
        classification = task != "regressor"
        n, d = X.shape
        k = int(len(np.unique(y))) if classification else 0
        if classification:
            assert np.array_equal(np.unique(y), np.arange(k)), "labels must be 0..k-1"
        parts = split(X, y, classification)

        ds_dir = os.path.join(out_root, spec["name"])
        opt_ml = os.path.join(ds_dir, "opt_ml")
        if os.path.isdir(opt_ml):
            shutil.rmtree(opt_ml)  # drop anything a previous in-place training run left behind

        hp = hyperparameters_for(spec, d, k)
        cfg = os.path.join(opt_ml, "input", "config")
        write_json(os.path.join(cfg, "hyperparameters.json"), hp)
        write_json(os.path.join(cfg, "inputdataconfig.json"), {ch: dict(INPUT_CHANNEL_CONFIG) for ch in CHANNELS})
        write_json(os.path.join(cfg, "resourceconfig.json"), RESOURCE_CONFIG)

        files = {}
        for ch in CHANNELS:
            Xc, yc = parts[ch]
            text = csv_text(Xc, yc, integer_labels=classification)
            rel = f"opt_ml/input/data/{ch}/{ch}.csv"
            write_text(os.path.join(ds_dir, rel), text)
            data = text.encode("utf-8")
            files[ch] = {"path": rel, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}

        metrics, models, band = reference_metrics(task, parts)
        baseline = trivial_baseline(task, parts)
        for ch, lims in band.items():  # the band must reject a model that ignores the features
            for name, lim in lims.items():
                b = baseline[ch][name]
                assert (b < lim["min"]) if "min" in lim else (b > lim["max"]), (spec["name"], ch, name, b, lim)
        rows = {ch: int(len(parts[ch][1])) for ch in CHANNELS}
        info = {
            "n": n,
            "d": d,
            "rows": rows,
            "features": [str(f) for f in bunch.feature_names],
            "hyperparameters": hp,
            "sklearn": metrics,
            "models": models,
            "band": band,
            "baseline": baseline,
        }
        if spec.get("quote_descr_from"):
            descr = bunch.DESCR
            info["descr_quote"] = descr[descr.index(spec["quote_descr_from"]):].strip()

        expected = {
            "name": spec["name"],
            "predictor_type": task,
            "rows": rows,
            "features": d,
        }
        if classification:
            expected["num_classes"] = k
            expected["class_counts"] = {
                ch: [int(c) for c in np.bincount(parts[ch][1].astype(int), minlength=k)] for ch in CHANNELS
            }
        expected.update(
            {
                "feature_names": info["features"],
                "label_encoding": spec["label_encoding"].replace("**", ""),
                "hyperparameters": hp,
                "sklearn": {
                    "version": sklearn.__version__,
                    "models": models if classification else {"default": models[""]},
                    **metrics,
                },
                "band": band,
                "band_rules": band_rule_text(task),
                "baseline": {
                    "model": "predicts the train mean"
                    if not classification
                    else "predicts the train majority class (constant score, AUC 0.5)",
                    **baseline,
                },
                "split": {
                    "method": "sklearn.model_selection.train_test_split twice, stratified"
                    + ("" if classification else f" on {REGRESSION_STRATA} target-quantile bins")
                    + ": 20% test, then 25% of the rest as validation",
                    "random_state": SEED,
                },
                "source": {
                    "loader": f"sklearn.datasets.{spec['loader']}("
                    + ", ".join(f"{a}={v!r}" for a, v in spec["loader_kwargs"].items())
                    + ")",
                    "url": spec["url"],
                    "citation": spec["citation"],
                    "licence": spec["licence_short"],
                },
                "files": files,
                "generator": {
                    "script": "scripts/make_datasets.py",
                    "scikit-learn": sklearn.__version__,
                    "numpy": np.__version__,
                },
            }
        )
        write_json(os.path.join(ds_dir, "expected.json"), expected)
        write_text(os.path.join(ds_dir, "README.md"), dataset_readme(spec, info))
        index_rows.append(
            {
                "name": spec["name"],
                "task": task,
                "n": n,
                "d": d,
                "k": k,
                "rows": rows,
                "source_short": spec["source_short"],
                "licence_short": spec["licence_short"],
            }
        )
    write_text(os.path.join(out_root, "README.md"), index_readme(index_rows))


def compare_trees(a: str, b: str) -> list[str]:
    diffs = []
    for root, _dirs, fnames in os.walk(a):
        for fn in fnames:
            pa = os.path.join(root, fn)
            rel = os.path.relpath(pa, a)
            pb = os.path.join(b, rel)
            if not os.path.exists(pb):
                diffs.append(f"missing in datasets/: {rel}")
            elif not filecmp.cmp(pa, pb, shallow=False):
                diffs.append(f"differs: {rel}")
    for root, _dirs, fnames in os.walk(b):
        for fn in fnames:
            rel = os.path.relpath(os.path.join(root, fn), b)
            if not os.path.exists(os.path.join(a, rel)):
                diffs.append(f"not generated (extra file in datasets/): {rel}")
    return diffs


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true", help="compare with datasets/ instead of writing")
    ap.add_argument("--out", default=os.path.join(REPO_ROOT, "datasets"), help="output directory")
    args = ap.parse_args()
    if args.check:
        with tempfile.TemporaryDirectory() as tmp:
            build(tmp)
            diffs = compare_trees(tmp, args.out)
        for line in diffs:
            print(line)
        print("datasets/ is up to date" if not diffs else f"{len(diffs)} file(s) stale")
        return 1 if diffs else 0
    build(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
