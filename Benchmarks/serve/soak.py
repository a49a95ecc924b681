#!/usr/bin/env python3
"""Soak test of `optml serve`: at least 100 000 requests mixing good and malformed payloads.

Starts `optml serve` on a free loopback port with SAGEMAKER_MAX_PAYLOAD_IN_MB=1 (so oversize
bodies are just over 1 MiB) and the higgs-like 100-tree binary:logistic model of
Benchmarks/peers/transform_peers.py (made and cached on first use, or --model-dir), then sends the
requests from a pool of threads, each with its own keep-alive `http.client` connection. Every kind
of request has one expected status and, for 4xx, a keyword the plain-text message must contain:

    good CSV (1 and 100 records), CSV with empty (missing) fields, JSON {"instances": ...},
    JSON Lines, libsvm                                                               -> 200, one prediction per record
    CSV with 27 or 29 columns, a non-numeric CSV cell, truncated JSON, a JSON record of 27
    features, a JSON string feature, JSON Lines with a bad line, a libsvm index past
    the last feature                                                                 -> 400 naming the problem
    image/png, no Content-Type, text/csv;label_size=2                                -> 415
    Accept: application/xml                                                          -> 406
    empty or blank body                                                              -> 204, empty answer
    body over SAGEMAKER_MAX_PAYLOAD_IN_MB, with Content-Length or chunked            -> 413
    GET /ping                                                                        -> 200

The server's VmRSS is sampled every 5 000 requests. The run fails (exit 1) on any unexpected
status, message, prediction count, connection error, server exit, or RSS growth above --max-growth
(20 %) between the 20 000th and the last request; at the end /ping must still answer and SIGTERM
must stop the server with exit status 0.

    python3 Benchmarks/serve/soak.py [--optml .build-rel/release/optml] [--requests 100000] [--concurrency 8] [--model-dir DIR]
"""
import argparse
import http.client
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "../.."))
FEATURES = 28
MAX_PAYLOAD_MB = 1


def row(rng, missing=False):
    values = [f"{rng.gauss(0, 1.5):.6g}" for _ in range(FEATURES)]
    if missing:
        for j in rng.sample(range(FEATURES), 3):
            values[j] = ""
    return values


def numbers(rng, count=FEATURES):
    return [round(rng.gauss(0, 1.5), 6) for _ in range(count)]


