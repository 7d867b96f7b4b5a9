// /request/validate and /request/validate/<token>: exchange the e-mailed token for
// a session, then continue to /request/certificate.
import { api, ApiError, countdown, plural } from "./lib/api.js";
import { $, setFieldError, setStatus, storedRequestId, storeRequestId } from "./lib/dom.js";
import { extractToken } from "./lib/validation.js";

function main() {
  const form = $("#validate-form");
  const token = $("#token");
  const submit = $("#submit");
  const status = $("#status");
  const resendBox = $("#resend-box");
  const resend = $("#resend");
  const resendStatus = $("#resend-status");
  const requestId = storedRequestId();
  let busy = false;
  let waitUntil = 0;
  let cancelWait = null;

  if (requestId) resendBox.hidden = false;

  function refreshButton() {
    submit.disabled = busy || Date.now() < waitUntil;
  }

  async function validate() {
    const value = extractToken(token.value);
    if (!value) {
      setFieldError(token, "Paste the validation code from the e-mail.");
      token.focus();
      return;
    }
    if (!/^[A-Za-z0-9_~.=+/-]+$/.test(value)) {
      setFieldError(token, "That does not look like a validation code: copy it again from the e-mail.");
      token.focus();
      return;
    }
    setFieldError(token, "");
    busy = true;
    refreshButton();
    setStatus(status, "Checking the code…", "busy");
    try {
      await api("POST", "/request/api/validate", { token: value });
      token.value = "";
      storeRequestId(null);
      setStatus(status, "Your e-mail address is confirmed. Taking you to your certificate…", "ok");
      window.location.assign("/request/certificate");
      return;
    } catch (e) {
      if (!(e instanceof ApiError)) {
        setStatus(status, e.message, "error");
      } else if (e.status === 404) {
        setStatus(status, "", "info");
        setFieldError(token, "This code is unknown or was already used. Check that you copied all of it.");
        token.focus();
      } else if (e.status === 410) {
        setStatus(status, "", "info");
        setFieldError(
          token,
          requestId
            ? "This code has expired. Ask for a new e-mail below."
            : "This code has expired. Open the link from your request, or start a new request, to get a new e-mail.",
        );
        if (requestId) {
          resendBox.hidden = false;
          resend.focus();
        }
      } else if (e.status === 429) {
        const secs = e.retryAfter || 60;
        if (cancelWait) cancelWait();
        waitUntil = Date.now() + secs * 1000;
        cancelWait = countdown(
          secs,
          (left) => setStatus(status, `Too many attempts. Please wait ${plural(left, "second", "seconds")} before trying again.`, "warn"),
          () => {
            waitUntil = 0;
            setStatus(status, "You can try again now.", "info");
            refreshButton();
          },
        );
      } else if (e.status === 400) {
        setStatus(status, "", "info");
        setFieldError(token, e.message);
        token.focus();
      } else {
        setStatus(status, e.message, "error");
      }
    }
    busy = false;
    refreshButton();
  }

  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    if (!submit.disabled) validate();
  });
  token.addEventListener("input", () => setFieldError(token, ""));

  let cancelResend = null;
  resend.addEventListener("click", async () => {
    if (!requestId) return;
    resend.disabled = true;
    setStatus(resendStatus, "Sending…", "busy");
    try {
      await api("POST", `/request/api/requests/${encodeURIComponent(requestId)}/resend`, {});
      setStatus(resendStatus, "A new e-mail is on its way. Use the code from the newest e-mail.", "ok");
      resend.disabled = false;
    } catch (e) {
      if (e instanceof ApiError && e.status === 429) {
        if (cancelResend) cancelResend();
        cancelResend = countdown(
          e.retryAfter || 60,
          (left) => setStatus(resendStatus, `Please wait ${plural(left, "second", "seconds")} before asking again.`, "warn"),
          () => {
            resend.disabled = false;
            setStatus(resendStatus, "You can ask for a new e-mail now.", "info");
          },
        );
      } else if (e instanceof ApiError && e.status === 404) {
        storeRequestId(null);
        setStatus(resendStatus, "This request no longer exists. Please start a new request.", "error");
      } else {
        setStatus(resendStatus, `Could not send the e-mail: ${e.message}`, "error");
        resend.disabled = false;
      }
    }
  });

  // /request/validate/<token>: take the token out of the address bar and history
  // at once, then validate automatically.
  const m = window.location.pathname.match(/^\/request\/validate\/([^/]+)\/?$/);
  if (m) {
    history.replaceState(null, "", "/request/validate");
    token.value = extractToken(m[1]);
    validate();
  }
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", main);
else main();
