// fetch() wrapper for the /request JSON API: JSON in and out, the error shape
// {"error":{"statusCode","name","message","field"?,"mismatch"?}}, Retry-After.

export class ApiError extends Error {
  constructor(status, body, retryAfter) {
    const err = (body && body.error) || {};
    super(err.message || `Request failed (HTTP ${status})`);
    this.status = status;
    this.name = err.name || "HttpError";
    this.field = err.field;
    this.mismatch = err.mismatch;
    this.error = err;
    /** seconds from the Retry-After header (429/503), or null */
    this.retryAfter = retryAfter;
  }
}

/**
 * Retry-After as whole seconds: delta-seconds or an HTTP date, null when absent
 * or unreadable. Never less than 1 so a countdown always shows something.
 */
export function parseRetryAfter(value, now = Date.now()) {
  if (value === null || value === undefined) return null;
  const v = String(value).trim();
  if (/^\d+$/.test(v)) return Math.max(1, parseInt(v, 10));
  const t = Date.parse(v);
  if (Number.isNaN(t)) return null;
  return Math.max(1, Math.ceil((t - now) / 1000));
}

/**
 * Call the API. Resolves with {status, data} for 2xx; rejects with ApiError for
 * an HTTP error, or with a plain Error (name "NetworkError") when the server
 * cannot be reached.
 */
export async function api(method, path, body, { signal } = {}) {
  const init = {
    method,
    headers: { Accept: "application/json" },
    credentials: "same-origin",
    cache: "no-store",
    signal,
  };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch (e) {
    if (e && e.name === "AbortError") throw e;
    const err = new Error("The server could not be reached. Check your connection and try again.");
    err.name = "NetworkError";
    throw err;
  }
  let data = null;
  const text = await res.text();
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!res.ok) throw new ApiError(res.status, data, parseRetryAfter(res.headers.get("Retry-After")));
  return { status: res.status, data };
}

/**
 * Show a live countdown: calls render(secondsLeft) now and every second, then
 * done() at zero. Returns a function that cancels it.
 */
export function countdown(seconds, render, done) {
  let left = Math.max(1, Math.ceil(seconds));
  render(left);
  const timer = setInterval(() => {
    left -= 1;
    if (left <= 0) {
      clearInterval(timer);
      if (done) done();
    } else {
      render(left);
    }
  }, 1000);
  return () => clearInterval(timer);
}

export function plural(n, one, many) {
  return `${n} ${n === 1 ? one : many}`;
}
