#!/usr/bin/env bash
# Renders the example evaluation reports to PNG with headless Chromium, to look at them and to
# regenerate the picture in the README (docs/report-example.png).
#
# Usage: scripts/render_report.sh [output-folder]     (default: .build/report-examples)
# Needs: chromium (Debian: apt-get install chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-.build/report-examples}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"

# The example pages are written by the HTML report tests from seeded synthetic models.
swift build --build-tests >/dev/null
OPTML_REPORT_OUTPUT="$out" swift test --skip-build --filter "ReportHTMLTests|ModelComparisonTests" >/dev/null

browser="$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)"
if [ -z "$browser" ]; then
    echo "render_report.sh: no Chromium found (apt-get install chromium)" >&2
    exit 1
fi
for page in binary multiclass regression comparison; do
    height=2300
    [ "$page" = comparison ] && height=3200
    "$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --force-device-scale-factor=1 \
        --window-size=1040,"$height" --screenshot="$out/$page.png" "file://$out/$page.html" 2>/dev/null
    echo "wrote $out/$page.png"
done
# The README picture: the top of the binary report (headline, warnings, first charts).
"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --force-device-scale-factor=1 \
    --window-size=1040,1250 --screenshot="docs/report-example.png" "file://$out/binary.html" 2>/dev/null
echo "wrote docs/report-example.png"
