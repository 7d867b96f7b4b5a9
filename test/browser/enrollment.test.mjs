// Enrollment in the browser against the real stack (issue 3, "Browser"):
// the username check as a person types, the gated submit button, the
// validation e-mail's link and code, plain errors, 360 px and keyboard.
import assert from "node:assert/strict";
import {
  test, run, newPage, api, BASE, uniqueName, waitForMail, enrollByApi,
  clearValidationBackoff, tabTo, assertNoHorizontalScroll, enrollInBrowser,
  resetRateLimits, psql,
} from "./lib.mjs";

const status = (page) => page.locator("#username-status").innerText();

/** Type a name and wait for the page's verdict (a class on #username-status). */
async function typeName(page, name, state) {
  await page.fill("#username", name);
  await page.waitForSelector(`#username-status.is-${state}`);
  return status(page);
}

test("names: taken (user, live request, any case), invalid and reserved are refused; submit waits for a valid form", async () => {
  // One name taken by a user, one by a pending request.
  const user = await enrollByApi({ username: uniqueName("taken") });
  const pendingName = uniqueName("pending");
  const r = await api("POST", "/request/api/requests", { username: pendingName, displayName: "Pending", email: `${pendingName}@example.org` });
  assert.equal(r.status, 201, r.text);

  const { page } = await newPage();
  await page.goto("/request");
  const submit = page.locator("#submit");
  assert.ok(await submit.isDisabled(), "submit starts disabled");

  // Taken by a user, typed in capitals: the page lower-cases and asks the server.
  assert.match(await typeName(page, user.username.toUpperCase(), "taken"), /Already taken/);
  assert.equal(await page.inputValue("#username"), user.username);
  assert.equal(await page.getAttribute("#username", "aria-invalid"), "true");
  assert.ok(await submit.isDisabled());
  // Taken by a live request.
  assert.match(await typeName(page, pendingName, "taken"), /Already taken/);
  // Invalid: the page explains without asking, or the server says so.
  assert.match(await typeName(page, "ab", "invalid"), /At least 3/);
  assert.match(await typeName(page, "9lives", "invalid"), /Start with a letter/);
  assert.match(await typeName(page, "bad name!", "invalid"), /Use only letters|Not a valid/);
  // Reserved: only the server knows the list.
  assert.match(await typeName(page, "admin", "reserved"), /Reserved/);
  assert.match(await typeName(page, "postmaster", "reserved"), /Reserved/);
  assert.ok(await submit.isDisabled());

  // A free name alone does not enable the button; every field must be valid.
  const free = uniqueName("free");
  assert.match(await typeName(page, free, "available"), /Available/);
  assert.equal(await page.getAttribute("#username", "aria-invalid"), null);
  assert.ok(await submit.isDisabled(), "disabled without name and e-mail");
  await page.fill("#displayName", "Free Example");
  assert.ok(await submit.isDisabled(), "disabled without e-mail");
  await page.fill("#email", "free example.org");
  await page.locator("#email").blur();
  await page.waitForSelector("#email-error:visible");
  assert.equal(await page.getAttribute("#email", "aria-invalid"), "true");
  assert.ok(await submit.isDisabled(), "disabled with a bad e-mail");
  await page.fill("#email", `${free}@example.org`);
  await page.waitForSelector("#submit:enabled");
  assert.ok(await page.locator("#email-error").isHidden(), "e-mail error cleared");
  // Changing the name to a taken one disables it again.
  await typeName(page, user.username, "taken");
  assert.ok(await submit.isDisabled(), "disabled again for a taken name");
});

