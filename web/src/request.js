// /request, /request/<username>, /request/<id>: the enrollment form, with a live
// username availability check, and the "resume a request" view.
import { api, ApiError, countdown, plural } from "./lib/api.js";
import { $, setFieldError, setStatus, storeRequestId, UUID_RE } from "./lib/dom.js";
import { normalizeUsername, usernameProblem, displayNameProblem, emailProblem } from "./lib/validation.js";

const DEBOUNCE_MS = 300;

const STATUS_TEXT = {
  available: "✓ Available",
  taken: "✗ Already taken: choose another name.",
  reserved: "✗ Reserved: this name cannot be used.",
  invalid: "✗ Not a valid username.",
};

function init() {
  const form = $("#request-form");
  const username = $("#username");
  const displayName = $("#displayName");
  const email = $("#email");
  const submit = $("#submit");
  const submitHint = $("#submit-hint");
  const userStatus = $("#username-status");
  const formStatus = $("#form-status");

  // What we know about the current username: {name, state} where state is
  // "checking" | "available" | "taken" | "reserved" | "invalid" | "unknown".
  let check = { name: "", state: "unknown" };
  let debounceTimer = null;
  let inflight = null;
  let waitUntil = 0; // rate-limited until (ms since epoch)
  let cancelWait = null;
  let submitting = false;
  const touched = new Set();

  function showUsername(state, text) {
    userStatus.textContent = text || "";
    userStatus.className = `availability is-${state}`;
    if (state === "taken" || state === "reserved" || state === "invalid") {
      username.setAttribute("aria-invalid", "true");
    } else {
      username.removeAttribute("aria-invalid");
    }
  }

  function fieldsValid() {
    return !displayNameProblem(displayName.value) && !emailProblem(email.value);
  }

  function updateSubmit() {
    const name = normalizeUsername(username.value);
    const ok = !submitting && Date.now() >= waitUntil && check.name === name &&
      check.state === "available" && fieldsValid();
    submit.disabled = !ok;
    submitHint.hidden = ok;
  }

  function validateField(input, problemFn, force) {
    const problem = problemFn(input.value);
    if (force || touched.has(input.id)) setFieldError(input, problem);
    return !problem;
  }

  async function checkUsername(name) {
    if (inflight) inflight.abort();
    const ctl = new AbortController();
    inflight = ctl;
    check = { name, state: "checking" };
    showUsername("checking", "Checking…");
    updateSubmit();
    try {
      const { data } = await api("GET", `/request/api/username/${encodeURIComponent(name)}`, undefined, { signal: ctl.signal });
      if (normalizeUsername(username.value) !== name) return; // typed on meanwhile
      const state = data && data.available ? "available" : (data && data.reason) || "taken";
      check = { name, state };
      showUsername(state, STATUS_TEXT[state] || STATUS_TEXT.taken);
    } catch (e) {
      if (e.name === "AbortError") return;
      if (normalizeUsername(username.value) !== name) return;
      check = { name, state: "unknown" };
      if (e instanceof ApiError && e.status === 429) {
        const secs = e.retryAfter || 5;
        showUsername("error", `Too many checks: trying again in ${plural(secs, "second", "seconds")}.`);
        setTimeout(() => {
          if (normalizeUsername(username.value) === name) checkUsername(name);
        }, secs * 1000);
      } else if (e instanceof ApiError && e.status === 400) {
        check = { name, state: "invalid" };
        showUsername("invalid", `✗ ${e.message}`);
      } else {
        showUsername("error", `Could not check the name: ${e.message}`);
      }
    } finally {
      if (inflight === ctl) inflight = null;
      updateSubmit();
    }
  }

  function onUsernameInput() {
    // Lower-case as the person types (the server does the same), keeping the caret.
    const raw = username.value;
    const lower = raw.toLowerCase();
    if (lower !== raw && lower.length === raw.length) {
      const s = username.selectionStart;
      const e = username.selectionEnd;
      username.value = lower;
      username.setSelectionRange(s, e);
    }
    const name = normalizeUsername(username.value);
    clearTimeout(debounceTimer);
    if (inflight) inflight.abort();
    const problem = usernameProblem(name);
    if (problem) {
      check = { name, state: "invalid" };
      showUsername(name ? "invalid" : "unknown", name ? `✗ ${problem}` : "");
      updateSubmit();
      return;
    }
    check = { name, state: "checking" };
    showUsername("checking", "");
    updateSubmit();
    debounceTimer = setTimeout(() => checkUsername(name), DEBOUNCE_MS);
  }

  username.addEventListener("input", onUsernameInput);
  for (const [input, fn] of [[displayName, displayNameProblem], [email, emailProblem]]) {
    input.addEventListener("input", () => {
      validateField(input, fn, false);
      updateSubmit();
    });
    input.addEventListener("blur", () => {
      if (input.value !== "") touched.add(input.id);
      validateField(input, fn, false);
    });
  }

  function rateLimited(secs) {
    if (cancelWait) cancelWait();
    waitUntil = Date.now() + secs * 1000;
    cancelWait = countdown(
      secs,
      (left) => setStatus(formStatus, `Too many requests. Please wait ${plural(left, "second", "seconds")} and try again.`, "warn"),
      () => {
        waitUntil = 0;
        setStatus(formStatus, "You can try again now.", "info");
        updateSubmit();
      },
    );
    updateSubmit();
  }

  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    touched.add("displayName");
    touched.add("email");
    const okD = validateField(displayName, displayNameProblem, true);
    const okE = validateField(email, emailProblem, true);
    const name = normalizeUsername(username.value);
    if (!okD) displayName.focus();
    else if (!okE) email.focus();
    if (!okD || !okE || check.name !== name || check.state !== "available" || submit.disabled) return;

    submitting = true;
    updateSubmit();
    setStatus(formStatus, "Sending…", "busy");
    try {
      const { data } = await api("POST", "/request/api/requests", {
        username: name,
        displayName: displayName.value.trim(),
        email: email.value.trim(),
      });
      storeRequestId(data && data.id);
      setStatus(formStatus, "Request stored. Taking you to the next step…", "ok");
      window.location.assign("/request/validate");
      return;
    } catch (e) {
      submitting = false;
      if (!(e instanceof ApiError)) {
        setStatus(formStatus, e.message, "error");
      } else if (e.status === 409) {
        check = { name, state: "taken" };
        showUsername("taken", STATUS_TEXT.taken);
        setStatus(formStatus, "", "info");
        username.focus();
      } else if (e.status === 400 && e.field) {
        setStatus(formStatus, "Please correct the marked field.", "error");
        if (e.field === "username") {
          check = { name, state: "invalid" };
          showUsername("invalid", `✗ ${e.message}`);
          username.focus();
        } else {
          const input = form.elements.namedItem(e.field);
          if (input && input.id) {
            setFieldError(input, e.message);
            input.focus();
          } else {
            setStatus(formStatus, e.message, "error");
          }
        }
      } else if (e.status === 429) {
        rateLimited(e.retryAfter || 30);
      } else {
        setStatus(formStatus, e.message, "error");
      }
    }
    updateSubmit();
  });

  return { username, onUsernameInput };
}

