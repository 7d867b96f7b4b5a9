"""/manager (issue 6) over HTTPS with the stack's dev admin client
certificate: every page renders with its data; every action changes the
database and writes its audit row with the admin as actor; POST-redirect-
GET with fixed notices; CSRF missing, wrong or another admin's → 403 and
nothing changed; anonymous, non-admin and revoked certificates → readable
401/403 pages; and hostile text (<script>, attribute breakers, quotes,
ampersands, non-ASCII) never reaches a page unescaped."""

import hashlib
import html
import os
import re
import subprocess
import urllib.parse

import certm3test as t

DEV = os.path.join(t.VAR, "dev")
ADMIN = (os.path.join(DEV, "admin-cert.pem"), os.path.join(DEV, "admin-key.pem"))
FORM = "application/x-www-form-urlencoded"
CSRF_RE = re.compile(r'<input type="hidden" name="csrf" value="([^"]+)">')

# Hostile text for every displayed field we can set.
SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
NONASCII = "J\u00f6rg \u674e"
PAYLOAD = SCRIPT + " " + IMG + " ' & " + NONASCII


def page(path, who=ADMIN):
    """GET a page as who (cert, key), or anonymously with who None."""
    cert, key = who if who else (None, None)
    return t.call("GET", path, cert=cert, key=key)


def post(path, form, who=ADMIN):
    """POST a urlencoded form (a dict or a list of pairs) as who."""
    cert, key = who if who else (None, None)
    return t.call("POST", path, raw=urllib.parse.urlencode(form).encode(),
                  ctype=FORM, cert=cert, key=key)


def csrf_of(r):
    m = CSRF_RE.search(r.text)
    assert m, r
    return m.group(1)


def csrf(path="/manager/tokens", who=ADMIN):
    """A CSRF token from a page with a form (tokens, when path has none:
    a token is the admin's, not the page's)."""
    r = page(path, who)
    assert r.status == 200, r
    if not CSRF_RE.search(r.text):
        r = page("/manager/tokens", who)
    return csrf_of(r)


def sql_str(s):
    return "'" + s.replace("'", "''") + "'"


def audit_rows(action, target):
    return t.psql("SELECT actor, client_addr FROM audit_log WHERE action = "
                  "%s AND target = %s ORDER BY id" % (sql_str(action),
                                                      sql_str(target)))


def api(method, path, body=None):
    return t.admin_call(method, path, body)


def make_user(prefix="mu", display=None):
    name = t.uniq(prefix)
    r = api("POST", "/api/users", {"username": name,
                                   "displayName": display or "User " + name,
                                   "email": name + "@example.org"})
    assert r.status == 201, r
    return r.json


def make_group(prefix="mg", **extra):
    body = {"name": t.uniq(prefix)}
    body.update(extra)
    r = api("POST", "/api/groups", body)
    assert r.status == 201, r
    return r.json


def user_with_cert(test, prefix="mc"):
    """An enrolled user with a certificate of ours: (person, cert, key)."""
    p = t.enroll(prefix)
    d = t.tmpdir(test)
    key = t.new_key(os.path.join(d, "key.pem"))
    csr = t.new_csr(key, "/CN=%s/emailAddress=%s" % (p["username"],
                                                     p["email"]))
    r = t.submit_csr(csr, cookie=p["cookie"])
    assert r.status == 200, r
    cert = os.path.join(d, "cert.pem")
    with open(cert, "w") as f:
        f.write(r.json["certificate"])
    p["serial"] = r.json["serial"]
    return p, (cert, key)


class Manager(t.StackTest):

    def assertPage(self, r, status=200, h1=None):
        self.assertEqual(r.status, status, r)
        self.assertTrue(r.header("content-type").startswith("text/html"), r)
        self.assertIn("<!doctype html>", r.text)
        if h1 is not None:
            self.assertIn("<h1>%s</h1>" % html.escape(h1, quote=True)
                          .replace("&#x27;", "&#39;"), r.text)
        return r.text

    def assertDone(self, r, path, done):
        self.assertEqual(r.status, 303, r)
        self.assertEqual(r.header("location"), "%s?done=%s" % (path, done))
        # The notice is a fixed text on the page redirected to.
        p = page(r.header("location"))
        self.assertPage(p)
        self.assertIn('class="notice"', p.text)
        return p


