#!/usr/bin/env python3
"""certM3 benchmark driver, run by bench/run.sh against the throwaway stack
it brought up (never the default var/).

    driver.py seed        users, groups, sessions, CSRs, a few certificates
    driver.py load NAME…  wrk scenarios (see SCENARIOS); NAME 'all' = all
    driver.py callgrind   instructions per request, app side, by kind
    driver.py fsync       pg_test_fsync on the stack's disk (commit cost)
    driver.py explain     EXPLAIN ANALYZE of the user list statement
    driver.py machine     machine facts
    driver.py report      the collected results as Markdown tables

Configuration comes from the environment that run.sh sets: BENCH_ROOT,
BENCH_BUILD, BENCH_VAR, BENCH_PORT, BENCH_OUT and the BENCH_* knobs named
in bench/README.md. Every result is appended to $BENCH_OUT/results.jsonl.
"""

import concurrent.futures
import email
import email.policy
import glob
import http.client
import json
import os
import re
import shlex
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import time

ROOT = os.environ["BENCH_ROOT"]
BUILD = os.environ["BENCH_BUILD"]
VAR = os.environ["BENCH_VAR"]
PORT = int(os.environ["BENCH_PORT"])
OUT = os.environ["BENCH_OUT"]
DURATION = os.environ.get("BENCH_DURATION", "10s")
THREADS = os.environ.get("BENCH_THREADS", "2")
CONNS = os.environ.get("BENCH_CONNS", "8 16").split()
NUSERS = int(os.environ.get("BENCH_USERS", "2000"))
NSESSIONS = int(os.environ.get("BENCH_SESSIONS", "200"))
NRSA = int(os.environ.get("BENCH_RSA", "100"))
SETTLE = float(os.environ.get("BENCH_SETTLE", "3"))
CG_REQS = int(os.environ.get("BENCH_CG_REQUESTS", "10"))
LUA = os.path.join(ROOT, "bench", "lua")
RESULTS = os.path.join(OUT, "results.jsonl")
RUNUSER = "certm3"
CLK_TCK = os.sysconf("SC_CLK_TCK")


def log(msg):
    print("bench: " + msg, flush=True)


def record(kind, **fields):
    fields["kind"] = kind
    with open(RESULTS, "a") as f:
        f.write(json.dumps(fields) + "\n")


# --- the stack -------------------------------------------------------------

def conninfo():
    with open(os.path.join(VAR, "certm3.conf")) as f:
        for line in f:
            m = re.match(r"db_conninfo\s*=\s*(.*)", line)
            if m:
                return m.group(1).strip()
    raise RuntimeError("no db_conninfo in certm3.conf")


def pg_bin(name):
    dirs = sorted(glob.glob("/usr/lib/postgresql/*/bin"),
                  key=lambda d: int(d.split("/")[-2]))
    return os.path.join(dirs[-1], name)


