-- Workload 2: tokenless reads cycling through the metadata paths listed in a file, one per line.
-- Usage: wrk ... -s tree.lua URL -- PATHS_FILE
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "report.lua")

local reads = {}
local next_read = 0

function init(args)
   for path in io.lines(args[1]) do
      if path ~= "" then
         table.insert(reads, wrk.format("GET", path))
      end
   end
   -- Threads start at different places so that they do not move through the tree in step.
   next_read = (thread_index or 0) * math.floor(#reads / 2)
end

function request()
   next_read = next_read % #reads + 1
   return reads[next_read]
end
