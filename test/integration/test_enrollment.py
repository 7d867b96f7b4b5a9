"""Enrollment at /request (issue 3): username availability, requests, the
validation e-mail in the spool, validation creating the user, the
validation session, rate limits and backoff, and the token's secrecy."""

import concurrent.futures
import email.utils
import hashlib
import os
import re
import uuid

import certm3test as t

LINK_RE = re.compile(r"/request/validate/([A-Za-z0-9_-]{43})$", re.M)
# What the stack's addresses may look like from nginx: localhost is
# reached over IPv4 or IPv6.
LOCAL_ADDRS = ("127.0.0.1", "::1")
XFF = {"X-Forwarded-For": "203.0.113.77"}
DEV_CSR_FIELDS = {"C": "US", "ST": "California", "L": "San Francisco",
                  "O": "certM3 Development", "OU": "People"}


def uniq(prefix="en"):
    return prefix + uuid.uuid4().hex[:12]


def person(prefix="en", display="Test Person"):
    name = uniq(prefix)
    return {"username": name, "displayName": display,
            "email": "%s@example.org" % name}


def sql_str(s):
    return "'" + s.replace("'", "''") + "'"


def clear_limits():
    """Forget every enrollment counter and backoff (all addresses)."""
    t.psql("DELETE FROM rate_limits WHERE key ~ '^(name|req|val):'")


def mails_to(addr):
    """The spool's messages addressed to addr, oldest first, as
    (file name, message parsed with policy strict)."""
    out = []
    for name in t.spool_files():
        msg = t.read_mail(name)
        if msg["To"].addresses[0].addr_spec == addr:
            out.append((name, msg))
    return out


def body_of(msg):
    return msg.get_content().replace("\r\n", "\n")


def token_of(msg):
    body = body_of(msg)
    m = LINK_RE.search(body)
    assert m, body
    return m.group(1)


