#!/usr/bin/env python3
"""A vectorized (numpy) writer of sparse RecordIO-protobuf, byte-identical to the SageMaker SDK's
`write_spmatrix_to_sparse_tensor`, for benchmark data far too large for the SDK's per-row loop.

The SDK writes one `aialgs.data.Record` per CSR row (contract §5.3–5.4):

    Record.features["values"] = Float32Tensor (Float64Tensor for float64 data) {
        values = row.data (packed), keys = row.indices as uint64 varints (packed), shape = [n_cols] }
    Record.label["values"]    = Float32Tensor (Float64Tensor for float64 labels) { values = [label] }

each framed by RecordIO: magic 0xCED7230A, a length word (top 3 bits = continuation flag, 0 for a
whole record), the payload, zero padding to 4 bytes. protobuf leaves out empty packed fields, so an
empty row has only its shape. `encode_csr` builds the bytes of many rows at once: every field of
every row gets its offset from cumulative sums of the per-row sizes, and the varints (lengths and
keys) are written one byte position at a time over the whole chunk. No per-row Python object is made.

One deliberate difference: the SDK never splits a record, even when its payload holds the magic at a
4-byte-aligned offset (the only case in which a RecordIO reader cannot resynchronise). Such a record
is framed here as dmlc-core's RecordIOWriter frames it (parts with flags 1/2/3, magic dropped), which
a conforming reader reassembles to the same payload. Random benchmark data practically never holds it.

    python3 Benchmarks/peers/sparse_recordio.py --self-check   # against the contract's worked example,
                                                              # the committed SDK fixtures and, when
                                                              # `sagemaker` imports, the SDK itself
    python3 Benchmarks/peers/sparse_recordio.py --speed         # MB/s on a 1 %-dense chunk
"""
import json
import os
import struct
import sys

import numpy as np

MAGIC = 0xCED7230A
MAGIC_BYTES = struct.pack("<I", MAGIC)
HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "..", "Tests", "DataReadersTests", "Fixtures", "readers")


# --- scalar protobuf helpers (constant parts of a record) ---

def varint(n):
    out = bytearray()
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def field(number, payload):
    """A length-delimited field (wire type 2)."""
    return varint(number << 3 | 2) + varint(len(payload)) + payload


TENSOR_FIELD = {np.dtype(np.float32): 2, np.dtype(np.float64): 3}  # Value.float32_tensor / float64_tensor


def label_bytes_prefix(dtype):
    """Record.label entry up to the label value: label["values"] = <dtype>Tensor{values=[x]}."""
    size = np.dtype(dtype).itemsize
    placeholder = b"\0" * size
    whole = field(2, field(1, b"values") + field(2, field(TENSOR_FIELD[np.dtype(dtype)], field(1, placeholder))))
    return whole[:-size]


# --- vectorized varints ---

def varint_sizes(v, max_value=None):
    """Bytes of each unsigned varint in v (an integer array)."""
    v = np.asarray(v)
    top = int(v.max()) if max_value is None and v.size else (max_value or 0)
    sizes = np.ones(v.shape, dtype=np.int64)
    level = 1
    while top >= (1 << (7 * level)):
        sizes += v >= (1 << (7 * level))
        level += 1
    return sizes


def put_varints(buf, pos, v, sizes):
    """Writes varint v[i] (sizes[i] bytes) at buf[pos[i]:], one byte position at a time over all i."""
    if v.size == 0:
        return
    v = v.astype(np.uint64, copy=False)
    top = int(sizes.max())
    for j in range(top):
        if j == 0:
            idx, vals, more = pos, v, sizes > 1
        else:
            m = sizes > j
            if m.all():
                idx, vals, more = pos + j, v >> np.uint64(7 * j), sizes > j + 1
            else:
                idx, vals, more = pos[m] + j, v[m] >> np.uint64(7 * j), sizes[m] > j + 1
        byte = (vals & np.uint64(0x7F)).astype(np.uint8)
        byte |= more.astype(np.uint8) << 7
        buf[idx] = byte


def put_const(buf, pos, const):
    """The same bytes at every position in pos."""
    c = np.frombuffer(const, dtype=np.uint8)
    if len(c) == 1:
        buf[pos] = c[0]
    else:
        buf[pos[:, None] + np.arange(len(c))] = c


