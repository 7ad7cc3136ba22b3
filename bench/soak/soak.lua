-- wrk script for bench/soak/run.sh: a mix of read routes through tf-gateway and, every
-- LOGIN_EVERY requests, a sign-in. Each thread stops after its share of the requests
-- (wrk's -d is only the upper bound in time: wrk sleeps for it, so each thread that is done
-- leaves a file in SOAK_DONE_DIR and run.sh interrupts wrk when all are there). Counts answers by status per thread; done()
-- prints them as "status <code> <count>" lines and "p99_ms <value>" for run.sh to read.
local token = os.getenv("SOAK_TOKEN")
local username = os.getenv("SOAK_USER")
local password = os.getenv("SOAK_PASSWORD")
local login_every = tonumber(os.getenv("SOAK_LOGIN_EVERY") or "1000")
local threads = {}

function setup(thread)
    table.insert(threads, thread)
    thread:set("id", #threads)
end

function init(args)
    limit = tonumber(args[1])
    answered = 0
    sent = 0
    codes = {}
    local headers = { ["Authorization"] = "Bearer " .. token }
    local paths = {
        "/api/sync-pairs", "/api/systems", "/api/sync-operations?limit=20", "/api/alerts",
        "/api/quarantine?limit=20", "/api/sync-pairs/1", "/api/systems/1", "/api/status",
        "/api/changes?limit=20", "/api/sync-operations/summary",
    }
    reads = {}
    for i, path in ipairs(paths) do
        reads[i] = wrk.format("GET", path, headers)
    end
    login = wrk.format("POST", "/api/auth/login", { ["Content-Type"] = "application/json" },
        '{"username":"' .. username .. '","password":"' .. password .. '"}')
end

function request()
    sent = sent + 1
    if sent % login_every == 0 then
        return login
    end
    return reads[(sent % #reads) + 1]
end

function response(status, headers, body)
    codes[status] = (codes[status] or 0) + 1
    answered = answered + 1
    if answered == limit then
        local marker = io.open(os.getenv("SOAK_DONE_DIR") .. "/" .. id, "w")
        marker:close()
        wrk.thread:stop()
    end
end

function done(summary, latency, requests)
    local total = {}
    for _, thread in ipairs(threads) do
        for code, count in pairs(thread:get("codes")) do
            total[code] = (total[code] or 0) + count
        end
    end
    for code, count in pairs(total) do
        io.write(string.format("status %d %d\n", code, count))
    end
    local e = summary.errors
    io.write(string.format("errors connect=%d read=%d write=%d timeout=%d\n", e.connect, e.read, e.write, e.timeout))
    io.write(string.format("requests %d\n", summary.requests))
    io.write(string.format("seconds %.1f\n", summary.duration / 1e6))
    io.write(string.format("p50_ms %.3f\n", latency:percentile(50) / 1000))
    io.write(string.format("p99_ms %.3f\n", latency:percentile(99) / 1000))
end
