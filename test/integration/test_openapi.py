"""GET /api/openapi.json: an OpenAPI 3.0 document that describes exactly
the routes of certm3-api (read from `certm3-api --routes`, the compiled
route table), whose references resolve, and whose operations document
their errors in the SPEC §5 shape."""

import os
import re
import subprocess

import certm3test as t

METHODS = {"get", "put", "post", "delete", "patch", "head", "options"}


def admin_token():
    with open(os.path.join(t.VAR, "dev", "admin.token")) as f:
        return f.read().strip()


def routes():
    """{(METHOD, /openapi/{path}): auth level} from the compiled table."""
    p = subprocess.run([os.path.join(t.BUILD, "api", "certm3-api"),
                        "--routes"], capture_output=True, text=True,
                       check=True)
    out = {}
    for line in p.stdout.splitlines():
        method, pattern, auth = line.split()
        key = (method, re.sub(r"<([^>]+)>", r"{\1}", pattern))
        assert key not in out, "duplicate route %s %s" % key
        out[key] = int(auth)
    return out


class OpenApi(t.StackTest):

    @classmethod
    def setUpClass(cls):
        r = t.call("GET", "/api/openapi.json",
                   headers={"Authorization": "Bearer " + admin_token()})
        assert r.status == 200, r
        cls.response = r
        cls.doc = r.json
        cls.routes = routes()

    def operations(self):
        for path, item in self.doc["paths"].items():
            for method, op in item.items():
                if method in METHODS:
                    yield path, method, item, op

    def test_served_as_json(self):
        self.assertTrue(self.response.header("content-type")
                        .startswith("application/json"))
        self.assertRegex(self.doc["openapi"], r"^3\.0\.\d+$")
        self.assertIn("title", self.doc["info"])
        self.assertIn("version", self.doc["info"])

    def test_needs_an_admin(self):
        self.assertError(t.call("GET", "/api/openapi.json"), 401)

    def test_every_route_documented_and_nothing_else(self):
        self.assertTrue(self.routes)
        documented = {(m.upper(), p) for p, m, _, _ in self.operations()}
        self.assertEqual(sorted(set(self.routes) - documented), [],
                         "routes missing from openapi.json")
        self.assertEqual(sorted(documented - set(self.routes)), [],
                         "documented paths without a route")

    def test_security_matches_auth_levels(self):
        for path, method, _, op in self.operations():
            public = self.routes.get((method.upper(), path)) == 0
            with self.subTest(path=path, method=method):
                if public:
                    self.assertEqual(op.get("security"), [])
                else:
                    self.assertNotEqual(op.get("security"), [])
                    self.assertIn("401", op["responses"])
                    self.assertIn("403", op["responses"])
        self.assertTrue(self.doc["security"])
        self.assertIn("bearerAuth", self.doc["components"]["securitySchemes"])

    def test_path_parameters_declared(self):
        for path, method, item, op in self.operations():
            names = set(re.findall(r"{([^}]+)}", path))
            declared = set()
            for p in item.get("parameters", []) + op.get("parameters", []):
                p = self.resolve(p)
                if p["in"] == "path":
                    self.assertTrue(p.get("required"), (path, p))
                    declared.add(p["name"])
            with self.subTest(path=path, method=method):
                self.assertEqual(names, declared)

    def test_operations_complete(self):
        ids = set()
        for path, method, _, op in self.operations():
            with self.subTest(path=path, method=method):
                self.assertTrue(op.get("summary"))
                self.assertNotIn(op["operationId"], ids)
                ids.add(op["operationId"])
                codes = set(op["responses"])
                self.assertTrue(any(c.startswith("2") for c in codes), codes)
                self.assertIn("503", codes)
                for code, resp in op["responses"].items():
                    if code.startswith(("4", "5")) and path != "/api/health":
                        schema = self.resolve(resp)["content"][
                            "application/json"]["schema"]
                        self.assertEqual(schema, {
                            "$ref": "#/components/schemas/Error"})
                if method in ("post", "patch", "put") and "requestBody" in op:
                    self.assertIn("400", codes)
                    self.assertIn("application/json",
                                  op["requestBody"]["content"])

    def test_lists_are_paginated(self):
        for path, method, item, op in self.operations():
            ok = op["responses"].get("200")
            if method != "get" or ok is None:
                continue
            schema = ok.get("content", {}).get("application/json", {}) \
                .get("schema", {})
            schema = self.resolve(schema)
            if "data" not in schema.get("properties", {}):
                continue
            with self.subTest(path=path):
                self.assertEqual(set(schema["required"]),
                                 {"data", "total", "limit", "offset"})
                names = {self.resolve(p)["name"]
                         for p in item.get("parameters", []) +
                         op.get("parameters", [])}
                self.assertLessEqual({"limit", "offset"}, names)

    def test_error_schema_is_the_spec_shape(self):
        err = self.doc["components"]["schemas"]["Error"]
        self.assertEqual(err["required"], ["error"])
        inner = err["properties"]["error"]
        self.assertEqual(set(inner["required"]),
                         {"statusCode", "name", "message"})

    def test_references_resolve(self):
        refs = []

        def walk(node):
            if isinstance(node, dict):
                for k, v in node.items():
                    if k == "$ref":
                        refs.append(v)
                    else:
                        walk(v)
            elif isinstance(node, list):
                for v in node:
                    walk(v)
        walk(self.doc)
        self.assertTrue(refs)
        for ref in set(refs):
            with self.subTest(ref=ref):
                self.assertIsNotNone(self.resolve({"$ref": ref}))

    def resolve(self, node):
        while isinstance(node, dict) and "$ref" in node:
            ref = node["$ref"]
            self.assertTrue(ref.startswith("#/"), ref)
            node = self.doc
            for part in ref[2:].split("/"):
                node = node[part]
        return node
