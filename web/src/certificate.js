// /request/certificate: key pair (WebCrypto), CSR (pkijs), issuance, PKCS#12 in
// the page, self-check, download.
import * as pkijs from "pkijs";
import { api, ApiError, countdown, plural } from "./lib/api.js";
import { $, $$, h, fill, setFieldError, setStatus, nextFrame } from "./lib/dom.js";
import { generateKeyPair, buildCsr } from "./lib/csr.js";
import { buildPkcs12, verifyPkcs12, PROFILES } from "./lib/p12.js";
import { fromPem, pemBlocks, bytesEqual, toArrayBuffer } from "./lib/pem.js";
import { passwordProblem, passwordStrength } from "./lib/validation.js";

const CSR_FIELD_LABELS = [
  ["C", "Country"],
  ["ST", "State or province"],
  ["L", "Locality"],
  ["O", "Organisation"],
  ["OU", "Organisational unit"],
];

const MISMATCH_TEXT = {
  commonName: "the username (common name)",
  emailAddress: "the e-mail address",
};

const PROFILE_TEXT = {
  modern: "Modern (PBES2, AES-256-CBC, HMAC-SHA256)",
  compatible: "Compatible (Triple DES, HMAC-SHA1)",
};

let session = null;

function showProblem(title, text, linkText, linkHref) {
  $("#load-status").hidden = true;
  $("#cert-form").hidden = true;
  $("#problem-title").textContent = title;
  $("#problem-text").textContent = text;
  const link = $("#problem-link");
  link.textContent = linkText;
  link.href = linkHref;
  $("#problem").hidden = false;
}

async function loadSession() {
  const loadStatus = $("#load-status");
  try {
    const { data } = await api("GET", "/request/api/session");
    return data;
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      showProblem(
        "You are not signed in",
        "To get a certificate, first confirm your e-mail address: the link in the validation e-mail signs you in for a short time. " +
          "To renew, open this page in a browser that has your current certificate installed.",
        "Request a certificate",
        "/request",
      );
    } else if (e instanceof ApiError && e.status === 403 && e.name === "CertificateExpired") {
      showProblem(
        "Your certificate has expired",
        "We have sent a new validation e-mail to the address on record. Follow its link (or enter its code) to confirm your address, then you can get a new certificate here.",
        "Enter the validation code",
        "/request/validate",
      );
    } else if (e instanceof ApiError && e.status === 403) {
      showProblem("Not allowed", e.message, "Back to the start", "/request");
    } else {
      setStatus(loadStatus, `Could not load your account: ${e.message} Reload the page to try again.`, "error");
    }
    return null;
  }
}

function renderSession(data) {
  $("#f-username").textContent = data.username;
  $("#f-displayName").textContent = data.displayName || "";
  $("#f-email").textContent = data.email;

  const fields = data.csrFields || {};
  const dl = $("#csr-fields");
  const rows = [];
  for (const [key, label] of CSR_FIELD_LABELS) {
    const v = fields[key];
    if (v === undefined || v === null || v === "") continue;
    const vals = Array.isArray(v) ? v : [v];
    rows.push(h("dt", { text: `${label} (${key})` }), h("dd", { text: vals.join(", ") }));
  }
  fill(dl, ...rows);
  $("#csr-fields-box").hidden = rows.length === 0;

  const groups = Array.isArray(data.groups) ? data.groups.slice() : [];
  if (!groups.some((g) => g.name === "users")) groups.unshift({ name: "users", displayName: "Users" });
  groups.sort((a, b) => (a.name === "users" ? -1 : b.name === "users" ? 1 : 0));
  const box = $("#groups");
  fill(
    box,
    ...groups.map((g, i) => {
      const id = `group-${i}`;
      const fixed = g.name === "users";
      const label = g.displayName && g.displayName !== g.name ? `${g.displayName} (${g.name})` : g.name;
      return h(
        "div",
        { class: "choice" },
        h("input", { type: "checkbox", id, name: "groups", value: g.name, checked: true, disabled: fixed, "data-fixed": fixed ? "1" : null }),
        h("label", { for: id }, label, fixed ? h("span", { class: "small", text: " (always included)" }) : null),
      );
    }),
  );

  if (data.via === "certificate") {
    setStatus($("#via-note"), "Renewal: you were recognised by your current certificate. Tick the groups the new certificate should carry.", "info");
  }
}

