"""/api authentication and authorisation (issue 5): the auth matrix over
client certificates and bearer tokens, the admin bootstrap, and the
certificates and tokens endpoints with their error cases and pagination
edges."""

import hashlib
import os
import re
import subprocess

import certm3test as t


def issue_for(test, p, groups=None):
    """A certificate for an enrolled person through /request; (cert,
    key, serial)."""
    d = t.tmpdir(test)
    key = t.new_key(os.path.join(d, "k.pem"))
    csr = t.new_csr(key, "/CN=%s/emailAddress=%s" % (p["username"],
                                                    p["email"]))
    r = t.submit_csr(csr, groups, cookie=p["cookie"])
    test.assertEqual(r.status, 200, r)
    cert = os.path.join(d, "c.pem")
    with open(cert, "w") as f:
        f.write(r.json["certificate"])
    return cert, key, r.json["serial"]


class AuthMatrix(t.StackTest):

    def setUp(self):
        t.psql("DELETE FROM rate_limits WHERE key ~ '^(cert|val|req):'")

    def admin(self, prefix="adm"):
        """A fresh administrator made by --bootstrap-admin."""
        name = t.uniq(prefix)
        a = t.bootstrap_admin(name, t.tmpdir(self))
        a["name"] = name
        a["id"] = t.psql("SELECT id FROM users WHERE username = '%s'"
                         % name)[0][0]
        return a

    def test_bootstrap_admin(self):
        a = self.admin()
        for f, mode in (("cert", 0o644), ("key", 0o600), ("p12", 0o600)):
            self.assertEqual(os.stat(a[f]).st_mode & 0o777, mode, f)
        d = os.path.dirname(a["cert"])
        for f in ("admin.password.txt", "admin.token"):
            self.assertEqual(os.stat(os.path.join(d, f)).st_mode & 0o777,
                             0o600)
        self.assertEqual(a["stdout"], "admin.p12 password: %s\n"
                         % a["password"])
        self.assertRegex(a["password"], r"^[\x21-\x7e]{16,}$")
        # The PKCS#12 opens with its password, without -legacy.
        out = t.openssl("pkcs12", "-in", a["p12"], "-nodes", "-passin",
                        "pass:" + a["password"]).decode()
        self.assertIn("BEGIN PRIVATE KEY", out)
        self.assertIn("BEGIN CERTIFICATE", out)
        # Groups users and admins, stored like any certificate.
        with open(a["cert"]) as f:
            pem = f.read()
        serial = t.openssl("x509", "-noout", "-serial",
                           data=pem.encode()).decode().split("=")[1]
        row = t.psql("SELECT username, array_to_string(groups, ','), "
                     "fingerprint, status FROM certificates WHERE "
                     "serial = '%s'" % serial.strip().lower().lstrip("0"))
        self.assertEqual(row, [[a["name"], "users,admins",
                                t.der_fingerprint(pem), "active"]])
        # Both credentials work at once.
        self.assertEqual(t.call("GET", "/api/users", cert=a["cert"],
                                key=a["key"]).status, 200)
        self.assertEqual(t.call("GET", "/api/users",
                                headers=t.bearer(a["token"])).status, 200)
        # Again: no second user, group or membership; fresh credentials.
        b = t.bootstrap_admin(a["name"], t.tmpdir(self))
        self.assertEqual(t.psql(
            "SELECT count(*) FROM users WHERE username = '%s'" % a["name"]),
            [["1"]])
        self.assertEqual(t.psql(
            "SELECT count(*) FROM user_groups WHERE user_id = '%s'"
            % a["id"]), [["2"]])
        self.assertNotEqual(a["token"], b["token"])
        self.assertEqual(t.call("GET", "/api/users",
                                headers=t.bearer(a["token"])).status, 200)

    def test_dev_admin(self):
        dev = os.path.join(t.VAR, "dev")
        r = t.call("GET", "/api/users",
                   cert=os.path.join(dev, "admin-cert.pem"),
                   key=os.path.join(dev, "admin-key.pem"))
        self.assertEqual(r.status, 200, r)
        self.assertEqual(t.admin_call("GET", "/api/users").status, 200)

    def test_anonymous_and_bad_tokens(self):
        r = t.call("GET", "/api/users")
        self.assertError(r, 401, "Unauthorized")
        self.assertEqual(r.header("www-authenticate"), 'Bearer realm="certm3"')
        for h in ("Bearer " + "A" * 43, "Bearer short", "Bearer ",
                  "Basic YWRtaW46YWRtaW4=", "Bearer " + t.admin_token() + "x",
                  "bearer"):
            with self.subTest(h=h[:20]):
                r = t.call("GET", "/api/users", headers={"Authorization": h})
                self.assertError(r, 401, "Unauthorized")
        # The health check needs none.
        self.assertEqual(t.call("GET", "/api/health").status, 200)

    def test_revoked_and_expired_tokens(self):
        r = t.admin_call("POST", "/api/tokens", {"name": "matrix"})
        self.assertEqual(r.status, 201, r)
        tok, tid = r.json["token"], r.json["id"]
        self.assertEqual(t.call("GET", "/api/users",
                                headers=t.bearer(tok)).status, 200)
        t.psql("UPDATE api_tokens SET expires_at = now() - interval '1 s' "
               "WHERE id = '%s'" % tid)
        self.assertError(t.call("GET", "/api/users", headers=t.bearer(tok)),
                         401)
        t.psql("UPDATE api_tokens SET expires_at = NULL WHERE id = '%s'"
               % tid)
        self.assertEqual(t.call("GET", "/api/users",
                                headers=t.bearer(tok)).status, 200)
        self.assertEqual(t.admin_call("DELETE", "/api/tokens/" + tid).status,
                         204)
        self.assertError(t.call("GET", "/api/users", headers=t.bearer(tok)),
                         401)

    def test_non_admin(self):
        p = t.enroll("na")
        cert, key, _ = issue_for(self, p)
        r = t.call("GET", "/api/users", cert=cert, key=key)
        err = self.assertError(r, 403, "Forbidden")
        self.assertIn("admins", err["message"])
        # A token of a non-admin (made by an admin) is refused the same.
        r = t.admin_call("POST", "/api/tokens", {"name": "x",
                                                 "userId": p["id"]})
        self.assertEqual(r.status, 201, r)
        self.assertError(t.call("GET", "/api/users",
                                headers=t.bearer(r.json["token"])), 403)

    def test_removed_from_admins(self):
        a = self.admin()
        self.assertEqual(t.call("GET", "/api/users", cert=a["cert"],
                                key=a["key"]).status, 200)
        r = t.admin_call("DELETE", "/api/groups/admins/members/" + a["id"])
        self.assertIn(r.status, (200, 204), r)
        self.assertError(t.call("GET", "/api/users", cert=a["cert"],
                                key=a["key"]), 403)
        self.assertError(t.call("GET", "/api/users",
                                headers=t.bearer(a["token"])), 403)
        t.add_to_group(a["id"], "admins")
        self.assertEqual(t.call("GET", "/api/users",
                                headers=t.bearer(a["token"])).status, 200)

    def test_revoked_admin_certificate(self):
        a = self.admin()
        with open(a["cert"]) as f:
            serial = t.openssl("x509", "-noout", "-serial", data=f.read()
                               .encode()).decode().split("=")[1].strip()
        r = t.admin_call("POST", "/api/certificates/%s/revoke" % serial,
                         {"reason": "keyCompromise"})
        self.assertEqual(r.status, 200, r)
        self.assertError(t.call("GET", "/api/users", cert=a["cert"],
                                key=a["key"]), 401, "CertificateRevoked")
        # The token is another credential and still works.
        self.assertEqual(t.call("GET", "/api/users",
                                headers=t.bearer(a["token"])).status, 200)

    def test_inactive_admin(self):
        a = self.admin()
        t.psql("UPDATE users SET status = 'inactive' WHERE id = '%s'"
               % a["id"])
        self.assertError(t.call("GET", "/api/users", cert=a["cert"],
                                key=a["key"]), 403, "UserInactive")
        self.assertError(t.call("GET", "/api/users",
                                headers=t.bearer(a["token"])), 403,
                         "UserInactive")

    def test_expired_and_foreign_certificates(self):
        a = self.admin()
        d = t.tmpdir(self)
        key = t.new_key(os.path.join(d, "k.pem"))
        csr = t.new_csr(key, "/CN=%s/emailAddress=%s@example.org"
                        % (a["name"], a["name"]))
        pem = t.ca_sign(csr, "5eed" + os.urandom(6).hex(), "20200101000000Z",
                        "20210101000000Z", d)
        cert = os.path.join(d, "expired.pem")
        with open(cert, "w") as f:
            f.write(pem)
        r = t.call("GET", "/api/users", cert=cert, key=key)
        self.assertError(r, 401, "CertificateExpired")
        self_signed = os.path.join(d, "self.pem")
        t.openssl("req", "-x509", "-new", "-key", key, "-subj",
                  "/CN=" + a["name"], "-days", "1", "-out", self_signed)
        self.assertError(t.call("GET", "/api/users", cert=self_signed,
                                key=key), 401)

    def test_token_beats_certificate(self):
        # With both, the bearer token decides.
        p = t.enroll("na")
        cert, key, _ = issue_for(self, p)
        r = t.call("GET", "/api/users", cert=cert, key=key,
                   headers=t.bearer(t.admin_token()))
        self.assertEqual(r.status, 200, r)
        dev = os.path.join(t.VAR, "dev")
        r = t.call("GET", "/api/users",
                   cert=os.path.join(dev, "admin-cert.pem"),
                   key=os.path.join(dev, "admin-key.pem"),
                   headers=t.bearer("A" * 43))
        self.assertError(r, 401)


