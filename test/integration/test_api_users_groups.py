"""/api users, groups, usernames and audit over HTTPS through nginx: each
endpoint's success and documented errors, pagination edges, filters,
search texts that look like LIKE wildcards or SQL, deactivation revoking
certificates in one transaction, and the protections of group `users`."""

import hashlib
import os
import urllib.parse
import uuid

import certm3test as t


def admin_token():
    with open(os.path.join(t.VAR, "dev", "admin.token")) as f:
        return f.read().strip()


def api(method, path, body=None, **kw):
    """An /api call as the dev admin (bearer token)."""
    headers = dict(kw.pop("headers", {}))
    headers.setdefault("Authorization", "Bearer " + admin_token())
    return t.call(method, path, body, headers=headers, **kw)


def qs(**params):
    return "?" + urllib.parse.urlencode(params)


def mark():
    """A short unique marker: names made with it are this test's own."""
    return uuid.uuid4().hex[:8]


def sql_str(s):
    return "'" + s.replace("'", "''") + "'"


class ApiTest(t.StackTest):

    def make_user(self, name=None, display=None, email=None):
        name = name or "u" + mark()
        r = api("POST", "/api/users", {
            "username": name,
            "displayName": display or "User " + name,
            "email": email or name + "@example.org"})
        self.assertEqual(r.status, 201, r)
        return r.json

    def make_group(self, name=None, **extra):
        body = {"name": name or "g" + mark()}
        body.update(extra)
        r = api("POST", "/api/groups", body)
        self.assertEqual(r.status, 201, r)
        return r.json

    def audit(self, **filters):
        r = api("GET", "/api/audit" + qs(limit=500, **filters))
        self.assertEqual(r.status, 200, r)
        return r.json["data"]

    def assertField(self, r, status, field, name=None):
        err = self.assertError(r, status, name)
        self.assertEqual(err.get("field"), field, r)
        return err


