// DES (FIPS 46-3) and two-/three-key Triple DES in CBC mode (SP 800-67), written
// for one job only: the "compatible" PKCS#12 profile, whose
// pbeWithSHAAnd3-KeyTripleDES-CBC algorithm WebCrypto does not offer.
//
// Clarity over speed: blocks are handled as arrays of bits and the permutation
// tables are the ones printed in the standard (1-based bit numbers, bit 1 = most
// significant bit of the first byte). The data it ever sees is a few kilobytes.
// Test vectors live in web/test/des.test.js (FIPS/NBS vectors and Node's OpenSSL).

const IP = [
  58, 50, 42, 34, 26, 18, 10, 2, 60, 52, 44, 36, 28, 20, 12, 4,
  62, 54, 46, 38, 30, 22, 14, 6, 64, 56, 48, 40, 32, 24, 16, 8,
  57, 49, 41, 33, 25, 17, 9, 1, 59, 51, 43, 35, 27, 19, 11, 3,
  61, 53, 45, 37, 29, 21, 13, 5, 63, 55, 47, 39, 31, 23, 15, 7,
];
const FP = [
  40, 8, 48, 16, 56, 24, 64, 32, 39, 7, 47, 15, 55, 23, 63, 31,
  38, 6, 46, 14, 54, 22, 62, 30, 37, 5, 45, 13, 53, 21, 61, 29,
  36, 4, 44, 12, 52, 20, 60, 28, 35, 3, 43, 11, 51, 19, 59, 27,
  34, 2, 42, 10, 50, 18, 58, 26, 33, 1, 41, 9, 49, 17, 57, 25,
];
const E = [
  32, 1, 2, 3, 4, 5, 4, 5, 6, 7, 8, 9, 8, 9, 10, 11, 12, 13,
  12, 13, 14, 15, 16, 17, 16, 17, 18, 19, 20, 21, 20, 21, 22, 23, 24, 25,
  24, 25, 26, 27, 28, 29, 28, 29, 30, 31, 32, 1,
];
const P = [
  16, 7, 20, 21, 29, 12, 28, 17, 1, 15, 23, 26, 5, 18, 31, 10,
  2, 8, 24, 14, 32, 27, 3, 9, 19, 13, 30, 6, 22, 11, 4, 25,
];
const PC1 = [
  57, 49, 41, 33, 25, 17, 9, 1, 58, 50, 42, 34, 26, 18,
  10, 2, 59, 51, 43, 35, 27, 19, 11, 3, 60, 52, 44, 36,
  63, 55, 47, 39, 31, 23, 15, 7, 62, 54, 46, 38, 30, 22,
  14, 6, 61, 53, 45, 37, 29, 21, 13, 5, 28, 20, 12, 4,
];
const PC2 = [
  14, 17, 11, 24, 1, 5, 3, 28, 15, 6, 21, 10, 23, 19, 12, 4,
  26, 8, 16, 7, 27, 20, 13, 2, 41, 52, 31, 37, 47, 55, 30, 40,
  51, 45, 33, 48, 44, 49, 39, 56, 34, 53, 46, 42, 50, 36, 29, 32,
];
const SHIFTS = [1, 1, 2, 2, 2, 2, 2, 2, 1, 2, 2, 2, 2, 2, 2, 1];
// S-boxes S1..S8, each 4 rows of 16.
const S = [
  [14, 4, 13, 1, 2, 15, 11, 8, 3, 10, 6, 12, 5, 9, 0, 7,
    0, 15, 7, 4, 14, 2, 13, 1, 10, 6, 12, 11, 9, 5, 3, 8,
    4, 1, 14, 8, 13, 6, 2, 11, 15, 12, 9, 7, 3, 10, 5, 0,
    15, 12, 8, 2, 4, 9, 1, 7, 5, 11, 3, 14, 10, 0, 6, 13],
  [15, 1, 8, 14, 6, 11, 3, 4, 9, 7, 2, 13, 12, 0, 5, 10,
    3, 13, 4, 7, 15, 2, 8, 14, 12, 0, 1, 10, 6, 9, 11, 5,
    0, 14, 7, 11, 10, 4, 13, 1, 5, 8, 12, 6, 9, 3, 2, 15,
    13, 8, 10, 1, 3, 15, 4, 2, 11, 6, 7, 12, 0, 5, 14, 9],
  [10, 0, 9, 14, 6, 3, 15, 5, 1, 13, 12, 7, 11, 4, 2, 8,
    13, 7, 0, 9, 3, 4, 6, 10, 2, 8, 5, 14, 12, 11, 15, 1,
    13, 6, 4, 9, 8, 15, 3, 0, 11, 1, 2, 12, 5, 10, 14, 7,
    1, 10, 13, 0, 6, 9, 8, 7, 4, 15, 14, 3, 11, 5, 2, 12],
  [7, 13, 14, 3, 0, 6, 9, 10, 1, 2, 8, 5, 11, 12, 4, 15,
    13, 8, 11, 5, 6, 15, 0, 3, 4, 7, 2, 12, 1, 10, 14, 9,
    10, 6, 9, 0, 12, 11, 7, 13, 15, 1, 3, 14, 5, 2, 8, 4,
    3, 15, 0, 6, 10, 1, 13, 8, 9, 4, 5, 11, 12, 7, 2, 14],
  [2, 12, 4, 1, 7, 10, 11, 6, 8, 5, 3, 15, 13, 0, 14, 9,
    14, 11, 2, 12, 4, 7, 13, 1, 5, 0, 15, 10, 3, 9, 8, 6,
    4, 2, 1, 11, 10, 13, 7, 8, 15, 9, 12, 5, 6, 3, 0, 14,
    11, 8, 12, 7, 1, 14, 2, 13, 6, 15, 0, 9, 10, 4, 5, 3],
  [12, 1, 10, 15, 9, 2, 6, 8, 0, 13, 3, 4, 14, 7, 5, 11,
    10, 15, 4, 2, 7, 12, 9, 5, 6, 1, 13, 14, 0, 11, 3, 8,
    9, 14, 15, 5, 2, 8, 12, 3, 7, 0, 4, 10, 1, 13, 11, 6,
    4, 3, 2, 12, 9, 5, 15, 10, 11, 14, 1, 7, 6, 0, 8, 13],
  [4, 11, 2, 14, 15, 0, 8, 13, 3, 12, 9, 7, 5, 10, 6, 1,
    13, 0, 11, 7, 4, 9, 1, 10, 14, 3, 5, 12, 2, 15, 8, 6,
    1, 4, 11, 13, 12, 3, 7, 14, 10, 15, 6, 8, 0, 5, 9, 2,
    6, 11, 13, 8, 1, 4, 10, 7, 9, 5, 0, 15, 14, 2, 3, 12],
  [13, 2, 8, 4, 6, 15, 11, 1, 10, 9, 3, 14, 5, 0, 12, 7,
    1, 15, 13, 8, 10, 3, 7, 4, 12, 5, 6, 11, 0, 14, 9, 2,
    7, 11, 4, 1, 9, 12, 14, 2, 0, 6, 10, 13, 15, 3, 5, 8,
    2, 1, 14, 7, 4, 10, 8, 13, 15, 12, 9, 0, 3, 5, 6, 11],
];

