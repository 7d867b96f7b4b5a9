"""Foundation: health, error shapes, limits, PostgreSQL outages, the
schema's rules, config errors and `./certm3 up` being idempotent."""

import concurrent.futures
import hashlib
import os
import subprocess
import tempfile
import time

import certm3test as t


class Foundation(t.StackTest):

    def test_health(self):
        r = t.call("GET", "/api/health")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.json, {"status": "ok", "database": "ok"})
        self.assertEqual(r.header("cache-control"), "no-store")
        self.assertRegex(r.header("x-request-id"), "^[0-9a-f]{16,32}$")

    def test_not_found_per_app(self):
        for path in ("/api/nope", "/api/health/x", "/request/api/nope"):
            with self.subTest(path=path):
                self.assertError(t.call("GET", path), 404, "NotFound")

    def test_method_not_allowed(self):
        r = t.call("DELETE", "/api/health")
        self.assertError(r, 405, "MethodNotAllowed")
        self.assertEqual(r.header("allow"), "GET")

    def test_body_too_large(self):
        # Over the app's limit: the app's 413; over nginx's: nginx's,
        # in the same shape.
        for size in (70 * 1024, 2 * 1024 * 1024):
            with self.subTest(size=size):
                r = t.call("POST", "/api/health", raw=b"{" + b" " * size + b"}",
                           ctype="application/json")
                self.assertError(r, 413, "PayloadTooLarge")

    def test_security_headers_everywhere(self):
        for path in ("/api/health", "/api/nope", "/request",
                     "/request/validate", "/request/certificate",
                     "/static/css/certm3.css", "/request/ca.pem",
                     "/manager", "/"):
            with self.subTest(path=path):
                r = t.call("GET", path)
                csp = r.header("content-security-policy") or ""
                self.assertIn("frame-ancestors 'none'", csp)
                self.assertIn("script-src 'self'", csp)
                self.assertEqual(r.header("x-content-type-options"), "nosniff")
                self.assertEqual(r.header("referrer-policy"), "same-origin")

    def test_malformed_uri(self):
        r = t.call("GET", "/api/health?x=%zz")
        self.assertError(r, 400, "BadRequest")