class Users(ApiTest):

    def test_create_and_get(self):
        m = mark()
        r = api("POST", "/api/users", {"username": "Ann" + m,
                                       "displayName": "Ann Ö " + m,
                                       "email": "ann" + m + "@example.org"})
        self.assertEqual(r.status, 201, r)
        u = r.json
        self.assertEqual(u["username"], "ann" + m)
        self.assertEqual(u["displayName"], "Ann Ö " + m)
        self.assertEqual(u["status"], "active")
        self.assertRegex(u["createdAt"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        self.assertEqual(set(u), {"id", "username", "displayName", "email",
                                  "status", "createdAt", "createdBy",
                                  "updatedAt", "updatedBy"})
        uuid.UUID(u["id"])
        self.assertEqual(r.header("location"), "/api/users/" + u["id"])
        self.assertEqual(api("GET", "/api/users/" + u["id"]).json, u)
        # Upper-case ids are the same id.
        self.assertEqual(api("GET", "/api/users/" + u["id"].upper()).status,
                         200)
        g = api("GET", "/api/users/%s/groups" % u["id"]).json
        self.assertEqual([x["name"] for x in g["data"]], ["users"])
        rows = self.audit(action="user.create", target=u["id"])
        self.assertEqual(len(rows), 1)
        self.assertEqual(rows[0]["targetType"], "user")
        self.assertTrue(rows[0]["actor"].startswith("admin"))

    def test_get_unknown(self):
        for ident in (str(uuid.uuid4()), "not-a-uuid", "1' OR '1'='1"):
            with self.subTest(ident=ident):
                r = api("GET", "/api/users/" + urllib.parse.quote(ident))
                self.assertError(r, 404, "NotFound")

    def test_create_errors(self):
        taken = self.make_user()
        m = mark()
        ok = {"username": "c" + m, "displayName": "C", "email":
              "c" + m + "@example.org"}
        cases = [
            ({k: v for k, v in ok.items() if k != "username"}, 400,
             "username", None),
            (dict(ok, username="1abc"), 400, "username", None),
            (dict(ok, username="ab"), 400, "username", None),
            (dict(ok, displayName=""), 400, "displayName", None),
            (dict(ok, displayName="a\u0007b"), 400, "displayName", None),
            (dict(ok, displayName="x" * 129), 400, "displayName", None),
            (dict(ok, email="no-at-sign"), 400, "email", None),
            (dict(ok, email="a b@example.org"), 400, "email", None),
            (dict(ok, username=12), 400, "username", None),
            (dict(ok, role="admin"), 400, "role", None),
            (dict(ok, username=taken["username"].upper()), 409, "username",
             "UsernameTaken"),
            (dict(ok, email=taken["email"].upper()), 409, "email",
             "EmailTaken"),
            (dict(ok, username="root"), 409, "username", "UsernameReserved"),
        ]
        for body, status, field, name in cases:
            with self.subTest(body=body):
                self.assertField(api("POST", "/api/users", body), status,
                                 field, name)
        # Nothing was created along the way.
        self.assertEqual(api("GET", "/api/users" + qs(q="c" + m)).json["total"],
                         0)

    def test_create_conflicts_with_live_request(self):
        m = mark()
        t.psql("INSERT INTO requests (username, display_name, email) VALUES "
               "('r%s', 'R', 'r%s@example.org')" % (m, m))
        r = api("POST", "/api/users", {"username": "r" + m,
                                       "displayName": "R",
                                       "email": "other" + m + "@example.org"})
        self.assertField(r, 409, "username", "UsernameTaken")
        # A cancelled request holds no name.
        t.psql("UPDATE requests SET status = 'cancelled' WHERE username = "
               "'r%s'" % m)
        r = api("POST", "/api/users", {"username": "r" + m,
                                       "displayName": "R",
                                       "email": "other" + m + "@example.org"})
        self.assertEqual(r.status, 201, r)

    def test_malformed_bodies(self):
        self.assertError(t.call("POST", "/api/users", raw=b"{",
                                ctype="application/json",
                                headers={"Authorization":
                                         "Bearer " + admin_token()}),
                         400)
        self.assertError(api("POST", "/api/users", raw=b"[]",
                             ctype="application/json"), 400)
        self.assertError(api("POST", "/api/users", raw=b"username=x",
                             ctype="application/x-www-form-urlencoded"), 415)

    def test_patch(self):
        u = self.make_user()
        other = self.make_user()
        path = "/api/users/" + u["id"]
        r = api("PATCH", path, {"displayName": "New Name"})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["displayName"], "New Name")
        self.assertEqual(r.json["email"], u["email"])
        r = api("PATCH", path, {"email": "New." + u["email"]})
        self.assertEqual(r.json["email"], "New." + u["email"])
        rows = self.audit(action="user.update", target=u["id"])
        self.assertEqual(len(rows), 2)
        self.assertEqual(rows[1]["detail"], {"displayName": {
            "from": u["displayName"], "to": "New Name"}})
        self.assertEqual(rows[0]["detail"]["email"]["to"],
                         "New." + u["email"])
        # Unchanged values and an empty patch change nothing.
        self.assertEqual(api("PATCH", path, {"displayName": "New Name"}).status,
                         200)
        self.assertEqual(api("PATCH", path, {}).json["displayName"],
                         "New Name")
        self.assertEqual(len(self.audit(action="user.update",
                                        target=u["id"])), 2)
        self.assertField(api("PATCH", path, {"email": other["email"].upper()}),
                         409, "email", "EmailTaken")
        self.assertField(api("PATCH", path, {"email": "bad"}), 400, "email")
        self.assertField(api("PATCH", path, {"displayName": None}), 400,
                         "displayName")
        self.assertField(api("PATCH", path, {"displayName": "\n"}), 400,
                         "displayName")
        self.assertField(api("PATCH", path, {"username": "x" + mark()}), 400,
                         "username")
        self.assertField(api("PATCH", path, {"status": "inactive"}), 400,
                         "status")
        self.assertError(api("PATCH", "/api/users/" + str(uuid.uuid4()),
                             {"displayName": "X"}), 404)
        self.assertEqual(api("GET", path).json["displayName"], "New Name")

    def test_method_not_allowed(self):
        r = api("PUT", "/api/users")
        self.assertError(r, 405, "MethodNotAllowed")
        self.assertEqual(r.header("allow"), "GET, POST")

    def test_admin_client_certificate(self):
        # What `curl --cert var/dev/admin-cert.pem --key …/admin-key.pem`
        # does after ./certm3 up.
        dev = os.path.join(t.VAR, "dev")
        r = t.call("GET", "/api/users" + qs(q="admin"),
                   cert=os.path.join(dev, "admin-cert.pem"),
                   key=os.path.join(dev, "admin-key.pem"))
        self.assertEqual(r.status, 200, r)
        self.assertIn("admin", [u["username"] for u in r.json["data"]])

    def test_anonymous(self):
        for method, path in (("GET", "/api/users"), ("POST", "/api/groups"),
                             ("GET", "/api/audit"),
                             ("GET", "/api/usernames/abc"),
                             ("DELETE", "/api/groups/x/members/y")):
            with self.subTest(path=path):
                self.assertError(t.call(method, path), 401)


class UserLists(ApiTest):

    @classmethod
    def setUpClass(cls):
        cls.m = mark()
        cls.ids = []
        for i in range(3):
            r = api("POST", "/api/users", {
                "username": "l%s%d" % (cls.m, i),
                "displayName": "List %d" % i,
                "email": "l%s%d@example.org" % (cls.m, i)})
            assert r.status == 201, r
            cls.ids.append(r.json["id"])

    def page(self, **params):
        r = api("GET", "/api/users" + qs(**params))
        self.assertEqual(r.status, 200, r)
        return r.json

    def test_pagination(self):
        p = self.page(q=self.m)
        self.assertEqual((p["total"], p["limit"], p["offset"]), (3, 50, 0))
        self.assertEqual([u["id"] for u in p["data"]], self.ids)
        p = self.page(q=self.m, limit=0)
        self.assertEqual((p["data"], p["total"], p["limit"]), ([], 3, 0))
        p = self.page(q=self.m, limit=2)
        self.assertEqual([u["id"] for u in p["data"]], self.ids[:2])
        self.assertEqual(p["total"], 3)
        p = self.page(q=self.m, limit=2, offset=2)
        self.assertEqual([u["id"] for u in p["data"]], self.ids[2:])
        for off in (3, 1000, 2147483647):
            p = self.page(q=self.m, offset=off)
            self.assertEqual((p["data"], p["total"], p["offset"]),
                             ([], 3, off))
        p = self.page(limit=500)
        self.assertEqual(p["limit"], 500)
        self.assertGreaterEqual(p["total"], 4)

    def test_pagination_errors(self):
        for params, field in (({"limit": 501}, "limit"),
                              ({"limit": -1}, "limit"),
                              ({"limit": "ten"}, "limit"),
                              ({"limit": ""}, "limit"),
                              ({"offset": -1}, "offset"),
                              ({"offset": "1.5"}, "offset"),
                              ({"offset": 2147483648}, "offset"),
                              ({"sort": "username"}, "sort"),
                              ({"status": "deleted"}, "status")):
            with self.subTest(params=params):
                r = api("GET", "/api/users" + qs(**params))
                self.assertField(r, 400, field)
        r = api("GET", "/api/users?q=a&q=b")
        self.assertField(r, 400, "q")

    def test_status_filter(self):
        m = mark()
        a = self.make_user("s%sa" % m)
        b = self.make_user("s%sb" % m)
        self.assertEqual(api("POST", "/api/users/%s/deactivate" % b["id"])
                         .status, 200)
        p = self.page(q="s" + m, status="inactive")
        self.assertEqual([u["id"] for u in p["data"]], [b["id"]])
        p = self.page(q="s" + m, status="active")
        self.assertEqual([u["id"] for u in p["data"]], [a["id"]])
        self.assertEqual(self.page(q="s" + m)["total"], 2)

    def test_q_matches_each_field(self):
        m = mark()
        u = self.make_user("q%s" % m, display="Zoë Q%s" % m.upper(),
                           email="mail.%s@Example.ORG" % m)
        for q in ("Q" + m, "zoë q" + m, "MAIL." + m, m + "@example.org"):
            with self.subTest(q=q):
                self.assertEqual([x["id"] for x in self.page(q=q)["data"]],
                                 [u["id"]])

    def test_q_wildcards_and_sql(self):
        m = mark()
        pct = self.make_user(display="P%s%%x" % m)       # P<m>%x
        self.make_user(display="P%sax" % m)              # P<m>ax
        und = self.make_user(display="U%s_x" % m)        # U<m>_x
        self.make_user(display="U%sbx" % m)              # U<m>bx
        quo = self.make_user(display="O'%s" % m)
        bsl = self.make_user(display="B\\%s" % m)
        cases = [
            ("P%s%%" % m, [pct["id"]]),
            ("P%s_x" % m, []),
            ("U%s_" % m, [und["id"]]),
            ("U%s%%x" % m, []),
            ("O'%s" % m, [quo["id"]]),
            ("B\\%s" % m, [bsl["id"]]),
            ("\\%s" % m, [bsl["id"]]),
            ("%s\\" % m, []),
        ]
        for q, want in cases:
            with self.subTest(q=q):
                p = self.page(q=q)
                self.assertEqual([x["id"] for x in p["data"]], want)
                self.assertEqual(p["total"], len(want))
        # Nothing anywhere contains these: no accidental matches, no 500.
        for q in ("' OR '1'='1", "%' OR 1=1 --", "'); DROP TABLE users; --",
                  "\" OR \"\"=\"", "%%%%%%", "____%s" % m, "\\\\%",
                  "%s'||'" % m, "$1", "*", "é%s" % m):
            with self.subTest(q=q):
                p = self.page(q=q)
                self.assertEqual(p["data"], [], q)
                self.assertEqual(p["total"], 0)
        # A lone backslash is a character like any other.
        self.assertIn(bsl["id"], [x["id"] for x in
                                  self.page(q="\\", limit=500)["data"]])
        self.assertEqual(t.psql("SELECT count(*) > 0 FROM users"), [["t"]])

    def test_q_limits(self):
        self.assertEqual(self.page(q="x" * 128)["total"], 0)
        self.assertField(api("GET", "/api/users" + qs(q="x" * 129)), 400, "q")
        self.assertField(api("GET", "/api/users?q=a%01b"), 400, "q")
        self.assertField(api("GET", "/api/users?q=%FF"), 400, "q")
        # An empty q is no filter.
        self.assertGreaterEqual(self.page(q="")["total"], 3)


class Deactivation(ApiTest):

    def add_cert(self, user, status="active", reason=None):
        serial = uuid.uuid4().hex[:16]
        fpr = hashlib.sha256(serial.encode()).hexdigest()
        revoked = ("now() - interval '1 day', 'admin', %s" % sql_str(reason)
                   if status == "revoked" else "NULL, NULL, NULL")
        t.psql("INSERT INTO certificates (serial, user_id, username, "
               "common_name, email, groups, fingerprint, not_before, "
               "not_after, status, revoked_at, revoked_by, "
               "revocation_reason, pem) VALUES ('%s', '%s', '%s', '%s', "
               "'%s', ARRAY['users'], '%s', now() - interval '2 days', "
               "now() + interval '300 days', '%s', %s, 'PEM')" % (
                   serial, user["id"], user["username"], user["username"],
                   user["email"], fpr, status, revoked))
        return serial

    def certs(self, user):
        rows = t.psql("SELECT serial, status, revocation_reason, revoked_by, "
                      "revoked_at FROM certificates WHERE user_id = '%s' "
                      "ORDER BY serial" % user["id"])
        return {r[0]: r[1:] for r in rows}

    def test_deactivate_revokes_every_active_cert_in_one_transaction(self):
        u = self.make_user()
        active = [self.add_cert(u), self.add_cert(u)]
        old = self.add_cert(u, "revoked", "keyCompromise")
        before = self.certs(u)
        other = self.make_user()
        other_cert = self.add_cert(other)

        r = api("POST", "/api/users/%s/deactivate" % u["id"])
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["status"], "inactive")
        after = self.certs(u)
        for s in active:
            self.assertEqual(after[s][:2], ["revoked", "cessationOfOperation"])
            self.assertTrue(after[s][2].startswith("admin"))
        self.assertEqual(after[old], before[old])   # untouched
        self.assertEqual(self.certs(other)[other_cert][0], "active")
        # One transaction: every row carries its one transaction time.
        stamps = t.psql(
            "SELECT (SELECT updated_at FROM users WHERE id = '{0}'), "
            "(SELECT array_agg(DISTINCT revoked_at) FROM certificates "
            "WHERE serial IN ('{1}', '{2}')), "
            "(SELECT array_agg(DISTINCT at) FROM audit_log WHERE "
            "(action = 'user.deactivate' AND target = '{0}') OR "
            "(action = 'certificate.revoke' AND target IN ('{1}', '{2}')))"
            .format(u["id"], *active))[0]
        self.assertEqual(stamps[1], "{\"%s\"}" % stamps[0])
        self.assertEqual(stamps[2], "{\"%s\"}" % stamps[0])
        self.assertEqual(len(self.audit(action="user.deactivate",
                                        target=u["id"])), 1)
        for s in active:
            rows = self.audit(action="certificate.revoke", target=s)
            self.assertEqual(len(rows), 1, s)
        self.assertEqual(self.audit(action="certificate.revoke", target=old),
                         [])
        listed = api("GET", "/api/users/%s/certificates" % u["id"]).json
        self.assertEqual(listed["total"], 3)
        self.assertEqual({c["status"] for c in listed["data"]}, {"revoked"})

        # Again: no error, no second audit row.
        r = api("POST", "/api/users/%s/deactivate" % u["id"])
        self.assertEqual(r.status, 200, r)
        self.assertEqual(len(self.audit(action="user.deactivate",
                                        target=u["id"])), 1)
        # Activation keeps the certificates revoked.
        r = api("POST", "/api/users/%s/activate" % u["id"])
        self.assertEqual(r.json["status"], "active")
        self.assertEqual(self.certs(u), after)
        self.assertEqual(len(self.audit(action="user.activate",
                                        target=u["id"])), 1)

    def test_deactivation_rolls_back_as_a_whole(self):
        u = self.make_user()
        serials = [self.add_cert(u), self.add_cert(u)]
        # Make the second revocation fail inside the transaction.
        t.psql("CREATE FUNCTION test_fail_revoke_fn() RETURNS trigger "
               "LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'test_fail'; "
               "END $$; CREATE TRIGGER test_fail_revoke BEFORE UPDATE ON "
               "certificates FOR EACH ROW WHEN (OLD.serial = '%s') "
               "EXECUTE FUNCTION test_fail_revoke_fn()" % serials[1])
        try:
            r = api("POST", "/api/users/%s/deactivate" % u["id"])
        finally:
            t.psql("DROP TRIGGER test_fail_revoke ON certificates; "
                   "DROP FUNCTION test_fail_revoke_fn()")
        self.assertError(r, 500)
        self.assertNotIn("test_fail", r.text)
        self.assertEqual(api("GET", "/api/users/" + u["id"]).json["status"],
                         "active")
        self.assertEqual({v[0] for v in self.certs(u).values()}, {"active"})
        self.assertEqual(self.audit(action="user.deactivate", target=u["id"]),
                         [])
        # And now it goes through.
        self.assertEqual(api("POST", "/api/users/%s/deactivate" % u["id"])
                         .status, 200)
        self.assertEqual({v[0] for v in self.certs(u).values()}, {"revoked"})

    def test_unknown_users(self):
        for path in ("/api/users/%s/deactivate", "/api/users/%s/activate"):
            for ident in (str(uuid.uuid4()), "nope"):
                with self.subTest(path=path, ident=ident):
                    self.assertError(api("POST", path % ident), 404)
        for path in ("/api/users/%s/groups", "/api/users/%s/certificates"):
            with self.subTest(path=path):
                self.assertError(api("GET", path % uuid.uuid4()), 404)

    def test_user_certificates_filter(self):
        u = self.make_user()
        a = self.add_cert(u)
        self.add_cert(u, "revoked", "superseded")
        r = api("GET", "/api/users/%s/certificates" % u["id"] +
                qs(status="active"))
        self.assertEqual([c["serial"] for c in r.json["data"]], [a])
        r = api("GET", "/api/users/%s/certificates" % u["id"] + qs(limit=0))
        self.assertEqual((r.json["data"], r.json["total"]), ([], 2))
        self.assertField(api("GET", "/api/users/%s/certificates" % u["id"] +
                             qs(userId=u["id"])), 400, "userId")


