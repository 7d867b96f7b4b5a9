// Client-side input rules (SPEC §2). The server checks everything again; these
// only let the page explain problems early.

export const USERNAME_RE = /^[a-z][a-z0-9._-]*$/;
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** The username as it will be used: trimmed and lower-cased. */
export function normalizeUsername(value) {
  return String(value || "").trim().toLowerCase();
}

/** null when valid, else a message. Expects the normalised name. */
export function usernameProblem(name) {
  if (name.length === 0) return "Choose a username.";
  if (name.length < 3) return "At least 3 characters.";
  if (name.length > 32) return "At most 32 characters.";
  if (!/^[a-z]/.test(name)) return "Start with a letter (a–z).";
  if (!USERNAME_RE.test(name)) return "Use only letters a–z, digits, and . _ -";
  return null;
}

export function displayNameProblem(value) {
  const v = String(value || "");
  if (v.trim().length === 0) return "Enter your name.";
  if (Array.from(v).length > 128) return "At most 128 characters.";
  if (CONTROL.test(v)) return "Remove control characters (tabs, line breaks).";
  return null;
}

export function emailProblem(value) {
  const v = String(value || "");
  if (v.length === 0) return "Enter your e-mail address.";
  if (new TextEncoder().encode(v).length > 254) return "At most 254 bytes.";
  if (/\s/.test(v) || CONTROL.test(v)) return "No spaces or control characters.";
  // The address goes into the certificate as an IA5String: ASCII only.
  if (!/^[\x21-\x7e]+$/.test(v)) return "Use an address in plain ASCII letters (no accents).";
  const at = v.split("@");
  if (at.length !== 2) return "An e-mail address has exactly one @.";
  if (at[0] === "" || at[1] === "") return "Enter the whole address, like name@example.org.";
  return null;
}

/** Password for the PKCS#12 file: non-empty, printable ASCII (0x20–0x7e) only. */
export function passwordProblem(value) {
  const v = String(value || "");
  if (v.length === 0) return "Enter a password to protect the file.";
  if (!/^[\x20-\x7e]+$/.test(v)) {
    return "Use printable ASCII only: letters A–Z a–z, digits, space and ! \" # $ % & ' ( ) * + , - . / : ; < = > ? @ [ \\ ] ^ _ ` { | } ~";
  }
  return null;
}

/**
 * A rough strength hint: bits estimated from length and character classes, with
 * penalties for repeats and short sequences. Not a policy, just advice.
 * @returns {{level: 0|1|2|3, label: string, advice: string}}
 */
export function passwordStrength(pw) {
  const v = String(pw || "");
  if (!v) return { level: 0, label: "", advice: "" };
  let pool = 0;
  if (/[a-z]/.test(v)) pool += 26;
  if (/[A-Z]/.test(v)) pool += 26;
  if (/[0-9]/.test(v)) pool += 10;
  if (/[^A-Za-z0-9]/.test(v)) pool += 33;
  const unique = new Set(v).size;
  const effectiveLen = Math.min(v.length, unique * 2);
  let bits = effectiveLen * Math.log2(Math.max(pool, 2));
  if (/^(?:[a-z]+|[A-Z]+|[0-9]+)$/.test(v)) bits *= 0.8;
  if (/(password|passwort|123456|qwerty|letmein|admin)/i.test(v)) bits = Math.min(bits, 20);
  if (bits < 40) return { level: 1, label: "Weak", advice: "Anyone who gets the file could guess this. Use 12 or more characters, or several unrelated words." };
  if (bits < 64) return { level: 2, label: "Fair", advice: "Longer is better: add another word or a few characters." };
  return { level: 3, label: "Strong", advice: "Keep it somewhere safe: it cannot be recovered." };
}

/** The token from what was pasted: the bare code, or the last path segment of the link. */
export function extractToken(value) {
  let v = String(value || "").trim();
  const m = v.match(/\/request\/validate\/([^/?#\s<>"']+)/);
  if (m) v = m[1];
  try {
    v = decodeURIComponent(v);
  } catch {
    /* keep as typed */
  }
  return v.trim();
}