class CertificatesApi(t.StackTest):

    @classmethod
    def setUpClass(cls):
        t.psql("DELETE FROM rate_limits WHERE key ~ '^(cert|val|req):'")
        cls.p = t.enroll("capi")
        cls.serials = []

    def setUp(self):
        t.psql("DELETE FROM rate_limits WHERE key ~ '^cert:'")

    def issue(self):
        _, _, serial = issue_for(self, self.p)
        return serial

    def test_get_and_pem(self):
        serial = self.issue()
        r = t.admin_call("GET", "/api/certificates/" + serial)
        self.assertEqual(r.status, 200, r)
        c = r.json
        self.assertEqual(set(c), {
            "serial", "userId", "username", "commonName", "email", "groups",
            "fingerprint", "keyType", "notBefore", "notAfter", "status",
            "revokedAt", "revokedBy", "revocationReason", "createdAt",
            "createdBy"})
        self.assertEqual((c["serial"], c["userId"], c["username"],
                          c["commonName"], c["email"], c["groups"],
                          c["status"], c["revokedAt"], c["keyType"]),
                         (serial, self.p["id"], self.p["username"],
                          self.p["username"], self.p["email"], ["users"],
                          "active", None, "ec-p256"))
        for k in ("notBefore", "notAfter", "createdAt"):
            self.assertRegex(c[k], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        # Any case and leading zeros name the same certificate.
        r = t.admin_call("GET", "/api/certificates/00" + serial.upper())
        self.assertEqual(r.json["serial"], serial)
        r = t.admin_call("GET", "/api/certificates/%s/pem" % serial)
        self.assertEqual(r.status, 200)
        self.assertEqual(r.header("content-type"), "application/x-pem-file")
        self.assertEqual(t.der_fingerprint(r.text), c["fingerprint"])
        for bad in ("abcdef0123", "xyz", "0" * 41):
            with self.subTest(bad=bad):
                self.assertError(t.admin_call(
                    "GET", "/api/certificates/" + bad), 404)
                self.assertError(t.admin_call(
                    "GET", "/api/certificates/%s/pem" % bad), 404)

    def test_list_filters_and_pages(self):
        mine = [self.issue() for _ in range(3)]
        r = t.admin_call("GET", "/api/certificates?userId=" + self.p["id"])
        self.assertEqual(r.status, 200, r)
        got = [c["serial"] for c in r.json["data"]]
        self.assertEqual(got[:3], list(reversed(mine)))	# newest first
        total = r.json["total"]
        self.assertEqual(total, len(got))
        self.assertEqual((r.json["limit"], r.json["offset"]), (50, 0))
        r = t.admin_call("GET", "/api/certificates?username=%s&limit=1&"
                         "offset=1" % self.p["username"].upper())
        self.assertEqual([c["serial"] for c in r.json["data"]], [got[1]])
        self.assertEqual(r.json["total"], total)
        r = t.admin_call("GET", "/api/certificates?limit=0&userId=" +
                         self.p["id"])
        self.assertEqual((r.json["data"], r.json["total"], r.json["limit"]),
                         ([], total, 0))
        r = t.admin_call("GET", "/api/certificates?offset=100000&userId=" +
                         self.p["id"])
        self.assertEqual((r.json["data"], r.json["total"]), ([], total))
        r = t.admin_call("GET", "/api/certificates?limit=500")
        self.assertEqual(r.status, 200)
        r = t.admin_call("GET", "/api/certificates?status=revoked&userId=" +
                         self.p["id"])
        self.assertTrue(all(c["status"] == "revoked" for c in r.json["data"]))
        for q, field in (("limit=501", "limit"), ("limit=-1", "limit"),
                         ("limit=x", "limit"), ("offset=-1", "offset"),
                         ("status=expired", "status"),
                         ("userId=nope", "userId"),
                         ("username=%27%3B--", "username"),
                         ("sort=serial", "sort"),
                         ("limit=1&limit=2", "limit")):
            with self.subTest(q=q):
                err = self.assertError(t.admin_call(
                    "GET", "/api/certificates?" + q), 400)
                self.assertEqual(err["field"], field)
        # Expiring before: the issued ones end in a year, not in a day.
        r = t.admin_call("GET", "/api/certificates?userId=%s&expiresBefore="
                         "2099-01-01T00:00:00Z" % self.p["id"])
        self.assertEqual(r.json["total"], total)
        r = t.admin_call("GET", "/api/certificates?userId=%s&expiresBefore="
                         "2000-01-01T00:00:00Z" % self.p["id"])
        self.assertEqual(r.json["total"], 0)
        for bad in ("tomorrow", "2030-02-31T00:00:00Z"):
            err = self.assertError(t.admin_call(
                "GET", "/api/certificates?expiresBefore=" + bad), 400)
            self.assertEqual(err["field"], "expiresBefore")
        # A user's certificates through /api/users.
        r = t.admin_call("GET", "/api/users/%s/certificates" % self.p["id"])
        self.assertEqual(r.json["total"], total)

    def test_revoke(self):
        serial = self.issue()
        path = "/api/certificates/%s/revoke" % serial
        for body, field in (({"reason": "removeFromCRL"}, "reason"),
                            ({"reason": "stolen"}, "reason"),
                            ({"reason": 1}, "reason"),
                            ({"why": "x"}, "why")):
            with self.subTest(body=body):
                err = self.assertError(t.admin_call("POST", path, body), 400)
                self.assertEqual(err["field"], field)
        self.assertError(t.call("POST", path, raw=b"[1]",
                                ctype="application/json",
                                headers=t.bearer(t.admin_token())), 400)
        self.assertError(t.admin_call("POST", path, raw=b"reason=x",
                                      ctype="text/plain"), 415)
        r = t.admin_call("POST", path, {"reason": "superseded"})
        self.assertEqual(r.status, 200, r)
        self.assertEqual((r.json["status"], r.json["revocationReason"],
                          r.json["revokedBy"]),
                         ("revoked", "superseded", "admin (token %s)"
                          % self.dev_token_id()))
        self.assertRegex(r.json["revokedAt"], r"Z$")
        self.assertError(t.admin_call("POST", path, {"reason": "superseded"}),
                         409, "Conflict")
        self.assertError(t.admin_call(
            "POST", "/api/certificates/abcdef0123/revoke", {}), 404)
        audit = t.psql("SELECT actor, detail->>'reason' FROM audit_log WHERE "
                       "action = 'certificate.revoke' AND target = '%s'"
                       % serial)
        self.assertEqual(audit, [["admin (token %s)" % self.dev_token_id(),
                                  "superseded"]])
        # Without a body the reason is unspecified.
        serial = self.issue()
        r = t.admin_call("POST", "/api/certificates/%s/revoke" % serial)
        self.assertEqual(r.json["revocationReason"], "unspecified")

    def test_deactivation_revokes(self):
        p = t.enroll("deact")
        serials = [issue_for(self, p)[2] for _ in range(2)]
        r = t.admin_call("POST", "/api/users/%s/deactivate" % p["id"])
        self.assertEqual(r.status, 200, r)
        rows = t.psql("SELECT status, revocation_reason FROM certificates "
                      "WHERE user_id = '%s'" % p["id"])
        self.assertEqual(rows, [["revoked", "cessationOfOperation"]] * 2)
        audit = t.psql("SELECT target FROM audit_log WHERE action = "
                       "'certificate.revoke' AND detail->>'userId' = '%s' "
                       "ORDER BY target" % p["id"])
        self.assertEqual(audit, [[s] for s in sorted(serials)])

    @staticmethod
    def dev_token_id():
        h = hashlib.sha256(t.admin_token().encode()).hexdigest()
        return t.psql("SELECT left(id::text, 8) FROM api_tokens WHERE "
                      "token_hash = '%s'" % h)[0][0]


class TokensApi(t.StackTest):

    def test_create_list_use_revoke(self):
        r = t.admin_call("POST", "/api/tokens",
                         {"name": "ci runner", "expiresAt":
                          "2099-01-01T00:00:00Z"})
        self.assertEqual(r.status, 201, r)
        tok = r.json
        self.assertRegex(tok["token"], r"^[A-Za-z0-9_-]{43}$")
        self.assertEqual(r.header("location"), "/api/tokens/" + tok["id"])
        self.assertEqual((tok["name"], tok["status"], tok["expiresAt"],
                          tok["lastUsedAt"], tok["revokedAt"],
                          tok["username"]),
                         ("ci runner", "active", "2099-01-01T00:00:00Z",
                          None, None, "admin"))
        # Only the hash is stored.
        self.assertEqual(t.psql("SELECT token_hash FROM api_tokens WHERE "
                                "id = '%s'" % tok["id"]),
                         [[hashlib.sha256(tok["token"].encode())
                           .hexdigest()]])
        self.assertEqual(t.call("GET", "/api/users", headers=t.bearer(
            tok["token"])).status, 200)
        r = t.admin_call("GET", "/api/tokens?limit=500")
        self.assertEqual(r.status, 200)
        mine = [x for x in r.json["data"] if x["id"] == tok["id"]]
        self.assertEqual(len(mine), 1)
        self.assertNotIn("token", mine[0])
        self.assertNotIn(tok["token"], r.text)
        self.assertNotIn("hash", r.text.lower())
        self.assertIsNotNone(mine[0]["lastUsedAt"])
        # The owner's filter and the pages.
        uid = tok["userId"]
        r = t.admin_call("GET", "/api/tokens?limit=0&userId=" + uid)
        self.assertEqual(r.json["data"], [])
        self.assertGreaterEqual(r.json["total"], 2)
        r = t.admin_call("GET", "/api/tokens?offset=1000000")
        self.assertEqual(r.json["data"], [])
        for q in ("limit=501", "userId=x", "name=y"):
            with self.subTest(q=q):
                self.assertError(t.admin_call("GET", "/api/tokens?" + q), 400)
        # Revoked: shown as such, refused, audited.
        self.assertEqual(t.admin_call("DELETE", "/api/tokens/" +
                                      tok["id"]).status, 204)
        self.assertError(t.admin_call("DELETE", "/api/tokens/" + tok["id"]),
                         409)
        r = t.admin_call("GET", "/api/tokens?limit=500")
        self.assertEqual([x["status"] for x in r.json["data"]
                          if x["id"] == tok["id"]], ["revoked"])
        self.assertEqual(t.psql(
            "SELECT action FROM audit_log WHERE target = '%s' ORDER BY id"
            % tok["id"]), [["token.create"], ["token.revoke"]])

    def test_create_errors(self):
        uid = t.psql("SELECT id FROM users WHERE username = 'admin'")[0][0]
        cases = [({}, 400, "name"), ({"name": ""}, 400, "name"),
                 ({"name": "x" * 129}, 400, "name"),
                 ({"name": "a\u0007b"}, 400, "name"),
                 ({"name": 5}, 400, "name"),
                 ({"name": "x", "expiresAt": "2000-01-01T00:00:00Z"}, 400,
                  "expiresAt"),
                 ({"name": "x", "expiresAt": "2099-02-30T00:00:00Z"}, 400,
                  "expiresAt"),
                 ({"name": "x", "expiresAt": "tomorrow"}, 400, "expiresAt"),
                 ({"name": "x", "userId": "nope"}, 404, "userId"),
                 ({"name": "x", "userId": uid[:-1] + "0"
                   if uid[-1] != "0" else uid[:-1] + "1"}, 404, "userId"),
                 ({"name": "x", "secret": "y"}, 400, "secret")]
        for body, status, field in cases:
            with self.subTest(body=str(body)[:50]):
                err = self.assertError(t.admin_call("POST", "/api/tokens",
                                                    body), status)
                self.assertEqual(err["field"], field)
        # For an inactive user: refused.
        p = t.enroll("tok")
        t.psql("UPDATE users SET status = 'inactive' WHERE id = '%s'"
               % p["id"])
        self.assertError(t.admin_call("POST", "/api/tokens",
                                      {"name": "x", "userId": p["id"]}), 404)

    def test_delete_errors(self):
        for tid in ("nope", "00000000-0000-0000-0000-000000000000"):
            with self.subTest(tid=tid):
                self.assertError(t.admin_call("DELETE", "/api/tokens/" + tid),
                                 404)

    def test_no_secret_in_logs(self):
        r = t.admin_call("POST", "/api/tokens", {"name": "log check"})
        with open(os.path.join(t.VAR, "log", "certm3.log"),
                  errors="replace") as f:
            log = f.read()
        self.assertNotIn(r.json["token"], log)
        self.assertNotIn(t.admin_token(), log)
        self.assertIsNone(re.search(r"BEGIN (EC )?PRIVATE KEY", log))
        p = subprocess.run(["grep", "-r", "-l", r.json["token"],
                            os.path.join(t.VAR, "log")],
                           capture_output=True, text=True)
        self.assertEqual(p.stdout, "")
