#!/usr/bin/env python3
"""Writes the reader fixtures under Tests/DataReadersTests/Fixtures/readers/ (committed as data).

Every data file is written by the tool users write it with, and every file has a JSON twin with
the values the tool was given, so the Swift tests read the data file back and compare exactly:

  * RecordIO-protobuf by the SageMaker Python SDK's own writers (sagemaker v2,
    `sagemaker.amazon.common.write_numpy_to_dense_tensor` / `write_spmatrix_to_sparse_tensor`,
    the functions `record_set()` and `RecordSerializer` use): dense Float32 / Float64 / Int32
    features, with and without labels, and sparse CSR matrices;
  * libsvm by scikit-learn's `dump_svmlight_file` (zero_based=True, with and without qid);
  * one multi-part RecordIO file, which the SDK never writes (it always writes cflag 0): framed
    here by `write_recordio_split`, a transcription of dmlc-core's `RecordIOWriter::WriteRecord`
    (src/recordio.cc), which splits a payload at every 4-byte-aligned occurrence of the magic.

Usage: python3 scripts/make_reader_fixtures.py   (needs: pip install "sagemaker<3" scikit-learn scipy)
Deterministic: the same versions write the same bytes.
"""
import io
import json
import os
import struct

import numpy as np
import scipy.sparse as sp
import warnings
from sklearn.datasets import dump_svmlight_file

os.environ.setdefault("SAGEMAKER_SUPPRESS_V2_WARNING", "1")
from sagemaker.amazon.common import write_numpy_to_dense_tensor, write_spmatrix_to_sparse_tensor  # noqa: E402
from sagemaker.amazon.record_pb2 import Record  # noqa: E402
import sagemaker  # noqa: E402
import sklearn  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), "..", "Tests", "DataReadersTests", "Fixtures", "readers")
MAGIC = 0xCED7230A