class Pages(Manager):

    def test_dashboard(self):
        r = page("/manager")
        text = self.assertPage(r, h1="Dashboard")
        self.assertIn("Signed in as <strong>admin</strong>", text)
        self.assertIn('<a href="/manager" aria-current="page">Dashboard</a>',
                      text)
        for h in ("At a glance", "Newest pending requests",
                  "Certificates expiring in the next 30 days",
                  "Latest audit entries"):
            self.assertIn(h, text)
        active = int(t.psql("SELECT count(*) FROM users WHERE status = "
                            "'active'")[0][0])
        self.assertIn('<span class="n">%d</span> active users' % active,
                      text)
        # nginx's security headers reach the pages.
        csp = r.header("content-security-policy")
        self.assertIn("script-src 'self'", csp)
        self.assertIn("frame-ancestors 'none'", csp)
        self.assertEqual(r.header("x-content-type-options"), "nosniff")
        self.assertEqual(r.header("referrer-policy"), "same-origin")
        self.assertEqual(r.header("cache-control"), "no-store")
        # No inline script or style anywhere.
        self.assertNotRegex(text, r"<script|style=|onclick=|onload=")

    def test_dashboard_lists(self):
        p = {"username": t.uniq("dash"), "displayName": "Dash Pending",
             "email": t.uniq("dash") + "@example.org"}
        self.assertEqual(t.call("POST", "/request/api/requests", p).status,
                         201)
        u, _ = user_with_cert(self, "dexp")
        t.psql("UPDATE certificates SET not_after = now() + interval "
               "'3 days' WHERE serial = '%s'" % u["serial"])
        text = self.assertPage(page("/manager"))
        self.assertIn(p["username"], text)
        self.assertIn(u["serial"], text)

    def test_every_page(self):
        u, _ = user_with_cert(self, "pages")
        g = make_group(displayName="Page Group")
        rid = t.call("POST", "/request/api/requests", {
            "username": t.uniq("preq"), "displayName": "Req Person",
            "email": t.uniq("preq") + "@example.org"}).json["id"]
        for path, h1, want in [
                ("/manager/users?q=" + u["username"], "Users",
                 u["username"]),
                ("/manager/users/" + u["id"], u["username"], u["serial"]),
                ("/manager/groups", "Groups", "users"),
                ("/manager/groups/" + g["name"], g["name"], "Page Group"),
                ("/manager/requests", "Requests", "Req Person"),
                ("/manager/requests/" + rid, None, "Req Person"),
                ("/manager/certificates?username=" + u["username"],
                 "Certificates", u["serial"]),
                ("/manager/certificates/" + u["serial"], u["serial"],
                 "CN=" + u["username"]),
                ("/manager/tokens", "API tokens", "bootstrap"),
                ("/manager/audit", "Audit log", "certificate.issue")]:
            r = page(path)
            text = self.assertPage(r, h1=h1)
            self.assertIn(want, text, path)
            self.assertIn("Signed in as <strong>admin</strong>", text)
            # One current page: the section in the navigation, or the
            # last breadcrumb (the section is then the "location").
            self.assertEqual(text.count('aria-current="page"'), 1, path)

    def test_errors_are_pages(self):
        self.assertPage(page("/manager/nope"), 404, "Not Found")
        self.assertPage(page("/manager/users/" + "0" * 8 + "-0000-0000-"
                             "0000-" + "0" * 12), 404)
        self.assertPage(page("/manager/users?status=bogus"), 400)
        self.assertPage(page("/manager/certificates?expiresBefore="
                             "2030-02-31"), 400)
        r = t.call("DELETE", "/manager/users", cert=ADMIN[0], key=ADMIN[1])
        self.assertEqual(r.status, 405)
        self.assertIn("GET", r.header("allow"))
        # GET of a POST-only address changes nothing: 405.
        self.assertEqual(page("/manager/tokens/x/revoke").status, 405)
        # Bodies refused before any handler are pages too.
        r = t.call("POST", "/manager/groups", raw=b'{"name":"x"}',
                   ctype="application/json", cert=ADMIN[0], key=ADMIN[1])
        self.assertPage(r, 415)
        r = t.call("POST", "/manager/groups", raw=b"name=%zz",
                   ctype=FORM, cert=ADMIN[0], key=ADMIN[1])
        self.assertPage(r, 400)

    def test_pagination_keeps_filters(self):
        m = t.uniq("pg")
        for i in range(27):
            r = api("POST", "/api/users", {
                "username": "%s%02d" % (m, i), "displayName": "P %d" % i,
                "email": "%s%02d@example.org" % (m, i)})
            self.assertEqual(r.status, 201, r)
        text = self.assertPage(page("/manager/users?q=%s&status=active" % m))
        self.assertIn("Showing 1–25 of 27", text)
        nxt = re.search(r'<a rel="next" href="([^"]+)"', text).group(1)
        nxt = html.unescape(nxt)
        self.assertIn("q=" + m, nxt)
        self.assertIn("status=active", nxt)
        self.assertIn("offset=25", nxt)
        text = self.assertPage(page(nxt))
        self.assertIn("Showing 26–27 of 27", text)
        self.assertIn(m + "26", text)
        self.assertIn('rel="prev"', text)
        self.assertNotIn('rel="next"', text)


