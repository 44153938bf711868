-- One PagerDuty Events API v2 trigger per request: 80 % a new dedup key (a new incident), 20 % a
-- key this thread already sent (a duplicate). Thread-local counters keep keys unique across threads.
local counter = 0
local thread_id = 0
local prefix = "k"
local threads = {}

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

-- wrk ... -- <prefix>: a warm-up run and the measured run use different keys, so the measured one
-- has its own 80/20 mix rather than repeating the warm-up's alerts
function init(args)
  thread_id = tid
  if args[1] then prefix = args[1] end
  math.randomseed(os.time() + thread_id * 7919)
end

request = function()
  local key
  if counter > 0 and math.random() < 0.2 then
    key = prefix .. "-" .. thread_id .. "-" .. math.random(1, counter)
  else
    counter = counter + 1
    key = prefix .. "-" .. thread_id .. "-" .. counter
  end
  local body = '{"routing_key":"b0000000000000000000000000000001","event_action":"trigger","dedup_key":"' .. key ..
      '","payload":{"summary":"bench ' .. key .. '","source":"wrk","severity":"critical"}}'
  return wrk.format("POST", "/v2/enqueue", {["Content-Type"] = "application/json"}, body)
end
