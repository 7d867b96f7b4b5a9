-- POST /request/api/requests with a username no one has used: the run's
-- tag (from the command line), the thread and a counter.
--   wrk ... -s enroll.lua URL -- TAG
dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "common.lua")

local n, prefix = 0, "r"

function init(args)
	prefix = "r" .. (args[1] or "0") .. "t" .. (tid or 0) .. "n"
	wrk.method = "POST"
	wrk.headers["Content-Type"] = "application/json"
end

function request()
	n = n + 1
	local name = prefix .. n
	local body = '{"username":"' .. name .. '","displayName":"Bench ' ..
	    name .. '","email":"' .. name .. '@bench.example"}'
	return wrk.format("POST", "/request/api/requests", nil, body)
end