class Access(Manager):

    def test_anonymous(self):
        text = self.assertPage(page("/manager", None), 401)
        self.assertIn("client certificate", text)
        r = post("/manager/groups", {"name": t.uniq("anon")}, None)
        self.assertPage(r, 401)

    def test_non_admin(self):
        p, who = user_with_cert(self, "nonadm")
        text = self.assertPage(page("/manager", who), 403)
        self.assertNotIn("Signed in as", text)
        self.assertPage(page("/manager/users", who), 403)

    def test_revoked_admin(self):
        name = t.uniq("radm")
        a = t.bootstrap_admin(name, t.tmpdir(self))
        who = (a["cert"], a["key"])
        self.assertPage(page("/manager", who), 200)
        serial = t.psql("SELECT serial FROM certificates WHERE username = "
                        "'%s' AND status = 'active'" % name)[0][0]
        r = api("POST", "/api/certificates/%s/revoke" % serial,
                {"reason": "keyCompromise"})
        self.assertEqual(r.status, 200, r)
        self.assertPage(page("/manager", who), 401)

    def test_removed_from_admins(self):
        name = t.uniq("xadm")
        a = t.bootstrap_admin(name, t.tmpdir(self))
        who = (a["cert"], a["key"])
        token = csrf("/manager/groups", who)
        t.psql("DELETE FROM user_groups WHERE group_name = 'admins' AND "
               "user_id = (SELECT id FROM users WHERE username = '%s')"
               % name)
        g = t.uniq("xg")
        self.assertPage(post("/manager/groups", {"csrf": token, "name": g},
                             who), 403)
        self.assertEqual(t.psql("SELECT count(*) FROM groups WHERE name = "
                                "'%s'" % g), [["0"]])


