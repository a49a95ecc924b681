#!/usr/bin/env python3
"""Channel format reading: optml's libsvm and RecordIO-protobuf readers against the peers.

Writes the higgs-like 1M x 28 set (datagen.py) once into a cache folder as
  * libsvm (zero-based indices, label first, every feature stored: scikit-learn's
    dump_svmlight_file with zero_based=True), and
  * RecordIO-protobuf, one dense Float32 record per row with its label (the layout the SageMaker
    SDK's write_numpy_to_dense_tensor writes; framed here by a few lines of Python),
then times, each in its own process and interleaved, best of --repeat:
  * optml: `optml parse-bench --content-type text/libsvm|application/x-recordio-protobuf --threads N`
    (file to finished Float32 matrix, timed inside the process);
  * scikit-learn `load_svmlight_file(path, zero_based=True, dtype=float32)` (single-threaded);
  * xgboost `DMatrix(path + "?format=libsvm", nthread=N)` (its own libsvm parser).

    python3 Benchmarks/peers/format_peers.py [--optml .build-rel/release/optml] [--repeat 3]
"""
import argparse
import json
import os
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from peer_common import ensure  # noqa: E402

ensure([("numpy", "numpy"), ("sklearn", "scikit-learn"), ("xgboost", "xgboost")])

import datagen  # noqa: E402

PEER = r'''
import sys, time
kind, path, threads = sys.argv[1], sys.argv[2], int(sys.argv[3])
start = time.perf_counter()
if kind == "sklearn":
    import numpy as np
    from sklearn.datasets import load_svmlight_file
    x, y = load_svmlight_file(path, zero_based=True, dtype=np.float32)
    rows = x.shape[0]
else:
    import xgboost as xgb
    start = time.perf_counter()
    d = xgb.DMatrix(path + "?format=libsvm", nthread=threads)
    rows = d.num_row()
print(rows, time.perf_counter() - start)
'''


def varint(n):
    out = bytearray()
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def field(number, payload):
    return varint(number << 3 | 2) + varint(len(payload)) + payload


def write_recordio(path, x, y):
    """Dense Float32 records: features["values"] and label["values"], as the SDK writes them."""
    if os.path.exists(path):
        return
    magic = struct.pack("<I", 0xCED7230A)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        for row, label in zip(x, y):
            features = field(1, field(1, b"values") + field(2, field(2, field(1, row.astype("<f4").tobytes()))))
            labels = field(2, field(1, b"values") + field(2, field(2, field(1, struct.pack("<f", label)))))
            record = features + labels
            f.write(magic + struct.pack("<I", len(record)) + record + b"\0" * ((4 - len(record) % 4) % 4))
    os.replace(tmp, path)


def optml_seconds(optml, kind, path, threads):
    out = subprocess.run([optml, "parse-bench", "--content-type", kind, "--threads", str(threads), path],
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)["seconds"]


def peer_seconds(kind, path, threads):
    out = subprocess.run([sys.executable, "-c", PEER, kind, path, str(threads)], capture_output=True, text=True, check=True)
    return float(out.stdout.split()[1])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--optml", default=os.path.join(HERE, "../../.build-rel/release/optml"))
    ap.add_argument("--cache", default=os.path.join(tempfile.gettempdir(), "optml-bench"))
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    optml = os.path.abspath(args.optml)
    folder = os.path.join(args.cache, "formats")
    os.makedirs(folder, exist_ok=True)
    libsvm = os.path.join(folder, "higgs-1m.libsvm")
    recordio = os.path.join(folder, "higgs-1m.rec")
    if not (os.path.exists(libsvm) and os.path.exists(recordio)):
        x, y = datagen.higgs_like(1_000_000)
        if not os.path.exists(libsvm):
            from sklearn.datasets import dump_svmlight_file
            dump_svmlight_file(x, y, libsvm + ".tmp", zero_based=True)
            os.replace(libsvm + ".tmp", libsvm)
        write_recordio(recordio, x, y)
    mb = {p: os.path.getsize(p) / 1e6 for p in (libsvm, recordio)}

    rows = []
    for threads in (1, 2):
        best = {}
        for _ in range(args.repeat):
            for name, fn in (("optml libsvm", lambda: optml_seconds(optml, "text/libsvm", libsvm, threads)),
                             ("sklearn load_svmlight_file", lambda: peer_seconds("sklearn", libsvm, threads)),
                             ("xgboost DMatrix libsvm", lambda: peer_seconds("xgboost", libsvm, threads)),
                             ("optml RecordIO-protobuf", lambda: optml_seconds(optml, "application/x-recordio-protobuf", recordio, threads))):
                if name.startswith("sklearn") and threads == 2:
                    continue
                best[name] = min(best.get(name, float("inf")), fn())
        rows.append((threads, best))

    print(f"| reader | threads | file MB | seconds | MB/s | rows/s | against optml |")
    print("|---|---|---|---|---|---|---|")
    for threads, best in rows:
        for name, seconds in best.items():
            size = mb[recordio] if "RecordIO" in name else mb[libsvm]
            reference = best["optml libsvm"] if "RecordIO" not in name else seconds
            print(f"| {name} | {threads} | {size:.0f} | {seconds:.3f} | {size / seconds:.0f} | {1e6 / seconds:,.0f} | "
                  f"{seconds / reference:.2f}x |")


if __name__ == "__main__":
    main()