function toBits(bytes) {
  const bits = new Uint8Array(bytes.length * 8);
  for (let i = 0; i < bits.length; i++) bits[i] = (bytes[i >> 3] >> (7 - (i & 7))) & 1;
  return bits;
}

function fromBits(bits) {
  const bytes = new Uint8Array(bits.length >> 3);
  for (let i = 0; i < bits.length; i++) bytes[i >> 3] |= bits[i] << (7 - (i & 7));
  return bytes;
}

function permute(bits, table) {
  const out = new Uint8Array(table.length);
  for (let i = 0; i < table.length; i++) out[i] = bits[table[i] - 1];
  return out;
}

/** The 16 48-bit round keys of one 8-byte DES key (parity bits ignored). */
function keySchedule(key8) {
  const cd = permute(toBits(key8), PC1);
  let c = Array.from(cd.subarray(0, 28));
  let d = Array.from(cd.subarray(28));
  const keys = [];
  for (const s of SHIFTS) {
    c = c.slice(s).concat(c.slice(0, s));
    d = d.slice(s).concat(d.slice(0, s));
    keys.push(permute(Uint8Array.from(c.concat(d)), PC2));
  }
  return keys;
}

function feistel(r, k) {
  const x = permute(r, E);
  for (let i = 0; i < 48; i++) x[i] ^= k[i];
  const out = new Uint8Array(32);
  for (let i = 0; i < 8; i++) {
    const b = x.subarray(i * 6, i * 6 + 6);
    const row = (b[0] << 1) | b[5];
    const col = (b[1] << 3) | (b[2] << 2) | (b[3] << 1) | b[4];
    const v = S[i][row * 16 + col];
    for (let j = 0; j < 4; j++) out[i * 4 + j] = (v >> (3 - j)) & 1;
  }
  return permute(out, P);
}