class Usernames(ApiTest):

    def test_answers(self):
        u = self.make_user()
        m = mark()
        for name, available, reason, shown in (
                ("Free" + m, True, None, "free" + m),
                (u["username"].upper(), False, "taken", u["username"]),
                ("root", False, "reserved", "root"),
                ("1BAD", False, "invalid", "1bad"),
                ("ab", False, "invalid", "ab"),
                ("j%C3%B6rg", False, "invalid", "j\u00f6rg"),
                ("a%FFb", False, "invalid", None)):
            with self.subTest(name=name):
                r = api("GET", "/api/usernames/" + name)
                self.assertEqual(r.status, 200, r)
                self.assertEqual(r.json, {"username": shown,
                                          "available": available,
                                          "reason": reason})
                # The same answer as the enrollment's.
                p = t.call("GET", "/request/api/username/" + name)
                self.assertEqual(p.status, 200, p)
                self.assertEqual(p.json, r.json)

    def test_stale_request_frees_the_name(self):
        # A pending request whose token ran out holds no name: admins may
        # create the user (the request is marked expired on the way).
        m = mark()
        t.psql("INSERT INTO requests (username, display_name, email, "
               "challenge_expires_at) VALUES ('x%s', 'X', "
               "'x%s@example.org', now() - interval '1 minute')" % (m, m))
        self.assertEqual(api("GET", "/api/usernames/x" + m).json["reason"],
                         None)
        t.psql("UPDATE requests SET status = 'pending', "
               "challenge_expires_at = now() - interval '1 minute' "
               "WHERE username = 'x%s'" % m)
        r = api("POST", "/api/users", {"username": "x" + m,
                                       "displayName": "X",
                                       "email": "x" + m + "@example.org"})
        self.assertEqual(r.status, 201, r)
        self.assertEqual(t.psql("SELECT status FROM requests WHERE "
                                "username = 'x%s'" % m), [["expired"]])