async function resume(id) {
  const form = $("#request-form");
  const box = $("#resume");
  const text = $("#resume-text");
  const actions = $("#resume-actions");
  const resend = $("#resend");
  const link = $("#resume-link");
  const resendStatus = $("#resend-status");
  form.hidden = true;
  box.hidden = false;

  let data;
  try {
    ({ data } = await api("GET", `/request/api/requests/${encodeURIComponent(id)}`));
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) {
      // Not a request: a user id, i.e. renewal, which the certificate page handles.
      window.location.replace("/request/certificate");
      return;
    }
    text.textContent = `The request could not be loaded: ${e.message}`;
    return;
  }

  const who = data.username ? `for the username “${data.username}”` : "";
  const status = data.status;
  storeRequestId(data.id || id);
  actions.hidden = false;
  if (status === "pending" || status === "revalidating") {
    text.textContent =
      `Your request ${who} is waiting for you to confirm your e-mail address. ` +
      "We sent you an e-mail with a link and a validation code. If it did not arrive, we can send it again.";
    resend.hidden = false;
    link.textContent = "Enter validation code";
    link.href = "/request/validate";
  } else if (status === "completed") {
    text.textContent = `Your request ${who} is complete: the e-mail address was confirmed. Continue to get your certificate.`;
    link.textContent = "Get your certificate";
    link.href = "/request/certificate";
  } else {
    const why = status === "expired" ? "expired before it was confirmed" : status === "cancelled" ? "was cancelled" : `is ${status}`;
    text.textContent = `Your request ${who} ${why}. You can start a new request.`;
    link.textContent = "Start a new request";
    link.href = data.username ? `/request/${encodeURIComponent(data.username)}` : "/request";
  }

  let cancel = null;
  resend.addEventListener("click", async () => {
    resend.disabled = true;
    setStatus(resendStatus, "Sending…", "busy");
    try {
      await api("POST", `/request/api/requests/${encodeURIComponent(data.id || id)}/resend`, {});
      setStatus(resendStatus, "A new e-mail is on its way. The previous code no longer works.", "ok");
      resend.disabled = false;
    } catch (e) {
      if (e instanceof ApiError && e.status === 429) {
        if (cancel) cancel();
        cancel = countdown(
          e.retryAfter || 60,
          (left) => setStatus(resendStatus, `Please wait ${plural(left, "second", "seconds")} before asking again.`, "warn"),
          () => {
            resend.disabled = false;
            setStatus(resendStatus, "You can ask for a new e-mail now.", "info");
          },
        );
      } else {
        setStatus(resendStatus, `Could not send the e-mail: ${e.message}`, "error");
        resend.disabled = false;
      }
    }
  });
}

function main() {
  const parts = init();
  // /request/<segment>: a request id (resume), a user id (renewal) or a username.
  const m = window.location.pathname.match(/^\/request\/([^/]+)\/?$/);
  if (!m) return;
  let seg;
  try {
    seg = decodeURIComponent(m[1]);
  } catch {
    return;
  }
  if (UUID_RE.test(seg)) {
    resume(seg.toLowerCase());
    return;
  }
  const name = normalizeUsername(seg);
  if (!usernameProblem(name)) {
    parts.username.value = name;
    parts.onUsernameInput();
    $("#displayName").focus();
  }
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", main);
else main();