# --- the encoder ---

def encode_csr(indptr, indices, data, labels, num_features):
    """RecordIO-protobuf bytes (a uint8 array) of the CSR rows (indptr, indices, data) with labels
    (or None), as write_spmatrix_to_sparse_tensor writes a matrix of num_features columns.

    indptr may start at any offset (a slice of a larger CSR); data must be float32 or float64."""
    indptr = np.asarray(indptr, dtype=np.int64)
    data = np.asarray(data)
    dtype = data.dtype
    if dtype not in TENSOR_FIELD:
        raise ValueError(f"unsupported value dtype {dtype}: float32 or float64")
    base = int(indptr[0])
    end = int(indptr[-1])
    keys = np.asarray(indices)[base:end]
    vals = np.ascontiguousarray(data[base:end])
    ip = indptr - base
    n = len(ip) - 1
    counts = np.diff(ip)
    item = dtype.itemsize

    # Per-entry key sizes, their sum per row.
    klen = varint_sizes(keys).astype(np.int64) if len(keys) else np.zeros(0, np.int64)
    kcum = np.zeros(len(keys) + 1, dtype=np.int64)
    np.cumsum(klen, out=kcum[1:])
    K = kcum[ip[1:]] - kcum[ip[:-1]]
    VB = counts * item
    nonempty = counts > 0
    shape = b"\x1a" + varint(len(varint(num_features))) + varint(num_features)

    # Float32Tensor: [0a len values] [12 len keys] shape
    LT = np.where(nonempty, 1 + varint_sizes(VB) + VB + 1 + varint_sizes(K) + K, 0) + len(shape)
    LTs = varint_sizes(LT)
    LV = 1 + LTs + LT                      # Value: <tensor tag> len tensor
    LVs = varint_sizes(LV)
    LF = 8 + 1 + LVs + LV                  # map entry: 0a 06 "values" 12 len value
    LFs = varint_sizes(LF)
    if labels is not None:
        labels = np.asarray(labels)
        if labels.dtype not in TENSOR_FIELD:
            raise ValueError(f"unsupported label dtype {labels.dtype}: float32 or float64")
        lprefix = label_bytes_prefix(labels.dtype)
        llen = len(lprefix) + labels.dtype.itemsize
    else:
        llen = 0
    P = 1 + LFs + LF + llen                # payload
    if P.size and int(P.max()) >= 1 << 29:
        raise ValueError("a record longer than 2^29 - 1 bytes cannot be framed")
    framed = 8 + ((P + 3) & ~3)
    start = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(framed, out=start[1:])
    buf = np.zeros(int(start[-1]), dtype=np.uint8)
    start = start[:-1]

    words = buf.view("<u4")
    words[start // 4] = MAGIC
    words[start // 4 + 1] = P.astype(np.uint32)

    pos = start + 8
    buf[pos] = 0x0A                                    # Record.features entry
    put_varints(buf, pos + 1, LF, LFs)
    pos = pos + 1 + LFs
    put_const(buf, pos, b"\x0a\x06values\x12")          # key "values", then the Value
    pos = pos + 9
    put_varints(buf, pos, LV, LVs)
    pos = pos + LVs
    buf[pos] = TENSOR_FIELD[dtype] << 3 | 2            # Value.float32_tensor / float64_tensor
    put_varints(buf, pos + 1, LT, LTs)
    pos = pos + 1 + LTs

    # values and keys of the non-empty rows
    rows = np.flatnonzero(nonempty)
    p = pos[rows]
    buf[p] = 0x0A
    vbs = varint_sizes(VB[rows])
    put_varints(buf, p + 1, VB[rows], vbs)
    vstart = p + 1 + vbs
    p = vstart + VB[rows]
    buf[p] = 0x12
    kbs = varint_sizes(K[rows])
    put_varints(buf, p + 1, K[rows], kbs)
    kstart = p + 1 + kbs
    if len(keys):
        # entry e of row r goes to vstart[r] + item * (e - ip[r]), its key to kstart[r] + kcum[e] - kcum[ip[r]]
        row_counts = counts[rows]
        vdst = np.repeat(vstart - item * ip[rows], row_counts) + item * np.arange(len(keys), dtype=np.int64)
        vb = vals.astype(dtype.newbyteorder("<"), copy=False).view(np.uint8).reshape(-1, item)
        for b in range(item):
            buf[vdst + b] = vb[:, b]
        del vdst, vb
        kdst = np.repeat(kstart - kcum[ip[rows]], row_counts) + kcum[:-1]
        put_varints(buf, kdst, keys, klen)
        del kdst
    pos = pos.copy()
    pos[rows] = kstart + K[rows]
    put_const(buf, pos, shape)
    pos = pos + len(shape)
    if labels is not None:
        put_const(buf, pos, lprefix)
        pos = pos + len(lprefix)
        lb = labels.astype(labels.dtype.newbyteorder("<"), copy=False).view(np.uint8).reshape(-1, labels.dtype.itemsize)
        for b in range(lb.shape[1]):
            buf[pos + b] = lb[:, b]

    # Any magic at an aligned offset inside a payload (not at a record start): frame that record in parts.
    hits = np.flatnonzero(words == MAGIC) * 4
    if len(hits) != n:
        buf = _split_records(buf, start, P, hits)
    return buf


def frame_split(payload):
    """dmlc-core RecordIOWriter::WriteRecord: split at 4-byte-aligned magic, flags 1/2/3, pad to 4."""
    out = bytearray()
    size = len(payload)
    lower_align = (size >> 2) << 2
    dptr = 0
    for i in range(0, lower_align, 4):
        if payload[i:i + 4] == MAGIC_BYTES:
            cflag = 1 if dptr == 0 else 2
            out += struct.pack("<II", MAGIC, (cflag << 29) | (i - dptr)) + payload[dptr:i]
            dptr = i + 4
    cflag = 3 if dptr != 0 else 0
    length = size - dptr
    out += struct.pack("<II", MAGIC, (cflag << 29) | length) + payload[dptr:]
    out += b"\0" * (((length + 3) >> 2 << 2) - length)
    return bytes(out)


def _split_records(buf, start, P, hits):
    """Reframes the (rare) records whose payload holds the magic at an aligned offset."""
    inside = np.setdiff1d(hits, start)
    bad = np.unique(np.searchsorted(start, inside, side="right") - 1)
    pieces, last = [], 0
    for r in bad:
        s = int(start[r])
        e = s + 8 + ((int(P[r]) + 3) & ~3)
        pieces.append(buf[last:s].tobytes())
        pieces.append(frame_split(buf[s + 8:s + 8 + int(P[r])].tobytes()))
        last = e
    pieces.append(buf[last:].tobytes())
    return np.frombuffer(b"".join(pieces), dtype=np.uint8)


def write_csr(f, indptr, indices, data, labels, num_features, chunk_entries=4_000_000):
    """Writes CSR rows to an open binary file, chunk by chunk (about chunk_entries stored entries
    each). Returns the bytes written."""
    indptr = np.asarray(indptr, dtype=np.int64)
    n = len(indptr) - 1
    written = 0
    r = 0
    while r < n:
        target = indptr[r] + chunk_entries
        e = int(np.searchsorted(indptr, target, side="right")) - 1
        e = min(max(e, r + 1), n)
        buf = encode_csr(indptr[r:e + 1], indices, data, None if labels is None else labels[r:e], num_features)
        f.write(memoryview(buf))
        written += len(buf)
        r = e
    return written


# --- self-check ---

def _contract_example():
    """Contract §5.4 'Sparse example': values [3.5, 1.0] at keys [2, 7], shape [10], label 0.0."""
    expected = bytes.fromhex(
        "0a 23 d7 ce 33 00 00 00 0a 1d 0a 06 76 61 6c 75 65 73 12 13 12 11 0a 08 00 00 60 40 00 00 80 3f 12 02 02 07"
        " 1a 01 0a 12 12 0a 06 76 61 6c 75 65 73 12 08 12 06 0a 04 00 00 00 00 00")
    got = encode_csr([0, 2], np.array([2, 7]), np.array([3.5, 1.0], np.float32), np.array([0.0], np.float32), 10).tobytes()
    return got == expected, f"contract §5.4 sparse example ({len(expected)} bytes)"


def _fixture(name):
    path = os.path.join(FIXTURES, name)
    with open(path + ".json") as f:
        spec = json.load(f)
    dtype = np.dtype(spec["dtype"])
    data = np.array([float(v) for v in spec["values"]], dtype=dtype)
    labels = None if spec["labels"] is None else np.array([float(v) for v in spec["labels"]], dtype=np.dtype(spec["label_dtype"]))
    got = encode_csr(np.array(spec["row_offsets"]), np.array(spec["column_indices"]), data, labels, spec["columns"]).tobytes()
    with open(path, "rb") as f:
        expected = f.read()
    return got == expected, f"fixture {name} ({spec['writer']}, {spec['rows']} rows, {len(expected)} bytes)"


def _sdk_cases():
    """Random matrices through the SDK and through encode_csr: keys of 1 to 5 varint bytes, rows long
    enough for 2- and 3-byte lengths, empty rows, float32/float64, with and without labels."""
    import io
    import scipy.sparse as sp
    os.environ.setdefault("SAGEMAKER_SUPPRESS_V2_WARNING", "1")
    import logging
    logging.disable(logging.WARNING)
    from sagemaker.amazon.common import write_spmatrix_to_sparse_tensor
    rng = np.random.default_rng(1)
    cases = [
        ("f32, 300 x 5000, 1 %, labels", 300, 5_000, 0.01, np.float32, np.float32),
        ("f32, 200 x 100000, 0.5 %, labels", 200, 100_000, 0.005, np.float32, np.float32),
        ("f64, 50 x 3000000, 60 per row, f64 labels", 50, 3_000_000, 20e-6, np.float64, np.float64),
        ("f32, 20 x 2^35 columns, 40 per row, no labels", 20, 2 ** 35, 40 / 2 ** 35, np.float32, None),
        ("f32, 5 x 40000, 50 %, f64 labels", 5, 40_000, 0.5, np.float32, np.float64),
        ("f32, 100 x 7, 30 % (many empty rows), labels", 100, 7, 0.3, np.float32, np.float32),
    ]
    results = []
    for title, n, d, density, dtype, ldtype in cases:
        nnz_row = max(1, int(round(d * density)))
        counts = rng.integers(0, 2 * nnz_row + 1, n)
        counts[rng.random(n) < 0.1] = 0
        indptr = np.concatenate([[0], np.cumsum(counts)])
        indices = np.concatenate([np.sort(rng.choice(d, c, replace=False)) if c else np.zeros(0, np.int64) for c in counts])
        data = rng.standard_normal(len(indices)).astype(dtype)
        labels = None if ldtype is None else (rng.random(n) < 0.4).astype(ldtype)
        if d < 2 ** 31:
            m = sp.csr_matrix((data, indices, indptr), shape=(n, d))
            buf = io.BytesIO()
            write_spmatrix_to_sparse_tensor(buf, m, labels)
            expected = buf.getvalue()
        else:
            # scipy cannot hold 2^35 columns: the SDK's own Record and framing, row by row.
            from sagemaker.amazon.record_pb2 import Record
            out = bytearray()
            for i in range(n):
                rec = Record()
                row = slice(indptr[i], indptr[i + 1])
                rec.features["values"].float32_tensor.values.extend(data[row])
                rec.features["values"].float32_tensor.keys.extend(indices[row].astype(np.uint64))
                rec.features["values"].float32_tensor.shape.extend([d])
                payload = rec.SerializeToString()
                out += struct.pack("<II", MAGIC, len(payload)) + payload + b"\0" * ((4 - len(payload) % 4) % 4)
            expected = bytes(out)
        got = encode_csr(indptr, indices, data, labels, d).tobytes()
        # Also through write_csr with tiny chunks: the chunk boundaries must not show.
        fb = io.BytesIO()
        write_csr(fb, indptr, indices, data, labels, d, chunk_entries=97)
        results.append((got == expected and fb.getvalue() == expected, f"SDK: {title} ({len(expected)} bytes)"))
    return results


def _split_case():
    """A value whose bytes are the magic at an aligned payload offset: framed in parts as dmlc does."""
    magic_float = np.frombuffer(MAGIC_BYTES, dtype="<f4")[0]
    # features entry prefix is 0a LF 0a 06 values 12 LV 12 LT 0a VB = 14 bytes with 1-byte lengths;
    # a first value 2 bytes in puts the second value at payload offset 16+... choose counts so one lands aligned.
    for nvals in range(1, 6):
        for at in range(nvals):
            data = np.ones(nvals, np.float32)
            data[at] = magic_float
            indices = np.arange(nvals)
            labels = np.array([1.0], np.float32)
            got = encode_csr([0, nvals], indices, data, labels, 10).tobytes()
            from_sdk_layout = _plain_payload(indices, data, labels, 10)
            if MAGIC_BYTES in [from_sdk_layout[i:i + 4] for i in range(0, len(from_sdk_layout) - 3, 4)]:
                expected = frame_split(from_sdk_layout)
                alone = got == expected and got[4:8] != struct.pack("<I", len(from_sdk_layout))
                # The same row between two plain ones in one chunk: only it is framed in parts.
                plain = np.full(3, 2.0, np.float32)
                three = encode_csr([0, 3, 3 + nvals, 6 + nvals], np.concatenate([np.arange(3), indices, np.arange(3)]),
                                   np.concatenate([plain, data, plain]), np.array([0.0, 1.0, 0.0], np.float32), 10).tobytes()
                row = frame_split(_plain_payload(np.arange(3), plain, np.array([0.0], np.float32), 10))
                middle = three == row + expected + row
                return alone and middle, \
                    f"aligned magic inside a payload is framed in parts ({nvals} values, magic value at {at}; alone and mid-chunk)"
    return False, "aligned magic case not constructed"


def _plain_payload(indices, data, labels, d):
    tensor = field(1, data.astype("<f4").tobytes()) + field(2, b"".join(varint(int(k)) for k in indices)) + field(3, varint(d))
    features = field(1, field(1, b"values") + field(2, field(2, tensor)))
    label = field(2, field(1, b"values") + field(2, field(2, field(1, labels.astype("<f4").tobytes()))))
    return features + label


def self_check():
    results = [_contract_example()]
    for name in ("sparse_f32_labeled.rec", "sparse_f64_unlabeled.rec"):
        if os.path.exists(os.path.join(FIXTURES, name)):
            results.append(_fixture(name))
        else:
            results.append((False, f"fixture {name} not found under {FIXTURES}"))
    try:
        import sagemaker  # noqa: F401
        have_sdk = True
    except ImportError:
        have_sdk = False
    if have_sdk:
        results.extend(_sdk_cases())
    results.append(_split_case())
    ok = True
    for passed, title in results:
        print(f"{'ok  ' if passed else 'FAIL'} {title}")
        ok &= passed
    if not have_sdk:
        print("skip SDK comparison on random matrices: `sagemaker` does not import (pip install 'sagemaker<3' scipy)")
    print(f"{sum(p for p, _ in results)} passed, {sum(not p for p, _ in results)} failed")
    return ok


def speed(rows=20_000, d=100_000, per_row=1_000):
    import time
    rng = np.random.default_rng(0)
    indices = np.sort(rng.integers(0, d, (rows, per_row)).astype(np.int32), axis=1).ravel()
    data = rng.standard_normal(rows * per_row, dtype=np.float32)
    indptr = np.arange(rows + 1, dtype=np.int64) * per_row
    labels = (rng.random(rows) < 0.5).astype(np.float32)
    start = time.perf_counter()
    total = 0
    for r in range(0, rows, 4000):
        total += len(encode_csr(indptr[r:r + 4001], indices, data, labels[r:r + 4000], d))
    s = time.perf_counter() - start
    print(f"{rows * per_row / 1e6:.0f}M entries, {total / 1e6:.0f} MB in {s:.2f} s: {total / 1e6 / s:.0f} MB/s, "
          f"{s / (rows * per_row / 1e6) * 1e3:.1f} ms per million entries")


if __name__ == "__main__":
    if "--speed" in sys.argv:
        speed()
    else:
        sys.exit(0 if self_check() else 1)
