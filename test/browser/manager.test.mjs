// The admin console in chromium (issue 6, "Browser"): an admin, known by
// the client certificate configured for the browser context (playwright's
// clientCertificates: playwright-core answers the TLS client-certificate
// request itself, so Debian's chromium needs no certificate store), creates
// a group, adds a user to it, revokes the user's certificate and sees it
// revoked on the user's page; the pages work at 360 px and by keyboard.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  test, run, newPage, api, BASE, DEV, uniqueName, enrollByApi, sh, psql,
  tabTo, assertNoHorizontalScroll,
} from "./lib.mjs";

const ADMIN_CERT = {
  origin: BASE,
  certPath: path.join(DEV, "admin-cert.pem"),
  keyPath: path.join(DEV, "admin-key.pem"),
};

/** A page whose browser context presents the dev admin's certificate. */
function adminPage(opts = {}) {
  return newPage({ ...opts, contextOptions: { clientCertificates: [ADMIN_CERT] } });
}

/** A user with a certificate of ours (CSR made by the openssl CLI). */
async function userWithCert() {
  const u = await enrollByApi({ username: uniqueName("mgr"), displayName: "Manager Browser" });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "certm3-mgr-"));
  try {
    const key = path.join(dir, "key.pem");
    sh("openssl", ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key]);
    const csr = sh("openssl", ["req", "-new", "-key", key, "-subj", `/CN=${u.username}/emailAddress=${u.email}`]);
    const r = await api("POST", "/request/api/certificate", { csr }, { headers: { Cookie: `${u.cookie.name}=${u.cookie.value}` } });
    assert.equal(r.status, 200, r.text);
    return { ...u, serial: r.data.serial };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test("without a certificate: a readable 401 page", async () => {
  const { page } = await newPage({ allowStatus: (url, s) => s === 401 });
  const r = await page.goto("/manager");
  assert.equal(r.status(), 401);
  assert.match(await page.locator("h1").innerText(), /Unauthorized/);
  assert.match(await page.locator("main").innerText(), /client certificate/);
});

test("an admin creates a group, adds a user, revokes their certificate and sees it revoked", async () => {
  const u = await userWithCert();
  const group = uniqueName("team").replace(/-/g, "");
  // The unknown member's name below is answered 404, with the page.
  const { page } = await adminPage({ allowStatus: (url, s) => s === 404 && url.endsWith(`/manager/groups/${group}/members`) });

  await page.goto("/manager");
  assert.match(await page.locator("header .who").innerText(), /Signed in as admin/);
  assert.equal(await page.locator('nav a[aria-current="page"]').innerText(), "Dashboard");

  // Create the group.
  await page.click('nav a[href="/manager/groups"]');
  assert.equal(await page.locator("h1").innerText(), "Groups");
  await page.getByLabel("Name", { exact: true }).fill(group);
  await page.getByLabel("Display name").fill("Browser Team");
  await page.getByLabel("Description").fill("Made in chromium");
  await Promise.all([page.waitForURL(`**/manager/groups/${group}?done=group-created`), page.click("text=Create group")]);
  assert.equal(await page.locator("h1").innerText(), group);
  assert.match(await page.locator(".notice").innerText(), /group was created/);

  // An unknown name is refused on the page, nothing added.
  await page.getByLabel("Add member (username)").fill(`nobody${group}`);
  await page.click("button:text('Add member')");
  assert.match(await page.locator("p.error").innerText(), /No user is named/);

  // Add the user by username.
  await page.getByLabel("Add member (username)").fill(u.username);
  await Promise.all([page.waitForURL(`**/manager/groups/${group}?done=member-added`), page.click("button:text('Add member')")]);
  assert.ok(await page.locator(`main table a:text("${u.username}")`).isVisible());
  assert.deepEqual(psql("SELECT count(*) FROM user_groups ug JOIN users u ON u.id = ug.user_id WHERE ug.group_name = :'g' AND u.username = :'u';", { g: group, u: u.username }), [["1"]]);

  // To the user's page, revoke the certificate with a reason.
  await page.click(`main table a:text("${u.username}")`);
  assert.equal(await page.locator("h1").innerText(), u.username);
  assert.equal(await page.locator('nav[aria-label="Sections"] a[aria-current="location"]').innerText(), "Users");
  const row = page.locator("tr", { has: page.locator(`a:text("${u.serial}")`) });
  assert.match(await row.innerText(), /active/);
  await row.getByLabel("Reason").selectOption("keyCompromise");
  await Promise.all([page.waitForURL(`**/manager/users/${u.userId}?done=cert-revoked`), row.locator("button:text('Revoke')").click()]);
  assert.match(await page.locator(".notice").innerText(), /certificate was revoked/);
  const after = page.locator("tr", { has: page.locator(`a:text("${u.serial}")`) });
  assert.match(await after.innerText(), /revoked/);
  assert.match(await after.innerText(), /keyCompromise/);
  assert.match(await page.locator("#groups + .table-wrap").innerText(), new RegExp(group));
  assert.deepEqual(psql("SELECT status, revocation_reason, revoked_by FROM certificates WHERE serial = :'s';", { s: u.serial }), [["revoked", "keyCompromise", "admin"]]);
});

test("360 px wide: no horizontal scrolling of the page; keyboard reaches the forms", async () => {
  const { page } = await adminPage({ width: 360, height: 740 });
  for (const p of ["/manager", "/manager/users", "/manager/groups", "/manager/certificates", "/manager/tokens", "/manager/audit"]) {
    await page.goto(p);
    await assertNoHorizontalScroll(page, 360);
  }
  await page.goto("/manager/groups");
  const passed = await tabTo(page, "name");
  assert.ok(passed.length > 0);
  // Focus is visible: the focused control has an outline.
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  assert.notEqual(outline, "none");
});

await run();
