-- GET /api/users/<id> with a bearer token, cycling through a file of ids.
--   wrk ... -s user_get.lua URL -- TOKEN IDS_FILE
dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "common.lua")

local ids, i

function init(args)
	wrk.headers["Authorization"] = "Bearer " .. args[1]
	ids = read_lines(args[2])
	i = ((tid or 1) * 997) % #ids
end

function request()
	i = i % #ids + 1
	return wrk.format("GET", "/api/users/" .. ids[i])
end
