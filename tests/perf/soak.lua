-- wrk script of the soak run (tests/perf/soak.py): a mix of the portal's pages and API reads.
--
-- Every other request is one of SOAK_PATHS (separated by spaces): the benchmark's addresses,
-- which the page cache answers after their first request, and a static file. The others are
-- true misses: the lines of the file SOAK_MISSES, each an address nobody has asked for since
-- content last changed (other filter values and pages of the lists, other searches, other
-- records' first views, in each language). This run starts after line SOAK_FROM; each of the
-- SOAK_THREADS threads takes every SOAK_THREADS-th line from there, so no two requests share
-- one. A thread that comes to the end of its share starts it again: those requests repeat an
-- address (the page cache answers them) and are not counted as fresh.
-- A run that starts past the last line sends them all again, as repeats.
-- done() prints one JSON line that soak.py reads: wrk's figures, the misses sent and how many
-- of them were fresh, the most misses one thread sent (where the next run starts: SOAK_FROM
-- plus SOAK_THREADS times that), and the answers the portal made rather than took from the
-- page cache (X-Cache: miss).

local paths = {}
for path in string.gmatch(os.getenv("SOAK_PATHS") or "/", "%S+") do
    table.insert(paths, path)
end
local THREADS = tonumber(os.getenv("SOAK_THREADS") or "1")
local FROM = tonumber(os.getenv("SOAK_FROM") or "0")

local threads = {}

function setup(thread)
    table.insert(threads, thread)
    thread:set("tid", #threads)
end

-- Per thread (globals, so that done() can read them with thread:get).
sent, fresh, rendered = 0, 0, 0
local misses, repeating = {}, false

-- This thread's share of the lines after ``from``.
local function share(from)
    local chosen, line = {}, 0
    for address in io.lines(os.getenv("SOAK_MISSES")) do
        line = line + 1
        if line > from and (line - from - 1) % THREADS == tid - 1 then
            table.insert(chosen, address)
        end
    end
    return chosen
end

function init(args)
    misses = share(FROM)
    if #misses == 0 then
        -- The runs before sent every address: send them again, as repeats.
        misses, repeating = share(0), true
    end
end

local counter, fixed = 0, 0

function request()
    counter = counter + 1
    if counter % 2 == 0 and #misses > 0 then
        sent = sent + 1
        if sent <= #misses and not repeating then
            fresh = fresh + 1
        end
        return wrk.format(nil, misses[((sent - 1) % #misses) + 1])
    end
    fixed = fixed + 1
    return wrk.format(nil, paths[(fixed % #paths) + 1])
end

function response(status, headers, body)
    if (headers["X-Cache"] or headers["x-cache"]) == "miss" then
        rendered = rendered + 1
    end
end

function done(summary, latency, requests)
    local most, all, fresh_misses, made = 0, 0, 0, 0
    for _, thread in ipairs(threads) do
        most = math.max(most, thread:get("sent"))
        all = all + thread:get("sent")
        fresh_misses = fresh_misses + thread:get("fresh")
        made = made + thread:get("rendered")
    end
    local e = summary.errors
    io.write(string.format(
        '{"requests": %d, "duration_us": %d, ' ..
        '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
        '"p50_us": %d, "p95_us": %d, "p99_us": %d, ' ..
        '"misses_sent": %d, "fresh_misses": %d, "most_sent": %d, "rendered": %d}\n',
        summary.requests, summary.duration,
        e.connect, e.read, e.write, e.status, e.timeout,
        latency:percentile(50), latency:percentile(95), latency:percentile(99),
        all, fresh_misses, most, made
    ))
end
