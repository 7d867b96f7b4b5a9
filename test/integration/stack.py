"""Bring the integration-test stack up or down (a CTest fixture).

up: a fresh stack in $CERTM3_IT_VAR on a free port, through ./certm3 up,
with the sanitizer-built apps. down: ./certm3 down, then fail if any app
left an AddressSanitizer or UBSan report."""

import glob
import os
import shutil
import socket
import subprocess
import sys

import certm3test as t

# Settings for tests: generous limits, so tests that are not about rate
# limiting never meet one. Rate-limit tests lower them in the database.
CONF_EXTRA = "\n".join([
    "request_limit_addr = 100000",
    "request_limit_email = 100000",
    "username_limit_addr = 100000",
    "cert_limit_user = 100000",
])


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def up():
    if os.path.exists(os.path.join(t.VAR, "port")):
        down(check=False)
    shutil.rmtree(t.VAR, ignore_errors=True)
    os.makedirs(t.VAR)
    with open(os.path.join(t.VAR, "port"), "w") as f:
        f.write("%d\n" % free_port())
    p = t.certm3("up", CERTM3_CONF_EXTRA=CONF_EXTRA)
    sys.stdout.write(p.stdout)
    sys.stderr.write(p.stderr)
    if p.returncode != 0:
        return 1
    r = t.call("GET", "/api/health")
    print("health:", r.status, r.text)
    return 0 if r.status == 200 else 1


def sanitizer_reports():
    return glob.glob(os.path.join(t.VAR, "log", "asan*")) + \
        glob.glob(os.path.join(t.VAR, "log", "ubsan*"))


def started_pids():
    """The pids ./certm3 up recorded: apps, nginx, PostgreSQL."""
    pids = []
    run = os.path.join(t.VAR, "run")
    for name in ("api.pid", "request.pid", "manager.pid", "nginx.pid"):
        try:
            with open(os.path.join(run, name)) as f:
                pids += [int(x) for x in f.read().split()]
        except FileNotFoundError:
            pass
    try:
        with open(os.path.join(t.VAR, "pg", "postmaster.pid")) as f:
            pids.append(int(f.readline()))
    except (FileNotFoundError, ValueError):
        pass
    return pids


def alive(pid):
    """Running, not a zombie."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, IndexError):
        return False


def down(check=True):
    pids = started_pids()
    p = t.certm3("down")
    sys.stdout.write(p.stdout)
    sys.stderr.write(p.stderr)
    if not check:
        return 0
    bad = sanitizer_reports()
    for f in bad:
        print("=== sanitizer report", f)
        with open(f, errors="replace") as fh:
            print(fh.read())
    log = os.path.join(t.VAR, "log", "certm3.log")
    if os.path.exists(log):
        with open(log, errors="replace") as fh:
            errors = [l for l in fh if " error " in l]
        print("app log lines at level error: %d" % len(errors))
        for l in errors[-20:]:
            print("  " + l.rstrip())
    left = [pid for pid in pids if alive(pid)]
    if left:
        print("still running after ./certm3 down:", left)
    if not pids:
        print("no pid files: nothing was checked to have stopped")
    return 1 if bad or left or not pids or p.returncode != 0 else 0


if __name__ == "__main__":
    sys.exit(up() if sys.argv[1] == "up" else down())
