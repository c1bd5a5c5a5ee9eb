-- wrk script of bench/load.sh: a stream of visit records POSTed by one instructor at once
-- from every connection. Each request takes the next free (institution, day) pair of the
-- slots file, so no two requests record the same visit; the thread number interleaves the
-- pairs so that threads never share one. A saved visit answers 302; anything else (a
-- "database is locked" 500, a refused form 200) is counted as an error.

local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  not_ok = 0
  slots = {}
  for line in io.lines(os.getenv("VISIT_SLOTS")) do
    table.insert(slots, line)
  end
  token = os.getenv("VISIT_CSRF")
  stride = tonumber(os.getenv("VISIT_THREADS"))
  counter = id
end

function request()
  counter = counter + stride
  local slot = slots[(counter % #slots) + 1]
  local institution, day = slot:match("(%S+) (%S+)")
  local body = "csrfmiddlewaretoken=" .. token .. "&institution=" .. institution ..
    "&date=" .. day .. "&lesson=on&lesson_topic=load&attendees=12"
  -- wrk.format uses only the headers it is given: keep the -H ones (cookie, referer, host).
  local headers = {}
  for name, value in pairs(wrk.headers) do
    headers[name] = value
  end
  headers["Content-Type"] = "application/x-www-form-urlencoded"
  return wrk.format("POST", nil, headers, body)
end

function response(status, headers, body)
  if status ~= 302 then
    not_ok = not_ok + 1
  end
end

function done(summary, latency, requests)
  local not_ok_total = 0
  for _, thread in ipairs(threads) do
    not_ok_total = not_ok_total + thread:get("not_ok")
  end
  local e = summary.errors
  local socket_errors = e.connect + e.read + e.write + e.timeout
  io.write(string.format(
    "LOAD_RESULT requests=%d rps=%.1f p50_ms=%.1f p99_ms=%.1f not_200=%d socket_errors=%d\n",
    summary.requests, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    not_ok_total, socket_errors))
end