/** One DES block operation with a prepared schedule (reversed schedule decrypts). */
function desBlock(block8, keys) {
  const bits = permute(toBits(block8), IP);
  let l = bits.subarray(0, 32);
  let r = bits.subarray(32);
  for (const k of keys) {
    const f = feistel(r, k);
    const nr = new Uint8Array(32);
    for (let i = 0; i < 32; i++) nr[i] = l[i] ^ f[i];
    l = r;
    r = nr;
  }
  const pre = new Uint8Array(64);
  pre.set(r, 0); // the last round's halves are swapped back
  pre.set(l, 32);
  return fromBits(permute(pre, FP));
}

/** Single-DES ECB of one 8-byte block (exported for the known-answer tests). */
export function desEncryptBlock(key8, block8) {
  return desBlock(block8, keySchedule(key8));
}
export function desDecryptBlock(key8, block8) {
  return desBlock(block8, keySchedule(key8).reverse());
}

function tdesSchedules(key) {
  if (key.length !== 24 && key.length !== 16) throw new Error("3DES key must be 16 or 24 bytes");
  const k1 = keySchedule(key.subarray(0, 8));
  const k2 = keySchedule(key.subarray(8, 16));
  const k3 = key.length === 24 ? keySchedule(key.subarray(16, 24)) : k1;
  return { k1, k2, k3 };
}

/** Triple-DES (EDE) CBC encryption with PKCS#7 padding. */
export function tripleDesCbcEncrypt(key, iv, plaintext) {
  if (iv.length !== 8) throw new Error("3DES IV must be 8 bytes");
  const { k1, k2, k3 } = tdesSchedules(key);
  const d2 = k2.slice().reverse();
  const pad = 8 - (plaintext.length % 8);
  const data = new Uint8Array(plaintext.length + pad);
  data.set(plaintext);
  data.fill(pad, plaintext.length);
  const out = new Uint8Array(data.length);
  let prev = iv;
  for (let off = 0; off < data.length; off += 8) {
    const blk = new Uint8Array(8);
    for (let i = 0; i < 8; i++) blk[i] = data[off + i] ^ prev[i];
    const c = desBlock(desBlock(desBlock(blk, k1), d2), k3);
    out.set(c, off);
    prev = c;
  }
  return out;
}

/** Triple-DES (EDE) CBC decryption; checks and strips PKCS#7 padding. */
export function tripleDesCbcDecrypt(key, iv, ciphertext) {
  if (iv.length !== 8) throw new Error("3DES IV must be 8 bytes");
  if (ciphertext.length === 0 || ciphertext.length % 8 !== 0) throw new Error("bad 3DES ciphertext length");
  const { k1, k2, k3 } = tdesSchedules(key);
  const d1 = k1.slice().reverse();
  const d3 = k3.slice().reverse();
  const out = new Uint8Array(ciphertext.length);
  let prev = iv;
  for (let off = 0; off < ciphertext.length; off += 8) {
    const c = ciphertext.subarray(off, off + 8);
    const p = desBlock(desBlock(desBlock(c, d3), k2), d1);
    for (let i = 0; i < 8; i++) out[off + i] = p[i] ^ prev[i];
    prev = c;
  }
  const pad = out[out.length - 1];
  if (pad < 1 || pad > 8) throw new Error("bad padding");
  for (let i = out.length - pad; i < out.length; i++) {
    if (out[i] !== pad) throw new Error("bad padding");
  }
  return out.slice(0, out.length - pad);
}
