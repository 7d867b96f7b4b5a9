#!/bin/sh
# Run one browser test: node <file>, after installing playwright-core into
# test/browser/node_modules with `npm ci` when it is missing or the lock file
# changed since the last install (a stamp, as ./certm3 build_web does for web/).
# The browser is Debian's /usr/bin/chromium; nothing downloads a browser.
set -eu
[ $# -eq 1 ] || { echo "usage: $0 <test file>" >&2; exit 2; }
dir=$(cd "$(dirname "$0")" && pwd)
stamp="$dir/node_modules/.certm3-lock"
(
	# One installer at a time when tests run in parallel (a lock on the dir).
	flock 9
	if [ ! -f "$stamp" ] || ! cmp -s "$dir/package-lock.json" "$stamp"; then
		(cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) >&2
		cp "$dir/package-lock.json" "$stamp"
	fi
) 9<"$dir"
cd "$dir"
exec node "$1"
