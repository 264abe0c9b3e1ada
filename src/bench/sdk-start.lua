-- Workload 3: what an AWS SDK does when it starts, over and over: a session token PUT, then six
-- reads with that token (the paths are listed in a file, one per line).
--
-- wrk's Lua has no per-connection state: request() and response() do not say which connection
-- they serve. So each wrk thread keeps the order PUT, six reads, PUT, ... over its connections,
-- and the reads carry the token of the last PUT that thread saw answered. The run starts with a
-- token fetched beforehand, so no read goes without one. A failed PUT leaves the thread on its
-- previous token, as the reads must still be made to measure them.
--
-- Usage: wrk ... -s sdk-start.lua URL -- READS_FILE SEED_TOKEN
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "report.lua")

local TOKEN_HEADER = "X-aws-ec2-metadata-token"
local TTL_HEADER = "X-aws-ec2-metadata-token-ttl-seconds"
-- IMDS (and so nginx, which passes it on) spells the TTL answer header capitalised.
local TTL_HEADER_AS_IMDS_SENDS_IT = "X-Aws-Ec2-Metadata-Token-Ttl-Seconds"

local paths = {}
local put
local token
local reads_token
local reads = {}
local step = 0

function init(args)
   for path in io.lines(args[1]) do
      if path ~= "" then
         table.insert(paths, path)
      end
   end
   token = args[2]
   put = wrk.format("PUT", "/latest/api/token", { [TTL_HEADER] = "21600" }, "")
   counters.token_puts = 0
   counters.tokens_received = 0
end

local function read_request(index)
   if reads_token ~= token then
      for i, path in ipairs(paths) do
         reads[i] = wrk.format("GET", path, { [TOKEN_HEADER] = token })
      end
      reads_token = token
   end
   return reads[index]
end

function request()
   local this_step = step
   step = (step + 1) % (#paths + 1)
   if this_step == 0 then
      counters.token_puts = counters.token_puts + 1
      return put
   end
   return read_request(this_step)
end

function response(status, headers, body)
   if status == 200 and (headers[TTL_HEADER] or headers[TTL_HEADER_AS_IMDS_SENDS_IT]) then
      token = body:gsub("%s+$", "")
      counters.tokens_received = counters.tokens_received + 1
   end
end