class Csrf(Manager):

    def assertNoGroup(self, name):
        self.assertEqual(t.psql("SELECT count(*) FROM groups WHERE name = "
                                "'%s'" % name), [["0"]])

    def test_missing_wrong_and_foreign(self):
        g = t.uniq("cs")
        self.assertPage(post("/manager/groups", {"name": g}), 403)
        self.assertNoGroup(g)
        good = csrf()
        when, mac = good.split(".")
        for bad in ("", "x", when + "." + "0" * 64,
                    str(int(when) - 13 * 3600) + "." + mac,
                    when + "." + mac.upper()):
            self.assertPage(post("/manager/groups",
                                 {"csrf": bad, "name": g}), 403)
            self.assertNoGroup(g)
        # Another admin's token (bound to their certificate) is no good.
        a = t.bootstrap_admin(t.uniq("cadm"), t.tmpdir(self))
        theirs = csrf("/manager/groups", (a["cert"], a["key"]))
        self.assertPage(post("/manager/groups", {"csrf": theirs,
                                                 "name": g}), 403)
        self.assertNoGroup(g)
        # And ours in their hands neither.
        self.assertPage(post("/manager/groups", {"csrf": good, "name": g},
                             (a["cert"], a["key"])), 403)
        self.assertNoGroup(g)
        # The right one works.
        r = post("/manager/groups", {"csrf": good, "name": g})
        self.assertEqual(r.status, 303, r)

    def test_every_form_checks(self):
        u, _ = user_with_cert(self, "csf")
        g = make_group()
        before = t.psql("SELECT count(*) FROM audit_log")[0][0]
        for path in ["/manager/users/%s/groups" % u["id"],
                     "/manager/users/%s/groups/%s/remove" % (u["id"],
                                                             g["name"]),
                     "/manager/users/%s/deactivate" % u["id"],
                     "/manager/users/%s/activate" % u["id"],
                     "/manager/groups", "/manager/groups/%s/edit" % g["name"],
                     "/manager/groups/%s/delete" % g["name"],
                     "/manager/groups/%s/members" % g["name"],
                     "/manager/groups/%s/members/%s/remove" % (g["name"],
                                                               u["id"]),
                     "/manager/requests/%s/resend" % u["id"],
                     "/manager/requests/%s/cancel" % u["id"],
                     "/manager/certificates/%s/revoke" % u["serial"],
                     "/manager/tokens", "/manager/tokens/%s/revoke" % u["id"]]:
            r = post(path, {"confirm": "yes", "group": g["name"],
                            "username": u["username"], "name": "x",
                            "reason": "keyCompromise"})
            self.assertPage(r, 403)
        self.assertEqual(t.psql("SELECT count(*) FROM audit_log")[0][0],
                         before)
        self.assertEqual(t.psql("SELECT status FROM certificates WHERE "
                                "serial = '%s'" % u["serial"]),
                         [["active"]])


class Groups(Manager):

    def test_create_edit_members_delete(self):
        name = t.uniq("grp")
        r = post("/manager/groups", {"csrf": csrf("/manager/groups"),
                                     "name": name.upper(),
                                     "displayName": "Team " + name,
                                     "description": "First"})
        path = "/manager/groups/" + name
        self.assertDone(r, path, "group-created")
        self.assertEqual(t.psql("SELECT display_name, description, created_by"
                                " FROM groups WHERE name = '%s'" % name),
                         [["Team " + name, "First", "admin"]])
        self.assertEqual(audit_rows("group.create", name)[0][0], "admin")

        r = post(path + "/edit", {"csrf": csrf(path),
                                  "displayName": "Renamed",
                                  "description": "Second"})
        self.assertDone(r, path, "group-updated")
        self.assertEqual(t.psql("SELECT display_name, description FROM "
                                "groups WHERE name = '%s'" % name),
                         [["Renamed", "Second"]])
        self.assertEqual(audit_rows("group.update", name)[0][0], "admin")

        u = make_user("gm")
        r = post(path + "/members", {"csrf": csrf(path),
                                     "username": u["username"].upper()})
        self.assertDone(r, path, "member-added")
        self.assertEqual(t.psql("SELECT count(*) FROM user_groups WHERE "
                                "group_name = '%s' AND user_id = '%s'"
                                % (name, u["id"])), [["1"]])
        self.assertEqual(audit_rows("group.member.add", u["id"])[0][0],
                         "admin")
        text = self.assertPage(page(path))
        self.assertIn(u["username"], text)

        # An unknown name: the group page again, a helpful error, no change.
        r = post(path + "/members", {"csrf": csrf(path),
                                     "username": "nosuch" + name})
        text = self.assertPage(r, 404, name)
        self.assertIn("No user is named", text)
        self.assertIn("nosuch" + name, text)
        r = post(path + "/members", {"csrf": csrf(path), "username": "x y"})
        text = self.assertPage(r, 400, name)
        self.assertIn("is not a username", text)
        self.assertEqual(t.psql("SELECT count(*) FROM user_groups WHERE "
                                "group_name = '%s'" % name), [["1"]])

        r = post("%s/members/%s/remove" % (path, u["id"]),
                 {"csrf": csrf(path)})
        self.assertDone(r, path, "member-removed")
        self.assertEqual(t.psql("SELECT count(*) FROM user_groups WHERE "
                                "group_name = '%s'" % name), [["0"]])
        self.assertEqual(audit_rows("group.member.remove", u["id"])[0][0],
                         "admin")

        # Delete needs the confirmation box.
        r = post(path + "/delete", {"csrf": csrf(path)})
        self.assertPage(r, 400)
        self.assertEqual(t.psql("SELECT count(*) FROM groups WHERE name = "
                                "'%s'" % name), [["1"]])
        r = post(path + "/delete", {"csrf": csrf(path), "confirm": "yes"})
        self.assertDone(r, "/manager/groups", "group-deleted")
        self.assertEqual(t.psql("SELECT count(*) FROM groups WHERE name = "
                                "'%s'" % name), [["0"]])
        self.assertEqual(audit_rows("group.delete", name)[0][0], "admin")

    def test_users_group_is_fixed(self):
        text = self.assertPage(page("/manager/groups/users"))
        self.assertNotIn('action="/manager/groups/users/delete"', text)
        self.assertNotIn("/remove", text)
        r = post("/manager/groups/users/delete", {"csrf": csrf(),
                                                  "confirm": "yes"})
        self.assertPage(r, 403)
        u = make_user("fix")
        r = post("/manager/groups/users/members/%s/remove" % u["id"],
                 {"csrf": csrf()})
        self.assertPage(r, 403)
        self.assertEqual(t.psql("SELECT count(*) FROM user_groups WHERE "
                                "group_name = 'users' AND user_id = '%s'"
                                % u["id"]), [["1"]])
        self.assertPage(post("/manager/groups", {"csrf": csrf(),
                                                 "name": "users"}), 409)


