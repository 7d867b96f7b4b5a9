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