class Enrollment(t.StackTest):

    def setUp(self):
        clear_limits()

    # --- helpers ----------------------------------------------------------

    def create(self, p, status=201, **kw):
        r = t.call("POST", "/request/api/requests", p, **kw)
        self.assertEqual(r.status, status, r)
        return r

    def create_and_token(self, p):
        r = self.create(p)
        mails = mails_to(p["email"])
        self.assertEqual(len(mails), 1)
        return r.json["id"], token_of(mails[0][1])

    def validate(self, token, **kw):
        return t.call("POST", "/request/api/validate", {"token": token}, **kw)

    def cookie_of(self, r):
        c = r.header("set-cookie")
        self.assertIsNotNone(c, r.headers)
        return c.split(";")[0]

    # --- the flow ---------------------------------------------------------

    def test_whole_flow(self):
        p = person("flow", "Zo\u00eb \u00c5ngstr\u00f6m")
        r = t.call("GET", "/request/api/username/" + p["username"],
                   headers=XFF)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json, {"username": p["username"],
                                  "available": True, "reason": None})

        r = self.create(p, headers=XFF)
        self.assertEqual(set(r.json), {"id", "status"})
        self.assertEqual(r.json["status"], "pending")
        rid = r.json["id"]
        self.assertEqual(r.header("location"),
                         "/request/api/requests/" + rid)

        r = t.call("GET", "/request/api/requests/" + rid)
        self.assertEqual(r.json, {"id": rid, "username": p["username"],
                                  "status": "pending"})
        r = t.call("GET", "/request/api/username/" + p["username"])
        self.assertEqual(r.json["reason"], "taken")

        mails = mails_to(p["email"])
        self.assertEqual(len(mails), 1)
        token = token_of(mails[0][1])
        # Only the hash is stored.
        self.assertEqual(t.psql(
            "SELECT challenge_hash FROM requests WHERE id = '%s'" % rid),
            [[hashlib.sha256(token.encode()).hexdigest()]])

        r = self.validate(token, headers=XFF)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(set(r.json), {"userId", "username"})
        self.assertEqual(r.json["username"], p["username"])
        uid = r.json["userId"]
        cookie = self.cookie_of(r)

        r = t.call("GET", "/request/api/session",
                   headers={"Cookie": cookie})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json, {
            "username": p["username"], "displayName": p["displayName"],
            "email": p["email"],
            "groups": [{"name": "users", "displayName": "Users"}],
            "csrFields": DEV_CSR_FIELDS, "via": "validation"})

        self.assertEqual(t.call("GET", "/request/api/requests/" + rid)
                         .json["status"], "completed")
        self.assertEqual(t.psql(
            "SELECT u.username, u.display_name, u.email, u.status, "
            "r.user_id = u.id, r.challenge_hash IS NULL FROM users u "
            "JOIN requests r ON r.username = u.username "
            "WHERE u.id = '%s'" % uid),
            [[p["username"], p["displayName"], p["email"], "active", "t",
              "t"]])
        self.assertEqual(t.psql("SELECT group_name FROM user_groups "
                                "WHERE user_id = '%s'" % uid), [["users"]])
        r = t.call("GET", "/request/api/username/" + p["username"])
        self.assertEqual(r.json["reason"], "taken")

        # Audit rows, with nginx's client address, never the header's.
        rows = t.psql("SELECT action, target, client_addr FROM audit_log "
                      "WHERE target IN ('%s', '%s') ORDER BY id"
                      % (rid, uid))
        self.assertEqual([x[0] for x in rows],
                         ["request.create", "user.create",
                          "request.validate"])
        for action, target, addr in rows:
            self.assertIn(addr, LOCAL_ADDRS)
        self.assertEqual(t.psql(
            "SELECT count(*) FROM audit_log WHERE client_addr LIKE "
            "'%203.0.113.77%'"), [["0"]])

    def test_revalidation_reuses_user(self):
        """A revalidating request (certificates issue) keeps its user and
        the user's groups."""
        p = person("reval")
        _, token = self.create_and_token(p)
        uid = self.validate(token).json["userId"]
        t.psql("INSERT INTO groups (name, display_name) VALUES (%s, 'G') "
               "ON CONFLICT DO NOTHING" % sql_str("g" + p["username"]))
        t.psql("INSERT INTO user_groups (user_id, group_name) VALUES "
               "('%s', %s)" % (uid, sql_str("g" + p["username"])))
        token2 = "R" * 42 + "v"
        rid2 = t.psql(
            "INSERT INTO requests (username, display_name, email, status, "
            "user_id, challenge_hash, challenge_expires_at) VALUES "
            "(%s, 'X', %s, 'revalidating', '%s', '%s', now() + "
            "interval '1 hour') RETURNING id" % (
                sql_str(p["username"]), sql_str(p["email"]), uid,
                hashlib.sha256(token2.encode()).hexdigest()))[0][0]
        r = self.validate(token2)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json, {"userId": uid, "username": p["username"]})
        self.assertEqual(t.psql("SELECT count(*) FROM users WHERE "
                                "username = %s" % sql_str(p["username"])),
                         [["1"]])
        self.assertEqual(t.psql("SELECT count(*) FROM user_groups WHERE "
                                "user_id = '%s'" % uid), [["2"]])
        self.assertEqual(t.psql("SELECT status, user_id FROM requests "
                                "WHERE id = '%s'" % rid2),
                         [["completed", uid]])

    # --- the e-mail -------------------------------------------------------

    def test_mail_well_formed(self):
        p = person("mail", "Zo\u00eb \u00c5ngstr\u00f6m, \"Z\"")
        rid = self.create(p).json["id"]
        (name, msg), = mails_to(p["email"])
        self.assertRegex(name, r"^\d{8}T\d{6}\.\d{6}Z-[0-9a-f]{16}\.eml$")
        path = os.path.join(t.spool_dir(), name)
        self.assertEqual(os.stat(path).st_mode & 0o777, 0o640)
        self.assertEqual([f for f in os.listdir(t.spool_dir())
                          if f.startswith(".")], [])
        with open(path, "rb") as f:
            raw = f.read()
        for line in raw.split(b"\r\n")[:-1]:
            self.assertNotIn(b"\n", line)
            self.assertLessEqual(len(line), 998)
        self.assertTrue(raw.endswith(b"\r\n"))
        head = raw.split(b"\r\n\r\n", 1)[0]
        self.assertIn(b"=?UTF-8?B?", head)  # RFC 2047 display name
        for h in ("From", "To", "Subject", "Date", "Message-ID",
                  "MIME-Version", "Content-Type",
                  "Content-Transfer-Encoding"):
            self.assertIsNotNone(msg[h], h)
        self.assertEqual(msg["MIME-Version"], "1.0")
        self.assertEqual(msg.get_content_type(), "text/plain")
        self.assertEqual(msg.get_content_charset(), "utf-8")
        self.assertRegex(msg["Message-ID"], r"^<[0-9a-f]{32}@localhost>$")
        self.assertIsNotNone(email.utils.parsedate_to_datetime(msg["Date"]))
        to = msg["To"].addresses[0]
        self.assertEqual(to.display_name, p["displayName"])
        self.assertEqual(to.addr_spec, p["email"])
        self.assertIn("certm3@localhost", msg["From"])
        body = body_of(msg)
        token = token_of(msg)
        self.assertIn("Hello %s," % p["displayName"], body)
        self.assertIn("https://localhost:%d/request/validate/%s"
                      % (t.port(), token), body)
        self.assertIn("\n%s\n" % token, body)
        self.assertIn(p["username"], body)
        exp = t.psql("SELECT to_char(challenge_expires_at AT TIME ZONE "
                     "'UTC', 'YYYY-MM-DD HH24:MI') FROM requests "
                     "WHERE id = '%s'" % rid)[0][0]
        self.assertIn("until %s UTC" % exp, body)

    def test_spool_unwritable_stores_nothing(self):
        # A regular file where the directory was: no process can create a
        # file in it, root included.
        p = person("nospool")
        spool = t.spool_dir()
        away = spool + ".away"
        os.rename(spool, away)
        try:
            with open(spool, "w") as f:
                f.write("not a directory\n")
            r = t.call("POST", "/request/api/requests", p)
            self.assertError(r, 503)
        finally:
            os.unlink(spool)
            os.rename(away, spool)
        self.assertEqual(t.psql("SELECT count(*) FROM requests WHERE "
                                "username = %s" % sql_str(p["username"])),
                         [["0"]])
        self.assertEqual(t.psql("SELECT count(*) FROM audit_log WHERE "
                                "detail->>'username' = %s"
                                % sql_str(p["username"])), [["0"]])
        self.assertEqual(mails_to(p["email"]), [])
        self.assertEqual([f for f in os.listdir(spool)
                          if f.startswith(".")], [])
        # And the name was not taken by the failure.
        self.create(p)

    # --- input ------------------------------------------------------------

    def test_bad_fields(self):
        bad = {
            "username": [None, 5, "", "ab", "a" * 33, "1abc", "ab c",
                         "ab$c", "\u00e9cole", ["x"]],
            "displayName": [None, "", "   ", "x" * 129, "bell\u0007",
                            "two\nlines", "c1\u0085", {"a": 1}, True],
            "email": [None, "", "no-at", "a@b@c.org", "a b@c.org",
                      "j\u00f6rg@example.de",
                      "x" * 250 + "@e.org", "a@", "@b.org", "a<b>@c.org",
                      "a@b.org\r\nBcc: x@y.org", 7],
        }
        for field, values in bad.items():
            for v in values:
                with self.subTest(field=field, value=v):
                    p = person("bad")
                    if v is None:
                        del p[field]
                    else:
                        p[field] = v
                    r = t.call("POST", "/request/api/requests", p)
                    err = self.assertError(r, 400, "BadRequest")
                    self.assertEqual(err["field"], field)
        r = t.call("POST", "/request/api/requests",
                   dict(person("bad"), extra=1))
        self.assertEqual(self.assertError(r, 400)["field"], "extra")
        # A NUL character never reaches a field: the body is refused.
        r = t.call("POST", "/request/api/requests",
                   dict(person("bad"), username="a\u0000b"))
        self.assertIn("NUL", self.assertError(r, 400, "BadRequest")["message"])
        # 128 characters of a display name are fine, non-ASCII too.
        self.create(person("ok", "\u00e9" * 128))

    def test_malformed_json(self):
        for raw in (b"{", b"[]", b'"text"', b'{"username": }', b"null",
                    b'{"username":"\xff\xfe"}', b"{} {}", b"",
                    b'{"a":' * 40 + b"1" + b"}" * 40):
            with self.subTest(raw=raw[:30]):
                r = t.call("POST", "/request/api/requests", raw=raw,
                           ctype="application/json")
                self.assertError(r, 400, "BadRequest")
        r = t.call("POST", "/request/api/validate", raw=b"{",
                   ctype="application/json")
        self.assertError(r, 400, "BadRequest")

    def test_body_too_large(self):
        for size in (70 * 1024, 2 * 1024 * 1024):
            with self.subTest(size=size):
                raw = b'{"username":"' + b"a" * size + b'"}'
                for path in ("/request/api/requests",
                             "/request/api/validate"):
                    r = t.call("POST", path, raw=raw,
                               ctype="application/json")
                    self.assertError(r, 413, "PayloadTooLarge")

    def test_wrong_content_type(self):
        for ctype in ("text/plain", "application/x-www-form-urlencoded",
                      "application/jsonx"):
            with self.subTest(ctype=ctype):
                r = t.call("POST", "/request/api/requests",
                           raw=b'{"username":"x"}', ctype=ctype)
                self.assertError(r, 415, "UnsupportedMediaType")

    def test_methods(self):
        r = t.call("DELETE", "/request/api/requests")
        self.assertError(r, 405)
        self.assertEqual(r.header("allow"), "POST")
        r = t.call("GET", "/request/api/validate")
        self.assertError(r, 405)
        self.assertError(t.call("POST", "/request/api/username/abc"), 405)

    # --- usernames --------------------------------------------------------

    def test_username_reasons(self):
        def check(name, echo, reason):
            r = t.call("GET", "/request/api/username/" + name)
            self.assertEqual(r.status, 200, r)
            self.assertEqual(r.json, {"username": echo,
                                      "available": reason is None,
                                      "reason": reason})
        free = uniq("free")
        check(free, free, None)
        check(free.upper(), free, None)
        for bad in ("ab", "1abc", "a" * 33, "a%20b", "x%24y"):
            check(bad, bad.replace("%20", " ").replace("%24", "$").lower(),
                  "invalid")
        check("admin", "admin", "reserved")
        check("Root", "root", "reserved")
        check("POSTMASTER", "postmaster", "reserved")
        user = uniq("user")
        t.psql("INSERT INTO users (username, display_name, email) VALUES "
               "(%s, 'U', %s)" % (sql_str(user), sql_str(user + "@x.org")))
        check(user, user, "taken")
        check(user.upper(), user, "taken")
        p = person("live")
        self.create(p)
        check(p["username"], p["username"], "taken")
        check(p["username"].capitalize(), p["username"], "taken")
        r = t.call("GET", "/request/api/username/%ff%fe")
        self.assertEqual(r.json, {"username": None, "available": False,
                                  "reason": "invalid"})

    def test_create_conflicts(self):
        p = person("dup")
        p["username"] = p["username"].upper()
        self.create(p)
        self.assertEqual(t.psql("SELECT username FROM requests WHERE "
                                "email = %s" % sql_str(p["email"])),
                         [[p["username"].lower()]])
        for name in (p["username"], p["username"].lower()):
            q = person("dup2")
            q["username"] = name
            err = self.assertError(self.create(q, 409), 409, "UsernameTaken")
            self.assertEqual(err["field"], "username")
        q = person("res")
        q["username"] = "Admin"
        err = self.assertError(self.create(q, 409), 409, "UsernameReserved")
        self.assertEqual(err["field"], "username")
        # An e-mail address that belongs to a user already.
        user = uniq("mailuser")
        t.psql("INSERT INTO users (username, display_name, email) VALUES "
               "(%s, 'U', %s)" % (sql_str(user), sql_str(user + "@x.org")))
        q = person("mailtaken")
        q["email"] = (user + "@X.ORG")
        err = self.assertError(self.create(q, 409), 409, "EmailTaken")
        self.assertEqual(err["field"], "email")
        self.assertEqual(mails_to(q["email"]), [])

    def test_concurrent_requests_one_wins(self):
        name = uniq("race")
        before = set(t.spool_files())

        def post(i):
            return t.call("POST", "/request/api/requests", {
                "username": name if i % 2 else name.upper(),
                "displayName": "Racer %d" % i,
                "email": "%s-%d@example.org" % (name, i)})
        with concurrent.futures.ThreadPoolExecutor(20) as ex:
            rs = list(ex.map(post, range(20)))
        codes = sorted(r.status for r in rs)
        self.assertEqual(codes, [201] + [409] * 19, rs)
        for r in rs:
            if r.status == 409:
                self.assertEqual(r.json["error"]["name"], "UsernameTaken")
        self.assertEqual(t.psql("SELECT count(*) FROM requests WHERE "
                                "username = %s" % sql_str(name)), [["1"]])
        # The losers wrote no e-mail.
        self.assertEqual(len(set(t.spool_files()) - before), 1)

    def test_expired_request_frees_name(self):
        p = person("stale")
        rid = self.create(p).json["id"]
        t.psql("UPDATE requests SET challenge_expires_at = now() - "
               "interval '1 second' WHERE id = '%s'" % rid)
        r = t.call("GET", "/request/api/username/" + p["username"])
        self.assertEqual(r.json["available"], True, r)
        self.assertEqual(t.call("GET", "/request/api/requests/" + rid)
                         .json["status"], "expired")
        self.assertEqual(t.psql("SELECT count(*) FROM audit_log WHERE "
                                "action = 'request.expire' AND "
                                "target = '%s'" % rid), [["1"]])
        self.create(dict(person("stale2"), username=p["username"]))

    # --- validation -------------------------------------------------------

    def test_token_reuse(self):
        _, token = self.create_and_token(person("reuse"))
        self.assertEqual(self.validate(token).status, 200)
        clear_limits()
        self.assertError(self.validate(token), 404, "NotFound")

    def test_unknown_and_bad_tokens(self):
        for token in ("A" * 43, "short", "x" * 300):
            with self.subTest(token=token[:10]):
                clear_limits()
                self.assertError(self.validate(token), 404 if
                                 len(token) <= 256 else 400)
        for body in ({}, {"token": None}, {"token": ""}, {"token": 5},
                     {"token": "A" * 43, "more": 1}):
            with self.subTest(body=body):
                clear_limits()
                r = t.call("POST", "/request/api/validate", body)
                self.assertEqual(self.assertError(r, 400)["field"],
                                 "more" if "more" in body else "token")

    def test_expired_token(self):
        p = person("exp")
        rid, token = self.create_and_token(p)
        t.psql("UPDATE requests SET challenge_expires_at = now() - "
               "interval '1 second' WHERE id = '%s'" % rid)
        self.assertError(self.validate(token), 410, "Gone")
        self.assertEqual(t.call("GET", "/request/api/requests/" + rid)
                         .json["status"], "expired")
        # Still expired, not unknown; and nothing was created.
        self.assertError(self.validate(token), 410, "Gone")
        self.assertEqual(t.psql("SELECT count(*) FROM users WHERE "
                                "username = %s" % sql_str(p["username"])),
                         [["0"]])
        r = t.call("POST", "/request/api/requests/%s/resend" % rid)
        self.assertError(r, 409, "RequestNotPending")
        r = t.call("GET", "/request/api/username/" + p["username"])
        self.assertTrue(r.json["available"])

    def test_backoff(self):
        def fail():
            self.assertError(self.validate("B" * 43), 404)

        def blocked():
            r = self.validate("C" * 43)
            self.assertError(r, 429, "TooManyRequests")
            return int(r.header("retry-after"))

        def wait_out():
            # Move the block's end to now instead of sleeping through it.
            t.psql("UPDATE rate_limits SET blocked_until = now() "
                   "WHERE key LIKE 'val:addr:%'")

        fail()
        self.assertEqual(blocked(), 1)
        wait_out()
        fail()
        self.assertEqual(blocked(), 2)
        wait_out()
        fail()
        self.assertEqual(blocked(), 4)
        # Blocked means blocked: a good token waits too.
        _, token = self.create_and_token(person("bo"))
        self.assertError(self.validate(token), 429)
        rows = t.psql("SELECT failures FROM rate_limits WHERE key LIKE "
                      "'val:addr:%'")
        self.assertEqual(rows, [["3"]])
        wait_out()
        self.assertEqual(self.validate(token).status, 200)
        # Success forgets the streak.
        self.assertEqual(t.psql("SELECT failures FROM rate_limits WHERE "
                                "key LIKE 'val:addr:%'"), [["0"]])

    def test_resend(self):
        p = person("resend")
        rid, old = self.create_and_token(p)
        r = t.call("POST", "/request/api/requests/%s/resend" % rid)
        self.assertEqual(r.status, 202, r)
        self.assertEqual(r.json, {"id": rid, "username": p["username"],
                                  "status": "pending"})
        mails = mails_to(p["email"])
        self.assertEqual(len(mails), 2)
        new = token_of(mails[1][1])
        self.assertNotEqual(new, old)
        self.assertError(self.validate(old), 404)
        clear_limits()
        self.assertEqual(self.validate(new).status, 200)
        r = t.call("POST", "/request/api/requests/%s/resend" % rid)
        self.assertError(r, 409, "RequestNotPending")
        self.assertEqual(t.psql(
            "SELECT count(*) FROM audit_log WHERE action = 'request.resend' "
            "AND target = '%s'" % rid), [["1"]])
        for bad in (str(uuid.uuid4()), "not-a-uuid"):
            r = t.call("POST", "/request/api/requests/%s/resend" % bad)
            self.assertError(r, 404)
        r = t.call("POST", "/request/api/requests/%s/resend" % rid,
                   {"x": 1})
        self.assertError(r, 400)

    def test_get_request(self):
        for bad in (str(uuid.uuid4()), "nope", "%41"):
            self.assertError(t.call("GET", "/request/api/requests/" + bad),
                             404)

    # --- the session ------------------------------------------------------

    def test_session_cookie(self):
        p = person("cookie")
        _, token = self.create_and_token(p)
        r = self.validate(token)
        raw = r.header("set-cookie")
        parts = [x.strip() for x in raw.split(";")]
        name, value = parts[0].split("=", 1)
        self.assertEqual(name, "certm3_session")
        self.assertRegex(value, r"^[A-Za-z0-9_-]{43}$")
        attrs = {a.split("=")[0].lower(): (a.split("=", 1) + [None])[1]
                 for a in parts[1:]}
        self.assertEqual(attrs, {"path": "/request", "max-age": "1800",
                                 "httponly": None, "secure": None,
                                 "samesite": "Strict"})
        self.assertEqual(t.psql(
            "SELECT count(*) FROM sessions WHERE id_hash = '%s' AND "
            "expires_at BETWEEN now() + interval '29 minutes' AND "
            "now() + interval '31 minutes'"
            % hashlib.sha256(value.encode()).hexdigest()), [["1"]])
        self.assertEqual(t.psql("SELECT count(*) FROM sessions WHERE "
                                "id_hash = '%s'" % value), [["0"]])

    def test_session_required(self):
        self.assertError(t.call("GET", "/request/api/session"), 401,
                         "Unauthorized")
        for bogus in ("certm3_session=" + "A" * 43, "certm3_session=",
                      "other=1", "certm3_session=%00;x"):
            self.assertError(t.call("GET", "/request/api/session",
                                    headers={"Cookie": bogus}), 401)
        p = person("sess")
        _, token = self.create_and_token(p)
        r = self.validate(token)
        cookie = self.cookie_of(r)
        uid = r.json["userId"]
        h = hashlib.sha256(cookie.split("=", 1)[1].encode()).hexdigest()
        ok = {"Cookie": "a=b; " + cookie + "; c=d"}
        self.assertEqual(t.call("GET", "/request/api/session",
                                headers=ok).status, 200)
        # Deactivated user, expired session, revoked session: 401.
        t.psql("UPDATE users SET status = 'inactive' WHERE id = '%s'" % uid)
        self.assertError(t.call("GET", "/request/api/session", headers=ok),
                         401)
        t.psql("UPDATE users SET status = 'active' WHERE id = '%s'" % uid)
        t.psql("UPDATE sessions SET expires_at = now() - interval '1 second'"
               " WHERE id_hash = '%s'" % h)
        self.assertError(t.call("GET", "/request/api/session", headers=ok),
                         401)
        t.psql("UPDATE sessions SET expires_at = now() + interval '1 hour', "
               "revoked_at = now() WHERE id_hash = '%s'" % h)
        self.assertError(t.call("GET", "/request/api/session", headers=ok),
                         401)

    # --- limits -----------------------------------------------------------

    def seed(self, key, hits):
        t.psql("INSERT INTO rate_limits (key, hits, window_start) VALUES "
               "(%s, %d, now()) ON CONFLICT (key) DO UPDATE SET hits = "
               "EXCLUDED.hits, window_start = now()" % (sql_str(key), hits))

    def assertLimited(self, r):
        self.assertError(r, 429, "TooManyRequests")
        self.assertTrue(1 <= int(r.header("retry-after")) <= 3600, r.headers)

    def test_request_limits(self):
        # The test stack allows 100000 an hour; fill the window up.
        p = person("lim")
        self.seed("req:email:" + p["email"], 100000)
        self.assertLimited(t.call("POST", "/request/api/requests", p))
        p["email"] = p["email"].upper()
        self.assertLimited(t.call("POST", "/request/api/requests", p))
        self.assertEqual(t.psql("SELECT count(*) FROM requests WHERE "
                                "username = %s" % sql_str(p["username"])),
                         [["0"]])
        clear_limits()
        for a in LOCAL_ADDRS:
            self.seed("req:addr:" + a, 100000)
        self.assertLimited(t.call("POST", "/request/api/requests",
                                  person("lim2")))
        clear_limits()
        # Re-sends count on the same keys.
        q = person("lim3")
        rid = self.create(q).json["id"]
        self.seed("req:email:" + q["email"], 100000)
        self.assertLimited(t.call("POST",
                                  "/request/api/requests/%s/resend" % rid))
        clear_limits()
        # Counting: one hit per request, per address and per e-mail.
        self.create(person("lim4"))
        rows = t.psql("SELECT key, hits FROM rate_limits WHERE key LIKE "
                      "'req:%' ORDER BY key")
        self.assertEqual(len(rows), 2, rows)
        self.assertEqual([r[1] for r in rows], ["1", "1"])

    def test_username_limit(self):
        for a in LOCAL_ADDRS:
            self.seed("name:addr:" + a, 100000)
        r = t.call("GET", "/request/api/username/" + uniq())
        self.assertLimited(r)
        self.assertLessEqual(int(r.header("retry-after")), 60)

    def test_window_restarts(self):
        p = person("win")
        t.psql("INSERT INTO rate_limits (key, hits, window_start) VALUES "
               "(%s, 100000, now() - interval '2 hours')"
               % sql_str("req:email:" + p["email"]))
        self.create(p)
        self.assertEqual(t.psql("SELECT hits FROM rate_limits WHERE key = "
                                "%s" % sql_str("req:email:" + p["email"])),
                         [["1"]])

    # --- secrecy ----------------------------------------------------------

    def test_token_never_in_responses_or_logs(self):
        seen = []

        def call(*a, **kw):
            r = t.call(*a, **kw)
            seen.append(r)
            return r
        p = person("secret")
        call("GET", "/request/api/username/" + p["username"])
        rid = call("POST", "/request/api/requests", p).json["id"]
        call("GET", "/request/api/requests/" + rid)
        call("POST", "/request/api/requests/%s/resend" % rid)
        tokens = [token_of(m) for _, m in mails_to(p["email"])]
        self.assertEqual(len(tokens), 2)
        call("POST", "/request/api/validate", {"token": tokens[0]})
        clear_limits()
        r = call("POST", "/request/api/validate", {"token": tokens[1]})
        self.assertEqual(r.status, 200, r)
        session = self.cookie_of(r).split("=", 1)[1]
        call("GET", "/request/api/session",
             headers={"Cookie": "certm3_session=" + session})
        call("GET", "/request/api/requests/" + rid)
        call("POST", "/request/api/validate", {"token": tokens[1]})
        for r in seen:
            blob = r.body + repr(r.headers).encode()
            for tok in tokens:
                self.assertNotIn(tok.encode(), blob)
        secrets = [x.encode() for x in tokens + [session]]
        logdir = os.path.join(t.VAR, "log")
        for f in os.listdir(logdir):
            path = os.path.join(logdir, f)
            if not os.path.isfile(path):
                continue
            with open(path, "rb") as fh:
                data = fh.read()
            for s in secrets:
                self.assertNotIn(s, data, path)