class Users(Manager):

    def test_search(self):
        m = t.uniq("srch")
        u = make_user(m, display="Zelda " + m)
        other = make_user("other")
        text = self.assertPage(page("/manager/users?q=zelda%20" + m))
        self.assertIn(u["username"], text)
        self.assertNotIn(other["username"], text)
        self.assertIn('value="zelda %s"' % m, text)
        text = self.assertPage(page("/manager/users?q=%s&status=inactive"
                                    % m))
        self.assertNotIn(u["username"], text)
        # LIKE wildcards match themselves.
        text = self.assertPage(page("/manager/users?q=%25"))
        self.assertNotIn(u["username"], text)

    def test_groups_certs_and_status(self):
        u, who = user_with_cert(self, "ud")
        g = make_group(displayName="Detail Group")
        path = "/manager/users/" + u["id"]
        text = self.assertPage(page(path), h1=u["username"])
        self.assertIn('aria-current="location"', text)
        self.assertIn('aria-label="Breadcrumb"', text)
        self.assertIn(u["serial"], text)
        self.assertIn('<option value="%s">' % g["name"], text)
        # `users` cannot be left: no remove form for it.
        self.assertNotIn("/groups/users/remove", text)

        r = post(path + "/groups", {"csrf": csrf(path), "group": g["name"]})
        self.assertDone(r, path, "user-group-added")
        self.assertEqual(t.psql("SELECT group_name FROM user_groups WHERE "
                                "user_id = '%s' ORDER BY 1" % u["id"]),
                         sorted([[g["name"]], ["users"]]))
        r = post("%s/groups/%s/remove" % (path, g["name"]),
                 {"csrf": csrf(path)})
        self.assertDone(r, path, "user-group-removed")
        self.assertEqual(t.psql("SELECT group_name FROM user_groups WHERE "
                                "user_id = '%s'" % u["id"]), [["users"]])
        r = post(path + "/groups/users/remove", {"csrf": csrf(path)})
        self.assertPage(r, 403)

        # Revoke from the user's page: back to it, shown revoked.
        r = post("/manager/certificates/%s/revoke" % u["serial"],
                 {"csrf": csrf(path), "reason": "superseded",
                  "from": "user"})
        p = self.assertDone(r, path, "cert-revoked")
        self.assertIn("superseded", p.text)
        self.assertEqual(t.psql("SELECT status, revocation_reason, "
                                "revoked_by FROM certificates WHERE serial "
                                "= '%s'" % u["serial"]),
                         [["revoked", "superseded", "admin"]])

        # Deactivation needs the confirmation box; then revokes and audits.
        u2, _ = user_with_cert(self, "ud2")
        path2 = "/manager/users/" + u2["id"]
        self.assertPage(post(path2 + "/deactivate", {"csrf": csrf(path2)}),
                        400)
        self.assertEqual(t.psql("SELECT status FROM users WHERE id = '%s'"
                                % u2["id"]), [["active"]])
        r = post(path2 + "/deactivate", {"csrf": csrf(path2),
                                         "confirm": "yes"})
        self.assertDone(r, path2, "user-deactivated")
        self.assertEqual(t.psql("SELECT u.status, c.status, "
                                "c.revocation_reason FROM users u JOIN "
                                "certificates c ON c.user_id = u.id WHERE "
                                "u.id = '%s'" % u2["id"]),
                         [["inactive", "revoked", "cessationOfOperation"]])
        self.assertEqual(audit_rows("user.deactivate", u2["id"])[0][0],
                         "admin")
        r = post(path2 + "/activate", {"csrf": csrf(path2),
                                       "confirm": "yes"})
        self.assertDone(r, path2, "user-activated")
        self.assertEqual(t.psql("SELECT status FROM users WHERE id = '%s'"
                                % u2["id"]), [["active"]])
        self.assertEqual(audit_rows("user.activate", u2["id"])[0][0],
                         "admin")


