-- wrk script of the portal's benchmark (tests/perf/bench.py).
--
-- With BENCH_BUST=1 every request gets a query parameter never used before, so the page cache
-- misses on every request and each one is rendered: the "uncached" figures. Without it every
-- request asks for the same URL: the "cached" figures (or a static file).
-- done() prints one JSON line that bench.py reads.

local bust = os.getenv("BENCH_BUST") == "1"
local run = tostring(os.time()) .. tostring(math.random(1000000))
local threads = 0

function setup(thread)
    threads = threads + 1
    thread:set("tid", threads)
end

local counter = 0

function request()
    if not bust then
        return wrk.request()
    end
    counter = counter + 1
    local separator = string.find(wrk.path, "?", 1, true) and "&" or "?"
    return wrk.format(nil, wrk.path .. separator .. "_bench=" .. run .. "-" .. tid .. "-" .. counter)
end

function done(summary, latency, requests)
    local e = summary.errors
    io.write(string.format(
        '{"requests": %d, "duration_us": %d, "bytes": %d, ' ..
        '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
        '"p50_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d}\n',
        summary.requests, summary.duration, summary.bytes,
        e.connect, e.read, e.write, e.status, e.timeout,
        latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max
    ))
end
