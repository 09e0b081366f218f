-- wrk script of the portal's benchmark (tests/perf/bench/): readers of one address.
--
-- BENCH_VISITORS=identical (the default): every request the same, as one reader sends it
-- again and again: an analytics cookie and a browser's Accept-Language, always the same.
-- BENCH_VISITORS=returning: each request as another returning visitor sends it: an analytics
-- cookie of its own (_ga=GA1.1.<random>.<random>), about half of them with the language
-- switcher's cookie (django_language=en, fr or de), one of five browsers' Accept-Language, and
-- the address's query parameters in another order than the address gives them.
-- Both put every request together the same way, so that wrk spends as much on one as on the
-- other.
-- done() prints one JSON line that the benchmark reads (tests/perf/bench/load.py).

local returning = os.getenv("BENCH_VISITORS") == "returning"

local ACCEPT_LANGUAGES = {
    "en-GB,en;q=0.9",
    "en-US,en;q=0.9",
    "fr-FR,fr;q=0.9,en-US;q=0.8,en;q=0.7",
    "de-DE,de;q=0.9,en-US;q=0.8,en;q=0.7",
    "it-IT,it;q=0.9,en-US;q=0.8,en;q=0.7",
}
local LANGUAGES = {"en", "fr", "de"}

local threads = 0

function setup(thread)
    threads = threads + 1
    thread:set("tid", threads)
end

-- Every request is one of a few forms (its Accept-Language, its language cookie or none, the
-- order of its parameters) around the analytics cookie's value: the forms are written once,
-- so that a request costs wrk one concatenation whichever reader sends it.
local MARK = "\0ga\0"
local forms = {}

-- Every order of ``items`` other than the given one (all of them if there is none other).
local function other_orders(items)
    local orders, given = {}, table.concat(items, "&")
    local function permute(rest, chosen)
        if #rest == 0 then
            local order = table.concat(chosen, "&")
            if order ~= given and not orders[order] then
                orders[order] = true
                table.insert(orders, order)
            end
            return
        end
        for i = 1, #rest do
            local others = {}
            for j = 1, #rest do
                if j ~= i then table.insert(others, rest[j]) end
            end
            table.insert(chosen, rest[i])
            permute(others, chosen)
            table.remove(chosen)
        end
    end
    if #items <= 6 then permute(items, {}) end
    if #orders == 0 then table.insert(orders, given) end
    return orders
end

local function form(path, query, cookie, accept_language)
    local address = query == "" and path or (path .. "?" .. query)
    local text = wrk.format(nil, address, {["Cookie"] = cookie, ["Accept-Language"] = accept_language})
    local at = string.find(text, MARK, 1, true)
    return {string.sub(text, 1, at - 1), string.sub(text, at + #MARK)}
end

function init(args)
    -- Each thread draws its own visitors.
    math.randomseed(os.time() * 1000 + (tid or 0) * 7919 + math.floor(os.clock() * 1000000))
    local path, query = string.match(wrk.path, "^([^?]*)%??(.*)$")
    local parameters = {}
    for pair in string.gmatch(query, "[^&]+") do
        table.insert(parameters, pair)
    end
    if not returning then
        table.insert(forms, form(path, query, "_ga=GA1.1." .. MARK, ACCEPT_LANGUAGES[1]))
        return
    end
    local cookies = {"_ga=GA1.1." .. MARK}
    for _, language in ipairs(LANGUAGES) do
        -- Browsers send cookies in the order they were set: either may come first.
        table.insert(cookies, "_ga=GA1.1." .. MARK .. "; django_language=" .. language)
        table.insert(cookies, "django_language=" .. language .. "; _ga=GA1.1." .. MARK)
    end
    for _, order in ipairs(other_orders(parameters)) do
        for _, accept_language in ipairs(ACCEPT_LANGUAGES) do
            -- About half without the language cookie, half with one.
            for i = 2, #cookies do
                table.insert(forms, form(path, order, cookies[1], accept_language))
                table.insert(forms, form(path, order, cookies[i], accept_language))
            end
        end
    end
end

function request()
    local chosen
    if returning then
        chosen = forms[math.random(#forms)]
        return chosen[1] .. math.random(100000000, 2147483647) .. "." ..
            math.random(1500000000, 1800000000) .. chosen[2]
    end
    chosen = forms[1]
    return chosen[1] .. 1234567890 .. "." .. 1700000000 .. chosen[2]
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
