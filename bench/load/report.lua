-- wrk script of bench/load.sh: counts every answer that is not a 200 (a redirect to the login
-- page would otherwise pass as a fast success) and prints one parseable line when done.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  not_ok = 0
end

function response(status, headers, body)
  if status ~= 200 then
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
