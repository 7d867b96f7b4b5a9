"""Helpers for certM3 integration tests: a handle on the throwaway stack
that test/integration/stack.py brings up, an HTTPS client that speaks to
it through nginx, and direct access to its PostgreSQL and mail spool."""

import email
import email.policy
import glob
import http.client
import json
import os
import re
import ssl
import subprocess
import unittest

ROOT = os.environ.get("CERTM3_ROOT", os.path.abspath(
    os.path.join(os.path.dirname(__file__), "..", "..")))
BUILD = os.environ.get("CERTM3_BUILD", os.path.join(ROOT, "build-test"))
VAR = os.environ.get("CERTM3_IT_VAR", os.path.join(BUILD, "itstack"))


def port():
    with open(os.path.join(VAR, "port")) as f:
        return int(f.read().strip())


def stack_env(**extra):
    env = dict(os.environ)
    env.update(CERTM3_VAR=VAR, CERTM3_PORT=str(port()),
               CERTM3_BUILD=BUILD, CERTM3_SKIP_BUILD="1")
    env.update(extra)
    return env


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def header(self, name):
        return self.headers.get(name.lower())

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    @property
    def json(self):
        return json.loads(self.body)

    def __repr__(self):
        return "<Response %d %s>" % (self.status, self.text[:300])


def tls_context(cert=None, key=None):
    ctx = ssl.create_default_context(
        cafile=os.path.join(VAR, "tls", "server.pem"))
    if cert:
        ctx.load_cert_chain(cert, key)
    return ctx


def call(method, path, body=None, headers=None, cert=None, key=None,
         ctype=None, raw=None):
    """One HTTPS request through nginx. body is JSON-encoded unless raw
    bytes are given instead."""
    hdrs = dict(headers or {})
    data = raw
    if body is not None:
        data = json.dumps(body).encode()
        hdrs.setdefault("Content-Type", "application/json")
    if ctype is not None:
        hdrs["Content-Type"] = ctype
    conn = http.client.HTTPSConnection("localhost", port(), timeout=30,
                                       context=tls_context(cert, key))
    try:
        conn.request(method, path, body=data, headers=hdrs)
        r = conn.getresponse()
        return Response(r.status, {k.lower(): v for k, v in r.getheaders()},
                        r.read())
    finally:
        conn.close()


def conninfo():
    with open(os.path.join(VAR, "certm3.conf")) as f:
        for line in f:
            m = re.match(r"db_conninfo\s*=\s*(.*)", line)
            if m:
                return m.group(1).strip()
    raise RuntimeError("no db_conninfo")


def pg_bin(name):
    dirs = sorted(glob.glob("/usr/lib/postgresql/*/bin"),
                  key=lambda d: int(d.split("/")[-2]))
    return os.path.join(dirs[-1], name)


def psql(sql, check=True):
    """Run SQL as the stack's database user; rows as lists of strings."""
    p = subprocess.run([pg_bin("psql"), "-X", "-q", "-A", "-t", "-F", "\t",
                        "-v", "ON_ERROR_STOP=1", conninfo(), "-c", sql],
                       capture_output=True, text=True)
    if check and p.returncode != 0:
        raise RuntimeError("psql failed: %s" % p.stderr)
    if not check:
        return p
    return [line.split("\t") for line in p.stdout.splitlines() if line]


def spool_dir():
    return os.path.join(VAR, "spool", "validation.emails")


def spool_files():
    return sorted(f for f in os.listdir(spool_dir()) if not f.startswith("."))


def read_mail(name):
    with open(os.path.join(spool_dir(), name), "rb") as f:
        return email.message_from_binary_file(f, policy=email.policy.strict)


def certm3(*args, **env):
    """Run ./certm3 against the test stack."""
    return subprocess.run([os.path.join(ROOT, "certm3")] + list(args),
                          env=stack_env(**env), capture_output=True,
                          text=True)