test("walk: free name, submit, /request/validate, link from the spool, /request/certificate shows the session", async () => {
  const { page } = await newPage();
  const username = uniqueName("walk");
  const email = `${username}@example.org`;
  const displayName = "Zoë Wälk-Example";

  // The pages come with the security headers of SPEC §6.
  for (const p of ["/request", "/request/validate", "/request/certificate"]) {
    const resp = await page.goto(p);
    assert.equal(resp.status(), 200, p);
    const h = resp.headers();
    assert.match(h["content-security-policy"] || "", /script-src 'self'/, `${p} CSP`);
    assert.match(h["content-security-policy"] || "", /frame-ancestors 'none'/, `${p} CSP`);
    assert.equal(h["x-content-type-options"], "nosniff", p);
    assert.ok(h["referrer-policy"], `${p} Referrer-Policy`);
  }

  await page.goto("/request");
  await typeName(page, username, "available");
  await page.fill("#displayName", displayName);
  await page.fill("#email", email);
  await page.waitForSelector("#submit:enabled");
  await Promise.all([page.waitForURL(`${BASE}/request/validate`), page.click("#submit")]);
  assert.match(await page.locator("#intro").innerText(), /We sent an e-mail/);
  const requestId = await page.evaluate(() => sessionStorage.getItem("certm3.requestId"));
  assert.match(requestId || "", /^[0-9a-f-]{36}$/, "request id kept for a re-send");
  assert.ok(await page.locator("#resend-box").isVisible(), "re-send offered");
  const st = await api("GET", `/request/api/requests/${requestId}`);
  assert.deepEqual([st.status, st.data.username, st.data.status], [200, username, "pending"]);

  const mail = await waitForMail(email);
  assert.ok(mail.link.startsWith(`${BASE}/request/validate/`), mail.link);
  assert.match(mail.body, new RegExp(`Hello ${displayName}`));
  clearValidationBackoff();
  await page.goto(mail.link);
  await page.waitForURL(`${BASE}/request/certificate`);
  await page.waitForSelector("#cert-form:not([hidden])");
  assert.equal(await page.locator("#f-username").innerText(), username);
  assert.equal(await page.locator("#f-email").innerText(), email);
  assert.equal(await page.locator("#f-displayName").innerText(), displayName);
  const users = page.locator('input[name="groups"][value="users"]');
  assert.ok((await users.isChecked()) && (await users.isDisabled()), "users: ticked and fixed");
  // The token is in no page and no history entry.
  const html = await page.content();
  assert.ok(!html.includes(mail.token), "token not in the certificate page");
  await page.goBack();
  assert.equal(page.url(), `${BASE}/request/validate`, "history holds no token");
  const back = await page.content();
  assert.ok(!back.includes(mail.token), "token not in the validate page");
  const req = await api("GET", `/request/api/requests/${requestId}`);
  assert.equal(req.data.status, "completed");
});

test("360 px and keyboard only: form, Enter on submit, pasted code, certificate page", async () => {
  const W = 360;
  const { page } = await newPage({ width: W, height: 740 });
  const username = uniqueName("kbd");
  const email = `${username}@example.org`;
  await page.goto("/request");
  await assertNoHorizontalScroll(page, W);

  const order = await tabTo(page, "username");
  await page.keyboard.type(username.toUpperCase());
  await page.waitForSelector("#username-status.is-available");
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement.id), "displayName");
  await page.keyboard.type("Kay Board");
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement.id), "email");
  await page.keyboard.type(email);
  await page.waitForSelector("#submit:enabled");
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement.id), "submit", `focus order ${order.join(" > ")}`);
  await assertNoHorizontalScroll(page, W);
  await Promise.all([page.waitForURL(`${BASE}/request/validate`), page.keyboard.press("Enter")]);
  await assertNoHorizontalScroll(page, W);

  // Paste the code (not the link) into the field by keyboard.
  const mail = await waitForMail(email);
  clearValidationBackoff();
  await tabTo(page, "token");
  await page.keyboard.insertText(`  ${mail.token}\n`);
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement.id), "submit");
  await Promise.all([page.waitForURL(`${BASE}/request/certificate`), page.keyboard.press("Enter")]);
  await page.waitForSelector("#cert-form:not([hidden])");
  assert.equal(await page.locator("#f-username").innerText(), username);
  assert.equal(await page.locator("#f-email").innerText(), email);
  await assertNoHorizontalScroll(page, W);
  // Every control of the certificate form is reachable by Tab.
  const certOrder = await tabTo(page, "submit");
  for (const id of ["profile-modern", "keyType-ec", "password", "passwordConfirm"]) {
    assert.ok(certOrder.includes(id), `${id} reachable: ${certOrder.join(" > ")}`);
  }
});