class Requests(Manager):

    def new_request(self, display="Req Person"):
        name = t.uniq("rq")
        p = {"username": name, "displayName": display,
             "email": name + "@example.org"}
        r = t.call("POST", "/request/api/requests", p)
        self.assertEqual(r.status, 201, r)
        p["id"] = r.json["id"]
        return p

    def test_list_search_resend_cancel(self):
        p = self.new_request()
        text = self.assertPage(page("/manager/requests?status=pending&q="
                                    + p["username"]))
        self.assertIn(p["email"], text)
        text = self.assertPage(page("/manager/requests?status=completed&q="
                                    + p["username"]))
        self.assertNotIn(p["email"], text)
        path = "/manager/requests/" + p["id"]
        text = self.assertPage(page(path), h1=p["username"])
        hash_before = t.psql("SELECT challenge_hash FROM requests WHERE id "
                             "= '%s'" % p["id"])
        self.assertNotIn(hash_before[0][0], text)
        mails = t.mails_to_count(p["email"])
        r = post(path + "/resend", {"csrf": csrf(path)})
        self.assertDone(r, path, "request-resent")
        self.assertEqual(t.mails_to_count(p["email"]), mails + 1)
        self.assertNotEqual(t.psql("SELECT challenge_hash FROM requests "
                                   "WHERE id = '%s'" % p["id"]), hash_before)
        self.assertEqual(audit_rows("request.resend", p["id"])[0][0],
                         "admin")
        r = post(path + "/cancel", {"csrf": csrf(path)})
        self.assertDone(r, path, "request-cancelled")
        self.assertEqual(t.psql("SELECT status FROM requests WHERE id = "
                                "'%s'" % p["id"]), [["cancelled"]])
        self.assertEqual(audit_rows("request.cancel", p["id"])[0][0],
                         "admin")
        # No longer live: a readable 409, nothing changed.
        r = post(path + "/cancel", {"csrf": csrf(path)})
        self.assertPage(r, 409)


class Certificates(Manager):

    def test_list_detail_pem_revoke(self):
        u, _ = user_with_cert(self, "cert")
        text = self.assertPage(page("/manager/certificates?username="
                                    + u["username"]))
        self.assertIn(u["serial"], text)
        text = self.assertPage(page("/manager/certificates?status=revoked"
                                    "&username=" + u["username"]))
        self.assertNotIn(u["serial"], text)
        text = self.assertPage(page("/manager/certificates?expiresBefore="
                                    "2000-01-01"))
        self.assertNotIn(u["serial"], text)
        path = "/manager/certificates/" + u["serial"]
        text = self.assertPage(page(path))
        fpr = t.psql("SELECT fingerprint FROM certificates WHERE serial = "
                     "'%s'" % u["serial"])[0][0]
        self.assertIn(fpr, text)
        self.assertIn("CN=" + u["username"], text)
        self.assertIn(u["email"], text)
        self.assertIn('<option value="keyCompromise"', text)
        self.assertNotIn("removeFromCRL", text)

        r = page(path + "/pem")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.header("content-type"), "application/x-pem-file")
        self.assertEqual(r.header("content-disposition"),
                         'attachment; filename="%s.pem"' % u["serial"])
        self.assertTrue(r.text.startswith("-----BEGIN CERTIFICATE-----"))
        self.assertEqual(t.der_fingerprint(r.text), fpr)

        r = post(path + "/revoke", {"csrf": csrf(path),
                                    "reason": "removeFromCRL"})
        self.assertPage(r, 400)
        self.assertEqual(t.psql("SELECT status FROM certificates WHERE "
                                "serial = '%s'" % u["serial"]),
                         [["active"]])
        r = post(path + "/revoke", {"csrf": csrf(path),
                                    "reason": "keyCompromise"})
        text = self.assertDone(r, path, "cert-revoked").text
        self.assertIn("keyCompromise", text)
        self.assertEqual(t.psql("SELECT status, revocation_reason, "
                                "revoked_by FROM certificates WHERE serial "
                                "= '%s'" % u["serial"]),
                         [["revoked", "keyCompromise", "admin"]])
        self.assertEqual(audit_rows("certificate.revoke", u["serial"])[0][0],
                         "admin")
        self.assertPage(post(path + "/revoke", {"csrf": csrf(path)}), 409)


