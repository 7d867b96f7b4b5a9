import { test } from "node:test";
import assert from "node:assert/strict";
import {
  normalizeUsername, usernameProblem, displayNameProblem, emailProblem,
  passwordProblem, passwordStrength, extractToken,
} from "../src/lib/validation.js";
import { parseRetryAfter } from "../src/lib/api.js";
import { toPem, fromPem, pemBlocks } from "../src/lib/pem.js";

test("username rules", () => {
  assert.equal(normalizeUsername("  Alice.B "), "alice.b");
  for (const ok of ["abc", "a-b_c.d", "a".repeat(32), "x9"+"9"]) assert.equal(usernameProblem(ok), null, ok);
  for (const bad of ["", "ab", "a".repeat(33), "9abc", "_abc", "ab c", "abç", "ab/c"]) assert.notEqual(usernameProblem(bad), null, bad);
});

test("display name and e-mail rules", () => {
  assert.equal(displayNameProblem("Zoë Example"), null);
  assert.notEqual(displayNameProblem(""), null);
  assert.notEqual(displayNameProblem("a\tb"), null);
  assert.notEqual(displayNameProblem("x".repeat(129)), null);
  assert.equal(displayNameProblem("😀".repeat(128)), null);
  assert.equal(emailProblem("a@b.example"), null);
  for (const bad of ["", "ab.example", "a@@b", "a b@c", "a@", "@b", `${"a".repeat(250)}@b.cd`, "a\u0001@b", "j\u00f6rg@example.de"]) {
    assert.notEqual(emailProblem(bad), null, bad);
  }
});

test("password: printable ASCII only; strength hint", () => {
  assert.equal(passwordProblem(" !~azAZ09"), null);
  assert.notEqual(passwordProblem(""), null);
  assert.notEqual(passwordProblem("pässword"), null);
  assert.notEqual(passwordProblem("tab\there"), null);
  assert.equal(passwordStrength("abc").level, 1);
  assert.equal(passwordStrength("password123").level, 1);
  assert.equal(passwordStrength('Corr3ct horse "battery" ~staple!').level, 3);
});

test("token from a pasted link or a bare code", () => {
  assert.equal(extractToken("  abc_DEF-123 \n"), "abc_DEF-123");
  assert.equal(extractToken("https://ca.example/request/validate/abc_DEF-123"), "abc_DEF-123");
  assert.equal(extractToken("<https://ca.example/request/validate/abc%2D1>"), "abc-1");
});

test("Retry-After: seconds and HTTP dates", () => {
  assert.equal(parseRetryAfter("17"), 17);
  assert.equal(parseRetryAfter("0"), 1);
  assert.equal(parseRetryAfter(null), null);
  assert.equal(parseRetryAfter("soon"), null);
  const now = Date.parse("2026-01-01T00:00:00Z");
  assert.equal(parseRetryAfter("Thu, 01 Jan 2026 00:00:30 GMT", now), 30);
});

test("PEM helpers", () => {
  const a = new Uint8Array(100).map((_, i) => i);
  const pem = toPem("CERTIFICATE", a);
  assert.match(pem, /^-----BEGIN CERTIFICATE-----\n[A-Za-z0-9+/=\n]+\n-----END CERTIFICATE-----\n$/);
  assert.ok(pem.split("\n").every((l) => l.length <= 64));
  assert.deepEqual(fromPem(pem, "CERTIFICATE"), a);
  const two = `junk\n${pem}\n${toPem("CERTIFICATE", a.slice(3))}`;
  assert.equal(pemBlocks(two, "CERTIFICATE").length, 2);
  assert.throws(() => fromPem("nothing", "CERTIFICATE"));
});
