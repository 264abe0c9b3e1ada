-- Shared by the wrk scripts of run.sh: keeps each thread so that done() can read the
-- counters the workload scripts keep per thread, and prints one machine-readable line.

local threads = {}

function setup(thread)
   table.insert(threads, thread)
   thread:set("thread_index", #threads)
end

-- Per-thread counters a workload script may add to (copied out of each thread in done).
counters = {}

function done(summary, latency, requests)
   local extra = {}
   for _, thread in ipairs(threads) do
      local kept = thread:get("counters") or {}
      for name, value in pairs(kept) do
         extra[name] = (extra[name] or 0) + value
      end
   end
   local errors = summary.errors
   local parts = {
      string.format('"requests":%d', summary.requests),
      string.format('"duration_us":%d', summary.duration),
      string.format('"connect_errors":%d', errors.connect),
      string.format('"read_errors":%d', errors.read),
      string.format('"write_errors":%d', errors.write),
      string.format('"timeouts":%d', errors.timeout),
      string.format('"status_errors":%d', errors.status),
      string.format('"p50_us":%d', latency:percentile(50)),
      string.format('"p90_us":%d', latency:percentile(90)),
      string.format('"p99_us":%d', latency:percentile(99)),
      string.format('"max_us":%d', latency.max),
   }
   for name, value in pairs(extra) do
      table.insert(parts, string.format('"%s":%d', name, value))
   end
   io.write("BENCH-JSON {" .. table.concat(parts, ",") .. "}\n")
end
