-- wrk script: compares every response with the expected status and body (the file named by the first argument after
-- "--") and prints one line with the counts, which Wrk.java reads: "body-check ok=N wrong=N".
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  local f = assert(io.open(args[1], "rb"))
  expected = f:read("*a")
  f:close()
  ok = 0
  wrong = 0
end

function response(status, headers, body)
  if status == 200 and body == expected then
    ok = ok + 1
  else
    wrong = wrong + 1
  end
end

function done(summary, latency, requests)
  local total_ok, total_wrong = 0, 0
  for _, thread in ipairs(threads) do
    total_ok = total_ok + thread:get("ok")
    total_wrong = total_wrong + thread:get("wrong")
  end
  io.write(string.format("body-check ok=%d wrong=%d\n", total_ok, total_wrong))
end
