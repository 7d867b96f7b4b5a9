import { test } from "node:test";
import assert from "node:assert/strict";
import nodeCrypto from "node:crypto";
import { desEncryptBlock, desDecryptBlock, tripleDesCbcEncrypt, tripleDesCbcDecrypt } from "../src/lib/des.js";

const hex = (s) => Uint8Array.from(Buffer.from(s, "hex"));
const toHex = (b) => Buffer.from(b).toString("hex").toUpperCase();

test("DES known-answer vectors", () => {
  // [key, plaintext, ciphertext]
  const vectors = [
    ["133457799BBCDFF1", "0123456789ABCDEF", "85E813540F0AB405"],
    ["0E329232EA6D0D73", "8787878787878787", "0000000000000000"],
    ["0123456789ABCDEF", "4E6F772069732074", "3FA40E8A984D4815"],
    ["8001010101010101", "0000000000000000", "95A8D72813DAA94D"],
  ];
  for (const [k, p, c] of vectors) {
    assert.equal(toHex(desEncryptBlock(hex(k), hex(p))), c);
    assert.equal(toHex(desDecryptBlock(hex(k), hex(c))), p);
  }
});

test("3DES-CBC matches OpenSSL (node:crypto des-ede3-cbc) for many lengths", () => {
  for (const n of [0, 1, 7, 8, 9, 15, 16, 17, 100, 1234]) {
    const key = nodeCrypto.randomBytes(24);
    const iv = nodeCrypto.randomBytes(8);
    const pt = nodeCrypto.randomBytes(n);
    const c = nodeCrypto.createCipheriv("des-ede3-cbc", key, iv);
    const ref = Buffer.concat([c.update(pt), c.final()]);
    const mine = tripleDesCbcEncrypt(new Uint8Array(key), new Uint8Array(iv), new Uint8Array(pt));
    assert.equal(toHex(mine), toHex(ref), `length ${n}`);
    assert.equal(toHex(tripleDesCbcDecrypt(new Uint8Array(key), new Uint8Array(iv), mine)), toHex(pt));
  }
});

test("3DES-CBC decryption rejects bad padding and lengths", () => {
  const key = new Uint8Array(24).fill(7);
  const iv = new Uint8Array(8);
  const ct = tripleDesCbcEncrypt(key, iv, new Uint8Array([1, 2, 3]));
  const wrongKey = new Uint8Array(24).fill(8);
  assert.throws(() => tripleDesCbcDecrypt(key, iv, ct.subarray(0, 5)), /length/);
  // a wrong key yields garbage whose padding is almost always invalid
  let failures = 0;
  for (let i = 0; i < 20; i++) {
    wrongKey[0] = i;
    try {
      tripleDesCbcDecrypt(wrongKey, iv, ct);
    } catch {
      failures++;
    }
  }
  assert.ok(failures >= 15);
});
