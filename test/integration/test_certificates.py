"""Certificates (issue 4, server side): CSRs made with the openssl CLI
through the whole /request flow, every SPEC §4 field of what is issued,
the CA certificate and the CRL, renewal with a client certificate,
revocation, an expired certificate starting re-validation, and
certm3-request refusing a CA key that others may read."""

import calendar
import os
import re
import shutil
import subprocess
import time

import certm3test as t

GROUP_OID = "1.3.6.1.4.1.10049.2"


def clear_limits():
    t.psql("DELETE FROM rate_limits WHERE key ~ '^(cert|reval|val|req):'")


def write(path, text):
    with open(path, "w") as f:
        f.write(text)
    return path


def x509_text(pem):
    return t.openssl("x509", "-noout", "-text", data=pem.encode()).decode()


def asn1_time(s):
    """'Dec  4 20:35:03 2026 GMT' → seconds since the epoch."""
    return calendar.timegm(time.strptime(s.strip(), "%b %d %H:%M:%S %Y GMT"))


def san_values(pem):
    """The SAN as (rfc822 names, [(otherName type-id, value type, value)])
    read from its DER with openssl asn1parse."""
    dump = t.openssl("asn1parse", data=pem.encode()).decode()
    m = re.search(r"OBJECT\s+:X509v3 Subject Alternative Name\n\s*(\d+):"
                  r"d=\d+\s+hl=\d+ l=\s*\d+ prim: OCTET STRING", dump)
    assert m, dump
    inner = t.openssl("asn1parse", "-strparse", m.group(1),
                      data=pem.encode()).decode()
    emails, others = [], []
    lines = inner.splitlines()
    for i, line in enumerate(lines):
        if "prim: cont [ 1 ]" in line:
            emails.append(None)		# rfc822Name: IA5 bytes, read below
        m = re.search(r"OBJECT\s+:(\S+)", line)
        if m:
            for nxt in lines[i + 1:i + 4]:
                v = re.search(r"prim: (\w+)\s+:(.*)$", nxt)
                if v:
                    others.append((m.group(1), v.group(1), v.group(2)))
                    break
    return len(emails), others


