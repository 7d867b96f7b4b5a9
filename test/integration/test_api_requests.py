"""/api/requests: admins list, create, read, validate and cancel
enrollment requests through the same domain operations as /request."""

import os
import re
import secrets

import certm3test as t


def admin_headers():
    with open(os.path.join(t.VAR, "dev", "admin.token")) as f:
        return {"Authorization": "Bearer " + f.read().strip()}


def api(method, path, body=None):
    return t.call(method, path, body=body, headers=admin_headers())


def token_of(request_id):
    """The token of the newest mail that names the request's user."""
    row = t.psql("SELECT username FROM requests WHERE id = '%s'"
                 % request_id)
    for name in reversed(t.spool_files()):
        msg = t.read_mail(name)
        body = msg.get_body(("plain",)).get_content()
        if row and row[0][0] in body:
            m = re.search(r"/request/validate/([A-Za-z0-9_-]{43})", body)
            if m:
                return m.group(1)
    raise AssertionError("no mail for request %s" % request_id)


class ApiRequests(t.StackTest):

    def setUp(self):
        t.psql("DELETE FROM rate_limits")
        self.name = "apireq" + secrets.token_hex(4)

    def create(self, name=None, email=None):
        name = name or self.name
        r = api("POST", "/api/requests", {
            "username": name, "displayName": "API Req <b>",
            "email": email or name + "@example.org"})
        self.assertEqual(r.status, 201, r)
        return r

    def test_create_get_and_no_token(self):
        r = self.create()
        req = r.json
        self.assertEqual(req["status"], "pending")
        self.assertEqual(req["username"], self.name)
        self.assertEqual(r.header("location"), "/api/requests/" + req["id"])
        token = token_of(req["id"])
        g = api("GET", "/api/requests/" + req["id"])
        self.assertEqual(g.status, 200)
        for k in ("id", "username", "displayName", "email", "status",
                  "createdAt", "expiresAt"):
            self.assertIn(k, g.json)
        self.assertNotIn(token, r.text + g.text)
        self.assertNotIn("challenge", g.json)
        self.assertError(api("GET", "/api/requests/" +
                             "00000000-0000-4000-8000-000000000000"), 404)
        self.assertError(api("GET", "/api/requests/not-a-uuid"), 404)

    def test_create_errors(self):
        self.create()
        r = api("POST", "/api/requests", {"username": self.name.upper(),
                                          "displayName": "X",
                                          "email": "x@example.org"})
        self.assertError(r, 409, "UsernameTaken")
        r = api("POST", "/api/requests", {"username": "ab",
                                          "displayName": "X",
                                          "email": "x@example.org"})
        self.assertEqual(self.assertError(r, 400)["field"], "username")
        r = api("POST", "/api/requests", {"username": self.name + "x",
                                          "displayName": "X",
                                          "email": "x@example.org",
                                          "extra": 1})
        self.assertEqual(self.assertError(r, 400)["field"], "extra")
        r = t.call("POST", "/api/requests", raw=b"{", headers=admin_headers(),
                   ctype="application/json")
        self.assertError(r, 400)

    def test_validate_with_challenge(self):
        req = self.create().json
        token = token_of(req["id"])
        r = api("POST", "/api/requests/%s/validate" % req["id"],
                {"challenge": "x" * 43})
        self.assertError(r, 404)
        t.psql("DELETE FROM rate_limits")
        r = api("POST", "/api/requests/%s/validate" % req["id"],
                {"challenge": token})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["username"], self.name)
        self.assertTrue(r.json["created"])
        self.assertNotIn("set-cookie", r.headers)
        rows = t.psql("SELECT status FROM users WHERE username = '%s'"
                      % self.name)
        self.assertEqual(rows, [["active"]])
        self.assertEqual(api("GET", "/api/requests/" + req["id"])
                         .json["status"], "completed")
        # Used: gone.
        r = api("POST", "/api/requests/%s/validate" % req["id"],
                {"challenge": token})
        self.assertError(r, 404)
        r = api("POST", "/api/requests/%s/validate" % req["id"], {})
        self.assertEqual(self.assertError(r, 400)["field"], "challenge")
        audit = t.psql("SELECT actor FROM audit_log WHERE target = '%s' "
                       "AND action LIKE 'request.validate%%'" % req["id"])
        self.assertTrue(audit)
        self.assertTrue(audit[0][0].startswith("admin"), audit)

    def test_cancel(self):
        req = self.create().json
        r = api("POST", "/api/requests/%s/cancel" % req["id"])
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["status"], "cancelled")
        self.assertError(api("POST", "/api/requests/%s/cancel" % req["id"]),
                         409, "RequestNotPending")
        # The name is free again.
        self.create()

    def test_list_filters_and_pages(self):
        self.create()
        other = self.name + "b"
        self.create(other)
        r = api("GET", "/api/requests?q=" + self.name + "&limit=1")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["total"], 2)
        self.assertEqual(len(r.json["data"]), 1)
        self.assertEqual(r.json["data"][0]["username"], other)  # newest
        r = api("GET", "/api/requests?q=" + self.name + "&offset=5")
        self.assertEqual((r.json["total"], r.json["data"]), (2, []))
        r = api("GET", "/api/requests?q=" + self.name + "&status=cancelled")
        self.assertEqual(r.json["total"], 0)
        r = api("GET", "/api/requests?status=bogus")
        self.assertEqual(self.assertError(r, 400)["field"], "status")
        r = api("GET", "/api/requests?limit=501")
        self.assertEqual(self.assertError(r, 400)["field"], "limit")
        for q in ("%", "_", "'", "\\", "' OR 1=1 --"):
            r = api("GET", "/api/requests?q=" +
                    q.replace("%", "%25").replace("'", "%27")
                    .replace(" ", "+").replace("\\", "%5C"))
            self.assertEqual(r.status, 200, (q, r))
            self.assertEqual(r.json["total"], 0, q)

    def test_needs_admin(self):
        self.assertError(t.call("GET", "/api/requests"), 401)
