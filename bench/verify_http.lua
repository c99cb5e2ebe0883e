-- wrk script for bench/verify_http.sh: POST /api/v1/verify with the QR
-- texts of a payload file (one a line), each thread cycling through the
-- whole pool from its own starting point. Counts the answers that were not
-- 200, and the verdicts (the "verdict" field of the JSON answer), per
-- thread; done() adds them up and prints one line for the shell script:
--
--   RESULT requests=R seconds=S rps=X p50_ms=A p90_ms=B p99_ms=C max_ms=D
--          non200=N socket_errors=E valid=V revoked=K other=O
--
-- Usage: wrk ... -s verify_http.lua URL -- PAYLOAD_FILE
-- With no payload file, GET of the URL's path (e.g. /healthz), counting
-- non-200 answers only.

local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  non200 = 0
  valid = 0
  revoked = 0
  other = 0
  requests_list = {}
  local path = args[1]
  if path == nil then
    requests_list[1] = wrk.format("GET")
  else
    local headers = { ["Content-Type"] = "text/plain" }
    for line in io.lines(path) do
      if #line > 0 then
        requests_list[#requests_list + 1] = wrk.format("POST", "/api/v1/verify", headers, line)
      end
    end
    if #requests_list == 0 then
      error("no payloads in " .. path)
    end
  end
  -- Threads start at different points of the pool.
  next_index = (id * 7919) % #requests_list + 1
  check_verdicts = path ~= nil
end

function request()
  local r = requests_list[next_index]
  next_index = next_index + 1
  if next_index > #requests_list then
    next_index = 1
  end
  return r
end

function response(status, headers, body)
  if status ~= 200 then
    non200 = non200 + 1
  end
  if check_verdicts then
    local verdict = string.match(body, '"verdict"%s*:%s*"([%a_]+)"')
    if verdict == "valid" then
      valid = valid + 1
    elseif verdict == "revoked" then
      revoked = revoked + 1
    else
      other = other + 1
    end
  end
end

function done(summary, latency, requests)
  local n_non200, n_valid, n_revoked, n_other = 0, 0, 0, 0
  for _, t in ipairs(threads) do
    n_non200 = n_non200 + t:get("non200")
    n_valid = n_valid + t:get("valid")
    n_revoked = n_revoked + t:get("revoked")
    n_other = n_other + t:get("other")
  end
  local e = summary.errors
  local seconds = summary.duration / 1e6
  io.write(string.format(
    "RESULT requests=%d seconds=%.2f rps=%.0f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f " ..
    "non200=%d socket_errors=%d valid=%d revoked=%d other=%d\n",
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000,
    n_non200, e.connect + e.read + e.write + e.timeout, n_valid, n_revoked, n_other))
end
