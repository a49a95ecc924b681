#!/usr/bin/env python3
"""Writes a dense RecordIO-protobuf channel of seeded rows, as the SageMaker SDK's
write_numpy_to_dense_tensor lays them out (Float32 features["values"], Float32 label["values"]),
for measuring Linear Learner on channels larger than memory.

Usage: make_dense_recordio.py OUT_FILE ROWS FEATURES [binary]
"""
import random
import struct
import sys


def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def field(number, payload):
    return varint(number << 3 | 2) + varint(len(payload)) + payload


def entry(number, values):
    tensor = field(1, struct.pack("<%df" % len(values), *values))  # Float32Tensor.values, packed
    value = field(2, tensor)  # Value.float32_tensor
    return field(number, field(1, b"values") + field(2, value))  # map entry: key, value


def main():
    path, rows, features = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    binary = len(sys.argv) > 4 and sys.argv[4] == "binary"
    rng = random.Random(3)
    weights = [rng.uniform(-1, 1) for _ in range(features)]
    with open(path, "wb") as out:
        for _ in range(rows):
            x = [float(rng.randrange(10)) for _ in range(features)]
            score = sum(w * v for w, v in zip(weights, x)) + rng.gauss(0, 1)
            label = float(score > 0) if binary else score
            payload = entry(1, x) + entry(2, [label])
            out.write(struct.pack("<II", 0xCED7230A, len(payload)) + payload + b"\0" * (-len(payload) % 4))


if __name__ == "__main__":
    main()
