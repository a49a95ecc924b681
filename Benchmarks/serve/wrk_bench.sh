#!/usr/bin/env bash
# Endpoint throughput and latency of `optml serve` under load from wrk, on loopback.
#
# Serves the higgs-like 100-tree binary:logistic model of Benchmarks/peers/transform_peers.py
# (made and cached on first use, or --model-dir), checks with curl that a 1-record and a
# 1000-record CSV request answer 200 with 1 and 1000 lines, then runs wrk on each (after a short
# warm-up) and prints requests/s, records/s, p50/p90/p99 latency, the server's CPU time per
# request (user + system, from /proc/<pid>/stat, which other load on the machine does not inflate)
# and its peak RSS.
#
#   Benchmarks/serve/wrk_bench.sh [--optml .build-rel/release/optml] [--model-dir DIR] [--cache DIR]
#                                 [--duration 20s] [--wrk-threads 2] [--connections 8]
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
OPTML="$ROOT/.build-rel/release/optml"
MODEL=""
CACHE="${TMPDIR:-/tmp}/optml-bench"
DURATION="20s"
WRK_THREADS=2
CONNECTIONS=8
WARMUP="3s"

while [[ $# -gt 0 ]]; do
  case "$1" in
    --optml) OPTML="$2"; shift 2 ;;
    --model-dir) MODEL="$2"; shift 2 ;;
    --cache) CACHE="$2"; shift 2 ;;
    --duration) DURATION="$2"; shift 2 ;;
    --wrk-threads) WRK_THREADS="$2"; shift 2 ;;
    --connections) CONNECTIONS="$2"; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done

[[ -x "$OPTML" ]] || { echo "no optml binary at $OPTML (swift build -c release --scratch-path .build-rel --product optml)" >&2; exit 1; }
OPTML="$(cd "$(dirname "$OPTML")" && pwd)/$(basename "$OPTML")"

# wrk and curl from Debian when missing (sudo only when not root).
need=()
command -v wrk >/dev/null || need+=(wrk)
command -v curl >/dev/null || need+=(curl)
if [[ ${#need[@]} -gt 0 ]]; then
  SUDO=""
  [[ "$(id -u)" -ne 0 ]] && SUDO="sudo"
  echo "installing ${need[*]} ..." >&2
  $SUDO apt-get install -y -qq "${need[@]}" >/dev/null 2>&1 \
    || { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq "${need[@]}" >/dev/null; }
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/optml-wrk.XXXXXX")"
SERVER_PID=""
cleanup() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The model and the rows the requests carry.
if [[ -z "$MODEL" ]]; then
  mapfile -t prepared < <(python3 "$ROOT/Benchmarks/peers/transform_peers.py" --optml "$OPTML" --cache "$CACHE" --prepare-only)
  MODEL="${prepared[0]}"
  FEATURES="${prepared[1]}"
else
  FEATURES="$(python3 "$ROOT/Benchmarks/peers/transform_peers.py" --optml "$OPTML" --cache "$CACHE" --prepare-only | tail -1)"
fi
head -n 1 "$FEATURES" > "$WORK/one.csv"
head -n 1000 "$FEATURES" > "$WORK/thousand.csv"

PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
SAGEMAKER_BIND_TO_PORT="$PORT" "$OPTML" serve --model-dir "$MODEL" 2> "$WORK/server.log" &
SERVER_PID=$!
for _ in $(seq 300); do
  curl -fs -o /dev/null "http://127.0.0.1:$PORT/ping" && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log" >&2; echo "optml serve exited" >&2; exit 1; }
  sleep 0.1
done
curl -fs -o /dev/null "http://127.0.0.1:$PORT/ping" || { echo "no answer to /ping" >&2; exit 1; }

# Correctness first: 200 and one line per record.
check() {
  local body="$1" expected="$2" status lines
  status="$(curl -s -o "$WORK/answer" -w '%{http_code}' -H 'Content-Type: text/csv' -H 'Accept: text/csv' \
    --data-binary "@$body" "http://127.0.0.1:$PORT/invocations")"
  lines="$(wc -l < "$WORK/answer")"
  if [[ "$status" != 200 || "$lines" -ne "$expected" ]]; then
    echo "$(basename "$body"): status $status, $lines lines (expected 200 and $expected)" >&2
    head -c 500 "$WORK/answer" >&2
    exit 1
  fi
  echo "curl check $(basename "$body"): 200, $lines line(s), first: $(head -n 1 "$WORK/answer")"
}
check "$WORK/one.csv" 1
check "$WORK/thousand.csv" 1000

rss_kb() { awk -v k="$1:" '$1 == k { print $2 }' "/proc/$SERVER_PID/status"; }
# The server's CPU time (user + system) in clock ticks; fields 14 and 15 of /proc/<pid>/stat,
# counted after the parenthesised command name.
cpu_ticks() { sed 's/^.*) //' "/proc/$SERVER_PID/stat" | awk '{ print $12 + $13 }'; }
TICKS="$(getconf CLK_TCK)"

echo "optml serve pid $SERVER_PID on 127.0.0.1:$PORT, model $MODEL; wrk -t$WRK_THREADS -c$CONNECTIONS -d$DURATION; $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "server RSS after start: $(( $(rss_kb VmRSS) / 1024 )) MB"
declare -a TABLE
for kind in one thousand; do
  records=1
  [[ "$kind" == thousand ]] && records=1000
  BODY_FILE="$WORK/$kind.csv" wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"$WARMUP" -s "$HERE/post_csv.lua" \
    "http://127.0.0.1:$PORT/invocations" > /dev/null
  before="$(cpu_ticks)"
  BODY_FILE="$WORK/$kind.csv" wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s "$HERE/post_csv.lua" \
    "http://127.0.0.1:$PORT/invocations" | tee "$WORK/wrk-$kind.txt"
  ticks=$(( $(cpu_ticks) - before ))
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log" >&2; echo "optml serve died under load" >&2; exit 1; }
  line="$(grep '^RESULT ' "$WORK/wrk-$kind.txt")"
  get() { sed -n "s/.* $1=\([0-9.]*\).*/\1/p" <<< " ${line#RESULT }"; }
  errors=$(( $(get non2xx) + $(get connect_errors) + $(get read_errors) + $(get write_errors) + $(get timeouts) ))
  TABLE+=("$(awk -v r="$(get requests)" -v d="$(get duration_us)" -v n="$records" -v p50="$(get p50_us)" \
    -v p90="$(get p90_us)" -v p99="$(get p99_us)" -v e="$errors" -v rss="$(rss_kb VmRSS)" -v hwm="$(rss_kb VmHWM)" \
    -v c="$CONNECTIONS" -v ticks="$ticks" -v hz="$TICKS" 'BEGIN {
      rps = r / (d / 1e6);
      printf "| %d-record CSV | %d | %d | %.0f | %.0f | %.2f | %.2f | %.2f | %.0f | %d | %.0f / %.0f |", n, c, r, rps, rps * n,
        p50 / 1000, p90 / 1000, p99 / 1000, ticks / hz / r * 1e6, e, rss / 1024, hwm / 1024 }')")
  [[ "$errors" -eq 0 ]] || { echo "wrk saw $errors errors or non-2xx answers" >&2; exit 1; }
done

echo
echo "| request | connections | requests | requests/s | records/s | p50 ms | p90 ms | p99 ms | server CPU µs/request | errors | server RSS / peak MB |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
printf '%s\n' "${TABLE[@]}"