def make_kinds(rng):
    """(name, weight, method, body maker, headers, expected status, keyword or record count)."""
    csv = {"Content-Type": "text/csv", "Accept": "text/csv"}

    def csv_rows(n, **kw):
        return lambda: ("\n".join(",".join(row(rng, **kw)) for _ in range(n)) + "\n").encode()

    def bad_cell():
        r = row(rng)
        r[rng.randrange(FEATURES)] = "abc"
        return (",".join(row(rng)) + "\n" + ",".join(r) + "\n").encode()

    def oversize():
        line = (",".join(["0.123456"] * FEATURES) + "\n").encode()
        return line * ((MAX_PAYLOAD_MB << 20) // len(line) + 1 + rng.randrange(100))

    def oversize_chunks():
        body = oversize()
        return [body[k:k + 65536] for k in range(0, len(body), 65536)]

    def libsvm():
        lines = []
        for _ in range(3):
            keys = sorted(rng.sample(range(FEATURES), 20))
            lines.append("1 " + " ".join(f"{k}:{rng.gauss(0, 1):.5g}" for k in keys))
        return ("\n".join(lines) + "\n").encode()

    return [
        # good
        ("csv 1 record", 14, "POST", csv_rows(1), csv, 200, 1),
        ("csv 100 records", 6, "POST", csv_rows(100), csv, 200, 100),
        ("csv missing fields", 4, "POST", csv_rows(5, missing=True), csv, 200, 5),
        ("json instances", 8, "POST", lambda: json.dumps({"instances": [{"features": numbers(rng)} for _ in range(5)]}).encode(),
         {"Content-Type": "application/json", "Accept": "application/json"}, 200, 5),
        ("jsonlines", 6, "POST", lambda: "".join(json.dumps(numbers(rng)) + "\n" for _ in range(5)).encode(),
         {"Content-Type": "application/jsonlines", "Accept": "application/jsonlines"}, 200, 5),
        ("libsvm", 6, "POST", libsvm, {"Content-Type": "text/libsvm", "Accept": "text/csv"}, 200, 3),
        ("ping", 2, "GET", None, {}, 200, None),
        # malformed
        ("csv 27 columns", 5, "POST", lambda: (",".join(row(rng)[:27]) + "\n").encode(), csv, 400, "27 columns, expected 28"),
        ("csv 29 columns (label)", 3, "POST", lambda: ("1," + ",".join(row(rng)) + "\n").encode(), csv, 400, "drop the label column"),
        ("csv non-numeric cell", 5, "POST", bad_cell, csv, 400, "'abc' is not a number"),
        ("json truncated", 5, "POST", lambda: json.dumps({"instances": [numbers(rng)]}).encode()[:-3],
         {"Content-Type": "application/json"}, 400, "is not JSON"),
        ("json 27 features", 4, "POST", lambda: json.dumps({"instances": [{"features": numbers(rng, 27)}]}).encode(),
         {"Content-Type": "application/json"}, 400, "has 27 features"),
        ("json string feature", 3, "POST", lambda: json.dumps({"instances": [numbers(rng, 27) + ["x"]]}).encode(),
         {"Content-Type": "application/json"}, 400, "expected a number"),
        ("jsonlines bad line", 3, "POST", lambda: (json.dumps(numbers(rng)) + "\n{\"features\": [1,\n").encode(),
         {"Content-Type": "application/jsonlines"}, 400, "line 2 is not JSON"),
        ("libsvm index out of range", 3, "POST", lambda: f"0:1 {FEATURES + rng.randrange(50)}:2\n".encode(),
         {"Content-Type": "text/libsvm"}, 400, "out of range"),
        ("content-type image/png", 4, "POST", csv_rows(1), {"Content-Type": "image/png"}, 415, "not an accepted ContentType"),
        ("no content-type", 3, "POST", csv_rows(1), {}, 415, "no Content-Type"),
        ("csv label_size=2", 2, "POST", csv_rows(1), {"Content-Type": "text/csv;label_size=2"}, 415, "label_size must be 0 or 1"),
        ("accept application/xml", 4, "POST", csv_rows(1), {"Content-Type": "text/csv", "Accept": "application/xml"}, 406,
         "Accept type application/xml is not supported"),
        ("empty body", 4, "POST", lambda: b"", {"Content-Type": "text/csv"}, 204, None),
        ("blank lines", 2, "POST", lambda: b"\n \r\n\n", {"Content-Type": "text/csv"}, 204, None),
        ("oversize body", 1, "POST", oversize, {"Content-Type": "text/csv"}, 413, "SAGEMAKER_MAX_PAYLOAD_IN_MB"),
        ("oversize chunked body", 1, "POST", oversize_chunks, {"Content-Type": "text/csv"}, 413, "SAGEMAKER_MAX_PAYLOAD_IN_MB"),
    ]


def check(kind, status, headers, body):
    """None when the answer is what `kind` expects, else what is wrong."""
    name, _, _, _, sent, expected, detail = kind
    text = body.decode("utf-8", "replace")
    if status != expected:
        return f"status {status}, expected {expected}: {text[:300]!r}"
    if status == 204:
        return None if not body else f"204 with a body: {text[:100]!r}"
    if status >= 400:
        if not text.strip():
            return "empty error message"
        if detail not in text:
            return f"message lacks {detail!r}: {text[:300]!r}"
        if not (headers.get("content-type") or "").startswith("text/plain"):
            return f"error Content-Type {headers.get('content-type')!r}"
        return None
    if detail is None:
        return None
    accept = sent.get("Accept")
    if accept == "application/json":
        count = len(json.loads(text)["predictions"])
    else:
        count = len(text.splitlines())
    return None if count == detail else f"{count} predictions for {detail} records"


def rss_kb(pid, key="VmRSS"):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return None


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare_model(optml, cache):
    proc = subprocess.run([sys.executable, os.path.join(ROOT, "Benchmarks/peers/transform_peers.py"), "--optml", optml,
                           "--cache", cache, "--prepare-only"], capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"preparing the model failed:\n{proc.stderr[-3000:]}")
    return proc.stdout.splitlines()[0]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--optml", default=os.path.join(ROOT, ".build-rel/release/optml"))
    ap.add_argument("--model-dir")
    ap.add_argument("--cache", default=os.path.join(tempfile.gettempdir(), "optml-bench"))
    ap.add_argument("--requests", type=int, default=100_000)
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--sample-every", type=int, default=5_000)
    ap.add_argument("--baseline", type=int, default=20_000, help="request count whose RSS is the growth baseline")
    ap.add_argument("--max-growth", type=float, default=0.20)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    optml = os.path.abspath(args.optml)
    model = args.model_dir or prepare_model(optml, args.cache)

    port = free_port()
    log = tempfile.NamedTemporaryFile(prefix="optml-soak-", suffix=".log", delete=False)
    env = dict(os.environ, SAGEMAKER_BIND_TO_PORT=str(port), SAGEMAKER_MAX_PAYLOAD_IN_MB=str(MAX_PAYLOAD_MB))
    server = subprocess.Popen([optml, "serve", "--model-dir", model], env=env, stdout=log, stderr=log)

    def stop_server():
        if server.poll() is None:
            server.kill()
            server.wait()

    def on_signal(signum, _):
        stop_server()
        sys.exit(128 + signum)

    signal.signal(signal.SIGTERM, on_signal)
    try:
        code = soak(args, server, port, log.name)
    finally:
        stop_server()
        log.close()
    if code == 0:
        os.unlink(log.name)
    else:
        print(f"server log kept in {log.name}")
    sys.exit(code)


def soak(args, server, port, log_path):
    deadline = time.time() + 30
    while True:
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            c.request("GET", "/ping")
            if c.getresponse().status == 200:
                c.close()
                break
        except OSError:
            pass
        if server.poll() is not None or time.time() > deadline:
            print(open(log_path).read()[-3000:])
            print("optml serve did not come up")
            return 1
        time.sleep(0.1)

    master = random.Random(args.seed)
    kinds = make_kinds(master)
    # A pool of bodies per kind, made up front so the client spends its time sending.
    pools = [[k[3]() for _ in range(2 if k[0].startswith("oversize") else 64)] if k[3] else [b""] for k in kinds]
    weights = [k[1] for k in kinds]
    plan = master.choices(range(len(kinds)), weights=weights, k=args.requests)

    lock = threading.Lock()
    state = dict(next=0, done=0)
    statuses, per_kind, failures, samples = {}, {}, [], []
    rss_start = rss_kb(server.pid)

    def worker(seed):
        rng = random.Random(seed)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while True:
            with lock:
                i = state["next"]
                if i >= args.requests or len(failures) >= 20:
                    break
                state["next"] += 1
            kind = kinds[plan[i]]
            name, _, method, _, headers, _, _ = kind
            body = rng.choice(pools[plan[i]])
            try:
                if method == "GET":
                    conn.request("GET", "/ping")
                elif isinstance(body, list):
                    # No Content-Length: http.client sends the chunks with Transfer-Encoding: chunked.
                    conn.request("POST", "/invocations", body=iter(body), headers=headers)
                else:
                    conn.request("POST", "/invocations", body=body, headers=headers)
                response = conn.getresponse()
                data = response.read()
                answer_headers = {k.lower(): v for k, v in response.getheaders()}
                problem = check(kind, response.status, answer_headers, data)
                status = response.status
                if response.will_close:
                    conn.close()
            except (OSError, http.client.HTTPException) as error:
                conn.close()
                status, problem = "connection error", f"{type(error).__name__}: {error}"
            with lock:
                statuses[status] = statuses.get(status, 0) + 1
                per_kind[name] = per_kind.get(name, 0) + 1
                if problem:
                    failures.append(f"request {i + 1} ({name}): {problem}")
                state["done"] += 1
                done = state["done"]
                if done % args.sample_every == 0 and server.poll() is None:
                    samples.append((done, rss_kb(server.pid)))
        conn.close()

    start = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(args.seed * 1000 + t,)) for t in range(args.concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - start

    alive = server.poll() is None
    peak = rss_kb(server.pid, "VmHWM") if alive else None
    if alive:
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            c.request("GET", "/ping")
            if c.getresponse().status != 200:
                failures.append("final /ping did not answer 200")
            c.close()
        except OSError as error:
            failures.append(f"final /ping: {error}")
        server.send_signal(signal.SIGTERM)
        try:
            exit_status = server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            exit_status = "still running 30 s after SIGTERM"
        if exit_status != 0:
            failures.append(f"server exit status after SIGTERM: {exit_status}")
    else:
        failures.append(f"optml serve exited during the soak with status {server.returncode}")

    done = state["done"]
    print(f"optml serve soak: {done} requests in {seconds:.1f} s ({done / seconds:,.0f} requests/s), "
          f"{args.concurrency} keep-alive connections, {os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}")
    print("per status: " + ", ".join(f"{k}: {v}" for k, v in sorted(statuses.items(), key=lambda kv: str(kv[0]))))
    print("per kind: " + ", ".join(f"{k}: {per_kind.get(k, 0)}" for k in (kind[0] for kind in kinds)))
    print(f"server VmRSS MB: start {rss_start / 1024:.1f}; "
          + ", ".join(f"{n}: {kb / 1024:.1f}" for n, kb in samples)
          + (f"; peak (VmHWM) {peak / 1024:.1f}" if peak else ""))
    base = dict(samples).get(args.baseline)
    if base and samples:
        growth = samples[-1][1] / base - 1
        print(f"RSS growth from request {args.baseline} to {samples[-1][0]}: {growth * 100:+.1f} % (limit {args.max_growth * 100:.0f} %)")
        if growth > args.max_growth:
            failures.append(f"RSS grew {growth * 100:.1f} % between request {args.baseline} and {samples[-1][0]}")
    elif done >= args.baseline:
        failures.append("no RSS sample at the baseline request")
    if done < args.requests:
        failures.append(f"only {done} of {args.requests} requests were answered")
    if failures:
        print(f"FAILED ({len(failures)} problem(s)):")
        for f in failures[:20]:
            print("  " + f)
        return 1
    print("OK: every answer had the expected status and message; the server stayed up and stopped cleanly.")
    return 0


if __name__ == "__main__":
    main()
