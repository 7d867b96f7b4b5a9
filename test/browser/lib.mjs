// Shared helpers for the browser tests (test/browser/*.test.mjs), run by
// run.sh against the throwaway stack of test/integration/stack.py:
//
//   import { test, run, newPage, BASE, api, psql, waitForMail, ... } from "./lib.mjs";
//   test("name", async () => { const { page } = await newPage(); ... });
//   await run();
//
// Every page opened with newPage() fails its test on a console error, an
// uncaught exception, a CSP violation, a 5xx answer or a failed static load
// (JSON API answers 4xx are expected behaviour and allowed by default).
// Contexts are closed after each test. Artifacts (screenshots of failures,
// downloads) go to $CERTM3_IT_VAR/browser/.

import { chromium } from "playwright-core";
import { execFileSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import https from "node:https";
import path from "node:path";
import { fileURLToPath } from "node:url";

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = process.env.CERTM3_ROOT || path.resolve(HERE, "..", "..");
export const BUILD = process.env.CERTM3_BUILD || path.join(ROOT, "build-test");
export const VAR = process.env.CERTM3_IT_VAR || path.join(BUILD, "itstack");
export const PORT = parseInt(fs.readFileSync(path.join(VAR, "port"), "utf8").trim(), 10);
export const BASE = `https://localhost:${PORT}`;
export const SERVER_CA = path.join(VAR, "tls", "server.pem");
export const CA_PEM = path.join(VAR, "ca", "ca.pem");
export const SPOOL = path.join(VAR, "spool", "validation.emails");
export const DEV = path.join(VAR, "dev");
export const ARTIFACTS = path.join(VAR, "browser");
fs.mkdirSync(ARTIFACTS, { recursive: true });

/** Random per-run suffix: lower-case letters and digits. */
export const RUN = crypto.randomBytes(4).toString("hex");

/** A fresh valid username (3–32 chars), unique per call and per run. */
let nameCounter = 0;
export function uniqueName(prefix = "u") {
  nameCounter += 1;
  return `${prefix}-${RUN}-${nameCounter}`.slice(0, 32);
}

export const CHROMIUM_ARGS = [
  "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];

// ------------------------------------------------------------------ browser

let browserPromise = null;
/** The one chromium of this test file (launched on first use). */
export function browser() {
  if (!browserPromise) {
    browserPromise = chromium.launch({
      executablePath: "/usr/bin/chromium",
      // playwright adds its own --headless; ours selects the new mode.
      args: CHROMIUM_ARGS,
      timeout: 30000,
    });
  }
  return browserPromise;
}

/** Problems seen by pages of the current test (console errors, CSP, 5xx…). */
const problems = [];
const openContexts = new Set();

/** Default: a 4xx from a JSON endpoint is an answer the page handles. */
function defaultAllowStatus(url, status) {
  const p = new URL(url).pathname;
  return status >= 400 && status < 500 && (p.startsWith("/request/api/") || p.startsWith("/api/"));
}

/**
 * A new browser context and page on the stack.
 *   width, height   viewport (default 1000 x 900)
 *   allowStatus     (url, status) => true for an HTTP error the page is expected
 *                   to meet (default: 4xx from /request/api/ and /api/)
 *   contextOptions  extra newContext() options (e.g. clientCertificates)
 * Returns { context, page }. The context is closed after the test.
 */
export async function newPage({ width = 1000, height = 900, allowStatus = defaultAllowStatus, contextOptions = {} } = {}) {
  const b = await browser();
  const context = await b.newContext({
    baseURL: BASE,
    ignoreHTTPSErrors: true, // the stack's self-signed nginx certificate
    acceptDownloads: true,
    viewport: { width, height },
    ...contextOptions,
  });
  openContexts.add(context);
  context.on("close", () => openContexts.delete(context));
  await context.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || "(inline)"} at ${e.sourceFile || ""}:${e.lineNumber || 0}`);
    });
  });
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  const where = () => { try { return new URL(page.url()).pathname; } catch { return page.url(); } };
  page.on("console", (m) => {
    if (m.type() !== "error") return;
    const text = m.text();
    const loc = m.location() && m.location().url;
    const st = text.match(/Failed to load resource: the server responded with a status of (\d{3})/);
    if (st && loc && allowStatus(loc, parseInt(st[1], 10))) return;
    problems.push(`${where()}: console error: ${text}${loc ? ` (${loc})` : ""}`);
  });
  page.on("pageerror", (e) => problems.push(`${where()}: uncaught: ${e.message}`));
  page.on("response", (r) => {
    const s = r.status();
    if (s >= 500) problems.push(`${where()}: ${r.request().method()} ${r.url()} answered ${s}`);
  });
  page.on("requestfailed", (r) => {
    const f = r.failure();
    // The username check aborts superseded requests; downloads of blob: URLs
    // are "aborted" once handed to the download manager.
    if (f && /ERR_ABORTED/.test(f.errorText)) return;
    problems.push(`${where()}: ${r.method()} ${r.url()} failed: ${f && f.errorText}`);
  });
  return { context, page };
}

/** Record a problem for the running test (fails it at the end). */
export function problem(text) {
  problems.push(text);
}

/** Poll a Node-side condition (no fixed sleeps): resolves with its truthy value. */
export async function waitFor(fn, { timeout = 10000, interval = 50, what = "condition" } = {}) {
  const end = Date.now() + timeout;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, interval));
  }
}

// ------------------------------------------------------------------ HTTP from Node

/**
 * One HTTPS request to the stack through nginx (verified against the stack's
 * server certificate). body: object (sent as JSON) or undefined.
 * Options: token (Bearer), headers, cert/key (PEM strings or Buffers).
 * Resolves { status, headers, text, data } (data: parsed JSON or null).
 */
export function api(method, urlPath, body, { token, headers = {}, cert, key } = {}) {
  const hdrs = { Accept: "application/json", ...headers };
  let data = null;
  if (body !== undefined) {
    data = Buffer.from(JSON.stringify(body));
    hdrs["Content-Type"] = "application/json";
    hdrs["Content-Length"] = data.length;
  }
  if (token) hdrs.Authorization = `Bearer ${token}`;
  return new Promise((resolve, reject) => {
    const req = https.request({
      host: "localhost", port: PORT, path: urlPath, method, headers: hdrs,
      ca: fs.readFileSync(SERVER_CA), cert, key, timeout: 30000,
    }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let json = null;
        try { json = JSON.parse(text); } catch { /* not JSON */ }
        resolve({ status: res.statusCode, headers: res.headers, text, data: json });
      });
    });
    req.on("timeout", () => req.destroy(new Error(`${method} ${urlPath}: timeout`)));
    req.on("error", reject);
    if (data) req.write(data);
    req.end();
  });
}

/** The dev admin's API token (<var>/dev/admin.token). */
export function adminToken() {
  return fs.readFileSync(path.join(DEV, "admin.token"), "utf8").trim();
}

/** /api call as the dev admin; throws unless the status is one of `ok`. */
export async function adminApi(method, urlPath, body, ok = [200, 201, 202, 204]) {
  const r = await api(method, urlPath, body, { token: adminToken() });
  if (!ok.includes(r.status)) throw new Error(`${method} ${urlPath}: ${r.status} ${r.text.slice(0, 300)}`);
  return r;
}

// ------------------------------------------------------------------ database

function conninfo() {
  const conf = fs.readFileSync(path.join(VAR, "certm3.conf"), "utf8");
  const m = conf.match(/^db_conninfo\s*=\s*(.*)$/m);
  if (!m) throw new Error("no db_conninfo in certm3.conf");
  return m[1].trim();
}

function psqlPath() {
  const dirs = fs.readdirSync("/usr/lib/postgresql").filter((d) => /^\d+$/.test(d)).sort((a, b) => b - a);
  return `/usr/lib/postgresql/${dirs[0]}/bin/psql`;
}

/**
 * Run SQL as the stack's database user. Values go in as psql variables
 * (vars: {name: value}, used as :'name' in the SQL), never spliced into it.
 * Returns rows as arrays of strings.
 */
export function psql(sql, vars = {}) {
  const args = ["-X", "-q", "-A", "-t", "-F", "\t", "-v", "ON_ERROR_STOP=1"];
  for (const [k, v] of Object.entries(vars)) args.push("-v", `${k}=${v}`);
  args.push(conninfo());
  const out = sh(psqlPath(), args, { input: sql });
  return out.split("\n").filter((l) => l !== "").map((l) => l.split("\t"));
}

// ------------------------------------------------------------------ processes

/** Run a program (no shell); stdout as a string; throws with stderr on failure. */
export function sh(cmd, args, { input, encoding = "utf8", env } = {}) {
  try {
    return execFileSync(cmd, args, { input, encoding, env: env ? { ...process.env, ...env } : process.env, stdio: ["pipe", "pipe", "pipe"], maxBuffer: 16 << 20 });
  } catch (e) {
    const why = e.status === null || e.status === undefined ? e.message : `exited ${e.status}`;
    const err = new Error(`${cmd} ${args.join(" ")}: ${why}: ${String(e.stderr || "").slice(0, 2000)}${String(e.stdout || "").slice(0, 1000)}`);
    err.stdout = e.stdout;
    err.stderr = e.stderr;
    throw err;
  }
}

// ------------------------------------------------------------------ mail spool

function decodeQP(s) {
  const bytes = [];
  const src = s.replace(/=\r?\n/g, "");
  for (let i = 0; i < src.length; i++) {
    if (src[i] === "=" && /^[0-9A-Fa-f]{2}$/.test(src.slice(i + 1, i + 3))) {
      bytes.push(parseInt(src.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(src[i], "utf8"));
    }
  }
  return Buffer.from(bytes).toString("utf8");
}

/** Names of the spooled mails, oldest first (the names sort by time). */
export function spoolFiles() {
  return fs.readdirSync(SPOOL).filter((f) => !f.startsWith(".")).sort();
}

/** Parse one spool file: { file, headers (lower-case, unfolded), body, link, token }. */
export function readMail(file) {
  const raw = fs.readFileSync(path.join(SPOOL, file), "utf8");
  const sep = raw.indexOf("\r\n\r\n") >= 0 ? "\r\n\r\n" : "\n\n";
  const cut = raw.indexOf(sep);
  const head = raw.slice(0, cut).replace(/\r?\n[ \t]+/g, " ");
  const headers = {};
  for (const line of head.split(/\r?\n/)) {
    const i = line.indexOf(":");
    if (i > 0) headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
  }
  let body = raw.slice(cut + sep.length);
  if (/quoted-printable/i.test(headers["content-transfer-encoding"] || "")) body = decodeQP(body);
  const m = body.match(/(https:\/\/\S+?\/request\/validate\/([A-Za-z0-9_~.=+-]+))/);
  return { file, headers, body, link: m ? m[1] : null, token: m ? m[2] : null };
}

/**
 * Wait for the newest validation mail to `email` (spooled before the 201 is
 * answered, so this normally returns at once). `notFile`: a file name to skip
 * (the previous mail, after a re-send). Returns readMail()'s object.
 */
export async function waitForMail(email, { notFile = null, timeout = 10000 } = {}) {
  const want = email.toLowerCase();
  return waitFor(() => {
    const files = spoolFiles().reverse();
    for (const f of files) {
      if (f === notFile) continue;
      let m;
      try { m = readMail(f); } catch { continue; }
      const to = (m.headers.to || "").toLowerCase();
      if (to === want || to.includes(`<${want}>`)) return m;
    }
    return null;
  }, { timeout, what: `a mail to ${email}` });
}

// ------------------------------------------------------------------ users

/**
 * Walk the enrollment by API (no browser): request + validate. Returns
 * { username, email, displayName, userId, cookie } where cookie is the
 * session cookie ({name, value}) for context.addCookies().
 */
export async function enrollByApi({ username = uniqueName("api"), displayName = "Browser Test", email } = {}) {
  email = email || `${username}@example.org`;
  const r = await api("POST", "/request/api/requests", { username, displayName, email });
  if (r.status !== 201) throw new Error(`request ${username}: ${r.status} ${r.text}`);
  const mail = await waitForMail(email);
  clearValidationBackoff();
  const v = await api("POST", "/request/api/validate", { token: mail.token });
  if (v.status !== 200) throw new Error(`validate ${username}: ${v.status} ${v.text}`);
  const set = [].concat(v.headers["set-cookie"] || [])[0] || "";
  const m = set.match(/^([^=;\s]+)=([^;]*)/);
  return { username, email, displayName, userId: v.data.userId, requestId: r.data.id, mail, cookie: m ? { name: m[1], value: m[2] } : null };
}

/** The session cookie as a playwright cookie for the stack's /request path. */
export function sessionCookie(cookie) {
  return { name: cookie.name, value: cookie.value, url: `${BASE}/request`, httpOnly: true, secure: true, sameSite: "Strict" };
}

// ------------------------------------------------------------------ pages

/**
 * Forget failed validations from every address: one failure blocks the
 * address for backoff_base (1 s) and a streak grows, so a test that is not
 * about backoff clears it before validating (the integration tests share
 * 127.0.0.1 with us).
 */
export function clearValidationBackoff() {
  psql("DELETE FROM rate_limits WHERE key LIKE 'val:%';");
}

/**
 * Forget every rate-limit counter and backoff (call at the start of a test
 * file: earlier integration tests may leave limits reached for 127.0.0.1;
 * tests on the stack run one at a time, RESOURCE_LOCK stack).
 */
export function resetRateLimits() {
  psql("DELETE FROM rate_limits;");
}

/** Press Tab until the element with this id has focus; returns the ids passed. */
export async function tabTo(page, id, { max = 40 } = {}) {
  const seen = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press("Tab");
    const a = await page.evaluate(() => {
      const e = document.activeElement;
      return e ? e.id || `${e.tagName.toLowerCase()}${e.getAttribute("href") ? `[${e.getAttribute("href")}]` : ""}` : "";
    });
    seen.push(a);
    if (a === id) return seen;
  }
  throw new Error(`#${id} not reached by Tab; focus went ${seen.join(" > ")}`);
}

/** Fail unless the page fits its width (no horizontal scrolling). */
export async function assertNoHorizontalScroll(page, width) {
  const sw = await page.evaluate(() => document.scrollingElement.scrollWidth);
  if (sw > width) {
    const wide = await page.evaluate((w) => Array.from(document.querySelectorAll("body *"))
      .filter((e) => e.getBoundingClientRect().right > w + 0.5)
      .slice(0, 5).map((e) => `${e.tagName.toLowerCase()}#${e.id}.${e.className}`), width);
    throw new Error(`${new URL(page.url()).pathname}: scrollWidth ${sw} > ${width}; too wide: ${wide.join(", ")}`);
  }
}

/**
 * Walk /request in the browser: fill the form, wait for "available", submit,
 * land on /request/validate, open the link from the spooled mail, land on
 * /request/certificate with the form shown. beforeCertificatePage(username)
 * runs after the validation and before the certificate page is served (e.g.
 * to add the new user to a group). Returns { mail }.
 */
export async function enrollInBrowser(page, { username, displayName, email, beforeCertificatePage } = {}) {
  await page.goto("/request");
  await page.fill("#username", username);
  await page.waitForSelector("#username-status.is-available");
  await page.fill("#displayName", displayName);
  await page.fill("#email", email);
  await page.waitForSelector("#submit:enabled");
  await Promise.all([page.waitForURL(`${BASE}/request/validate`), page.click("#submit")]);
  const mail = await waitForMail(email);
  if (!mail.link || !mail.link.startsWith(`${BASE}/request/validate/`)) throw new Error(`no link to ${BASE} in mail ${mail.file}`);
  clearValidationBackoff();
  if (beforeCertificatePage) {
    const url = `${BASE}/request/certificate`;
    await page.route(url, async (route) => {
      try {
        await beforeCertificatePage(username);
      } catch (e) {
        problem(`beforeCertificatePage: ${e.message}`);
      }
      await route.continue().catch((e) => problem(`route.continue: ${e.message}`));
    }, { times: 1 });
  }
  await page.goto(mail.link);
  await page.waitForURL(`${BASE}/request/certificate`);
  await page.waitForSelector("#cert-form:not([hidden])");
  return { mail };
}

// ------------------------------------------------------------------ runner

const tests = [];

/** Register a test. Options: timeout (ms, default 45 s). */
export function test(name, fn, { timeout = 45000 } = {}) {
  tests.push({ name, fn, timeout });
}

function safeName(s) {
  return s.replace(/[^A-Za-z0-9._-]+/g, "_").slice(0, 80);
}

/** Run the registered tests in order; print "N passed, N failed"; exit. */
export async function run() {
  const only = process.env.CERTM3_BROWSER_ONLY; // substring filter, for debugging
  let passed = 0;
  let failed = 0;
  const t0 = Date.now();
  for (const t of tests) {
    if (only && !t.name.includes(only)) continue;
    problems.length = 0;
    const start = Date.now();
    let timer;
    let error = null;
    try {
      await Promise.race([
        Promise.resolve().then(t.fn),
        new Promise((_, rej) => { timer = setTimeout(() => rej(new Error(`test timed out after ${t.timeout} ms`)), t.timeout); }),
      ]);
    } catch (e) {
      error = e;
    } finally {
      clearTimeout(timer);
    }
    if (!error && problems.length) error = new Error(`page problems:\n  ${problems.join("\n  ")}`);
    if (error) {
      // Keep a picture of every open page for the failure report.
      let i = 0;
      for (const c of openContexts) {
        for (const p of c.pages()) {
          const f = path.join(ARTIFACTS, `FAIL-${safeName(t.name)}-${i++}.png`);
          try { await p.screenshot({ path: f, fullPage: true, timeout: 5000 }); console.log(`     screenshot: ${f} (${p.url()})`); } catch { /* page gone */ }
        }
      }
    }
    for (const c of [...openContexts]) {
      try { await c.close(); } catch { /* already closed */ }
    }
    const ms = Date.now() - start;
    if (error) {
      failed++;
      console.log(`FAIL ${t.name} (${ms} ms)\n     ${String((error && error.stack) || error).split("\n").slice(0, 12).join("\n     ")}`);
      if (problems.length && !String(error.message).startsWith("page problems")) console.log(`     page problems:\n       ${problems.join("\n       ")}`);
    } else {
      passed++;
      console.log(`ok   ${t.name} (${ms} ms)`);
    }
  }
  if (browserPromise) {
    try { await (await browserPromise).close(); } catch { /* ignore */ }
  }
  console.log(`(${Date.now() - t0} ms in all)`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed || passed === 0 ? 1 : 0);
}