function setGroupsError(message) {
  const box = $("#groups-error");
  box.textContent = message || "";
  box.hidden = !message;
}

function selectedValue(name) {
  const el = $(`input[name="${name}"]:checked`);
  return el ? el.value : null;
}

function syncKeyTypeWithProfile() {
  const compatible = selectedValue("profile") === "compatible";
  const ec = $("#keyType-ec");
  const rsa = $("#keyType-rsa");
  const note = $("#keyType-note");
  if (compatible) {
    rsa.checked = true;
    ec.disabled = true;
    note.textContent = "The compatible format can only carry RSA keys (older systems do not read EC keys from it), so RSA 2048 is selected.";
  } else {
    ec.disabled = false;
    note.textContent = "";
  }
}

function updateStrength() {
  const out = $("#password-strength");
  const s = passwordStrength($("#password").value);
  out.className = `strength level-${s.level}`;
  out.textContent = s.label ? `Strength: ${s.label}. ${s.advice}` : "";
}

function checkPasswords(force) {
  const pw = $("#password");
  const pc = $("#passwordConfirm");
  const p1 = passwordProblem(pw.value);
  if (force || pw.value) setFieldError(pw, p1);
  let p2 = null;
  if (!p1 && pc.value !== pw.value) p2 = "The two passwords differ.";
  if (!p1 && !pc.value) p2 = "Enter the password again.";
  if (force || pc.value) setFieldError(pc, p2);
  return !p1 && !p2;
}

/** Disable every control while working; restore the earlier state afterwards. */
function lockForm(form) {
  const states = $$("input, button", form).map((el) => [el, el.disabled]);
  for (const [el] of states) el.disabled = true;
  form.setAttribute("aria-busy", "true");
  return () => {
    for (const [el, was] of states) el.disabled = was;
    form.removeAttribute("aria-busy");
    syncKeyTypeWithProfile();
  };
}

function showFormError(...content) {
  const box = $("#form-error");
  fill(box, ...content);
  box.hidden = content.length === 0;
}

async function spkiOf(publicKey) {
  return new Uint8Array(await crypto.subtle.exportKey("spki", publicKey));
}

function certificateSpki(certDer) {
  const cert = pkijs.Certificate.fromBER(toArrayBuffer(certDer));
  return new Uint8Array(cert.subjectPublicKeyInfo.toSchema().toBER(false));
}

function offerDownload(p12, filename, result, profile) {
  const url = URL.createObjectURL(new Blob([p12], { type: "application/x-pkcs12" }));
  const link = $("#download");
  link.href = url;
  link.setAttribute("download", filename);
  link.textContent = `Download ${filename}`;
  $("#done-file").textContent = filename;
  $("#done-serial").textContent = result.serial || "";
  const na = result.notAfter ? new Date(result.notAfter) : null;
  $("#done-notAfter").textContent =
    na && !Number.isNaN(na.getTime())
      ? `${na.toLocaleDateString(undefined, { year: "numeric", month: "long", day: "numeric" })} (${na.toISOString().slice(0, 10)})`
      : result.notAfter || "";
  $("#done-profile").textContent = PROFILE_TEXT[profile];
  $("#cert-form").hidden = true;
  const done = $("#done");
  done.hidden = false;
  done.focus();
  link.click();
  window.addEventListener("pagehide", () => URL.revokeObjectURL(url));
}

