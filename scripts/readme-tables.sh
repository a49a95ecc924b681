#!/usr/bin/env bash
# Regenerates the hyperparameter and metric tables in README.md from `optml describe --format
# markdown` (the algorithms' own declarations), between the markers
# `<!-- optml describe: begin -->` and `<!-- optml describe: end -->`.
# Usage: scripts/readme-tables.sh [path/to/optml]   (default: .build/debug/optml, built if missing)
set -euo pipefail
cd "$(dirname "$0")/.."
optml=${1:-.build/debug/optml}
[ -x "$optml" ] || swift build --product optml
tables=$(mktemp)
trap 'rm -f "$tables" README.md.tmp' EXIT
"$optml" describe --format markdown > "$tables"
python3 - "$tables" <<'PY'
import sys
begin, end = "<!-- optml describe: begin -->", "<!-- optml describe: end -->"
text = open("README.md").read()
head, rest = text.split(begin, 1)
_, tail = rest.split(end, 1)
tables = open(sys.argv[1]).read().rstrip("\n")
open("README.md.tmp", "w").write(head + begin + "\n" + tables + "\n" + end + tail)
PY
mv README.md.tmp README.md
echo "README.md tables regenerated from $optml describe"