def app_pids():
    pids = {}
    for app in ("api", "request", "manager"):
        with open(os.path.join(VAR, "run", app + ".pid")) as f:
            pids[app] = sorted(int(p) for p in f.read().split())
    return pids


class StackTest(unittest.TestCase):
    """Base class: asserts the error shape of SPEC §5."""

    maxDiff = None

    def assertError(self, r, status, name=None):
        self.assertEqual(r.status, status, r)
        self.assertTrue(r.header("content-type").startswith(
            "application/json"), r.headers)
        err = r.json["error"]
        self.assertEqual(err["statusCode"], status)
        self.assertIsInstance(err["message"], str)
        self.assertTrue(err["message"])
        if name:
            self.assertEqual(err["name"], name)
        return err


# --- certificates and API credentials (test_certificates, test_api_auth) ---

import hashlib  # noqa: E402
import tempfile  # noqa: E402
import uuid  # noqa: E402

CERT_LINK_RE = re.compile(r"/request/validate/([A-Za-z0-9_-]{43})\s*$", re.M)


def uniq(prefix):
    """A fresh username (or group name) starting with prefix."""
    return prefix + uuid.uuid4().hex[:12]


def openssl(*args, data=None):
    """Run the openssl CLI; its stdout as bytes (RuntimeError on failure)."""
    p = subprocess.run(["openssl"] + [str(a) for a in args], input=data,
                       capture_output=True)
    if p.returncode != 0:
        raise RuntimeError("openssl %s: %s" % (" ".join(map(str, args)),
                                               p.stderr.decode()))
    return p.stdout


def new_key(path, kind="ec"):
    """A private key file: ec (P-256), ec384, or rsaNNNN."""
    if kind.startswith("rsa"):
        opts = ["-algorithm", "RSA", "-pkeyopt",
                "rsa_keygen_bits:%d" % int(kind[3:])]
    else:
        opts = ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:" +
                ("P-384" if kind == "ec384" else "P-256")]
    openssl("genpkey", *opts, "-out", path)
    return path


def new_csr(key, subject, *extra):
    """A PEM CSR (text) for key with an openssl -subj subject."""
    return openssl("req", "-new", "-key", key, "-subj", subject,
                   *extra).decode()


def admin_token():
    with open(os.path.join(VAR, "dev", "admin.token")) as f:
        return f.read().strip()


def bearer(token):
    return {"Authorization": "Bearer " + token}


def admin_call(method, path, body=None, **kw):
    """A call as the dev admin, with its API token."""
    return call(method, path, body, headers=bearer(admin_token()), **kw)


def latest_token(addr):
    """The validation token of the newest spooled mail to addr."""
    for name in reversed(spool_files()):
        msg = read_mail(name)
        if msg["To"].addresses[0].addr_spec == addr:
            body = msg.get_content().replace("\r\n", "\n")
            m = CERT_LINK_RE.search(body)
            if m:
                return m.group(1)
    raise AssertionError("no mail to %s" % addr)


def mails_to_count(addr):
    return sum(1 for n in spool_files()
               if read_mail(n)["To"].addresses[0].addr_spec == addr)


def enroll(prefix="ct", display="Cert Test"):
    """A person through /request: request, the token from the spool,
    validation. {"id","username","email","cookie"} (cookie as a
    Cookie header value)."""
    name = uniq(prefix)
    addr = name + "@example.org"
    r = call("POST", "/request/api/requests",
             {"username": name, "displayName": display, "email": addr})
    if r.status != 201:
        raise AssertionError(r)
    r = call("POST", "/request/api/validate", {"token": latest_token(addr)})
    if r.status != 200:
        raise AssertionError(r)
    return {"id": r.json["userId"], "username": name, "email": addr,
            "cookie": r.header("set-cookie").split(";")[0]}