test("used code: the link and the pasted code both show a plain error", async () => {
  const used = await enrollByApi({ username: uniqueName("used") }); // validated: its token is spent
  const { page } = await newPage({ width: 360, height: 740 });
  clearValidationBackoff();
  await page.goto(used.mail.link);
  await page.waitForSelector("#token-error:visible");
  const msg = await page.locator("#token-error").innerText();
  assert.match(msg, /unknown or was already used/);
  assert.ok(!/[{}]|statusCode|HTTP \d/.test(msg), `plain words: ${msg}`);
  assert.equal(page.url(), `${BASE}/request/validate`, "token taken out of the address bar");
  assert.equal(await page.getAttribute("#token", "aria-invalid"), "true");
  assert.equal(await page.evaluate(() => document.activeElement.id), "token", "focus on the field");
  await assertNoHorizontalScroll(page, 360);

  // Pasted: the same plain error (after the 1 s backoff the failure started).
  clearValidationBackoff();
  await page.fill("#token", "");
  await page.waitForSelector("#token-error", { state: "hidden" });
  await page.fill("#token", used.mail.token);
  await page.press("#token", "Enter");
  await page.waitForSelector("#token-error:visible");
  assert.match(await page.locator("#token-error").innerText(), /unknown or was already used/);
  assert.ok(await page.locator("#submit").isEnabled(), "can try another code");
  clearValidationBackoff();
});

test("/request/<username> pre-fills; /request/<id> shows the request and re-sends, the old code dies; /request/<user id> leads on", async () => {
  const { page } = await newPage();
  const free = uniqueName("pre");
  await page.goto(`/request/${free.toUpperCase()}`);
  assert.equal(await page.inputValue("#username"), free);
  await page.waitForSelector("#username-status.is-available");
  assert.equal(await page.evaluate(() => document.activeElement.id), "displayName");

  const name = uniqueName("resend");
  const email = `${name}@example.org`;
  const r = await api("POST", "/request/api/requests", { username: name, displayName: "Re Send", email });
  assert.equal(r.status, 201, r.text);
  const first = await waitForMail(email);
  await page.goto(`/request/${r.data.id}`);
  await page.waitForFunction(() => /waiting for you to confirm/.test(document.querySelector("#resume-text").textContent));
  assert.match(await page.locator("#resume-text").innerText(), new RegExp(name));
  assert.ok(await page.locator("#request-form").isHidden());
  await page.click("#resend");
  await page.waitForSelector("#resend-status.is-ok");
  const second = await waitForMail(email, { notFile: first.file });
  assert.notEqual(second.token, first.token);

  clearValidationBackoff();
  await page.goto(first.link);
  await page.waitForSelector("#token-error:visible");
  assert.match(await page.locator("#token-error").innerText(), /unknown or was already used/);
  clearValidationBackoff();
  await page.goto(second.link);
  await page.waitForURL(`${BASE}/request/certificate`);
  await page.waitForSelector("#cert-form:not([hidden])");
  assert.equal(await page.locator("#f-username").innerText(), name);

  // /request/<user id> (no such request): on to the certificate page, for renewal.
  const ids = psql("SELECT id FROM users WHERE username = :'u';", { u: name });
  assert.equal(ids.length, 1);
  const fresh = await newPage();
  await fresh.page.goto(`/request/${ids[0][0]}`);
  await fresh.page.waitForURL(`${BASE}/request/certificate`);
  await fresh.page.waitForSelector("#problem:not([hidden])");
  assert.match(await fresh.page.locator("#problem-title").innerText(), /not signed in/);
});

// enrollInBrowser() is the walk the certificate test builds on: keep it honest here too.
test("enrollInBrowser helper reaches the certificate page", async () => {
  const { page } = await newPage();
  const username = uniqueName("helper");
  await enrollInBrowser(page, { username, displayName: "Helper", email: `${username}@example.org` });
  assert.equal(await page.locator("#f-username").innerText(), username);
});

resetRateLimits();
await run();
