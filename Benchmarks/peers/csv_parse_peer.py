#!/usr/bin/env python3
"""CSV parse speed: optml's CSVReader against pandas.read_csv, measured side by side.

Generates a seeded higgs-like CSV (label 0/1 in the first column, 28 float features written with
%.7g, no header: the SageMaker convention) unless it already exists, then times, interleaved
(pandas, optml 1 thread, optml 2 threads; repeated), each in its own process:

  * pandas: read_csv(path, header=None, engine="c", dtype=float32) (single-threaded C parser);
  * optml:  `<optml> parse-bench --threads N --float32 PATH`, which prints one JSON line
            {"rows": .., "columns": .., "seconds": ..} timed inside the process
            (DataReaders.CSVParseBenchmark.run).

Prints rows/s (median of the repetitions), the optml/pandas ratios and the peak RSS of each
process (ru_maxrss from wait4, i.e. the figure `/usr/bin/time -v` reports). The machine is noisy
with two busy threads (see performance.md): the 1-thread ratio is the stable headline.

Usage:
  python3 Benchmarks/peers/csv_parse_peer.py --data /tmp/optml-bench/higgs.csv \
      --optml .build/release/optml [--rows 1000000] [--repeats 3]
The data file is never committed; pandas is installed from PyPI if missing.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

FEATURES = 28


def ensure_pandas():
    try:
        import pandas  # noqa: F401
    except ImportError:
        subprocess.check_call([sys.executable, "-m", "pip", "install", "--quiet", "pandas"])


def generate(path, rows, seed):
    """Higgs-like rows: a 0/1 label and 28 features (normals, positive skewed magnitudes, angles)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    tmp = path + ".tmp"
    block = 100_000
    with open(tmp, "w") as out:
        for start in range(0, rows, block):
            n = min(block, rows - start)
            x = np.empty((n, FEATURES))
            x[:, 0:7] = rng.exponential(1.0, (n, 7))           # momenta (positive, skewed)
            x[:, 7:14] = rng.normal(0.0, 1.0, (n, 7))          # pseudorapidities
            x[:, 14:21] = rng.uniform(-np.pi, np.pi, (n, 7))   # angles
            x[:, 21:28] = rng.lognormal(0.0, 0.5, (n, 7))      # invariant masses
            score = x[:, 0] - x[:, 21] + 0.5 * x[:, 7] * x[:, 8] + rng.normal(0, 1, n)
            label = (score > 0).astype(np.int64)
            lines = []
            for i in range(n):
                lines.append(str(label[i]) + "," + ",".join("%.7g" % v for v in x[i]))
            out.write("\n".join(lines))
            out.write("\n")
    os.replace(tmp, path)


PANDAS_CHILD = r"""
import json, sys, time
import numpy as np
import pandas as pd
path = sys.argv[1]
t0 = time.perf_counter()
frame = pd.read_csv(path, header=None, engine="c", dtype=np.float32)
seconds = time.perf_counter() - t0
print(json.dumps({"rows": int(frame.shape[0]), "columns": int(frame.shape[1]), "seconds": seconds}))
"""


def run_child(argv):
    """Runs one measurement process; returns (its JSON result, its peak RSS in MiB)."""
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    out = proc.stdout.read()
    err = proc.stderr.read()
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({proc.returncode}):\n{err}{out}")
    line = [l for l in out.splitlines() if l.startswith("{")][-1]
    return json.loads(line), usage.ru_maxrss / 1024.0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default="/tmp/optml-bench/higgs.csv")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=20261120)
    parser.add_argument("--optml", default=".build/release/optml")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", default="1,2", help="optml thread counts, comma-separated")
    args = parser.parse_args()

    ensure_pandas()
    if not os.path.exists(args.data):
        t0 = time.time()
        generate(args.data, args.rows, args.seed)
        print(f"generated {args.data} ({args.rows} rows) in {time.time() - t0:.1f} s", file=sys.stderr)
    size_mb = os.path.getsize(args.data) / 1e6
    threads = [int(t) for t in args.threads.split(",")]

    # Warm the page cache so that no contender pays for the first disk read.
    with open(args.data, "rb") as f:
        while f.read(1 << 24):
            pass

    results = {"pandas": []}
    for t in threads:
        results[f"optml {t}T"] = []
    for _ in range(args.repeats):
        results["pandas"].append(run_child([sys.executable, "-c", PANDAS_CHILD, args.data]))
        for t in threads:
            cmd = [args.optml, "parse-bench", "--threads", str(t), "--float32", args.data]
            results[f"optml {t}T"].append(run_child(cmd))

    rows = results["pandas"][0][0]["rows"]
    print(f"CSV {args.data}: {size_mb:.0f} MB, {rows} rows x {results['pandas'][0][0]['columns']} columns; "
          f"median of {args.repeats}, interleaved")
    print(f"{'contender':<12} {'seconds':>8} {'rows/s':>12} {'MB/s':>8} {'peak RSS MiB':>13} {'vs pandas':>10}")
    pandas_seconds = statistics.median(r[0]["seconds"] for r in results["pandas"])
    summary = {}
    for name, runs in results.items():
        for r, _ in runs:
            if r["rows"] != rows:
                raise SystemExit(f"{name} read {r['rows']} rows, pandas {rows}")
        seconds = statistics.median(r["seconds"] for r, _ in runs)
        rss = max(m for _, m in runs)
        ratio = pandas_seconds / seconds
        summary[name] = {"seconds": seconds, "rows_per_second": rows / seconds, "peak_rss_mib": rss, "ratio": ratio}
        print(f"{name:<12} {seconds:>8.3f} {rows / seconds:>12,.0f} {size_mb / seconds:>8.0f} {rss:>13.0f} {ratio:>9.2f}x")
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