def add_to_group(user_id, group):
    """Make group (if absent) and add the user, straight in the database."""
    psql("INSERT INTO groups (name, display_name) VALUES ('%s', '%s') "
         "ON CONFLICT DO NOTHING" % (group, group))
    psql("INSERT INTO user_groups (user_id, group_name) VALUES ('%s', '%s') "
         "ON CONFLICT DO NOTHING" % (user_id, group))


def submit_csr(csr, groups=None, cookie=None, cert=None, key=None,
               body=None):
    """POST /request/api/certificate with a session cookie or a client
    certificate."""
    hdrs = {"Cookie": cookie} if cookie else {}
    if body is None:
        body = {"csr": csr}
        if groups is not None:
            body["groups"] = groups
    return call("POST", "/request/api/certificate", body, headers=hdrs,
                cert=cert, key=key)


def der_fingerprint(pem):
    """SHA-256 (hex) of a PEM certificate's DER."""
    der = openssl("x509", "-outform", "DER", data=pem.encode())
    return hashlib.sha256(der).hexdigest()


def bootstrap_admin(username, outdir):
    """certm3-request --bootstrap-admin against the stack. The files'
    paths and contents: {"cert","key","p12","password","token"}."""
    p = subprocess.run(
        [os.path.join(BUILD, "request", "certm3-request"),
         "--bootstrap-admin", username, username + "@example.org", outdir],
        env=dict(os.environ, CERTM3_CONFIG=os.path.join(VAR, "certm3.conf")),
        capture_output=True, text=True)
    if p.returncode != 0:
        raise AssertionError("bootstrap: %s%s" % (p.stdout, p.stderr))

    def read(n):
        with open(os.path.join(outdir, n)) as f:
            return f.read().strip()
    return {"cert": os.path.join(outdir, "admin-cert.pem"),
            "key": os.path.join(outdir, "admin-key.pem"),
            "p12": os.path.join(outdir, "admin.p12"),
            "password": read("admin.password.txt"),
            "token": read("admin.token"), "stdout": p.stdout}


def ca_sign(csr, serial_hex, start, end, workdir):
    """Sign csr with the stack's CA key (var/ca/ca.key) through `openssl
    ca`, with the given serial and validity (YYYYMMDDHHMMSSZ): how a test
    makes expired or look-alike certificates of ours. The PEM."""
    db = os.path.join(workdir, "index.txt")
    open(db, "w").close()
    with open(os.path.join(workdir, "serial"), "w") as f:
        f.write(serial_hex.zfill((len(serial_hex) + 1) // 2 * 2) + "\n")
    conf = os.path.join(workdir, "ca.cnf")
    with open(conf, "w") as f:
        f.write("[ca]\ndefault_ca = c\n[c]\ndatabase = %s\n"
                "serial = %s/serial\nnew_certs_dir = %s\n"
                "default_md = sha256\npolicy = p\nunique_subject = no\n"
                "[p]\ncommonName = supplied\nemailAddress = optional\n"
                "[ext]\nbasicConstraints = critical,CA:FALSE\n"
                "keyUsage = critical,digitalSignature\n"
                "extendedKeyUsage = clientAuth,emailProtection\n"
                % (db, workdir, workdir))
    with open(os.path.join(workdir, "req.csr"), "w") as f:
        f.write(csr)
    out = os.path.join(workdir, "cert.pem")
    openssl("ca", "-batch", "-config", conf,
            "-cert", os.path.join(VAR, "ca", "ca.pem"),
            "-keyfile", os.path.join(VAR, "ca", "ca.key"),
            "-in", os.path.join(workdir, "req.csr"), "-out", out,
            "-startdate", start, "-enddate", end, "-extensions", "ext",
            "-notext")
    with open(out) as f:
        return f.read()


def tmpdir(test):
    """A temporary directory removed after test."""
    d = tempfile.mkdtemp(prefix="certm3-it-")
    test.addCleanup(subprocess.run, ["rm", "-rf", d])
    return d