def save(name, data, expected):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)
    expected = dict(expected, file=name, writer=expected.get("writer"))
    with open(os.path.join(OUT, name + ".json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write("\n")


def num(v):
    """A value as the shortest decimal that round-trips (repr): the JSON twins hold numbers as
    strings, so that readers convert them with a correctly rounding strtod rather than a JSON
    library's own number parser."""
    return repr(float(v))


def dense_rows(x):
    return [[num(v) for v in row] for row in x]


def csr_expectation(m):
    m = sp.csr_matrix(m)
    return {
        "rows": int(m.shape[0]),
        "columns": int(m.shape[1]),
        "row_offsets": [int(v) for v in m.indptr],
        "column_indices": [int(v) for v in m.indices],
        "values": [num(v) for v in m.data],
    }


def sdk_dense(name, x, labels):
    buf = io.BytesIO()
    write_numpy_to_dense_tensor(buf, x, labels)
    save(name, buf.getvalue(), {
        "writer": "sagemaker %s write_numpy_to_dense_tensor" % sagemaker.__version__,
        "kind": "dense",
        "dtype": str(x.dtype),
        "label_dtype": None if labels is None else str(labels.dtype),
        "rows": int(x.shape[0]),
        "columns": int(x.shape[1]),
        "features": dense_rows(x),
        "labels": None if labels is None else [num(v) for v in labels],
    })


def sdk_sparse(name, m, labels):
    buf = io.BytesIO()
    write_spmatrix_to_sparse_tensor(buf, m, labels)
    expected = csr_expectation(m)
    expected.update({
        "writer": "sagemaker %s write_spmatrix_to_sparse_tensor" % sagemaker.__version__,
        "kind": "sparse",
        "dtype": str(m.dtype),
        "label_dtype": None if labels is None else str(labels.dtype),
        "labels": None if labels is None else [num(v) for v in labels],
    })
    save(name, buf.getvalue(), expected)


def write_recordio_split(f, payload):
    """dmlc-core RecordIOWriter::WriteRecord: split at aligned magic, cflag 1/2/3, pad to 4."""
    magic_bytes = struct.pack("<I", MAGIC)
    size = len(payload)
    lower_align = (size >> 2) << 2
    dptr = 0
    i = 0
    while i < lower_align:
        if payload[i:i + 4] == magic_bytes:
            cflag = 1 if dptr == 0 else 2
            length = i - dptr
            f.write(struct.pack("<II", MAGIC, (cflag << 29) | length))
            f.write(payload[dptr:i])
            dptr = i + 4
        i += 4
    cflag = 3 if dptr != 0 else 0
    length = size - dptr
    f.write(struct.pack("<II", MAGIC, (cflag << 29) | length))
    f.write(payload[dptr:])
    f.write(b"\x00" * (((length + 3) >> 2 << 2) - length))


def multipart():
    # The Float32 whose little-endian bytes are the magic: its packed value lands 4-byte aligned
    # in the payload (the record prefix before the packed floats is 12 bytes long).
    magic_float = struct.unpack("<f", struct.pack("<I", MAGIC))[0]
    rows = [
        [1.0, 2.0, 3.0],
        [magic_float, 5.0, magic_float],
        [7.0, 8.0, 9.0],
    ]
    labels = [0.0, 1.0, 0.0]
    buf = io.BytesIO()
    payloads = []
    for row, label in zip(rows, labels):
        record = Record()
        record.features["values"].float32_tensor.values.extend(row)
        record.label["values"].float32_tensor.values.extend([label])
        payload = record.SerializeToString()
        payloads.append(payload)
        write_recordio_split(buf, payload)
    assert struct.pack("<I", MAGIC) in payloads[1]
    save("dense_f32_multipart.rec", buf.getvalue(), {
        "writer": "dmlc-core RecordIOWriter framing (transcribed), payloads by protobuf %s" % Record.__module__,
        "kind": "dense", "dtype": "float32", "label_dtype": "float32", "rows": 3, "columns": 3,
        "features": [[num(v) for v in row] for row in rows], "labels": [num(v) for v in labels],
    })


def libsvm(name, m, y, query_id=None):
    buf = io.BytesIO()
    dump_svmlight_file(m, y, buf, zero_based=True, query_id=query_id)
    expected = csr_expectation(m)
    expected.update({
        "writer": "scikit-learn %s dump_svmlight_file(zero_based=True)" % sklearn.__version__,
        "kind": "sparse",
        "labels": [num(v) for v in y],
        "query_ids": None if query_id is None else [int(v) for v in query_id],
    })
    save(name, buf.getvalue(), expected)


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(20261120)

    x32 = rng.normal(size=(40, 7)).astype(np.float32)
    y32 = (rng.random(40) < 0.5).astype(np.float32)
    sdk_dense("dense_f32_labeled.rec", x32, y32)
    sdk_dense("dense_f32_unlabeled.rec", x32[:9], None)

    x64 = rng.normal(scale=1e3, size=(25, 4))
    y64 = rng.normal(size=25)
    sdk_dense("dense_f64_labeled.rec", x64, y64)

    xi = rng.integers(-1000, 1000, size=(12, 5))          # numpy int64 -> Int32 tensors
    yi = rng.integers(0, 3, size=12)
    sdk_dense("dense_i32_labeled.rec", xi, yi)

    # Float32 features with Float64 labels: each tensor gets its own type.
    sdk_dense("dense_f32_f64labels.rec", x32[:6], y64[:6])

    s32 = sp.random(30, 50, density=0.08, format="csr", dtype=np.float32, random_state=7)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sp.SparseEfficiencyWarning)
        s32[3, :] = 0                                        # an empty row
    s32.eliminate_zeros()
    sdk_sparse("sparse_f32_labeled.rec", s32, (rng.random(30) < 0.3).astype(np.float32))
    s64 = sp.random(20, 1000, density=0.01, format="csr", dtype=np.float64, random_state=8)
    sdk_sparse("sparse_f64_unlabeled.rec", s64, None)

    multipart()

    m = sp.random(50, 20, density=0.2, format="csr", random_state=9)
    m.data = np.round(m.data * 100 - 50, 6)
    libsvm("sklearn.libsvm", m, rng.integers(0, 2, size=50).astype(float))
    # dump_svmlight_file writes values with %.16g, which does not round-trip every double: the
    # values are given with few digits so that the file holds them exactly.
    q = sp.random(15, 6, density=0.5, format="csr", random_state=10)
    q.data = np.round(q.data, 5)
    libsvm("sklearn_qid.libsvm", q, np.round(rng.normal(size=15), 4), query_id=np.repeat([1, 2, 3], 5))


if __name__ == "__main__":
    main()
