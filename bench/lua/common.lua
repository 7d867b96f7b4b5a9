-- Shared by every bench scenario: prints one machine-readable RESULT line
-- (read by bench/driver.py) when wrk is done. Loaded with dofile() from
-- the scenario scripts, which sit in the same directory.

function bench_dir()
	local src = debug.getinfo(1, "S").source
	return (src:match("^@(.*/)") or "./")
end

function read_lines(path)
	local t = {}
	local f = assert(io.open(path, "r"))
	for line in f:lines() do
		if line ~= "" then t[#t + 1] = line end
	end
	f:close()
	assert(#t > 0, path .. ": empty")
	return t
end

-- Each wrk thread gets its own number (setup runs in the main state).
local nthreads = 0
function setup(thread)
	nthreads = nthreads + 1
	thread:set("tid", nthreads)
end

function done(summary, latency, requests)
	local s = summary
	local e = s.errors
	io.write(string.format("RESULT requests=%d duration_us=%d " ..
	    "rps=%.1f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f " ..
	    "mean_ms=%.3f status_errors=%d connect=%d read=%d write=%d " ..
	    "timeout=%d\n",
	    s.requests, s.duration, s.requests / (s.duration / 1e6),
	    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
	    latency:percentile(99) / 1000, latency.max / 1000,
	    latency.mean / 1000, e.status, e.connect, e.read, e.write,
	    e.timeout))
end
