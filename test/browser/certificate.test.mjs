// From /request to a downloaded <username>.p12 in the browser against the real
// stack (issue 4, "Browser"), for both PKCS#12 profiles, with groups; each
// file checked by OpenSSL 3 (no -legacy), NSS pk12util and Java keytool.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  test, run, newPage, adminApi, BASE, RUN, CA_PEM, ARTIFACTS, uniqueName,
  enrollInBrowser, sh, psql, assertNoHorizontalScroll,
  resetRateLimits,
} from "./lib.mjs";

// Printable ASCII with a space and shell-unfriendly characters.
const PASSWORD = `Tr0ub4dor & "3" ~ ${RUN}!`;
const GROUP_OID = "1.3.6.1.4.1.10049.2";
const TICKED = `vpn-${RUN}`;
const UNTICKED = `wiki-${RUN}`;

let groupsMade = null;
async function makeGroups() {
  if (!groupsMade) {
    groupsMade = (async () => {
      await adminApi("POST", "/api/groups", { name: TICKED, displayName: "VPN Zugang ✓", description: "browser test" }, [201]);
      await adminApi("POST", "/api/groups", { name: UNTICKED, displayName: UNTICKED, description: "browser test" }, [201]);
    })();
  }
  return groupsMade;
}

async function userId(username) {
  const r = await adminApi("GET", `/api/users?q=${encodeURIComponent(username)}`);
  const u = r.data.data.find((x) => x.username === username);
  assert.ok(u, `user ${username} listed`);
  return u.id;
}

/** Make the (just validated) user a member of both extra groups, through /api. */
async function joinGroups(username) {
  const id = await userId(username);
  for (const g of [TICKED, UNTICKED]) {
    await adminApi("POST", `/api/groups/${g}/members`, { userIds: [id] });
  }
  return id;
}

/** Tick exactly the named groups on the certificate page (users stays fixed). */
async function tickGroups(page, names) {
  const boxes = await page.locator('input[name="groups"]').all();
  const seen = [];
  for (const cb of boxes) {
    const v = await cb.getAttribute("value");
    seen.push(v);
    if (await cb.isDisabled()) continue;
    if (names.includes(v)) await cb.check();
    else await cb.uncheck();
  }
  return seen;
}

function tmpdir() {
  return fs.mkdtempSync(path.join(os.tmpdir(), "certm3-p12-"));
}

/**
 * Check a downloaded PKCS#12 with the tools people import it with. Returns
 * the certificate's text form (openssl x509 -text).
 */
