// The PKCS#12 password-based key derivation of RFC 7292 appendix B.2, used for
// the PKCS#12 MAC key (both profiles) and for the 3DES key and IV of
// pbeWithSHAAnd3-KeyTripleDES-CBC (compatible profile). WebCrypto has no such
// KDF, and calling crypto.subtle.digest once per iteration would be far too slow
// at our iteration counts, so the hash comes from @noble/hashes (synchronous,
// audited, already a dependency of pkijs).
import { sha1 } from "@noble/hashes/legacy.js";
import { sha256 } from "@noble/hashes/sha2.js";

export const KDF_ID_KEY = 1;
export const KDF_ID_IV = 2;
export const KDF_ID_MAC = 3;

const HASHES = {
  "SHA-1": { fn: sha1, u: 20, v: 64 },
  "SHA-256": { fn: sha256, u: 32, v: 64 },
};

/**
 * The password as RFC 7292 wants it for this KDF: a BMPString (UTF-16 big-endian)
 * followed by a two-byte NUL terminator. The pages only allow printable ASCII, but
 * any BMP character is encoded correctly; characters outside the BMP are refused.
 */
export function bmpPassword(password) {
  const out = new Uint8Array(password.length * 2 + 2);
  for (let i = 0; i < password.length; i++) {
    const c = password.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdfff) throw new Error("password character outside the BMP");
    out[2 * i] = c >> 8;
    out[2 * i + 1] = c & 0xff;
  }
  return out;
}

function repeatToMultiple(src, v) {
  if (src.length === 0) return new Uint8Array(0);
  const out = new Uint8Array(v * Math.ceil(src.length / v));
  for (let i = 0; i < out.length; i++) out[i] = src[i % src.length];
  return out;
}

/**
 * RFC 7292 B.2: derive `n` bytes of purpose `id` (1 key, 2 IV, 3 MAC key).
 * @param {"SHA-1"|"SHA-256"} hashName
 * @param {number} id
 * @param {Uint8Array} passwordBmp output of bmpPassword()
 * @param {Uint8Array} salt
 * @param {number} iterations
 * @param {number} n
 */
export function pkcs12Kdf(hashName, id, passwordBmp, salt, iterations, n) {
  const h = HASHES[hashName];
  if (!h) throw new Error(`unsupported PKCS#12 KDF hash ${hashName}`);
  if (!(iterations >= 1)) throw new Error("iterations must be >= 1");
  const { fn, u, v } = h;
  const D = new Uint8Array(v).fill(id); // step 1
  const I = new Uint8Array([...repeatToMultiple(salt, v), ...repeatToMultiple(passwordBmp, v)]); // steps 2-4
  const c = Math.ceil(n / u); // step 5
  const out = new Uint8Array(c * u);
  const DI = new Uint8Array(v + I.length);
  for (let i = 0; i < c; i++) {
    DI.set(D, 0);
    DI.set(I, v);
    let A = fn(DI); // step 6a: A_i = H^r(D || I)
    for (let r = 1; r < iterations; r++) A = fn(A);
    out.set(A, i * u);
    if (i + 1 < c) {
      // step 6b/6c: B = A repeated to v bytes; every v-byte block I_j of I becomes
      // (I_j + B + 1) mod 2^(8v)
      const B = new Uint8Array(v);
      for (let k = 0; k < v; k++) B[k] = A[k % u];
      for (let j = 0; j < I.length; j += v) {
        let carry = 1;
        for (let k = v - 1; k >= 0; k--) {
          const x = I[j + k] + B[k] + carry;
          I[j + k] = x & 0xff;
          carry = x >> 8;
        }
      }
    }
  }
  return out.slice(0, n);
}
