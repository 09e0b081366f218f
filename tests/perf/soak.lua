-- wrk script of the soak run (tests/perf/soak.py): a mix of the portal's pages and API reads.
--
-- SOAK_PATHS holds the paths, separated by spaces. Every other request carries a query
-- parameter never used before, so half the load misses the page cache and renders.
-- done() prints one JSON line that soak.py reads.

local paths = {}
for path in string.gmatch(os.getenv("SOAK_PATHS") or "/", "%S+") do
    table.insert(paths, path)
end
local run = tostring(os.time()) .. tostring(math.random(1000000))
local threads = 0

function setup(thread)
    threads = threads + 1
    thread:set("tid", threads)
end

local counter = 0

function request()
    counter = counter + 1
    local path = paths[(counter % #paths) + 1]
    if counter % 2 == 0 then
        local separator = string.find(path, "?", 1, true) and "&" or "?"
        path = path .. separator .. "_soak=" .. run .. "-" .. tid .. "-" .. counter
    end
    return wrk.format(nil, path)
end

function done(summary, latency, requests)
    local e = summary.errors
    io.write(string.format(
        '{"requests": %d, "duration_us": %d, ' ..
        '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
        '"p50_us": %d, "p95_us": %d, "p99_us": %d}\n',
        summary.requests, summary.duration,
        e.connect, e.read, e.write, e.status, e.timeout,
        latency:percentile(50), latency:percentile(95), latency:percentile(99)
    ))
end
