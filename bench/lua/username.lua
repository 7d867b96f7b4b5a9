-- GET /request/api/username/<name>: taken names (seeded users bu00001..)
-- and free ones, alternately.
--   wrk ... -s username.lua URL [-- NUSERS]
dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "common.lua")

local n, nusers = 0, 2000

function init(args)
	nusers = tonumber(args[1] or "2000")
	n = (tid or 1) * 7919
end

function request()
	n = n + 1
	local name
	if n % 2 == 0 then
		name = string.format("bu%05d", n % nusers + 1)
	else
		name = string.format("free%dx%d", tid or 0, n)
	end
	return wrk.format("GET", "/request/api/username/" .. name)
end
