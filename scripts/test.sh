#!/usr/bin/env bash
# Runs the whole test suite: unit tests of every module and end-to-end runs of the built optml.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
swift build
swift test
