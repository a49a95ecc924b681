#!/usr/bin/env python3
"""Writes Tests/EndToEndTests/Fixtures/breast-cancer-train.recordio (committed as data).

The bundled breast-cancer train channel (datasets/breast-cancer, CSV, label first) written again as
RecordIO-protobuf by the SageMaker Python SDK's own `write_numpy_to_dense_tensor` (what
`record_set()` uploads), with Float64 features so that the values are the very doubles the CSV
holds: a Linear Learner trained on either channel must report the same metrics.

Usage: python3 scripts/make_recordio_e2e_fixture.py   (needs: pip install "sagemaker<3" numpy)
"""
import io
import os

import numpy as np

os.environ.setdefault("SAGEMAKER_SUPPRESS_V2_WARNING", "1")
from sagemaker.amazon.common import write_numpy_to_dense_tensor  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
rows = np.loadtxt(os.path.join(ROOT, "datasets/breast-cancer/opt_ml/input/data/train/train.csv"), delimiter=",", dtype=np.float64)
buffer = io.BytesIO()
write_numpy_to_dense_tensor(buffer, rows[:, 1:], rows[:, 0])
out = os.path.join(ROOT, "Tests/EndToEndTests/Fixtures/breast-cancer-train.recordio")
with open(out, "wb") as f:
    f.write(buffer.getvalue())
print(f"wrote {out}: {len(rows)} records, {buffer.tell()} bytes")