class Tokens(Manager):

    def test_create_once_and_revoke(self):
        name = "tok " + t.uniq("")
        r = post("/manager/tokens", {"csrf": csrf("/manager/tokens"),
                                     "name": name, "expires": "2099-01-01"})
        text = self.assertPage(r, 200, "Token created")
        secret = re.search(r'id="secret" class="mono" readonly value="'
                           r'([A-Za-z0-9_-]+)"', text).group(1)
        row = t.psql("SELECT id, token_hash, expires_at::date FROM "
                     "api_tokens WHERE name = '%s'" % name)
        self.assertEqual(len(row), 1)
        tid, stored, exp = row[0]
        self.assertEqual(stored, hashlib.sha256(secret.encode())
                         .hexdigest())
        self.assertEqual(exp, "2099-01-01")
        self.assertEqual(audit_rows("token.create", tid)[0][0], "admin")
        # The secret works, and is never shown again.
        self.assertEqual(t.call("GET", "/api/users?limit=1",
                                headers=t.bearer(secret)).status, 200)
        self.assertNotIn(secret, page("/manager/tokens").text)
        # Revoke.
        r = post("/manager/tokens/%s/revoke" % tid,
                 {"csrf": csrf("/manager/tokens")})
        self.assertDone(r, "/manager/tokens", "token-revoked")
        self.assertEqual(t.psql("SELECT revoked_at IS NOT NULL FROM "
                                "api_tokens WHERE id = '%s'" % tid),
                         [["t"]])
        self.assertEqual(t.call("GET", "/api/users?limit=1",
                                headers=t.bearer(secret)).status, 401)

    def test_bad_owner_and_name(self):
        before = t.psql("SELECT count(*) FROM api_tokens")
        r = post("/manager/tokens", {"csrf": csrf("/manager/tokens"),
                                     "name": "x", "owner": "nobody" +
                                     t.uniq("")})
        self.assertIn("No user is named", self.assertPage(r, 404))
        r = post("/manager/tokens", {"csrf": csrf("/manager/tokens"),
                                     "name": ""})
        self.assertPage(r, 400)
        self.assertEqual(t.psql("SELECT count(*) FROM api_tokens"), before)


class Audit(Manager):

    def test_filters(self):
        g = t.uniq("aud")
        self.assertEqual(post("/manager/groups", {"csrf": csrf(),
                                                  "name": g}).status, 303)
        text = self.assertPage(page("/manager/audit?actor=admin&action="
                                    "group.*&target=" + g))
        self.assertIn("group.create", text)
        self.assertIn(g, text)
        self.assertIn('value="group.*"', text)
        text = self.assertPage(page("/manager/audit?actor=nobody&target="
                                    + g))
        self.assertIn("No entries.", text)


