-- Workload 1: the same read over and over (wrk's own request, made from the URL).
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "report.lua")
