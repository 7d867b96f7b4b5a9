-- POST /request/api/certificate, cycling through prepared lines of
-- "<Cookie header value>\t<JSON body>" (a validation session and a CSR
-- for that person, made by bench/driver.py seed).
--   wrk ... -s cert.lua URL -- BODIES_FILE
dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "common.lua")

local items, i

function init(args)
	local lines = read_lines(args[1])
	items = {}
	for _, l in ipairs(lines) do
		local cookie, body = l:match("^([^\t]+)\t(.*)$")
		items[#items + 1] = { cookie = cookie, body = body }
	end
	-- Threads start apart so they rarely hit the same person at once.
	i = ((tid or 1) - 1) * math.floor(#items / 2)
end

function request()
	i = i % #items + 1
	local it = items[i]
	return wrk.format("POST", "/request/api/certificate",
	    { ["Content-Type"] = "application/json", ["Cookie"] = it.cookie },
	    it.body)
end
