-- One alert per request to Alertmanager's API: 80 % a new alertname (a new group, one webhook
-- notification), 20 % an alert this thread already sent (merged into its group).
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
  local body = '[{"labels":{"alertname":"' .. key .. '","service":"api","severity":"critical"},' ..
      '"annotations":{"summary":"bench ' .. key .. '"}}]'
  return wrk.format("POST", "/api/v2/alerts", {["Content-Type"] = "application/json"}, body)
end
