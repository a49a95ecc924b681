#!/usr/bin/env bash
# Runs a SageMaker training job end to end on a bundled dataset: builds optml in release, copies the
# dataset's /opt/ml tree to a temporary folder, trains, and shows the metrics and the model file.
#   scripts/demo.sh [breast-cancer|diabetes|wine|iris]
set -euo pipefail
cd "$(dirname "$0")/.."
dataset="${1:-breast-cancer}"
[ -d "datasets/$dataset/opt_ml" ] || { echo "No dataset '$dataset' under datasets/" >&2; exit 2; }
bash scripts/install-deps.sh
swift build -c release --product optml
work="$(mktemp -d)"
cp -R "datasets/$dataset/opt_ml" "$work/opt_ml"
echo "== optml train on datasets/$dataset (SAGEMAKER_BASE_DIR=$work/opt_ml) =="
SAGEMAKER_BASE_DIR="$work/opt_ml" .build/release/optml train | tee "$work/train.log"
echo
echo "== metrics =="
grep '^#quality_metric' "$work/train.log" | grep -v 'epoch=' || true
echo
echo "Model: $work/opt_ml/model/$(ls "$work/opt_ml/model")"