class Escaping(Manager):
    """Hostile text through every displayed field that can be set."""

    def assertEscaped(self, text, where):
        self.assertNotIn(SCRIPT, text, where)
        self.assertNotIn("<img", text, where)
        self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt;", text, where)
        self.assertIn("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;", text,
                      where)
        self.assertIn(" &#39; &amp; " + NONASCII, text, where)

    def test_every_field(self):
        # A user's display name (and a certificate of theirs).
        p = t.enroll("esc", PAYLOAD)
        d = t.tmpdir(self)
        key = t.new_key(os.path.join(d, "k.pem"))
        r = t.submit_csr(t.new_csr(key, "/CN=%s/emailAddress=%s"
                                   % (p["username"], p["email"])),
                         cookie=p["cookie"])
        self.assertEqual(r.status, 200, r)
        # A group's display name and description, with the user in it.
        g = make_group(displayName=PAYLOAD, description=PAYLOAD)
        self.assertEqual(api("POST", "/api/groups/%s/members" % g["name"],
                             {"userIds": [p["id"]]}).status, 200)
        # A pending request's display name.
        rname = t.uniq("escr")
        req = t.call("POST", "/request/api/requests", {
            "username": rname, "displayName": PAYLOAD,
            "email": rname + "@example.org"}).json
        req["username"] = rname
        # A token's name (its creation audited with the name too).
        r = post("/manager/tokens", {"csrf": csrf("/manager/tokens"),
                                     "name": PAYLOAD})
        self.assertEscaped(self.assertPage(r), "token created")
        q = urllib.parse.quote(PAYLOAD)
        for path in ["/manager/users/" + p["id"],
                     "/manager/users?q=" + q,
                     "/manager/groups/" + g["name"],
                     "/manager/requests/" + req["id"],
                     "/manager/requests?status=pending&q=" + q,
                     "/manager/tokens",
                     "/manager/audit?target=" + q,
                     "/manager/audit?actor=" + q + "&action=" + q]:
            self.assertEscaped(self.assertPage(page(path)), path)
        # Lists that show the display names.
        for path in ["/manager/users?q=" + p["username"],
                     "/manager/groups/%s" % g["name"],
                     "/manager/requests?q=" + req["username"]]:
            text = self.assertPage(page(path))
            self.assertNotIn(SCRIPT, text, path)
            self.assertIn("&lt;script&gt;", text, path)
        # Echoed form input in an error: an unknown member's name.
        r = post("/manager/groups/%s/members" % g["name"],
                 {"csrf": csrf(), "username": PAYLOAD})
        self.assertEscaped(self.assertPage(r, 400), "member error")
        # Edit the group through the form: stored as typed, shown escaped.
        path = "/manager/groups/" + g["name"]
        r = post(path + "/edit", {"csrf": csrf(path),
                                  "displayName": PAYLOAD + " 2",
                                  "description": PAYLOAD + " 3"})
        self.assertEqual(r.status, 303, r)
        self.assertEqual(t.psql("SELECT display_name FROM groups WHERE "
                                "name = '%s'" % g["name"]),
                         [[PAYLOAD + " 2"]])
        self.assertEscaped(self.assertPage(page(path)), "edited group")
        # The audit row of the edit carries the texts in its detail.
        text = self.assertPage(page("/manager/audit?action=group.update&"
                                    "target=" + g["name"]))
        self.assertEscaped(text, "audit detail")
        # The ?done= parameter is never echoed.
        text = self.assertPage(page("/manager/users?q=nobody-at-all&done="
                                    + q))
        self.assertNotIn("alert(1)", text)
        self.assertNotIn('class="notice"', text)


class Outage(Manager):
    """PostgreSQL down: a readable 503 page, never a stack trace; back up:
    the console works again without restarting anything."""

    def pg_ctl(self, action):
        user = ["runuser", "-u", "certm3", "--"] if os.geteuid() == 0 else []
        p = subprocess.run(user + [t.pg_bin("pg_ctl"), "-D",
                                   os.path.join(t.VAR, "pg"), "-w", "-m",
                                   "fast", "-l", os.path.join(
                                       t.VAR, "log", "postgresql.log"),
                                   action], capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stderr)

    def test_database_down(self):
        self.assertPage(page("/manager"), 200)
        self.pg_ctl("stop")
        try:
            for _ in range(3):	# every process
                text = self.assertPage(page("/manager"), 503)
                self.assertIn("database is unavailable", text)
                self.assertPage(post("/manager/groups", {"name": "x"}), 503)
        finally:
            self.pg_ctl("start")
        for _ in range(3):
            self.assertPage(page("/manager"), 200)
