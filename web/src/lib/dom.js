// Small DOM helpers: field errors tied to their control with aria-describedby /
// aria-invalid, status messages, element lookups.

export const $ = (sel, root = document) => root.querySelector(sel);
export const $$ = (sel, root = document) => Array.from(root.querySelectorAll(sel));

/**
 * Show (or, with an empty message, clear) the error for a field. The page has an
 * element #<id>-error next to the control, listed in its aria-describedby.
 */
export function setFieldError(input, message) {
  const box = document.getElementById(`${input.id}-error`);
  if (box) {
    box.textContent = message || "";
    box.hidden = !message;
  }
  if (message) input.setAttribute("aria-invalid", "true");
  else input.removeAttribute("aria-invalid");
}

/** Set a status element's text and its kind (info, ok, error, busy) as a class. */
export function setStatus(el, text, kind = "info") {
  el.textContent = text || "";
  el.hidden = !text;
  el.classList.remove("is-info", "is-ok", "is-error", "is-busy", "is-warn");
  if (text) el.classList.add(`is-${kind}`);
}

/** Replace an element's children with nodes / strings. */
export function fill(el, ...nodes) {
  el.replaceChildren(...nodes);
}

/** createElement shorthand: h("a", {href: "/x", class: "button"}, "text"). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === false || v === null || v === undefined) continue;
    if (k === "class") el.className = v;
    else if (k === "text") el.textContent = v;
    else if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children) if (c !== null && c !== undefined) el.append(c);
  return el;
}

/** Yield to the browser so a status text paints before heavy synchronous work. */
export function nextFrame() {
  return new Promise((r) => setTimeout(r, 30));
}

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const REQUEST_ID_KEY = "certm3.requestId";

export function storedRequestId() {
  try {
    const v = sessionStorage.getItem(REQUEST_ID_KEY);
    return v && UUID_RE.test(v) ? v : null;
  } catch {
    return null;
  }
}
export function storeRequestId(id) {
  try {
    if (id) sessionStorage.setItem(REQUEST_ID_KEY, id);
    else sessionStorage.removeItem(REQUEST_ID_KEY);
  } catch {
    /* storage disabled: resend is then simply not offered */
  }
}