class Groups(ApiTest):

    def test_create_get_patch(self):
        m = mark()
        r = api("POST", "/api/groups", {"name": "Ops" + m})
        self.assertEqual(r.status, 201, r)
        g = r.json
        self.assertEqual((g["name"], g["displayName"], g["description"],
                          g["memberCount"], g["status"]),
                         ("ops" + m, "ops" + m, "", 0, "active"))
        self.assertEqual(r.header("location"), "/api/groups/ops" + m)
        self.assertEqual(api("GET", "/api/groups/OPS" + m).json, g)
        r = api("PATCH", "/api/groups/ops" + m,
                {"displayName": "Operations", "description": "Line 1\nLine 2"})
        self.assertEqual(r.status, 200, r)
        self.assertEqual((r.json["displayName"], r.json["description"]),
                         ("Operations", "Line 1\nLine 2"))
        rows = self.audit(target="ops" + m)
        self.assertEqual([x["action"] for x in rows],
                         ["group.update", "group.create"])
        self.assertEqual(rows[0]["detail"]["displayName"],
                         {"from": "ops" + m, "to": "Operations"})
        r = api("PATCH", "/api/groups/ops" + m, {"description": "d" * 1024})
        self.assertEqual(r.status, 200, r)
        g2 = self.make_group(displayName="Shown", description="About")
        self.assertEqual((g2["displayName"], g2["description"]),
                         ("Shown", "About"))

    def test_errors(self):
        g = self.make_group()
        path = "/api/groups/" + g["name"]
        for body, status, field in (
                ({"name": g["name"]}, 409, "name"),
                ({"name": g["name"].upper()}, 409, "name"),
                ({"name": "users"}, 409, "name"),
                ({"name": "1abc"}, 400, "name"),
                ({"name": "a b c"}, 400, "name"),
                ({}, 400, "name"),
                ({"name": "g" + mark(), "description": "d" * 1025}, 400,
                 "description"),
                ({"name": "g" + mark(), "description": "a\u0001b"}, 400,
                 "description"),
                ({"name": "g" + mark(), "displayName": ""}, 400,
                 "displayName"),
                ({"name": "g" + mark(), "members": []}, 400, "members")):
            with self.subTest(body=body):
                self.assertField(api("POST", "/api/groups", body), status,
                                 field)
        self.assertField(api("PATCH", path, {"name": "other"}), 400, "name")
        self.assertField(api("PATCH", path, {"description": 5}), 400,
                         "description")
        self.assertField(api("PATCH", path, {"displayName": "x" * 129}), 400,
                         "displayName")
        for method in ("GET", "PATCH", "DELETE"):
            with self.subTest(method=method):
                self.assertError(api(method, "/api/groups/nope" + mark(),
                                     {} if method == "PATCH" else None), 404)
        self.assertError(api("GET", "/api/groups/bad%20name"), 404)

    def test_list(self):
        m = mark()
        r = api("GET", "/api/groups" + qs(limit=0))
        total = r.json["total"]
        self.assertEqual(r.json["data"], [])
        g = self.make_group("a" + m)
        u = self.make_user()
        api("POST", "/api/groups/%s/members" % g["name"],
            {"userIds": [u["id"]]})
        p = api("GET", "/api/groups" + qs(limit=500)).json
        self.assertEqual(p["total"], total + 1)
        names = [x["name"] for x in p["data"]]
        self.assertEqual(names, sorted(names))
        mine = [x for x in p["data"] if x["name"] == g["name"]][0]
        self.assertEqual(mine["memberCount"], 1)
        users = [x for x in p["data"] if x["name"] == "users"][0]
        self.assertEqual(users["memberCount"], int(t.psql(
            "SELECT count(*) FROM user_groups WHERE group_name = 'users'")
            [0][0]))
        p = api("GET", "/api/groups" + qs(offset=total + 1)).json
        self.assertEqual((p["data"], p["total"]), ([], total + 1))
        self.assertField(api("GET", "/api/groups" + qs(limit=501)), 400,
                         "limit")
        self.assertField(api("GET", "/api/groups" + qs(q="x")), 400, "q")

    def test_delete(self):
        g = self.make_group()
        u1, u2 = self.make_user(), self.make_user()
        api("POST", "/api/groups/%s/members" % g["name"],
            {"userIds": [u1["id"], u2["id"]]})
        r = api("DELETE", "/api/groups/" + g["name"])
        self.assertEqual(r.status, 204, r)
        self.assertEqual(r.body, b"")
        self.assertError(api("GET", "/api/groups/" + g["name"]), 404)
        self.assertEqual(t.psql("SELECT count(*) FROM user_groups WHERE "
                                "group_name = '%s'" % g["name"]), [["0"]])
        rows = self.audit(action="group.delete", target=g["name"])
        self.assertEqual(len(rows), 1)
        self.assertEqual(rows[0]["detail"], {"members": 2})
        self.assertError(api("DELETE", "/api/groups/" + g["name"]), 404)
        # The users still exist, in group users.
        g1 = api("GET", "/api/users/%s/groups" % u1["id"]).json
        self.assertEqual([x["name"] for x in g1["data"]], ["users"])

    def test_users_and_admin_groups_protected(self):
        before = api("GET", "/api/groups/users").json
        self.assertError(api("DELETE", "/api/groups/users"), 403)
        self.assertError(api("DELETE", "/api/groups/USERS"), 403)
        self.assertError(api("DELETE", "/api/groups/admins"), 403)
        self.assertEqual(api("GET", "/api/groups/users").json["memberCount"],
                         before["memberCount"])
        self.assertEqual(api("GET", "/api/groups/admins").status, 200)
        u = self.make_user()
        r = api("DELETE", "/api/groups/users/members/" + u["id"])
        self.assertError(r, 403)
        self.assertEqual(t.psql("SELECT count(*) FROM user_groups WHERE "
                                "group_name = 'users' AND user_id = '%s'"
                                % u["id"]), [["1"]])
        # users may be renamed neither (no route renames; PATCH refuses it).
        self.assertField(api("PATCH", "/api/groups/users", {"name": "x"}),
                         400, "name")


