import { test } from "node:test";
import assert from "node:assert/strict";
import { pkcs12Kdf, bmpPassword } from "../src/lib/pkcs12kdf.js";

const hex = (s) => Uint8Array.from(Buffer.from(s, "hex"));
const toHex = (b) => Buffer.from(b).toString("hex").toUpperCase();

test("BMPString password with trailing NUL", () => {
  assert.equal(toHex(bmpPassword("smeg")), "0073006D006500670000");
  assert.equal(toHex(bmpPassword("")), "0000");
});

test("RFC 7292 B.2 KDF: published vector (password 'smeg')", () => {
  const out = pkcs12Kdf("SHA-1", 1, bmpPassword("smeg"), hex("0A58CF64530D823F"), 1, 24);
  assert.equal(toHex(out), "8AAAE6297B6CB04642AB5B077851284EB7128F1A2A7FBCA3");
});

test("RFC 7292 B.2 KDF: vectors from OpenSSL 3 (openssl kdf ... PKCS12KDF)", () => {
  // password "p4ss w0rd!", salt 00..0f, 2048 iterations
  const salt = hex("000102030405060708090a0b0c0d0e0f");
  const pw = bmpPassword("p4ss w0rd!");
  const vectors = [
    ["SHA-1", 1, 48, "A96362BC42CC53EF49A5C2697FB6A7CC0E214E858AF3E1E43CA25F0C8B3A9BE2682442854127941C87A063C24ADC3A29"],
    ["SHA-1", 2, 8, "F290B9F338EA509F"],
    ["SHA-1", 3, 48, "9A1393CBA4DBF369F870524EE6EB9707BFC9F2B7D9CB3C37F7D29F15D3F42736721FBFC9A776EA4AF3332C91BF2948F9"],
    ["SHA-256", 1, 48, "9CD3A6AF6EC2A2D934EBFFD43B9207586CED13CE9E3927BE989902AA1C52F8C7683E1C301BD40D3866DE3A59CE5E998F"],
    ["SHA-256", 2, 8, "9F7B311519821491"],
    ["SHA-256", 3, 32, "8190A408CD5B75AF711D8169536F86EE913AA2A0E609B9BBF69DB966A92360DA"],
  ];
  for (const [h, id, n, want] of vectors) {
    assert.equal(toHex(pkcs12Kdf(h, id, pw, salt, 2048, n)), want, `${h} id ${id} n ${n}`);
  }
});
