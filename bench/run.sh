#!/usr/bin/env bash
# bench/run.sh — certM3 benchmarks on a throwaway stack of their own.
#
# Builds a release (RelWithDebInfo, no sanitizers) tree in build-bench/,
# brings a stack up from it under build-bench/benchstack on a free port
# (./certm3 up with CERTM3_VAR/CERTM3_PORT/CERTM3_BUILD/CERTM3_SKIP_BUILD;
# never the default var/), seeds it, loads it with wrk against
# https://127.0.0.1:PORT only, and always takes it down again.
#
#   bench/run.sh [PHASE...]
#
# Phases (default: all, in this order): machine fsync seed load explain
# callgrind limit sign. See bench/README.md for what each does and the BENCH_* knobs.
# Results: build-bench/bench-out/results.jsonl and report.md.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BENCH_BUILD:-$ROOT/build-bench}
VAR=$BUILD/benchstack
OUT=${BENCH_OUT:-$BUILD/bench-out}
PHASES=("$@")
[ ${#PHASES[@]} -gt 0 ] || PHASES=(machine fsync seed load explain callgrind limit sign)

say() { printf 'bench: %s\n' "$*"; }
die() { printf 'bench: %s\n' "$*" >&2; exit 1; }
want() { local p; for p in "${PHASES[@]}"; do [ "$p" = "$1" ] && return 0; done; return 1; }

# Limits raised so that the limiter is not what is measured (the "limit"
# phase brings the real username limit back for its one scenario).
CONF_HIGH="request_limit_addr = 1000000
request_limit_email = 1000000
username_limit_addr = 1000000
cert_limit_user = 1000000
session_lifetime = 1d"
CONF_REAL_USERNAME="request_limit_addr = 1000000
request_limit_email = 1000000
cert_limit_user = 1000000
session_lifetime = 1d"

# --- tools -----------------------------------------------------------------

if ! command -v wrk >/dev/null; then
	[ "$(id -u)" -eq 0 ] || die "wrk is missing: apt-get install -y wrk"
	say "installing wrk"
	DEBIAN_FRONTEND=noninteractive apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi
for t in valgrind /usr/bin/time; do
	command -v "$t" >/dev/null || {
		[ "$(id -u)" -eq 0 ] || die "$t is missing"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		    "$(basename "$t")" >/dev/null
	}
done

# --- build -----------------------------------------------------------------

say "building $BUILD (RelWithDebInfo, no sanitizers)"
cmake -S "$ROOT" -B "$BUILD" -DCERTM3_SANITIZE=OFF -DCERTM3_TESTS=OFF \
	-DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$BUILD" -j 2 -- --no-print-directory >"$BUILD/build.log" 2>&1 ||
	{ tail -n 30 "$BUILD/build.log"; die "build failed"; }
cc -O2 -g -std=c11 -D_DEFAULT_SOURCE -Wall -Wextra -Werror \
	-I"$ROOT/common" "$ROOT/bench/sign_bench.c" \
	"$BUILD/common/libcertm3common.a" -lssl -lcrypto \
	-o "$BUILD/sign_bench"

# --- the stack -----------------------------------------------------------------

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

stack() {	# ./certm3 with this stack's environment
	CERTM3_VAR="$VAR" CERTM3_PORT="$PORT" CERTM3_BUILD="$BUILD" \
	CERTM3_SKIP_BUILD=1 "$ROOT/certm3" "$@"
}

# A stack left by an interrupted run is stopped and forgotten.
if [ -f "$VAR/port" ]; then
	PORT=$(cat "$VAR/port")
	stack down >/dev/null 2>&1 || true
fi
rm -rf "$VAR"
mkdir -p "$VAR" "$OUT"
PORT=${BENCH_PORT:-$(free_port)}
echo "$PORT" >"$VAR/port"
: >"$OUT/results.jsonl"

cleanup() {
	local rc=$?
	say "taking the stack down"
	stack down >/dev/null 2>&1 || say "WARNING: ./certm3 down failed"
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say "bringing the stack up on 127.0.0.1:$PORT under $VAR"
CERTM3_CONF_EXTRA="$CONF_HIGH" stack up >"$OUT/up.log" 2>&1 ||
	{ tail -n 20 "$OUT/up.log"; die "./certm3 up failed"; }

export BENCH_ROOT="$ROOT" BENCH_BUILD="$BUILD" BENCH_VAR="$VAR" \
	BENCH_PORT="$PORT" BENCH_OUT="$OUT"
driver() { python3 "$ROOT/bench/driver.py" "$@"; }

want machine && driver machine
want fsync && driver fsync
if want seed || want load || want explain || want callgrind || want limit; then
	driver seed
fi
# shellcheck disable=SC2086
want load && driver load ${BENCH_SCENARIOS:-all}
want explain && driver explain
want callgrind && driver callgrind
if want limit; then
	say "restarting the apps with the real username limit (300/min)"
	CERTM3_CONF_EXTRA="$CONF_REAL_USERNAME" stack up >>"$OUT/up.log" 2>&1 ||
		die "./certm3 up (real limit) failed"
	driver load username_429
fi
if want sign; then
	say "sign_bench: CSRs and the stack's CA (EC P-256)"
	SB="$OUT/sign"
	mkdir -p "$SB"
	subj="/CN=benchuser/emailAddress=benchuser@bench.example"
	openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$SB/k1" -subj "$subj" -out "$SB/ec-p256.csr" 2>/dev/null
	openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-384 -nodes \
		-keyout "$SB/k2" -subj "$subj" -out "$SB/ec-p384.csr" 2>/dev/null
	openssl req -new -newkey rsa:2048 -nodes \
		-keyout "$SB/k3" -subj "$subj" -out "$SB/rsa-2048.csr" 2>/dev/null
	openssl req -new -newkey rsa:4096 -nodes \
		-keyout "$SB/k4" -subj "$subj" -out "$SB/rsa-4096.csr" 2>/dev/null
	"$BUILD/sign_bench" "$VAR/ca/ca.pem" "$VAR/ca/ca.key" \
		"${BENCH_SIGN_ITER:-2000}" "$SB"/ec-p256.csr "$SB"/ec-p384.csr \
		"$SB"/rsa-2048.csr "$SB"/rsa-4096.csr | tee "$OUT/sign_bench.txt"
fi
driver report | tee "$OUT/report.md"