function init() {
  const form = $("#cert-form");
  const progress = $("#progress");
  const submit = $("#submit");
  let busy = false;
  let waitUntil = 0;
  let cancelWait = null;

  for (const r of $$('input[name="profile"]')) r.addEventListener("change", syncKeyTypeWithProfile);
  syncKeyTypeWithProfile();
  $("#password").addEventListener("input", () => {
    updateStrength();
    if ($("#password").getAttribute("aria-invalid")) checkPasswords(false);
  });
  $("#password").addEventListener("blur", () => checkPasswords(false));
  $("#passwordConfirm").addEventListener("input", () => {
    if ($("#passwordConfirm").getAttribute("aria-invalid")) checkPasswords(false);
  });
  $("#passwordConfirm").addEventListener("blur", () => checkPasswords(false));

  const step = (text) => setStatus(progress, text, "busy");

  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    if (busy || Date.now() < waitUntil) return;
    showFormError();
    setGroupsError("");
    if (!checkPasswords(true)) {
      (($("#password").getAttribute("aria-invalid") && $("#password")) || $("#passwordConfirm")).focus();
      return;
    }
    const profile = selectedValue("profile");
    const keyType = profile === "compatible" ? "rsa" : selectedValue("keyType");
    const groups = $$('input[name="groups"]:checked').map((c) => c.value);
    const username = session.username;

    busy = true;
    const unlock = lockForm(form);
    let keyPair = null;
    let password = $("#password").value;
    let done = false;
    try {
      step(keyType === "rsa" ? "Creating your RSA key pair… (this can take a few seconds)" : "Creating your key pair…");
      await nextFrame();
      keyPair = await generateKeyPair(keyType);

      step("Building the certificate request…");
      const csr = await buildCsr({ keyPair, csrFields: session.csrFields, username, email: session.email });

      step("Waiting for the certificate authority to sign…");
      const { data } = await api("POST", "/request/api/certificate", { csr: csr.pem, groups });
      const certificateDer = fromPem(data.certificate, "CERTIFICATE");
      const chainDers = pemBlocks(data.chain || "", "CERTIFICATE");
      if (!bytesEqual(certificateSpki(certificateDer), await spkiOf(keyPair.publicKey))) {
        throw new Error("The certificate returned by the server is not for this key.");
      }

      step(`Packing key and certificate into a password-protected file (${PROFILES[profile].iterations.toLocaleString("en")} rounds)…`);
      await nextFrame();
      const p12 = await buildPkcs12({
        privateKey: keyPair.privateKey,
        certificateDer,
        chainDers,
        friendlyName: username,
        password,
        profile,
      });

      step("Checking the file: opening it again with your password…");
      await nextFrame();
      await verifyPkcs12(p12, password, { certificateDer, chainDers, profile, friendlyName: username });

      setStatus(progress, "Done.", "ok");
      offerDownload(p12, `${username}.p12`, data, profile);
      done = true;
    } catch (e) {
      setStatus(progress, "", "info");
      handleError(e);
    } finally {
      // Drop every reference to the key and the password.
      keyPair = null;
      password = null;
      busy = false;
      if (done) {
        $("#password").value = "";
        $("#passwordConfirm").value = "";
        updateStrength();
      } else {
        unlock();
        if (Date.now() < waitUntil) submit.disabled = true;
      }
    }
  });

  function handleError(e) {
    if (!(e instanceof ApiError)) {
      showFormError(
        e.name === "NetworkError"
          ? e.message
          : `Something went wrong in your browser: ${e.message || e}. Nothing was saved; please try again.`,
      );
      return;
    }
    if (e.status === 422) {
      const what = (e.mismatch || []).map((m) => MISMATCH_TEXT[m] || m);
      showFormError(
        what.length
          ? `The certificate authority refused the request: ${what.join(" and ")} did not match your account. No certificate was issued; press the button to try again with a new key.`
          : `The certificate authority refused the request: ${e.message} Press the button to try again.`,
      );
    } else if (e.status === 403 && e.name === "CertificateExpired") {
      showProblem("Your certificate has expired", "We have sent a new validation e-mail. Follow its link to continue.", "Enter the validation code", "/request/validate");
    } else if (e.status === 403 || (e.status === 400 && e.field === "groups")) {
      setGroupsError(e.message);
      showFormError(`Not allowed: ${e.message}`);
      $("#groups-fieldset").scrollIntoView({ block: "nearest" });
    } else if (e.status === 401) {
      showProblem(
        "Your session has ended",
        "For your security the sign-in from the validation e-mail lasts only a short time. Ask for a new validation e-mail to continue.",
        "Start again",
        "/request",
      );
    } else if (e.status === 429) {
      const secs = e.retryAfter || 60;
      if (cancelWait) cancelWait();
      waitUntil = Date.now() + secs * 1000;
      submit.disabled = true;
      cancelWait = countdown(
        secs,
        (left) => showFormError(`Too many attempts. Please wait ${plural(left, "second", "seconds")} before trying again.`),
        () => {
          waitUntil = 0;
          submit.disabled = false;
          showFormError("You can try again now.");
        },
      );
    } else {
      showFormError(`The certificate could not be issued: ${e.message}`);
    }
  }
}

async function main() {
  init();
  session = await loadSession();
  if (!session) return;
  renderSession(session);
  $("#load-status").hidden = true;
  $("#cert-form").hidden = false;
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", main);
else main();