class Database(t.StackTest):

    def test_users_group_protected(self):
        self.assertEqual(t.psql("SELECT name FROM groups WHERE name = 'users'"),
                         [["users"]])
        for sql in ("DELETE FROM groups WHERE name = 'users'",
                    "UPDATE groups SET name = 'people' WHERE name = 'users'"):
            with self.subTest(sql=sql):
                p = t.psql(sql, check=False)
                self.assertNotEqual(p.returncode, 0)
                self.assertIn("group_users_protected", p.stderr)
        uid = t.psql("INSERT INTO users (username, display_name, email) "
                     "VALUES ('dbtest1', 'DB Test', 'dbtest1@example.org') "
                     "RETURNING id")[0][0]
        t.psql("INSERT INTO user_groups (user_id, group_name) "
               "VALUES ('%s', 'users')" % uid)
        p = t.psql("DELETE FROM user_groups WHERE user_id = '%s'" % uid,
                   check=False)
        self.assertIn("membership_users_protected", p.stderr)
        # Other groups may still be renamed and deleted.
        t.psql("INSERT INTO groups (name, display_name) VALUES ('dbg', 'G')")
        t.psql("UPDATE groups SET name = 'dbg2' WHERE name = 'dbg'")
        t.psql("DELETE FROM groups WHERE name = 'dbg2'")

    def test_username_unique_across_users_and_requests(self):
        t.psql("INSERT INTO users (username, display_name, email) "
               "VALUES ('dbtaken', 'X', 'dbtaken@example.org')")
        p = t.psql("INSERT INTO requests (username, display_name, email) "
                   "VALUES ('dbtaken', 'Y', 'other@example.org')", check=False)
        self.assertIn("username_taken", p.stderr)
        t.psql("INSERT INTO requests (username, display_name, email) "
               "VALUES ('dbreq', 'Y', 'y@example.org')")
        p = t.psql("INSERT INTO users (username, display_name, email) "
                   "VALUES ('dbreq', 'Z', 'z@example.org')", check=False)
        self.assertIn("username_taken", p.stderr)
        # Upper case never reaches the table.
        p = t.psql("INSERT INTO requests (username, display_name, email) "
                   "VALUES ('DBReq2', 'Y', 'y@example.org')", check=False)
        self.assertIn("username_t", p.stderr)
        # A dead request frees the name; a live one of the same user is
        # no conflict (re-validation).
        t.psql("UPDATE requests SET status = 'cancelled' "
               "WHERE username = 'dbreq'")
        uid = t.psql("INSERT INTO users (username, display_name, email) "
                     "VALUES ('dbreq', 'Z', 'z@example.org') RETURNING id")[0][0]
        t.psql("INSERT INTO requests (username, display_name, email, status, "
               "user_id) VALUES ('dbreq', 'Z', 'z@example.org', "
               "'revalidating', '%s')" % uid)
        # E-mail is unique among users, case-insensitively.
        p = t.psql("INSERT INTO users (username, display_name, email) "
                   "VALUES ('dbmail', 'M', 'Z@EXAMPLE.ORG')", check=False)
        self.assertIn("users_email_key", p.stderr)

    def test_concurrent_claims_one_wins(self):
        def claim(i):
            return t.psql("INSERT INTO requests (username, display_name, "
                          "email) VALUES ('dbrace', 'R', 'r%d@example.org')"
                          % i, check=False).returncode
        with concurrent.futures.ThreadPoolExecutor(10) as ex:
            codes = list(ex.map(claim, range(10)))
        self.assertEqual(codes.count(0), 1, codes)
        self.assertEqual(t.psql("SELECT count(*) FROM requests "
                                "WHERE username = 'dbrace'"), [["1"]])

    def test_status_checks(self):
        p = t.psql("INSERT INTO requests (username, display_name, email, "
                   "status) VALUES ('dbstat', 'S', 's@example.org', 'weird')",
                   check=False)
        self.assertIn("requests_status_check", p.stderr)

    def test_migrate_twice_is_noop(self):
        env = dict(os.environ, CERTM3_CONFIG=os.path.join(t.VAR,
                                                          "certm3.conf"))
        env.pop("ASAN_OPTIONS", None)
        p = subprocess.run([os.path.join(t.BUILD, "api", "certm3-api"),
                            "--migrate", os.path.join(t.ROOT, "db")],
                           env=env, capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("migrations: 0 applied", p.stderr)
        rows = t.psql("SELECT version FROM schema_migrations ORDER BY 1")
        self.assertEqual(rows[0], ["0001-init.sql"])
        self.assertEqual(len(rows), len([f for f in os.listdir(
            os.path.join(t.ROOT, "db")) if f.endswith(".sql")]))
        # Rate-limit state is not worth a WAL flush per check.
        self.assertEqual(t.psql("SELECT relpersistence FROM pg_class "
                                "WHERE relname = 'rate_limits'"), [["u"]])


class ConfigErrors(t.StackTest):

    def run_app(self, app, conf_text):
        with tempfile.NamedTemporaryFile("w", suffix=".conf",
                                         delete=False) as f:
            f.write(conf_text)
        try:
            env = dict(os.environ, CERTM3_CONFIG=f.name)
            return f.name, subprocess.run(
                [os.path.join(t.BUILD, app, "certm3-" + app)],
                env=env, capture_output=True, text=True, timeout=20,
                stdin=subprocess.DEVNULL)
        finally:
            os.unlink(f.name)

    def test_unknown_key_stops_each_app(self):
        for app in ("api", "request", "manager"):
            with self.subTest(app=app):
                name, p = self.run_app(app, "# ok\nadmin_group = x\n"
                                       "no_such_key = 1\n")
                self.assertNotEqual(p.returncode, 0)
                self.assertIn("%s:3: no_such_key: unknown key" % name,
                              p.stderr)

    def test_bad_value_stops(self):
        name, p = self.run_app("api", "session_lifetime = forever\n")
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("%s:1: session_lifetime: not a duration" % name,
                      p.stderr)


class Outage(t.StackTest):
    """PostgreSQL stops: health says so and every app keeps running; it
    starts again: the next request reconnects without restarting apps."""

    def pg_ctl(self, action):
        user = []
        if os.geteuid() == 0:
            user = ["runuser", "-u", "certm3", "--"]
        p = subprocess.run(user + [t.pg_bin("pg_ctl"), "-D",
                                   os.path.join(t.VAR, "pg"), "-w", "-m",
                                   "fast", "-l",
                                   os.path.join(t.VAR, "log",
                                                "postgresql.log"), action],
                           capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stderr)

    def test_postgres_restart(self):
        before = t.app_pids()
        self.assertEqual(t.call("GET", "/api/health").status, 200)
        self.pg_ctl("stop")
        try:
            for _ in range(3):	# every process, several times
                r = t.call("GET", "/api/health")
                self.assertEqual(r.status, 503)
                self.assertEqual(r.json, {"status": "degraded",
                                          "database": "unavailable"})
        finally:
            self.pg_ctl("start")
        for _ in range(4):
            r = t.call("GET", "/api/health")
            self.assertEqual(r.status, 200, r)
        self.assertEqual(t.app_pids(), before)


class Privileges(t.StackTest):

    def test_unprivileged_when_root(self):
        """As root, ./certm3 up runs PostgreSQL and the apps as certm3."""
        if os.geteuid() != 0:
            self.skipTest("started as a normal user: everything is theirs")
        import pwd
        uid = pwd.getpwnam("certm3").pw_uid
        pids = [p for ps in t.app_pids().values() for p in ps]
        with open(os.path.join(t.VAR, "pg", "postmaster.pid")) as f:
            pids.append(int(f.readline()))
        for pid in pids:
            with open("/proc/%d/status" % pid) as f:
                uids = [l.split()[1:] for l in f if l.startswith("Uid:")][0]
            self.assertEqual(set(int(u) for u in uids), {uid}, pid)
        # The CA key belongs to that user alone.
        st = os.stat(os.path.join(t.VAR, "ca", "ca.key"))
        self.assertEqual((st.st_uid, st.st_mode & 0o777), (uid, 0o600))


class UpIdempotent(t.StackTest):

    def test_up_twice(self):
        ca = os.path.join(t.VAR, "ca", "ca.pem")
        with open(ca, "rb") as f:
            ca_before = hashlib.sha256(f.read()).hexdigest()
        with open(os.path.join(t.VAR, "pg", "postmaster.pid")) as f:
            pg_before = f.readline().strip()
        p = t.certm3("up")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertIn("https://localhost:%d/request" % t.port(), p.stdout)
        with open(ca, "rb") as f:
            self.assertEqual(hashlib.sha256(f.read()).hexdigest(), ca_before)
        with open(os.path.join(t.VAR, "pg", "postmaster.pid")) as f:
            self.assertEqual(f.readline().strip(), pg_before)
        self.assertEqual(oct(os.stat(os.path.join(t.VAR, "ca", "ca.key"))
                             .st_mode & 0o777), "0o600")
        self.assertEqual(t.call("GET", "/api/health").status, 200)
        st = t.certm3("status")
        self.assertEqual(st.returncode, 0, st.stdout)
        for piece in ("postgresql", "api", "request", "manager", "nginx"):
            self.assertRegex(st.stdout, r"certm3: %s\s+running" % piece)
