// Key generation (WebCrypto) and the PKCS#10 certificate request (pkijs).
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { toPem } from "./pem.js";

export const KEY_TYPES = {
  // ECDSA P-256: the default; small, fast, what modern systems expect.
  ec: { name: "ECDSA", namedCurve: "P-256" },
  // RSA-2048 with PKCS#1 v1.5 signatures: for systems that cannot use EC keys,
  // and required by the "compatible" PKCS#12 profile.
  rsa: {
    name: "RSASSA-PKCS1-v1_5",
    modulusLength: 2048,
    publicExponent: new Uint8Array([1, 0, 1]),
    hash: "SHA-256",
  },
};

/**
 * A new key pair. The private key must be extractable: it is exported once, as
 * PKCS#8, straight into the encrypted PKCS#12 key bag, and never leaves the page
 * otherwise.
 */
export async function generateKeyPair(keyType) {
  const alg = KEY_TYPES[keyType];
  if (!alg) throw new Error(`unknown key type ${keyType}`);
  return crypto.subtle.generateKey(alg, true, ["sign", "verify"]);
}

// Subject attribute types, in the order they appear in the request.
const SUBJECT_ORDER = [
  ["C", "2.5.4.6"],
  ["ST", "2.5.4.8"],
  ["L", "2.5.4.7"],
  ["O", "2.5.4.10"],
  ["OU", "2.5.4.11"],
];
const OID_CN = "2.5.4.3";
const OID_EMAIL = "1.2.840.113549.1.9.1";
const PRINTABLE = /^[A-Za-z0-9 '()+,\-./:=?]*$/;

function atv(type, value) {
  return new asn1js.Sequence({
    value: [new asn1js.ObjectIdentifier({ value: type }), value],
  });
}

/**
 * The subject Name as an RDNSequence in which every attribute is its own
 * RelativeDistinguishedName (its own SET), which is what OpenSSL and every CA
 * expect. pkijs would put all typesAndValues into one multi-valued RDN, so the
 * sequence is built here with asn1js and handed to pkijs already encoded.
 *
 * Order: C, ST, L, O, OU (those present in csrFields), CN=username, emailAddress.
 * C is a PrintableString (X.520), emailAddress an IA5String (PKCS#9), the rest
 * UTF8String (RFC 5280 recommends it).
 */
export function buildSubject(csrFields, username, email) {
  const rdns = [];
  const fields = csrFields || {};
  for (const [key, oid] of SUBJECT_ORDER) {
    const raw = fields[key];
    if (raw === undefined || raw === null) continue;
    const values = Array.isArray(raw) ? raw : [raw];
    for (const v of values) {
      const s = String(v);
      if (s === "") continue;
      const str =
        key === "C" && PRINTABLE.test(s)
          ? new asn1js.PrintableString({ value: s })
          : new asn1js.Utf8String({ value: s });
      rdns.push(atv(oid, str));
    }
  }
  rdns.push(atv(OID_CN, new asn1js.Utf8String({ value: username })));
  rdns.push(atv(OID_EMAIL, new asn1js.IA5String({ value: email })));
  const seq = new asn1js.Sequence({
    value: rdns.map((a) => new asn1js.Set({ value: [a] })),
  });
  // Decode from bytes so pkijs keeps this exact encoding (valueBeforeDecode).
  return pkijs.RelativeDistinguishedNames.fromBER(seq.toBER(false));
}

/**
 * A signed PKCS#10 request for the key pair, SHA-256 signature.
 * @returns {Promise<{der: Uint8Array, pem: string}>}
 */
export async function buildCsr({ keyPair, csrFields, username, email }) {
  const csr = new pkijs.CertificationRequest({ version: 0, attributes: [] });
  csr.subject = buildSubject(csrFields, username, email);
  await csr.subjectPublicKeyInfo.importKey(keyPair.publicKey);
  await csr.sign(keyPair.privateKey, "SHA-256");
  const der = new Uint8Array(csr.toSchema(false).toBER(false));
  return { der, pem: toPem("CERTIFICATE REQUEST", der) };
}