function checkP12(file, { username, email, keyType, profile, groups, notGroups }) {
  const dir = tmpdir();
  try {
    const pass = `pass:${PASSWORD}`;
    // OpenSSL 3 without -legacy: MAC verified, every bag decrypted.
    // (-info writes the algorithm lines to stderr: capture them with the PEM.)
    sh("openssl", ["pkcs12", "-info", "-nodes", "-passin", pass, "-in", file, "-out", path.join(dir, "all.pem")]);
    const infoErr = sh("sh", ["-c", 'openssl pkcs12 -info -nodes -noout -passin "$1" -in "$2" 2>&1', "sh", pass, file]);
    if (profile === "modern") {
      assert.match(infoErr, /MAC: sha256/, infoErr);
      assert.match(infoErr, /PBES2, PBKDF2, AES-256-CBC/, infoErr);
      assert.doesNotMatch(infoErr, /3DES|TripleDES|RC2/i, infoErr);
    } else {
      assert.match(infoErr, /MAC: sha1/, infoErr);
      assert.match(infoErr, /pbeWithSHA1And3-KeyTripleDES-CBC/, infoErr);
      assert.doesNotMatch(infoErr, /RC2|PBES2/i, infoErr);
    }
    const all = fs.readFileSync(path.join(dir, "all.pem"), "utf8");
    assert.equal((all.match(/friendlyName: (\S+)/g) || []).length, 2, `friendlyName on key and certificate bags:\n${all}`);
    assert.ok(all.includes(`friendlyName: ${username}`), "friendlyName is the username");
    const ids = all.match(/localKeyID: ([0-9A-F ]+)/g) || [];
    assert.equal(ids.length, 2, "localKeyID on key and certificate bags");
    assert.equal(ids[0], ids[1], "the same localKeyID");

    // Key matches certificate.
    const keyPem = sh("openssl", ["pkcs12", "-in", file, "-passin", pass, "-nocerts", "-nodes"]);
    const certPem = sh("openssl", ["pkcs12", "-in", file, "-passin", pass, "-clcerts", "-nokeys"]);
    const caPems = sh("openssl", ["pkcs12", "-in", file, "-passin", pass, "-cacerts", "-nokeys"]);
    const keyPub = sh("openssl", ["pkey", "-pubout"], { input: keyPem });
    const certPub = sh("openssl", ["x509", "-pubkey", "-noout"], { input: certPem });
    assert.ok(keyPub.includes("BEGIN PUBLIC KEY") && keyPub === certPub, "private key matches the certificate");
    const keyText = sh("openssl", ["pkey", "-noout", "-text_pub"], { input: keyPem });
    if (keyType === "ec") assert.match(keyText, /ASN1 OID: prime256v1/, keyText);
    else assert.match(keyText, /Public-Key: \(2048 bit\)/, keyText);

    // The chain in the file is our CA.
    const der = (pem) => sh("openssl", ["x509", "-outform", "DER"], { input: pem, encoding: null });
    assert.ok(der(caPems).equals(der(fs.readFileSync(CA_PEM, "utf8"))), "the CA certificate is in the file");

    // The certificate: subject, SAN with the groups, verifies as a client certificate.
    const certFile = path.join(dir, "cert.pem");
    fs.writeFileSync(certFile, sh("openssl", ["x509"], { input: certPem })); // without the bag attributes
    const text = sh("openssl", ["x509", "-noout", "-text", "-nameopt", "RFC2253", "-in", certFile]);
    const subject = sh("openssl", ["x509", "-noout", "-subject", "-nameopt", "RFC2253", "-in", certFile]);
    assert.match(subject, new RegExp(`CN=${username}(,|$)`), subject);
    assert.ok(subject.includes(`emailAddress=${email}`), subject);
    const san = sh("openssl", ["x509", "-noout", "-ext", "subjectAltName", "-in", certFile]);
    assert.ok(san.includes(`email:${email}`), san);
    const sanGroups = sanOtherNames(certFile);
    assert.deepEqual(sanGroups.map((g) => g.oid), sanGroups.map(() => GROUP_OID), `type-id ${GROUP_OID}`);
    const names = sanGroups.map((g) => g.value);
    for (const g of groups) assert.ok(names.includes(g), `group ${g} in the SAN: ${names}`);
    for (const g of notGroups) assert.ok(!names.includes(g), `group ${g} not in the SAN: ${names}`);
    const verify = sh("openssl", ["verify", "-purpose", "sslclient", "-CAfile", CA_PEM, certFile]);
    assert.match(verify, /: OK/, verify);
    if (keyType === "rsa") assert.match(text, /Digital Signature, Key Encipherment/, text);
    else assert.match(text, /Digital Signature/, text);
    assert.match(text, /TLS Web Client Authentication, E-mail Protection/, text);

    // NSS and Java.
    const nss = sh("pk12util", ["-l", file, "-W", PASSWORD]);
    assert.match(nss, new RegExp(`Friendly Name: ${username}`), nss);
    assert.match(nss, /Key/, nss);
    const kt = sh("keytool", ["-list", "-storetype", "PKCS12", "-keystore", file, "-storepass", PASSWORD]);
    assert.match(kt, /PrivateKeyEntry/, kt);
    assert.match(kt, new RegExp(`^${username},`, "m"), kt);

    // A wrong password is refused.
    assert.throws(() => sh("openssl", ["pkcs12", "-info", "-nodes", "-noout", "-passin", `${pass}x`, "-in", file]));
    return { text, certPem, names };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** otherName entries of the SAN as {oid, value} (OpenSSL 3 prints UTF8String values). */
function sanOtherNames(certFile) {
  const san = sh("openssl", ["x509", "-noout", "-ext", "subjectAltName", "-in", certFile]);
  return [...san.matchAll(/othername: ?([0-9.]+)::([^,\n]*)/gi)].map((m) => ({ oid: m[1], value: m[2].trim() }));
}

/** The certificate page: choose, fill, submit, wait for the download; returns the saved file. */
async function issue(page, { username, profile, keyType, groups }) {
  await page.check(`#profile-${profile}`);
  if (profile === "compatible") {
    assert.ok(await page.locator("#keyType-rsa").isChecked(), "compatible selects RSA");
    assert.ok(await page.locator("#keyType-ec").isDisabled(), "compatible allows no EC");
  } else {
    assert.ok(await page.locator("#keyType-ec").isChecked(), "EC is the default");
    await page.check(`#keyType-${keyType}`);
  }
  const listed = await tickGroups(page, groups);
  assert.deepEqual(listed.slice().sort(), ["users", TICKED, UNTICKED].sort(), `groups offered: ${listed}`);
  assert.ok(await page.locator('input[name="groups"][value="users"]').isChecked());
  await page.fill("#password", PASSWORD);
  await page.fill("#passwordConfirm", PASSWORD);
  const started = Date.now();
  const [dl] = await Promise.all([
    page.waitForEvent("download", { timeout: 40000 }),
    page.click("#submit"),
  ]);
  assert.equal(dl.suggestedFilename(), `${username}.p12`);
  const file = path.join(ARTIFACTS, `${username}-${profile}-${Date.now()}.p12`);
  await dl.saveAs(file);
  const ms = Date.now() - started;
  await page.waitForSelector("#done:not([hidden])");
  assert.equal(await page.getAttribute("#download", "download"), `${username}.p12`);
  assert.equal(await page.inputValue("#password"), "", "password field cleared");
  assert.equal(await page.inputValue("#passwordConfirm"), "", "confirmation cleared");
  const serial = (await page.locator("#done-serial").innerText()).trim();
  assert.match(serial, /^[0-9A-Fa-f:]{16,}$/, `serial shown: ${serial}`);
  return { file, ms, serial };
}

/** Files issued by the tests above, by profile: { file, username, email }. */
const issued = {};

for (const [profile, keyType] of [["modern", "ec"], ["compatible", "rsa"]]) {
  test(`${profile} (${keyType.toUpperCase()}): /request to ${"<username>"}.p12 with a ticked group; openssl, pk12util, keytool`, async () => {
    await makeGroups();
    const { page } = await newPage();
    const username = uniqueName(profile === "modern" ? "ec" : "rsa");
    const email = `${username}@example.org`;
    await enrollInBrowser(page, { username, displayName: "Cert Example", email, beforeCertificatePage: joinGroups });
    assert.equal(await page.locator("#f-username").innerText(), username);
    assert.equal(await page.locator("#f-email").innerText(), email);
    // The fixed fields the server dictates are shown read-only.
    assert.ok(await page.locator("#csr-fields-box").isVisible(), "csrFields shown");
    assert.equal(await page.locator("#csr-fields input").count(), 0, "csrFields are not editable");

    const { file, ms, serial } = await issue(page, { username, profile, keyType, groups: [TICKED] });
    console.log(`     ${profile}/${keyType}: ${ms} ms from click to download; ${file}`);
    const { certPem, names } = checkP12(file, { username, email, keyType, profile, groups: ["users", TICKED], notGroups: [UNTICKED] });
    assert.equal(names.length, 2, `exactly users and ${TICKED}: ${names}`);

    // The server stored what it issued: the same serial and groups.
    const hex = serial.replace(/:/g, "").toLowerCase().replace(/^0+/, "");
    const rows = psql("SELECT lower(serial), array_to_string(groups, ',') FROM certificates WHERE username = :'u';", { u: username });
    assert.equal(rows.length, 1, `one certificate stored: ${JSON.stringify(rows)}`);
    assert.equal(rows[0][0].replace(/^0+/, ""), hex, "serial shown = serial stored");
    assert.deepEqual(rows[0][1].split(",").sort(), ["users", TICKED].sort());
    const fp = sh("openssl", ["x509", "-noout", "-serial"], { input: certPem }).trim().split("=")[1].toLowerCase().replace(/^0+/, "");
    assert.equal(fp, hex, "serial in the file = serial shown");
    issued[profile] = { file, username, email };
  }, { timeout: 55000 });
}

test("renewal: the downloaded file as the browser's client certificate, another group ticked", async () => {
  const prev = issued.modern;
  assert.ok(prev, "needs the modern test's file");
  const { page } = await newPage({
    width: 360,
    height: 740,
    contextOptions: { clientCertificates: [{ origin: BASE, pfxPath: prev.file, passphrase: PASSWORD }] },
  });
  await page.goto("/request/certificate");
  await page.waitForSelector("#cert-form:not([hidden])");
  assert.match(await page.locator("#via-note").innerText(), /Renewal/);
  assert.equal(await page.locator("#f-username").innerText(), prev.username);
  assert.equal(await page.locator("#f-email").innerText(), prev.email);
  await assertNoHorizontalScroll(page, 360);
  const { file } = await issue(page, { username: prev.username, profile: "modern", keyType: "ec", groups: [UNTICKED] });
  await assertNoHorizontalScroll(page, 360); // the result, with its long serial number
  if (process.env.CERTM3_BROWSER_SHOTS) await page.screenshot({ path: path.join(ARTIFACTS, "renewal-done-360.png"), fullPage: true });
  const { names } = checkP12(file, { username: prev.username, email: prev.email, keyType: "ec", profile: "modern", groups: ["users", UNTICKED], notGroups: [TICKED] });
  assert.equal(names.length, 2, `exactly users and ${UNTICKED}: ${names}`);
  assert.deepEqual(psql("SELECT count(*) FROM certificates WHERE username = :'u' AND status = 'active';", { u: prev.username }), [["2"]]);
}, { timeout: 50000 });

test("a group left after the page loaded: refused with the group named next to the groups", async () => {
  await makeGroups();
  const { page } = await newPage({ width: 360, height: 740 });
  const username = uniqueName("left");
  let id = null;
  await enrollInBrowser(page, {
    username, displayName: "Left Group", email: `${username}@example.org`,
    beforeCertificatePage: async (u) => { id = await joinGroups(u); },
  });
  await tickGroups(page, [TICKED]);
  await adminApi("DELETE", `/api/groups/${TICKED}/members/${id}`);
  await page.fill("#password", PASSWORD);
  await page.fill("#passwordConfirm", PASSWORD);
  await page.click("#submit");
  await page.waitForSelector("#groups-error:visible", { timeout: 20000 });
  assert.match(await page.locator("#groups-error").innerText(), new RegExp(TICKED));
  assert.ok(await page.locator("#form-error").isVisible());
  assert.ok(await page.locator("#cert-form").isVisible(), "still on the form");
  await assertNoHorizontalScroll(page, 360);
  if (process.env.CERTM3_BROWSER_SHOTS) await page.screenshot({ path: path.join(ARTIFACTS, "group-left-360.png"), fullPage: true });
  assert.equal(await page.inputValue("#password"), PASSWORD, "password kept for another try");
  assert.deepEqual(psql("SELECT count(*) FROM certificates WHERE username = :'u';", { u: username }), [["0"]]);
}, { timeout: 40000 });

resetRateLimits();
await run();