class Certificates(t.StackTest):

    @classmethod
    def setUpClass(cls):
        r = t.call("GET", "/request/ca.pem")
        assert r.status == 200, r
        cls.ca_pem = r.text
        cls.work = t.tempfile.mkdtemp(prefix="certm3-it-certs-")
        cls.ca_file = write(os.path.join(cls.work, "ca.pem"), cls.ca_pem)
        with open(os.path.join(t.VAR, "cert-defaults.conf")) as f:
            cls.crl_url = re.search(r"^crl_url = (\S+)", f.read(),
                                    re.M).group(1)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.work, ignore_errors=True)

    def setUp(self):
        clear_limits()

    # --- helpers ----------------------------------------------------------

    def key(self, kind="ec"):
        return t.new_key(os.path.join(t.tmpdir(self), "key.pem"), kind)

    def csr_for(self, p, kind="ec", cn=None, email=None, extra=()):
        key = self.key(kind)
        subj = "/CN=%s/emailAddress=%s" % (cn or p["username"],
                                           email or p["email"])
        return key, t.new_csr(key, subj, *extra)

    def issue(self, p, groups=None, kind="ec", **kw):
        key, csr = self.csr_for(p, kind)
        r = t.submit_csr(csr, groups, cookie=kw.get("cookie", p["cookie"]),
                         cert=kw.get("cert"), key=kw.get("key"))
        self.assertEqual(r.status, 200, r)
        cert = write(os.path.join(t.tmpdir(self), "cert.pem"),
                     r.json["certificate"])
        return r, key, cert

    def verify(self, cert_file, *extra):
        return subprocess.run(["openssl", "verify", "-purpose", "sslclient",
                               "-CAfile", self.ca_file, *extra, cert_file],
                              capture_output=True, text=True)

    def crl(self):
        r = t.call("GET", "/request/crl.pem")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.header("content-type"), "application/x-pem-file")
        return r.text

    # --- the CA certificate and the CRL ----------------------------------

    def test_ca_pem(self):
        r = t.call("GET", "/request/ca.pem")
        self.assertEqual(r.header("content-type"),
                         "application/pem-certificate-chain")
        with open(os.path.join(t.VAR, "ca", "ca.pem")) as f:
            self.assertEqual(t.openssl("x509", "-outform", "DER",
                                       data=r.body),
                             t.openssl("x509", "-outform", "DER",
                                       data=f.read().encode()))

    def test_crl_cached_and_signed(self):
        a = self.crl()
        b = self.crl()
        self.assertEqual(a, b)		# nothing changed: the same CRL
        crl_file = write(os.path.join(t.tmpdir(self), "crl.pem"), a)
        p = subprocess.run(["openssl", "crl", "-in", crl_file, "-noout",
                            "-CAfile", self.ca_file],
                           capture_output=True, text=True)
        self.assertIn("verify OK", p.stdout + p.stderr)
        text = t.openssl("crl", "-in", crl_file, "-noout", "-text").decode()
        self.assertIn("X509v3 CRL Number", text)
        self.assertIn("X509v3 Authority Key Identifier", text)
        last = asn1_time(re.search(r"Last Update: (.*)", text).group(1))
        nxt = asn1_time(re.search(r"Next Update: (.*)", text).group(1))
        self.assertEqual(nxt - last, 86400)	# crl_next_update 1d
        self.assertEqual(t.psql("SELECT count(*) FROM crl"), [["1"]])

    def crl_number(self, pem):
        return int(re.search(r"CRL Number: \n\s+(\d+)", t.openssl(
            "crl", "-noout", "-text", data=pem.encode()).decode()).group(1))

    def test_crl_remade_past_half_life(self):
        n = self.crl_number(self.crl())
        # 11 hours old of a day: still served.
        t.psql("UPDATE crl SET this_update = now() - interval '11 hours', "
               "next_update = now() + interval '13 hours'")
        self.assertEqual(self.crl_number(self.crl()), n)
        # Past half its lifetime: a new one, with a higher number.
        t.psql("UPDATE crl SET this_update = now() - interval '13 hours', "
               "next_update = now() + interval '11 hours'")
        self.assertGreater(self.crl_number(self.crl()), n)

    def test_crl_one_regeneration(self):
        # Many readers after a change: one new CRL, served to all.
        import concurrent.futures
        t.psql("UPDATE crl_state SET generation = generation + 1")
        with concurrent.futures.ThreadPoolExecutor(8) as ex:
            crls = list(ex.map(lambda _: t.call("GET", "/request/crl.pem"),
                               range(16)))
        self.assertEqual({r.status for r in crls}, {200})
        self.assertEqual(len({r.text for r in crls}), 1)

    # --- issuance ---------------------------------------------------------

    def test_issue_spec_fields(self):
        p = t.enroll()
        group = t.uniq("g")
        t.add_to_group(p["id"], group)
        key = self.key()
        # Fields and extensions the CSR asks for are all ignored.
        csr = t.new_csr(key, "/C=XX/O=Evil Corp/OU=Root/CN=%s/emailAddress=%s"
                        % (p["username"], p["email"]),
                        "-addext", "subjectAltName=DNS:evil.example,"
                        "email:other@example.org",
                        "-addext", "basicConstraints=critical,CA:TRUE",
                        "-addext", "extendedKeyUsage=serverAuth")
        before = time.time()
        r = t.submit_csr(csr, [group], cookie=p["cookie"])
        self.assertEqual(r.status, 200, r)
        self.assertEqual(set(r.json), {"certificate", "chain", "serial",
                                       "notAfter"})
        self.assertEqual(r.json["chain"], self.ca_pem)
        pem = r.json["certificate"]
        text = x509_text(pem)

        # Subject: the defaults file, then CN and emailAddress.
        subject = t.openssl("x509", "-noout", "-subject", "-nameopt",
                            "RFC2253", data=pem.encode()).decode().strip()
        self.assertEqual(subject, "subject=emailAddress=%s,CN=%s,OU=People,"
                         "O=certM3 Development,L=San Francisco,"
                         "ST=California,C=US" % (p["email"], p["username"]))
        # SAN: the e-mail, then users and the group, as UTF8Strings.
        nmail, others = san_values(pem)
        self.assertEqual(nmail, 1)
        self.assertIn("email:%s, othername: %s::users, othername: %s::%s"
                      % (p["email"], GROUP_OID, GROUP_OID, group), text)
        self.assertEqual(others, [(GROUP_OID, "UTF8STRING", "users"),
                                  (GROUP_OID, "UTF8STRING", group)])
        self.assertNotIn("evil", text.lower())
        self.assertNotIn("other@example.org", text)
        # Extensions.
        self.assertRegex(text, r"Basic Constraints: critical\n\s+CA:FALSE")
        self.assertRegex(text, r"Key Usage: critical\n\s+Digital Signature\n")
        self.assertRegex(text, r"Extended Key Usage: \n\s+TLS Web Client "
                         r"Authentication, E-mail Protection\n")
        self.assertRegex(text, r"Subject Key Identifier: \n\s+[0-9A-F:]{59}")
        ca_ski = re.search(r"Subject Key Identifier: \n\s+(\S+)",
                           x509_text(self.ca_pem)).group(1)
        self.assertRegex(text, r"Authority Key Identifier: \n\s+" + ca_ski)
        self.assertRegex(text, r"CRL Distribution Points: \n\s+Full Name:\n"
                         r"\s+URI:" + re.escape(self.crl_url) + "\n")
        self.assertNotIn("Server Authentication", text)
        # Serial: >= 64 bits, positive, lower-case hex in the answer.
        serial = r.json["serial"]
        self.assertRegex(serial, "^[1-9a-f][0-9a-f]{15,39}$")
        self.assertEqual(int(serial, 16), int(t.openssl(
            "x509", "-noout", "-serial", data=pem.encode()).decode()
            .strip().split("=")[1], 16))
        # Signature and validity (365 days, notBefore 5 minutes back).
        self.assertIn("Signature Algorithm: ecdsa-with-SHA256", text)
        nb = asn1_time(re.search(r"Not Before: (.*)", text).group(1))
        na = asn1_time(re.search(r"Not After : (.*)", text).group(1))
        self.assertAlmostEqual(nb, before - 300, delta=10)
        self.assertEqual(na - nb, 365 * 86400 + 300)
        self.assertEqual(r.json["notAfter"], time.strftime(
            "%Y-%m-%dT%H:%M:%SZ", time.gmtime(na)))
        # It verifies as a client certificate against /request/ca.pem.
        cert_file = write(os.path.join(t.tmpdir(self), "c.pem"), pem)
        v = self.verify(cert_file)
        self.assertEqual(v.returncode, 0, v.stdout + v.stderr)
        self.assertIn("OK", v.stdout)
        # Stored: the row and the audit row.
        row = t.psql("SELECT user_id, username, common_name, email, "
                     "array_to_string(groups, ','), fingerprint, key_type, "
                     "status, pem FROM certificates WHERE serial = '%s'"
                     % serial)
        self.assertEqual(row[0][:8], [
            p["id"], p["username"], p["username"], p["email"],
            "users," + group, t.der_fingerprint(pem), "ec-p256", "active"])
        self.assertEqual(t.psql(
            "SELECT actor, action, target_type FROM audit_log WHERE "
            "target = '%s'" % serial),
            [[p["username"], "certificate.issue", "certificate"]])

    def test_issue_rsa_and_p384(self):
        p = t.enroll()
        r, _, cert = self.issue(p, kind="rsa2048")
        text = x509_text(r.json["certificate"])
        self.assertRegex(text, r"Key Usage: critical\n\s+Digital Signature, "
                         r"Key Encipherment\n")
        self.assertIn("Signature Algorithm: ecdsa-with-SHA256", text)
        self.assertEqual(self.verify(cert).returncode, 0)
        self.assertEqual(t.admin_call("GET", "/api/certificates/" +
                                      r.json["serial"]).json["keyType"],
                         "rsa-2048")
        r, _, _ = self.issue(p, kind="ec384")
        self.assertEqual(t.admin_call("GET", "/api/certificates/" +
                                      r.json["serial"]).json["keyType"],
                         "ec-p384")

    def test_key_policy(self):
        p = t.enroll()
        _, csr = self.csr_for(p, "rsa1024")
        r = t.submit_csr(csr, cookie=p["cookie"])
        err = self.assertError(r, 422)
        self.assertIn("2048", err["message"])

    def test_bad_signature(self):
        p = t.enroll()
        _, csr = self.csr_for(p)
        der = bytearray(t.openssl("req", "-outform", "DER",
                                  data=csr.encode()))
        der[-3] ^= 0x01		# inside the signature
        bad = t.openssl("req", "-inform", "DER", data=bytes(der)).decode()
        self.assertError(t.submit_csr(bad, cookie=p["cookie"]), 422)

    def test_mismatch(self):
        p = t.enroll()
        cases = [({"cn": "someone"}, ["commonName"]),
                 ({"email": "x@example.org"}, ["emailAddress"]),
                 ({"cn": "someone", "email": "x@example.org"},
                  ["commonName", "emailAddress"]),
                 ({"cn": p["username"].upper()}, ["commonName"])]
        for kw, want in cases:
            with self.subTest(kw=kw):
                clear_limits()
                _, csr = self.csr_for(p, **kw)
                err = self.assertError(t.submit_csr(csr, cookie=p["cookie"]),
                                       422)
                self.assertEqual(err["mismatch"], want)
        # A CSR without an e-mail address at all.
        clear_limits()
        key = self.key()
        csr = t.new_csr(key, "/CN=" + p["username"])
        err = self.assertError(t.submit_csr(csr, cookie=p["cookie"]), 422)
        self.assertEqual(err["mismatch"], ["emailAddress"])

    def test_group_not_a_membership(self):
        p = t.enroll()
        mine, other = t.uniq("g"), t.uniq("g")
        t.add_to_group(p["id"], mine)
        t.psql("INSERT INTO groups (name, display_name) VALUES ('%s', 'x')"
               % other)
        _, csr = self.csr_for(p)
        err = self.assertError(t.submit_csr(csr, [mine, other],
                                            cookie=p["cookie"]), 403)
        self.assertEqual(err["group"], other)
        self.assertIn(other, err["message"])
        # A group that does not exist at all: the same.
        clear_limits()
        err = self.assertError(t.submit_csr(csr, ["nosuchgroup"],
                                            cookie=p["cookie"]), 403)
        self.assertEqual(err["group"], "nosuchgroup")
        # Membership is read at the moment of issuance.
        clear_limits()
        t.psql("DELETE FROM user_groups WHERE user_id = '%s' AND "
               "group_name = '%s'" % (p["id"], mine))
        err = self.assertError(t.submit_csr(csr, [mine], cookie=p["cookie"]),
                               403)
        self.assertEqual(err["group"], mine)
        # "users" is always there, asked for or not, listed once.
        clear_limits()
        r = t.submit_csr(csr, ["users", "USERS"], cookie=p["cookie"])
        self.assertEqual(r.status, 200, r)
        self.assertEqual(san_values(r.json["certificate"])[1],
                         [(GROUP_OID, "UTF8STRING", "users")])

    def test_bad_input(self):
        p = t.enroll()
        _, csr = self.csr_for(p)
        cases = [({"csr": "garbage"}, "csr"),
                 ({"csr": 5}, "csr"),
                 ({}, "csr"),
                 ({"csr": csr, "groups": "ops"}, "groups"),
                 ({"csr": csr, "groups": [1]}, "groups"),
                 ({"csr": csr, "groups": ["not a name"]}, "groups"),
                 ({"csr": csr, "groups": ["g%d" % i for i in range(65)]},
                  "groups"),
                 ({"csr": csr, "extra": 1}, "extra")]
        for body, field in cases:
            with self.subTest(body=str(body)[:60]):
                clear_limits()
                err = self.assertError(t.submit_csr(None, body=body,
                                                    cookie=p["cookie"]), 400)
                self.assertEqual(err["field"], field)
        clear_limits()
        r = t.call("POST", "/request/api/certificate", raw=b"{",
                   ctype="application/json", headers={"Cookie": p["cookie"]})
        self.assertError(r, 400)

    def test_needs_session_or_certificate(self):
        p = t.enroll()
        _, csr = self.csr_for(p)
        self.assertError(t.submit_csr(csr), 401)
        self.assertError(t.submit_csr(csr, cookie="certm3_session=" +
                                      "A" * 43), 401)

    def test_rate_limits(self):
        p = t.enroll()
        _, csr = self.csr_for(p, cn="wrong")
        # A refusal blocks the next submission for backoff_base (1 s).
        self.assertError(t.submit_csr(csr, cookie=p["cookie"]), 422)
        r = t.submit_csr(csr, cookie=p["cookie"])
        self.assertError(r, 429)
        self.assertGreaterEqual(int(r.header("retry-after")), 1)
        # Over cert_limit_user submissions an hour: 429 as well.
        clear_limits()
        t.psql("INSERT INTO rate_limits (key, hits) VALUES "
               "('cert:user:%s', 100000)" % p["id"])
        _, csr = self.csr_for(p)
        r = t.submit_csr(csr, cookie=p["cookie"])
        self.assertError(r, 429)
        self.assertTrue(r.header("retry-after"))

    # --- renewal with a client certificate --------------------------------

    def test_renewal_with_certificate(self):
        p = t.enroll()
        g1, g2 = t.uniq("g"), t.uniq("g")
        t.add_to_group(p["id"], g1)
        t.add_to_group(p["id"], g2)
        r, key, cert = self.issue(p, [g1, g2])
        first = r.json["serial"]
        # Recognised by the certificate alone, with the current groups.
        r = t.call("GET", "/request/api/session", cert=cert, key=key)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["via"], "certificate")
        self.assertEqual(r.json["username"], p["username"])
        self.assertEqual([g["name"] for g in r.json["groups"]],
                         sorted(["users", g1, g2],
                                key=lambda n: (n != "users", n)))
        # A new certificate with a subset of the groups.
        _, csr = self.csr_for(p)
        r = t.submit_csr(csr, [g2], cert=cert, key=key)
        self.assertEqual(r.status, 200, r)
        self.assertNotEqual(r.json["serial"], first)
        self.assertEqual(san_values(r.json["certificate"])[1],
                         [(GROUP_OID, "UTF8STRING", "users"),
                          (GROUP_OID, "UTF8STRING", g2)])
        # The renewal is the person's own act.
        self.assertEqual(t.psql(
            "SELECT actor FROM audit_log WHERE target = '%s'"
            % r.json["serial"]), [[p["username"]]])
        # A certificate names a person: a mismatching CSR is refused.
        clear_limits()
        _, csr = self.csr_for(p, cn="someone")
        err = self.assertError(t.submit_csr(csr, cert=cert, key=key), 422)
        self.assertEqual(err["mismatch"], ["commonName"])

    def test_foreign_certificate(self):
        d = t.tmpdir(self)
        key = t.new_key(os.path.join(d, "k.pem"))
        cert = os.path.join(d, "c.pem")
        t.openssl("req", "-x509", "-new", "-key", key, "-subj",
                  "/CN=admin/emailAddress=admin@localhost", "-days", "2",
                  "-out", cert)
        r = t.call("GET", "/request/api/session", cert=cert, key=key)
        self.assertError(r, 401)

    # --- revocation ------------------------------------------------------

    def test_revoke_lists_in_crl(self):
        p = t.enroll()
        r, key, cert = self.issue(p)
        serial = r.json["serial"]
        before = self.crl()
        number = lambda c: int(re.search(  # noqa: E731
            r"CRL Number: \n\s+(\d+)", t.openssl(
                "crl", "-noout", "-text", data=c.encode()).decode())
            .group(1))
        self.assertEqual(t.call("GET", "/request/api/session", cert=cert,
                                key=key).status, 200)

        r = t.admin_call("POST", "/api/certificates/%s/revoke" % serial,
                         {"reason": "keyCompromise"})
        self.assertEqual(r.status, 200, r)
        after = self.crl()
        self.assertGreater(number(after), number(before))
        text = t.openssl("crl", "-noout", "-text",
                         data=after.encode()).decode()
        m = re.search(r"Serial Number: %s\n\s+Revocation Date: .*\n"
                      r"\s+CRL entry extensions:\n\s+X509v3 CRL Reason "
                      r"Code: \n\s+Key Compromise" % serial.upper().zfill(
                          (len(serial) + 1) // 2 * 2), text)
        self.assertTrue(m, text)
        crl_file = write(os.path.join(t.tmpdir(self), "crl.pem"), after)
        v = self.verify(cert, "-crl_check", "-CRLfile", crl_file)
        self.assertNotEqual(v.returncode, 0)
        self.assertIn("revoked", v.stdout + v.stderr)
        # No longer a credential.
        r = t.call("GET", "/request/api/session", cert=cert, key=key)
        self.assertError(r, 401, "CertificateRevoked")
        _, csr = self.csr_for(p)
        self.assertError(t.submit_csr(csr, cert=cert, key=key), 401,
                         "CertificateRevoked")
        # The CRL is the same until the next change.
        self.assertEqual(self.crl(), after)
        # A revocation made straight in the database shows as well.
        r2, _, _ = self.issue(p)
        t.psql("UPDATE certificates SET status = 'revoked', revoked_at = "
               "now(), revocation_reason = 'superseded' WHERE serial = '%s'"
               % r2.json["serial"])
        text = t.openssl("crl", "-noout", "-text",
                         data=self.crl().encode()).decode()
        self.assertIn(r2.json["serial"].upper()[-8:], text.replace(":", ""))
        self.assertIn("Superseded", text)

    def test_inactive_user(self):
        p = t.enroll()
        r, key, cert = self.issue(p)
        t.psql("UPDATE users SET status = 'inactive' WHERE id = '%s'"
               % p["id"])
        try:
            r = t.call("GET", "/request/api/session", cert=cert, key=key)
            self.assertError(r, 403, "UserInactive")
        finally:
            t.psql("UPDATE users SET status = 'active' WHERE id = '%s'"
                   % p["id"])

    # --- an expired certificate: re-validation ----------------------------

    def expired_cert(self, p, serial):
        d = t.tmpdir(self)
        key = t.new_key(os.path.join(d, "k.pem"))
        csr = t.new_csr(key, "/CN=%s/emailAddress=%s" % (p["username"],
                                                         p["email"]))
        pem = t.ca_sign(csr, serial, "20200101000000Z", "20210101000000Z", d)
        return key, write(os.path.join(d, "expired.pem"), pem), pem

    def test_expired_certificate_revalidates(self):
        p = t.enroll()
        group = t.uniq("g")
        t.add_to_group(p["id"], group)
        serial = os.urandom(8).hex().lstrip("0")
        key, cert, pem = self.expired_cert(p, serial)
        t.psql("INSERT INTO certificates (serial, user_id, username, "
               "common_name, email, groups, fingerprint, not_before, "
               "not_after, pem) VALUES ('%s', '%s', '%s', '%s', '%s', "
               "'{users}', '%s', '2020-01-01', '2021-01-01', '%s')"
               % (serial, p["id"], p["username"], p["username"], p["email"],
                  t.der_fingerprint(pem), pem))
        mails = t.mails_to_count(p["email"])

        # POST with it changes nothing.
        _, csr = self.csr_for(p)
        self.assertError(t.submit_csr(csr, cert=cert, key=key), 403,
                         "CertificateExpired")
        self.assertEqual(t.mails_to_count(p["email"]), mails)

        r = t.call("GET", "/request/api/session", cert=cert, key=key)
        err = self.assertError(r, 403, "CertificateExpired")
        rid = err["requestId"]
        self.assertEqual(t.mails_to_count(p["email"]), mails + 1)
        self.assertEqual(t.psql(
            "SELECT status, user_id FROM requests WHERE id = '%s'" % rid),
            [["revalidating", p["id"]]])
        self.assertEqual(t.call("GET", "/request/api/requests/" + rid).json,
                         {"id": rid, "username": p["username"],
                          "status": "revalidating"})

        # Validating re-uses the user: no duplicate, groups kept.
        r = t.call("POST", "/request/api/validate",
                   {"token": t.latest_token(p["email"])})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["userId"], p["id"])
        self.assertEqual(t.psql("SELECT count(*) FROM users WHERE "
                                "username = '%s'" % p["username"]), [["1"]])
        self.assertEqual(t.psql(
            "SELECT group_name FROM user_groups WHERE user_id = '%s' "
            "ORDER BY group_name <> 'users'" % p["id"]),
            [["users"], [group]])
        # With the new session, the still-presented expired certificate
        # starts nothing more; a new certificate can be had.
        cookie = r.header("set-cookie").split(";")[0]
        r = t.call("GET", "/request/api/session", cert=cert, key=key,
                   headers={"Cookie": cookie})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["via"], "validation")
        self.assertEqual(t.mails_to_count(p["email"]), mails + 1)
        r = t.submit_csr(csr, [group], cookie=cookie, cert=cert, key=key)
        self.assertEqual(r.status, 200, r)

    def test_expired_certificate_without_row(self):
        # Ours by signature but unknown to the database: the person is
        # found by the subject's username.
        p = t.enroll()
        key, cert, _ = self.expired_cert(p, os.urandom(8).hex().lstrip("0"))
        r = t.call("GET", "/request/api/session", cert=cert, key=key)
        err = self.assertError(r, 403, "CertificateExpired")
        self.assertEqual(t.psql("SELECT user_id FROM requests WHERE "
                                "id = '%s'" % err["requestId"]),
                         [[p["id"]]])

    def test_lookalike_certificate(self):
        # Signed by our CA with a known serial, but not the certificate on
        # record (another fingerprint): not a credential.
        p = t.enroll()
        r, _, _ = self.issue(p)
        d = t.tmpdir(self)
        key = t.new_key(os.path.join(d, "k.pem"))
        csr = t.new_csr(key, "/CN=%s/emailAddress=%s" % (p["username"],
                                                         p["email"]))
        now = time.time()
        pem = t.ca_sign(csr, r.json["serial"],
                        time.strftime("%Y%m%d%H%M%SZ", time.gmtime(now - 60)),
                        time.strftime("%Y%m%d%H%M%SZ",
                                      time.gmtime(now + 86400)), d)
        cert = write(os.path.join(d, "c.pem"), pem)
        self.assertError(t.call("GET", "/request/api/session", cert=cert,
                                key=key), 401)

    # --- the CA key -------------------------------------------------------

    def run_request(self, key_mode=0o600, other_key=False):
        d = t.tmpdir(self)
        key = os.path.join(d, "ca.key")
        if other_key:
            t.new_key(key)
        else:
            shutil.copy(os.path.join(t.VAR, "ca", "ca.key"), key)
        os.chmod(key, key_mode)
        with open(os.path.join(t.VAR, "certm3.conf")) as f:
            conf = [line for line in f
                    if not re.match(r"(ca_key|log_file)\s*=", line)]
        conf.append("ca_key = %s\n" % key)
        cfg = write(os.path.join(d, "certm3.conf"), "".join(conf))
        return subprocess.run(
            [os.path.join(t.BUILD, "request", "certm3-request")],
            env=dict(os.environ, CERTM3_CONFIG=cfg), stdin=subprocess.DEVNULL,
            capture_output=True, text=True, timeout=30)

    def test_ca_key_permissions(self):
        for mode in (0o644, 0o640, 0o604):
            with self.subTest(mode=oct(mode)):
                p = self.run_request(mode)
                self.assertEqual(p.returncode, 1, p.stderr)
                self.assertIn("readable by group or others", p.stderr)
        p = self.run_request(0o600, other_key=True)
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertIn("does not match", p.stderr)
