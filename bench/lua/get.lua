-- A fixed GET; with an argument, that bearer token is sent.
--   wrk ... -s get.lua URL [-- TOKEN]
dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "common.lua")

function init(args)
	if args[1] ~= nil and args[1] ~= "" then
		wrk.headers["Authorization"] = "Bearer " .. args[1]
	end
end
