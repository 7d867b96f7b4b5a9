// PEM / base64 / byte helpers shared by the pages (RFC 7468 textual encoding).

/** Uint8Array -> standard base64 (no line breaks). */
export function toBase64(bytes) {
  const u8 = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  let bin = "";
  const CHUNK = 0x8000;
  for (let i = 0; i < u8.length; i += CHUNK) {
    bin += String.fromCharCode.apply(null, u8.subarray(i, i + CHUNK));
  }
  return btoa(bin);
}

/** Standard base64 (whitespace tolerated) -> Uint8Array. Throws on bad input. */
export function fromBase64(text) {
  const clean = String(text).replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean) || clean.length % 4 !== 0) {
    throw new Error("invalid base64");
  }
  const bin = atob(clean);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** DER bytes -> PEM text with the given label, 64-character lines, trailing newline. */
export function toPem(label, der) {
  const b64 = toBase64(der);
  const lines = b64.match(/.{1,64}/g) || [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}

/**
 * Every PEM block with the given label in the text, in order, as DER bytes.
 * Text outside the blocks (explanatory lines, blank lines) is ignored.
 */
export function pemBlocks(text, label) {
  const re = new RegExp(
    `-----BEGIN ${label}-----([A-Za-z0-9+/=\\s]*?)-----END ${label}-----`,
    "g",
  );
  const out = [];
  let m;
  while ((m = re.exec(String(text))) !== null) out.push(fromBase64(m[1]));
  return out;
}

/** The first PEM block with the label; throws if there is none. */
export function fromPem(text, label) {
  const blocks = pemBlocks(text, label);
  if (blocks.length === 0) throw new Error(`no ${label} found`);
  return blocks[0];
}

/** Plain ArrayBuffer holding exactly the bytes of a view (for asn1js/WebCrypto). */
export function toArrayBuffer(bytes) {
  if (bytes instanceof ArrayBuffer) return bytes;
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
}

/** Concatenate byte arrays. */
export function concatBytes(...parts) {
  const len = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(len);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/** Constant-time-ish equality of two byte arrays (length leaks, contents do not). */
export function bytesEqual(a, b) {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

export function toHex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