class Members(ApiTest):

    def test_add_list_remove(self):
        g = self.make_group()
        base = "/api/groups/%s/members" % g["name"]
        u1, u2, u3 = (self.make_user("m" + mark() + c) for c in "abc")
        r = api("POST", base, {"userIds": [u1["id"], u2["id"]]})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json, {"group": g["name"],
                                  "added": [u1["id"], u2["id"]],
                                  "alreadyMembers": []})
        # Already a member: fine; duplicates in the list: fine.
        r = api("POST", base, {"userIds": [u2["id"], u3["id"],
                                           u3["id"].upper()]})
        self.assertEqual(r.json["added"], [u3["id"]])
        self.assertEqual(r.json["alreadyMembers"], [u2["id"]])
        p = api("GET", base).json
        self.assertEqual([m["id"] for m in p["data"]],
                         [u["id"] for u in sorted((u1, u2, u3),
                                                  key=lambda x: x["username"])])
        self.assertEqual(p["total"], 3)
        self.assertEqual(set(p["data"][0]), {"id", "username", "displayName",
                                             "email", "status", "addedAt",
                                             "addedBy"})
        p = api("GET", base + qs(limit=1, offset=1)).json
        self.assertEqual((len(p["data"]), p["total"]), (1, 3))
        p = api("GET", base + qs(limit=0)).json
        self.assertEqual((p["data"], p["total"]), ([], 3))
        p = api("GET", base + qs(offset=3)).json
        self.assertEqual((p["data"], p["total"]), ([], 3))
        self.assertEqual(api("GET", "/api/groups/" + g["name"])
                         .json["memberCount"], 3)
        for u in (u1, u2, u3):
            rows = self.audit(action="group.member.add", target=u["id"])
            self.assertEqual([x["detail"] for x in rows],
                             [{"group": g["name"]}])
        ug = api("GET", "/api/users/%s/groups" % u1["id"]).json
        self.assertEqual([x["name"] for x in ug["data"]],
                         ["users", g["name"]])

        r = api("DELETE", base + "/" + u1["id"])
        self.assertEqual(r.status, 204, r)
        self.assertError(api("DELETE", base + "/" + u1["id"]), 404)
        self.assertEqual(len(self.audit(action="group.member.remove",
                                        target=u1["id"])), 1)
        self.assertEqual(api("GET", base).json["total"], 2)
        self.assertError(api("DELETE", base + "/not-a-uuid"), 404)
        self.assertError(api("DELETE", "/api/groups/nope%s/members/%s"
                             % (mark(), u2["id"])), 404)

    def test_add_all_or_nothing(self):
        g = self.make_group()
        base = "/api/groups/%s/members" % g["name"]
        u = self.make_user()
        unknown = str(uuid.uuid4())
        unknown2 = str(uuid.uuid4())
        r = api("POST", base, {"userIds": [u["id"], unknown, unknown2]})
        err = self.assertError(r, 404)
        self.assertEqual(err["userId"], unknown)
        self.assertIn(unknown, err["message"])
        self.assertEqual(api("GET", base).json["total"], 0)
        self.assertEqual(self.audit(action="group.member.add",
                                    target=u["id"]), [])

    def test_add_errors(self):
        g = self.make_group()
        base = "/api/groups/%s/members" % g["name"]
        u = self.make_user()
        for body in ({"userIds": []}, {"userIds": "x"}, {"userIds": [1]},
                     {"userIds": ["not-a-uuid"]}, {},
                     {"userIds": [str(uuid.uuid4())] * 501}):
            with self.subTest(body=str(body)[:60]):
                self.assertField(api("POST", base, body), 400, "userIds")
        self.assertField(api("POST", base, {"userIds": [u["id"]], "x": 1}),
                         400, "x")
        self.assertError(api("POST", "/api/groups/nope%s/members" % mark(),
                             {"userIds": [u["id"]]}), 404)
        self.assertError(api("GET", "/api/groups/nope%s/members" % mark()),
                         404)
        # 500 ids at once are fine (all known: the same user repeated).
        r = api("POST", base, {"userIds": [u["id"]] * 500})
        self.assertEqual(r.json["added"], [u["id"]])


