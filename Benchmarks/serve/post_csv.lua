-- wrk script: POST the CSV body in $BODY_FILE to /invocations (Content-Type text/csv, Accept text/csv)
-- and print one machine-readable RESULT line after the run.
local path = os.getenv("BODY_FILE")
local file = assert(io.open(path, "rb"), "cannot open BODY_FILE " .. tostring(path))
local body = file:read("*a")
file:close()

wrk.method = "POST"
wrk.path = "/invocations"
wrk.body = body
wrk.headers["Content-Type"] = "text/csv"
wrk.headers["Accept"] = "text/csv"

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d duration_us=%d bytes=%d p50_us=%d p90_us=%d p99_us=%d max_us=%d mean_us=%.1f "
      .. "non2xx=%d connect_errors=%d read_errors=%d write_errors=%d timeouts=%d\n",
    summary.requests, summary.duration, summary.bytes, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, latency.mean, e.status, e.connect, e.read, e.write, e.timeout))
end