def psql(sql):
    """Rows of a query as lists of strings (ON_ERROR_STOP)."""
    p = subprocess.run([pg_bin("psql"), "-X", "-q", "-A", "-t", "-F", "\t",
                        "-v", "ON_ERROR_STOP=1", conninfo(), "-c", sql],
                       capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError("psql: %s" % p.stderr.strip())
    return [l.split("\t") for l in p.stdout.splitlines() if l]


def admin_token():
    with open(os.path.join(VAR, "dev", "admin.token")) as f:
        return f.read().strip()


_ctx = ssl.create_default_context()
_ctx.check_hostname = False
_ctx.verify_mode = ssl.CERT_NONE


def call(method, path, body=None, headers=None):
    """One HTTPS request through the stack's nginx: (status, headers, body)."""
    hdrs = dict(headers or {})
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        hdrs["Content-Type"] = "application/json"
    c = http.client.HTTPSConnection("127.0.0.1", PORT, timeout=120,
                                    context=_ctx)
    try:
        c.request(method, path, body=data, headers=hdrs)
        r = c.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    finally:
        c.close()


def must(status, want, what, body=b""):
    if status != want:
        raise RuntimeError("%s: HTTP %d (wanted %d): %s" %
                           (what, status, want, body[:300]))


# --- seeding ---------------------------------------------------------------

def spool_tokens():
    """Validation tokens from the spool, by recipient address."""
    d = os.path.join(VAR, "spool", "validation.emails")
    out = {}
    for name in sorted(os.listdir(d)):
        if name.startswith("."):
            continue
        with open(os.path.join(d, name), "rb") as f:
            msg = email.message_from_binary_file(f, policy=email.policy.strict)
        body = msg.get_content().replace("\r\n", "\n")
        m = re.search(r"/request/validate/([A-Za-z0-9_-]{43})\s*$", body,
                      re.M)
        if m:
            out[msg["To"].addresses[0].addr_spec] = m.group(1)
    return out


def make_csr(tmp, name, addr, kind):
    key = os.path.join(tmp, "k.pem")
    if kind == "ec":
        newkey = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"]
    else:
        newkey = ["-newkey", "rsa:2048"]
    p = subprocess.run(["openssl", "req", "-new"] + newkey +
                       ["-nodes", "-keyout", key, "-subj",
                        "/CN=%s/emailAddress=%s" % (name, addr)],
                       capture_output=True, text=True, check=True)
    return p.stdout


def seed():
    token = admin_token()
    auth = {"Authorization": "Bearer " + token}
    t0 = time.time()

    # 1. Directory users straight into the database, as an import would.
    log("seeding %d users by SQL" % NUSERS)
    psql("INSERT INTO users (username, display_name, email, created_by, "
         "updated_by) SELECT format('bu%%s', lpad(i::text, 5, '0')), "
         "format('Bench User %%s', i), "
         "format('bu%%s@bench.example', lpad(i::text, 5, '0')), "
         "'bench-seed', 'bench-seed' FROM generate_series(1, %d) i "
         "ON CONFLICT DO NOTHING" % NUSERS)
    psql("INSERT INTO user_groups (user_id, group_name, created_by) "
         "SELECT id, 'users', 'bench-seed' FROM users WHERE "
         "created_by = 'bench-seed' ON CONFLICT DO NOTHING")
    psql("ANALYZE")
    ids = [r[0] for r in psql("SELECT id FROM users WHERE created_by = "
                              "'bench-seed' ORDER BY username")]
    with open(os.path.join(OUT, "user_ids.txt"), "w") as f:
        f.write("\n".join(ids) + "\n")

    # 2. Groups and memberships through /api (audit rows and all).
    log("groups through /api")
    groups = ["bg%d" % i for i in range(1, 6)]
    for g in groups:
        s, _, b = call("POST", "/api/groups",
                       {"name": g, "displayName": "Bench group " + g,
                        "description": "made by bench/driver.py"}, auth)
        if s != 409:
            must(s, 201, "create group " + g, b)
    for gi, g in enumerate(groups):
        members = ids[gi::len(groups)][:500]
        s, _, b = call("POST", "/api/groups/%s/members" % g,
                       {"userIds": members}, auth)
        must(s, 200, "add members to " + g, b)

    # 3. People enrolled through /request: request, e-mail, validation.
    log("enrolling %d people through /request" % NSESSIONS)
    tag = "%x" % int(time.time())
    people = []
    for i in range(NSESSIONS):
        name = "be%s%04d" % (tag, i)
        addr = name + "@bench.example"
        s, _, b = call("POST", "/request/api/requests",
                       {"username": name, "displayName": "Enrolled " + name,
                        "email": addr})
        must(s, 201, "request for " + name, b)
        people.append({"username": name, "email": addr})
    tokens = spool_tokens()
    for p in people:
        s, h, b = call("POST", "/request/api/validate",
                       {"token": tokens[p["email"]]})
        must(s, 200, "validate " + p["username"], b)
        p["id"] = json.loads(b)["userId"]
        p["cookie"] = h["set-cookie"].split(";")[0]
    ids_enrolled = [p["id"] for p in people]
    for g in groups[:2]:
        s, _, b = call("POST", "/api/groups/%s/members" % g,
                       {"userIds": ids_enrolled}, auth)
        must(s, 200, "add enrolled people to " + g, b)

    # 4. A CSR each (EC P-256; RSA 2048 for the first NRSA).
    log("making %d EC and %d RSA CSRs" % (len(people), NRSA))
    with tempfile.TemporaryDirectory() as tmp:
        for i, p in enumerate(people):
            p["csr_ec"] = make_csr(tmp, p["username"], p["email"], "ec")
            if i < NRSA:
                p["csr_rsa"] = make_csr(tmp, p["username"], p["email"],
                                        "rsa")
    for kind in ("ec", "rsa"):
        with open(os.path.join(OUT, "cert_%s.txt" % kind), "w") as f:
            for p in people:
                if "csr_" + kind in p:
                    body = json.dumps({"csr": p["csr_" + kind],
                                       "groups": [groups[0]]},
                                      separators=(",", ":"))
                    f.write("%s\t%s\n" % (p["cookie"], body))
    with open(os.path.join(OUT, "people.json"), "w") as f:
        json.dump(people, f)

    # 5. A few certificates through the real path: proves the bodies work.
    log("issuing a first certificate to 20 people")
    for i, p in enumerate(people[:20]):
        kind = "rsa" if i % 2 and "csr_rsa" in p else "ec"
        s, _, b = call("POST", "/request/api/certificate",
                       {"csr": p["csr_" + kind], "groups": [groups[0]]},
                       {"Cookie": p["cookie"]})
        must(s, 200, "certificate for " + p["username"], b)
    psql("ANALYZE")
    counts = psql("SELECT (SELECT count(*) FROM users), "
                  "(SELECT count(*) FROM user_groups), "
                  "(SELECT count(*) FROM groups), "
                  "(SELECT count(*) FROM certificates), "
                  "(SELECT count(*) FROM sessions), "
                  "(SELECT count(*) FROM audit_log)")[0]
    record("seed", users=int(counts[0]), memberships=int(counts[1]),
           groups=int(counts[2]), certificates=int(counts[3]),
           sessions=int(counts[4]), audit_rows=int(counts[5]),
           seconds=round(time.time() - t0, 1))
    log("seeded: users %s, memberships %s, groups %s, certificates %s, "
        "sessions %s, audit rows %s" % tuple(counts))


# --- CPU and database accounting ------------------------------------------

def read_stat(pid):
    """(ppid, (utime, stime), (cutime, cstime)) in ticks, or None."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            s = f.read()
    except OSError:
        return None
    rest = s[s.rindex(")") + 2:].split()
    return int(rest[1]), (int(rest[11]), int(rest[12])), \
        (int(rest[13]), int(rest[14]))


def pids_in(path):
    try:
        with open(path) as f:
            return [int(x) for x in f.read().split()[:64] if x.isdigit()]
    except OSError:
        return []


def cpu_snapshot():
    """CPU ticks used so far by each piece of this stack (and only it)."""
    procs = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            st = read_stat(int(d))
            if st:
                procs[int(d)] = st
    out = {}

    def add(a, b):
        return [a[0] + b[0], a[1] + b[1]]

    def tree(root):
        """[user, sys]: root's own and reaped children's, live children's."""
        if root not in procs:
            return [0, 0]
        total = add(procs[root][1], procs[root][2])
        for pid, st in procs.items():
            if st[0] == root:
                total = add(total, st[1])
        return total

    pg = pids_in(os.path.join(VAR, "pg", "postmaster.pid"))[:1]
    out["postgres"] = tree(pg[0]) if pg else [0, 0]
    ng = pids_in(os.path.join(VAR, "run", "nginx.pid"))[:1]
    out["nginx"] = tree(ng[0]) if ng else [0, 0]
    for app in ("api", "request", "manager"):
        t = [0, 0]
        for p in pids_in(os.path.join(VAR, "run", app + ".pid")):
            if p in procs:
                t = add(t, procs[p][1])
        out[app] = t
    return out


def busy_ticks():
    """Busy CPU ticks of the whole machine (every process, not just ours)."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    return sum(v) - v[3] - v[4]	# all but idle and iowait


def db_snapshot():
    row = psql("SELECT d.xact_commit, d.xact_rollback, w.wal_records, "
               "w.wal_bytes, w.wal_sync, w.wal_write FROM pg_stat_database "
               "d, pg_stat_wal w WHERE d.datname = current_database()")[0]
    scans = {}
    for r in psql("SELECT relname, coalesce(seq_scan, 0), "
                  "coalesce(seq_tup_read, 0), coalesce(idx_scan, 0) "
                  "FROM pg_stat_user_tables"):
        scans[r[0]] = [int(r[1]), int(r[2]), int(r[3])]
    return {"commits": int(row[0]), "rollbacks": int(row[1]),
            "wal_records": int(row[2]), "wal_bytes": int(float(row[3])),
            "wal_sync": int(row[4]), "wal_write": int(row[5]),
            "scans": scans}


def poke():
    """A few concurrent table-reading requests to every process of both
    apps. A PostgreSQL backend publishes its statistics at the end of a
    transaction at least a second after its last report, and only when it
    has table statistics to report: commits of `SELECT 1` alone (health)
    wait for the next table access. Without this, a scenario's commits
    show up in a later scenario's numbers."""
    time.sleep(1.2)
    auth = {"Authorization": "Bearer " + admin_token()}

    def one(i):
        if i % 2:
            return call("GET", "/api/users?limit=1", headers=auth)[0]
        return call("GET", "/request/crl.pem")[0]
    with concurrent.futures.ThreadPoolExecutor(8) as ex:
        list(ex.map(one, range(16)))
    time.sleep(0.5)


def parse_result(text):
    m = re.search(r"^RESULT (.*)$", text, re.M)
    if not m:
        return None
    out = {}
    for kv in m.group(1).split():
        k, v = kv.split("=", 1)
        out[k] = float(v) if "." in v else int(v)
    return out


# --- scenarios -------------------------------------------------------------

def scenario_args(name):
    """(path, script, script args, what) of a scenario."""
    token = admin_token()
    ids = os.path.join(OUT, "user_ids.txt")
    return {
        "health": ("/api/health", "get.lua", [],
                   "GET /api/health (one SELECT 1)"),
        "username": ("/request/api/username/x", "username.lua",
                     [str(NUSERS)],
                     "GET /request/api/username/<name>, limiter raised"),
        "username_429": ("/request/api/username/x", "username.lua",
                         [str(NUSERS)],
                         "GET /request/api/username/<name>, real limit "
                         "(300/min/address): almost all 429"),
        "users_list": ("/api/users?limit=50&q=bench", "get.lua", [token],
                       "GET /api/users?limit=50&q=bench (matches all "
                       "users: count + page of 50)"),
        "users_list_narrow": ("/api/users?limit=50&q=bu0004", "get.lua",
                              [token],
                              "GET /api/users?limit=50&q=bu0004 (11 "
                              "matches)"),
        "user_get": ("/api/users/x", "user_get.lua", [token, ids],
                     "GET /api/users/<id> (bearer token), cycling ids"),
        "enroll": ("/request/api/requests", "enroll.lua", ["TAG"],
                   "POST /request/api/requests (new name each; spool "
                   "e-mail written)"),
        "cert_ec": ("/request/api/certificate", "cert.lua",
                    [os.path.join(OUT, "cert_ec.txt")],
                    "POST /request/api/certificate, EC P-256 CSRs"),
        "cert_rsa": ("/request/api/certificate", "cert.lua",
                     [os.path.join(OUT, "cert_rsa.txt")],
                     "POST /request/api/certificate, RSA 2048 CSRs"),
    }[name]


ORDER = ["health", "username", "users_list", "users_list_narrow",
         "user_get", "enroll", "cert_ec", "cert_rsa"]


def run_wrk(name, conns):
    path, script, args, what = scenario_args(name)
    args = [("%x%s" % (int(time.time()), conns)) if a == "TAG" else a
            for a in args]
    cmd = ["/usr/bin/time", "-f", "WRKCPU %U %S", "wrk", "-t", THREADS,
           "-c", str(conns), "-d", DURATION, "--timeout", "10s",
           "-s", os.path.join(LUA, script),
           "https://127.0.0.1:%d%s" % (PORT, path)]
    if args:
        cmd += ["--"] + args
    psql("CHECKPOINT")
    time.sleep(SETTLE)
    poke()
    load = os.getloadavg()[0]
    cpu0, db0, busy0 = cpu_snapshot(), db_snapshot(), busy_ticks()
    t0 = time.time()
    log("%s -c %d: %s" % (name, conns, what))
    p = subprocess.run(cmd, capture_output=True, text=True,
                       timeout=int(DURATION.rstrip("s")) + 60)
    wall = time.time() - t0
    cpu1, busy1 = cpu_snapshot(), busy_ticks()
    poke()
    db1 = db_snapshot()
    res = parse_result(p.stdout)
    if p.returncode != 0 or res is None:
        raise RuntimeError("wrk failed: %s %s" % (p.stdout, p.stderr))
    m = re.search(r"WRKCPU ([\d.]+) ([\d.]+)", p.stderr)
    wrk_cpu = float(m.group(1)) + float(m.group(2)) if m else None
    n = max(res["requests"], 1)
    secs = res["duration_us"] / 1e6
    cpu = {k: (sum(cpu1[k]) - sum(cpu0[k])) / CLK_TCK for k in cpu1}
    sys_share = {k: round((cpu1[k][1] - cpu0[k][1]) /
                          max(sum(cpu1[k]) - sum(cpu0[k]), 1), 2)
                 for k in cpu1}
    cpu["wrk"] = wrk_cpu
    scans = {}
    for t, v in db1["scans"].items():
        b = db0["scans"].get(t, [0, 0, 0])
        d = [v[0] - b[0], v[1] - b[1], v[2] - b[2]]
        if any(d):
            scans[t] = {"seq_scan": round(d[0] / n, 2),
                        "seq_tup_read": round(d[1] / n, 1),
                        "idx_scan": round(d[2] / n, 2)}
    per = {
        "commits": round((db1["commits"] - db0["commits"]) / n, 2),
        "rollbacks": round((db1["rollbacks"] - db0["rollbacks"]) / n, 2),
        "wal_records": round((db1["wal_records"] - db0["wal_records"]) / n,
                             1),
        "wal_bytes": round((db1["wal_bytes"] - db0["wal_bytes"]) / n),
        "wal_syncs": round((db1["wal_sync"] - db0["wal_sync"]) / n, 3),
    }
    cpu_ms = {k: round(v * 1000 / n, 3) for k, v in cpu.items()
              if v is not None}
    record("load", name=name, what=what, conns=conns, threads=int(THREADS),
           duration=DURATION, loadavg_before=round(load, 2),
           wall=round(wall, 1), result=res, cpu_seconds=cpu,
           sys_share=sys_share,
           cpu_ms_per_request=cpu_ms, db_per_request=per, scans=scans,
           cores_busy=round(sum(v for v in cpu.values() if v) / secs, 2),
           machine_cores_busy=round((busy1 - busy0) / CLK_TCK / wall, 2))
    log("  %.0f req/s  p50 %.2f ms  p99 %.2f ms  errors(status) %d  "
        "CPU ms/req %s  commits/req %s  WAL syncs/req %s" %
        (res["rps"], res["p50_ms"], res["p99_ms"], res["status_errors"],
         json.dumps(cpu_ms), per["commits"], per["wal_syncs"]))


def load(names):
    if names == ["all"]:
        names = ORDER
    for name in names:
        for c in CONNS:
            run_wrk(name, int(c))


# --- callgrind ---------------------------------------------------------------

def app_down(app):
    pidfile = os.path.join(VAR, "run", app + ".pid")
    pids = pids_in(pidfile)
    for p in pids:
        try:
            os.kill(p, signal.SIGTERM)
        except ProcessLookupError:
            pass
    for _ in range(100):
        if not any(read_stat(p) for p in pids):
            break
        time.sleep(0.1)
    for p in pids:
        try:
            os.kill(p, signal.SIGKILL)
        except ProcessLookupError:
            pass
    for f in (pidfile, os.path.join(VAR, "run", app + ".sock")):
        if os.path.exists(f):
            os.unlink(f)


def app_under_callgrind(app, out):
    """One process of the app under callgrind: a dump per request, counting
    only http_dispatch (routing, auth, handler, database client side, JSON);
    not FastCGI I/O nor start-up."""
    app_down(app)
    owner = []
    if os.getuid() == 0:
        owner = ["-u", RUNUSER, "-g", RUNUSER, "-U", RUNUSER, "-G", RUNUSER]
    env = dict(os.environ, CERTM3_CONFIG=os.path.join(VAR, "certm3.conf"))
    cmd = ["spawn-fcgi", "-s", os.path.join(VAR, "run", app + ".sock"),
           "-M", "0660"] + owner + [
           "-F", "1", "-P", os.path.join(VAR, "run", app + ".pid"), "--",
           shutil.which("valgrind"), "--tool=callgrind", "--callgrind-out-file=" + out,
           "--collect-atstart=no", "--toggle-collect=http_dispatch",
           "--dump-after=http_dispatch",
           os.path.join(BUILD, app, "certm3-" + app)]
    p = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError("spawn-fcgi: %s%s" % (p.stdout, p.stderr))
    for _ in range(300):
        if os.path.exists(os.path.join(VAR, "run", app + ".sock")):
            break
        time.sleep(0.1)
    time.sleep(3)	# valgrind start-up and the database connection


def dump_totals(out):
    """Ir of each per-request dump, in dump order."""
    files = [f for f in glob.glob(out + ".*") if re.search(r"\.\d+$", f)]
    files.sort(key=lambda f: int(f.rsplit(".", 1)[1]))
    totals = []
    for f in files:
        with open(f) as fh:
            for line in fh:
                if line.startswith("summary:") or line.startswith("totals:"):
                    totals.append(int(line.split()[1]))
                    break
    return files, totals


def callgrind():
    token = admin_token()
    auth = {"Authorization": "Bearer " + token}
    ids = open(os.path.join(OUT, "user_ids.txt")).read().split()
    cert = {k: [l.rstrip("\n").split("\t", 1) for l in
                open(os.path.join(OUT, "cert_%s.txt" % k))]
            for k in ("ec", "rsa")}
    cgdir = os.path.join(VAR, "log", "callgrind")
    os.makedirs(cgdir, exist_ok=True)
    if os.getuid() == 0:
        subprocess.run(["chown", RUNUSER + ":" + RUNUSER, cgdir], check=True)
    counter = [0]

    def uniq():
        counter[0] += 1
        return "cg%x%d" % (int(time.time()), counter[0])

    def enroll():
        n = uniq()
        return call("POST", "/request/api/requests",
                    {"username": n, "displayName": "CG " + n,
                     "email": n + "@bench.example"})

    def cert_req(kind, i):
        cookie, body = cert[kind][(i * 7) % len(cert[kind])]
        return call("POST", "/request/api/certificate",
                    json.loads(body), {"Cookie": cookie})

    kinds = {
        "api": [
            ("GET /api/health", 200, lambda i: call("GET", "/api/health")),
            ("GET /api/users?limit=50&q=bench", 200,
             lambda i: call("GET", "/api/users?limit=50&q=bench",
                            headers=auth)),
            ("GET /api/users?limit=50&q=bu0004", 200,
             lambda i: call("GET", "/api/users?limit=50&q=bu0004",
                            headers=auth)),
            ("GET /api/users/<id>", 200,
             lambda i: call("GET", "/api/users/" + ids[i * 13 % len(ids)],
                            headers=auth)),
        ],
        "request": [
            ("GET /request/api/username/<taken>", 200,
             lambda i: call("GET", "/request/api/username/bu%05d" %
                            (i + 1))),
            ("POST /request/api/requests", 201, lambda i: enroll()),
            ("POST /request/api/certificate (EC P-256)", 200,
             lambda i: cert_req("ec", i)),
            ("POST /request/api/certificate (RSA 2048)", 200,
             lambda i: cert_req("rsa", i)),
        ],
    }
    warm = 2
    for app, todo in kinds.items():
        out = os.path.join(cgdir, "cg-%s.out" % app)
        for f in glob.glob(out + "*"):
            os.unlink(f)
        log("callgrind: certm3-%s" % app)
        app_under_callgrind(app, out)
        plan = []
        for what, want, fn in todo:
            for i in range(warm + CG_REQS):
                s, _, b = fn(i)
                must(s, want, "callgrind " + what, b)
                plan.append((what, i < warm))
        time.sleep(1)
        app_down(app)	# SIGTERM while idle: the last dump is written
        time.sleep(1)
        files, totals = dump_totals(out)
        if len(totals) != len(plan):
            log("callgrind: %d dumps for %d requests; skipping %s" %
                (len(totals), len(plan), app))
            continue
        by = {}
        for (what, warmup), ir in zip(plan, totals):
            if not warmup:
                by.setdefault(what, []).append(ir)
        for what, irs in by.items():
            irs.sort()
            record("callgrind", app=app, request=what, n=len(irs),
                   ir_median=irs[len(irs) // 2], ir_min=irs[0],
                   ir_max=irs[-1])
            log("  %-45s median %12d Ir (min %d, max %d)" %
                (what, irs[len(irs) // 2], irs[0], irs[-1]))
        # The request of each kind with the median count, for annotation.
        keep = os.path.join(OUT, "callgrind")
        os.makedirs(keep, exist_ok=True)
        idx = 0
        for what, _, _ in todo:
            n = warm + CG_REQS
            seg = list(zip(files[idx:idx + n], totals[idx:idx + n]))[warm:]
            seg.sort(key=lambda x: x[1])
            f = seg[len(seg) // 2][0]
            slug = re.sub(r"[^a-z0-9]+", "_", what.lower()).strip("_")
            subprocess.run(["cp", f, os.path.join(keep, slug + ".out")],
                           check=True)
            idx += n


# --- machine facts and disk ------------------------------------------------

def machine():
    def sh(cmd):
        p = subprocess.run(cmd, shell=True, capture_output=True, text=True)
        return p.stdout.strip()
    facts = {
        "cpu": sh("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2"),
        "cores": os.cpu_count(),
        "mem": sh("free -h | awk '/Mem:/ {print $2}'"),
        "kernel": sh("uname -r"),
        "openssl": sh("openssl version"),
        "postgres": sh(shlex.quote(pg_bin("postgres")) + " --version"),
        "nginx": sh("nginx -v 2>&1"),
        "wrk": sh("wrk --version 2>&1 | head -1"),
        "loadavg": sh("cat /proc/loadavg"),
        "disk": sh("df -h %s | tail -1" % shlex.quote(VAR)),
        "app_forks": os.environ.get("CERTM3_FORKS", "2"),
    }
    record("machine", **facts)
    for k, v in facts.items():
        log("%-9s %s" % (k, v))


def fsync_test():
    f = os.path.join(OUT, "pg_test_fsync.tmp")
    p = subprocess.run([pg_bin("pg_test_fsync"), "-s", "1", "-f", f],
                       capture_output=True, text=True)
    if os.path.exists(f):
        os.unlink(f)
    out = p.stdout
    with open(os.path.join(OUT, "pg_test_fsync.txt"), "w") as fh:
        fh.write(out)
    # The default wal_sync_method on Linux is fdatasync.
    m = re.search(r"fdatasync\s+([\d.]+) ops/sec\s+([\d.]+) usecs/op", out)
    if m:
        record("fsync", fdatasync_ops=float(m.group(1)),
               fdatasync_us=float(m.group(2)))
        log("fdatasync (8 kB WAL write): %s ops/s, %s us/op" % m.groups())


# --- query plans ------------------------------------------------------------

# The statements behind the scenarios, as common/*.c prepares them.
USERS_WHERE = ("WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL "
               "OR username ILIKE $2 OR email ILIKE $2 OR display_name "
               "ILIKE $2)")
USER_JSON_COLS = ("id, username, display_name, email, status, "
                  "iso_utc(created_at) AS created, created_by, "
                  "iso_utc(updated_at) AS updated, updated_by")
PLANS = [
    ("users_list q=bench (all match)",
     "PREPARE s(text, text, bigint, bigint) AS SELECT t.total, u.* FROM "
     "(SELECT count(*) AS total FROM users " + USERS_WHERE + ") t LEFT JOIN "
     "LATERAL (SELECT " + USER_JSON_COLS + " FROM users " + USERS_WHERE +
     " ORDER BY username LIMIT $3 OFFSET $4) u ON true",
     "EXECUTE s(NULL, '%bench%', 50, 0)"),
    ("users_list q=bu0004 (11 match)", None,
     "EXECUTE s(NULL, '%bu0004%', 50, 0)"),
    ("users_list no q", None, "EXECUTE s(NULL, NULL, 50, 0)"),
]


def explain():
    """EXPLAIN ANALYZE of the list statement, in one psql session."""
    sql = []
    for title, prep, run in PLANS:
        if prep:
            sql.append(prep + ";")
        sql.append("\\echo '=== %s'" % title)
        sql.append("EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) " + run + ";")
    p = subprocess.run([pg_bin("psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1",
                        conninfo()], input="\n".join(sql) + "\n",
                       capture_output=True, text=True)
    with open(os.path.join(OUT, "explain.txt"), "w") as f:
        f.write(p.stdout + p.stderr)
    for m in re.finditer(r"=== (.*)\n(?:.*\n)*?.*Execution Time: ([\d.]+) ms",
                         p.stdout):
        record("plan", statement=m.group(1), ms=float(m.group(2)))
        log("plan: %-32s %s ms" % (m.group(1), m.group(2)))


# --- report ---------------------------------------------------------------

def report():
    rows = [json.loads(l) for l in open(RESULTS)]
    out = []
    for r in rows:
        if r["kind"] == "machine":
            out.append("## Machine\n")
            for k, v in r.items():
                if k != "kind":
                    out.append("- %s: %s" % (k, v))
            out.append("")
        if r["kind"] == "fsync":
            out.append("fdatasync: %.0f ops/s, %.0f us/op\n" %
                       (r["fdatasync_ops"], r["fdatasync_us"]))
        if r["kind"] == "seed":
            out.append("Seeded: %s\n" % ", ".join(
                "%s %s" % (k, v) for k, v in r.items() if k != "kind"))
    out.append("## Load (wrk -t%s -d%s)\n" % (THREADS, DURATION))
    out.append("| scenario | c | req/s | p50 ms | p99 ms | non-2xx | "
               "CPU ms/req app / pg / nginx / wrk | cores: stack / "
               "machine | commits/req | WAL syncs/req |")
    out.append("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        if r["kind"] != "load":
            continue
        res, c, d = r["result"], r["cpu_ms_per_request"], r["db_per_request"]
        app = c.get("api", 0) + c.get("request", 0) + c.get("manager", 0)
        out.append("| %s | %d | %.0f | %.2f | %.2f | %d | %.2f / %.2f / "
                   "%.2f / %.2f | %.2f / %.2f | %.2f | %.3f |" %
                   (r["name"], r["conns"], res["rps"], res["p50_ms"],
                    res["p99_ms"], res["status_errors"], app,
                    c.get("postgres", 0), c.get("nginx", 0),
                    c.get("wrk", 0) or 0, r["cores_busy"],
                    r.get("machine_cores_busy", 0), d["commits"],
                    d["wal_syncs"]))
    cg = [r for r in rows if r["kind"] == "callgrind"]
    if cg:
        out.append("\n## Instructions per request in the app (callgrind, "
                   "http_dispatch inclusive)\n")
        out.append("| app | request | median Ir | min | max |")
        out.append("|---|---|---|---|---|")
        for r in cg:
            out.append("| %s | %s | %d | %d | %d |" %
                       (r["app"], r["request"], r["ir_median"], r["ir_min"],
                        r["ir_max"]))
    plans = [r for r in rows if r["kind"] == "plan"]
    if plans:
        out.append("\n## EXPLAIN ANALYZE (server side, one execution)\n")
        for r in plans:
            out.append("- %s: %.2f ms" % (r["statement"], r["ms"]))
    sb = os.path.join(OUT, "sign_bench.txt")
    if os.path.exists(sb):
        out.append("\n## sign_bench (in-process)\n\n```")
        out.append(open(sb).read().rstrip())
        out.append("```")
    print("\n".join(out))


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "seed":
        seed()
    elif cmd == "load":
        load(sys.argv[2:] or ["all"])
    elif cmd == "callgrind":
        callgrind()
    elif cmd == "machine":
        machine()
    elif cmd == "fsync":
        fsync_test()
    elif cmd == "explain":
        explain()
    elif cmd == "report":
        report()
    else:
        sys.exit("unknown command " + cmd)