class Audit(ApiTest):

    def test_list_and_filters(self):
        g = self.make_group()
        api("PATCH", "/api/groups/" + g["name"], {"displayName": "A"})
        api("PATCH", "/api/groups/" + g["name"], {"displayName": "B"})
        p = api("GET", "/api/audit" + qs(limit=3)).json
        ids = [x["id"] for x in p["data"]]
        self.assertEqual(ids, sorted(ids, reverse=True))
        self.assertEqual(len(ids), 3)
        self.assertGreaterEqual(p["total"], 3)
        rows = self.audit(target=g["name"])
        self.assertEqual([x["action"] for x in rows],
                         ["group.update", "group.update", "group.create"])
        self.assertEqual(set(rows[0]), {"id", "at", "actor", "action",
                                        "targetType", "target", "clientAddr",
                                        "detail"})
        actor = rows[0]["actor"]
        self.assertTrue(all(x["actor"] == actor
                            for x in self.audit(actor=actor)))
        self.assertEqual(self.audit(actor=actor + "x"), [])
        self.assertTrue(all(x["action"].startswith("group.")
                            for x in self.audit(action="group.*")))
        self.assertEqual(len(self.audit(action="group.update",
                                        target=g["name"])), 2)
        self.assertEqual(self.audit(action="group.%", target=g["name"]), [])
        self.assertEqual(self.audit(action="group._pdate",
                                    target=g["name"]), [])
        self.assertTrue(all(x["targetType"] == "group"
                            for x in self.audit(targetType="group")))
        p = api("GET", "/api/audit" + qs(limit=0, target=g["name"])).json
        self.assertEqual((p["data"], p["total"]), ([], 3))
        p = api("GET", "/api/audit" + qs(offset=3, target=g["name"])).json
        self.assertEqual((p["data"], p["total"]), ([], 3))

    def test_errors(self):
        for params, field in (({"limit": 501}, "limit"),
                              ({"offset": -5}, "offset"),
                              ({"user": "x"}, "user"),
                              ({"action": "a\u0001"}, "action"),
                              ({"actor": "x" * 257}, "actor"),
                              ({"target": "\u0085"}, "target")):
            with self.subTest(params=params):
                self.assertField(api("GET", "/api/audit" + qs(**params)), 400,
                                 field)
        for q in ("' OR 1=1 --", "%", "_"):
            with self.subTest(q=q):
                p = api("GET", "/api/audit" + qs(target=q)).json
                self.assertEqual(p["total"], 0)
