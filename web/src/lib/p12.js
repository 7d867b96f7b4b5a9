// PKCS#12 (RFC 7292) assembly and self-check, in the page.
//
// Structure (what OpenSSL, NSS and Java all read):
//   PFX v3
//     authSafe = data( AuthenticatedSafe [
//       encryptedData( SafeContents [ certBag(end-entity, friendlyName, localKeyID),
//                                     certBag(chain cert) ... ] ),
//       data( SafeContents [ pkcs8ShroudedKeyBag(friendlyName, localKeyID) ] ) ])
//     macData (password integrity)
//
// The structures are pkijs objects; the encryption is done here so that every
// parameter is explicit and the same code serves both profiles:
//
//  modern      PBES2 / PBKDF2-HMAC-SHA256 / AES-256-CBC for the key bag and for
//              the certificate safe (WebCrypto), MAC HMAC-SHA256 with its key from
//              the RFC 7292 B.2 KDF over SHA-256 (the way OpenSSL 3, NSS and Java
//              compute and check an HMAC-SHA256 PKCS#12 MAC).
//  compatible  pbeWithSHAAnd3-KeyTripleDES-CBC (RFC 7292 B.2 KDF over SHA-1 for key
//              and IV, 3DES-CBC from ./des.js) for the key bag and the certificate
//              safe, MAC HMAC-SHA1. Never RC2. For older Windows and Apple systems.
//
// Passwords: PBES2/PBKDF2 takes the UTF-8 bytes of the password; the RFC 7292 KDF
// (3DES key/IV and every MAC key) takes the BMPString form with a trailing NUL.
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { tripleDesCbcEncrypt, tripleDesCbcDecrypt } from "./des.js";
import { bmpPassword, pkcs12Kdf, KDF_ID_KEY, KDF_ID_IV, KDF_ID_MAC } from "./pkcs12kdf.js";
import { bytesEqual, toArrayBuffer } from "./pem.js";

export const OID = {
  data: "1.2.840.113549.1.7.1",
  encryptedData: "1.2.840.113549.1.7.6",
  pbes2: "1.2.840.113549.1.5.13",
  pbkdf2: "1.2.840.113549.1.5.12",
  hmacWithSHA256: "1.2.840.113549.2.9",
  aes256Cbc: "2.16.840.1.101.3.4.1.42",
  pbeWithSHAAnd3KeyTripleDESCBC: "1.2.840.113549.1.12.1.3",
  sha1: "1.3.14.3.2.26",
  sha256: "2.16.840.1.101.3.4.2.1",
  pkcs8ShroudedKeyBag: "1.2.840.113549.1.12.10.1.2",
  certBag: "1.2.840.113549.1.12.10.1.3",
  x509Certificate: "1.2.840.113549.1.9.22.1",
  friendlyName: "1.2.840.113549.1.9.20",
  localKeyID: "1.2.840.113549.1.9.21",
  rsaEncryption: "1.2.840.113549.1.1.1",
  ecPublicKey: "1.2.840.10045.2.1",
  prime256v1: "1.2.840.10045.3.1.7",
  secp384r1: "1.3.132.0.34",
};

/**
 * The two profiles. One iteration count per profile is used for every derivation
 * in the file (key bag, certificate safe, MAC), so none of them is a cheaper
 * password-guessing oracle than the others.
 *
 * modern: 300,000 PBKDF2-HMAC-SHA256 iterations. Three times the 100,000 floor,
 * about 0.2 s per derivation in a browser, and still inside the limits importers
 * put on untrusted files: .NET's X509CertificateLoader (MAC <= 300,000, each KDF
 * <= 300,000, all KDFs of a file <= 1,000,000) and Java's 5,000,000. OWASP's
 * 600,000 would be refused by .NET.
 *
 * compatible: 100,000 iterations of the SHA-1 PKCS#12 KDF. Far above the 2,000 /
 * 2,048 that Windows and OpenSSL historically wrote, which older importers read
 * without trouble (the count is a plain INTEGER they loop over), while keeping the
 * import on old hardware short.
 */
export const PROFILES = {
  modern: { iterations: 300000, macHash: "SHA-256", saltBytes: 16 },
  compatible: { iterations: 100000, macHash: "SHA-1", saltBytes: 16 },
};

const MAC_HASHES = {
  "SHA-1": { oid: OID.sha1, bytes: 20 },
  "SHA-256": { oid: OID.sha256, bytes: 32 },
};

function random(n) {
  return crypto.getRandomValues(new Uint8Array(n));
}

const utf8 = (s) => new TextEncoder().encode(s);

/** Refuse what the pages never send: non-string or empty passwords. */
function checkPassword(password) {
  if (typeof password !== "string" || password.length === 0) {
    throw new Error("a non-empty password is required");
  }
}

function octets(bytes) {
  return new asn1js.OctetString({ valueHex: toArrayBuffer(bytes) });
}

function algId(oid, params) {
  return new pkijs.AlgorithmIdentifier({ algorithmId: oid, algorithmParams: params });
}

// ---------------------------------------------------------------- encryption

async function pbes2Encrypt(plain, password, iterations, saltBytes) {
  const salt = random(saltBytes);
  const iv = random(16);
  const pwBytes = utf8(password);
  const base = await crypto.subtle.importKey("raw", pwBytes, "PBKDF2", false, ["deriveKey"]);
  pwBytes.fill(0);
  const key = await crypto.subtle.deriveKey(
    { name: "PBKDF2", salt, iterations, hash: "SHA-256" },
    base,
    { name: "AES-CBC", length: 256 },
    false,
    ["encrypt"],
  );
  const ct = new Uint8Array(await crypto.subtle.encrypt({ name: "AES-CBC", iv }, key, plain));
  const kdf = new pkijs.PBKDF2Params({
    salt: octets(salt),
    iterationCount: iterations,
    prf: algId(OID.hmacWithSHA256, new asn1js.Null()),
  });
  const params = new pkijs.PBES2Params({
    keyDerivationFunc: algId(OID.pbkdf2, kdf.toSchema()),
    encryptionScheme: algId(OID.aes256Cbc, octets(iv)),
  });
  return { algorithm: algId(OID.pbes2, params.toSchema()), ciphertext: ct };
}

function pbeParams(salt, iterations) {
  return new asn1js.Sequence({ value: [octets(salt), new asn1js.Integer({ value: iterations })] });
}

function tripleDesKeyIv(password, salt, iterations) {
  const pw = bmpPassword(password);
  const key = pkcs12Kdf("SHA-1", KDF_ID_KEY, pw, salt, iterations, 24);
  const iv = pkcs12Kdf("SHA-1", KDF_ID_IV, pw, salt, iterations, 8);
  pw.fill(0);
  return { key, iv };
}

function pbe3DesEncrypt(plain, password, iterations, saltBytes) {
  const salt = random(saltBytes);
  const { key, iv } = tripleDesKeyIv(password, salt, iterations);
  const ct = tripleDesCbcEncrypt(key, iv, plain);
  key.fill(0);
  return {
    algorithm: algId(OID.pbeWithSHAAnd3KeyTripleDESCBC, pbeParams(salt, iterations)),
    ciphertext: ct,
  };
}

async function encryptFor(profile, plain, password) {
  const p = PROFILES[profile];
  if (profile === "modern") return pbes2Encrypt(plain, password, p.iterations, p.saltBytes);
  if (profile === "compatible") return pbe3DesEncrypt(plain, password, p.iterations, p.saltBytes);
  throw new Error(`unknown PKCS#12 profile ${profile}`);
}

/** Decrypt pbeWithSHAAnd3-KeyTripleDES-CBC content (the self-check and the tests). */
export function decrypt3DesPbe(algorithm, ciphertext, password) {
  if (algorithm.algorithmId !== OID.pbeWithSHAAnd3KeyTripleDESCBC) {
    throw new Error(`unexpected algorithm ${algorithm.algorithmId}`);
  }
  const seq = algorithm.algorithmParams;
  const salt = new Uint8Array(seq.valueBlock.value[0].valueBlock.valueHexView);
  const iterations = seq.valueBlock.value[1].valueBlock.valueDec;
  const { key, iv } = tripleDesKeyIv(password, salt, iterations);
  try {
    return tripleDesCbcDecrypt(key, iv, ciphertext);
  } finally {
    key.fill(0);
  }
}

// ---------------------------------------------------------------- MAC

async function computeMac(hashName, password, salt, iterations, content) {
  const h = MAC_HASHES[hashName];
  const pw = bmpPassword(password);
  const macKey = pkcs12Kdf(hashName, KDF_ID_MAC, pw, salt, iterations, h.bytes);
  pw.fill(0);
  const key = await crypto.subtle.importKey("raw", macKey, { name: "HMAC", hash: hashName }, false, ["sign"]);
  macKey.fill(0);
  return new Uint8Array(await crypto.subtle.sign("HMAC", key, content));
}

// ---------------------------------------------------------------- structure

function attribute(type, value) {
  return new pkijs.Attribute({ type, values: [value] });
}

/** DER wants SET OF members in ascending order of their encodings. */
function derSorted(attrs) {
  const enc = attrs.map((a) => ({ a, der: new Uint8Array(a.toSchema().toBER(false)) }));
  enc.sort((x, y) => {
    const n = Math.min(x.der.length, y.der.length);
    for (let i = 0; i < n; i++) if (x.der[i] !== y.der[i]) return x.der[i] - y.der[i];
    return x.der.length - y.der.length;
  });
  return enc.map((e) => e.a);
}

function bagAttributes(friendlyName, localKeyId) {
  const attrs = [];
  if (friendlyName) attrs.push(attribute(OID.friendlyName, new asn1js.BmpString({ value: friendlyName })));
  if (localKeyId) attrs.push(attribute(OID.localKeyID, octets(localKeyId)));
  return derSorted(attrs);
}

function certSafeBag(certDer, attrs) {
  const bag = new pkijs.SafeBag({
    bagId: OID.certBag,
    bagValue: new pkijs.CertBag({ certId: OID.x509Certificate, certValue: octets(certDer) }),
  });
  if (attrs.length) bag.bagAttributes = attrs;
  return bag;
}

const der = (obj) => new Uint8Array(obj.toSchema().toBER(false));

/**
 * Build the PKCS#12 file.
 * @param {object} o
 * @param {CryptoKey} o.privateKey extractable private key
 * @param {Uint8Array} o.certificateDer the end-entity certificate
 * @param {Uint8Array[]} o.chainDers CA certificates
 * @param {string} o.friendlyName shown by importers (the username)
 * @param {string} o.password
 * @param {"modern"|"compatible"} o.profile
 * @returns {Promise<Uint8Array>} DER of the PFX
 */
export async function buildPkcs12({ privateKey, certificateDer, chainDers = [], friendlyName, password, profile }) {
  checkPassword(password);
  const prof = PROFILES[profile];
  if (!prof) throw new Error(`unknown PKCS#12 profile ${profile}`);
  if (profile === "compatible" && privateKey.algorithm.name !== "RSASSA-PKCS1-v1_5") {
    throw new Error("the compatible profile needs an RSA key");
  }

  // localKeyID = SHA-1 of the certificate, as OpenSSL writes it; one value on the
  // key bag and on its certificate's bag ties the two together.
  const localKeyId = new Uint8Array(await crypto.subtle.digest("SHA-1", certificateDer));

  // Certificates: one encrypted SafeContents.
  const certBags = [certSafeBag(certificateDer, bagAttributes(friendlyName, localKeyId))];
  for (const c of chainDers) certBags.push(certSafeBag(c, []));
  const certSafe = der(new pkijs.SafeContents({ safeBags: certBags }));
  const certEnc = await encryptFor(profile, certSafe, password);
  const encryptedData = new pkijs.EncryptedData({
    version: 0,
    encryptedContentInfo: new pkijs.EncryptedContentInfo({
      contentType: OID.data,
      contentEncryptionAlgorithm: certEnc.algorithm,
      encryptedContent: octets(certEnc.ciphertext),
      disableSplit: true, // one primitive OCTET STRING: plain DER
    }),
  });
  const certsInfo = new pkijs.ContentInfo({ contentType: OID.encryptedData, content: encryptedData.toSchema() });

  // Private key: PKCS#8, encrypted into a pkcs8ShroudedKeyBag, in a plain SafeContents.
  const pkcs8 = new Uint8Array(await crypto.subtle.exportKey("pkcs8", privateKey));
  let keyEnc;
  try {
    keyEnc = await encryptFor(profile, pkcs8, password);
  } finally {
    pkcs8.fill(0);
  }
  const keyBag = new pkijs.SafeBag({
    bagId: OID.pkcs8ShroudedKeyBag,
    bagValue: new pkijs.PKCS8ShroudedKeyBag({
      encryptionAlgorithm: keyEnc.algorithm,
      encryptedData: octets(keyEnc.ciphertext),
    }),
    bagAttributes: bagAttributes(friendlyName, localKeyId),
  });
  const keySafe = der(new pkijs.SafeContents({ safeBags: [keyBag] }));
  const keyInfo = new pkijs.ContentInfo({ contentType: OID.data, content: octets(keySafe) });

  const authSafe = der(new pkijs.AuthenticatedSafe({ safeContents: [certsInfo, keyInfo] }));

  const macSalt = random(prof.saltBytes);
  const mac = await computeMac(prof.macHash, password, macSalt, prof.iterations, authSafe);
  const pfx = new pkijs.PFX({
    version: 3,
    authSafe: new pkijs.ContentInfo({ contentType: OID.data, content: octets(authSafe) }),
    macData: new pkijs.MacData({
      mac: new pkijs.DigestInfo({
        digestAlgorithm: algId(MAC_HASHES[prof.macHash].oid, new asn1js.Null()),
        digest: octets(mac),
      }),
      macSalt: octets(macSalt),
      iterations: prof.iterations,
    }),
  });
  return der(pfx);
}

// ---------------------------------------------------------------- self-check

function attrValue(bag, type) {
  const a = (bag.bagAttributes || []).find((x) => x.type === type);
  return a ? a.values[0] : undefined;
}

function bytesOf(octetString) {
  return new Uint8Array(octetString.valueBlock.valueHexView);
}

function importParamsFor(privateKeyInfo) {
  const oid = privateKeyInfo.privateKeyAlgorithm.algorithmId;
  if (oid === OID.rsaEncryption) return { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" };
  if (oid === OID.ecPublicKey) {
    const curve = privateKeyInfo.privateKeyAlgorithm.algorithmParams.valueBlock.toString();
    const named = { [OID.prime256v1]: "P-256", [OID.secp384r1]: "P-384" }[curve];
    if (!named) throw new Error(`unexpected curve ${curve}`);
    return { name: "ECDSA", namedCurve: named };
  }
  throw new Error(`unexpected key algorithm ${oid}`);
}

/** True when the PKCS#8 private key and the certificate hold the same public key. */
export async function keyMatchesCertificate(pkcs8Der, certificateDer) {
  const pki = pkijs.PrivateKeyInfo.fromBER(toArrayBuffer(pkcs8Der));
  const params = importParamsFor(pki);
  const priv = await crypto.subtle.importKey("pkcs8", pkcs8Der, params, true, ["sign"]);
  const jwk = await crypto.subtle.exportKey("jwk", priv);
  const cert = pkijs.Certificate.fromBER(toArrayBuffer(certificateDer));
  const spki = cert.subjectPublicKeyInfo.toSchema().toBER(false);
  const pub = await crypto.subtle.importKey("spki", spki, params, true, ["verify"]);
  const pjwk = await crypto.subtle.exportKey("jwk", pub);
  if (params.name === "ECDSA") return jwk.crv === pjwk.crv && jwk.x === pjwk.x && jwk.y === pjwk.y;
  return jwk.n === pjwk.n && jwk.e === pjwk.e;
}

/**
 * Parse a PKCS#12 file back with the password and check it: MAC (checked by
 * pkijs's own PKCS#12 KDF, independent of ours), exactly one key bag that decrypts
 * (PBES2: decrypted by pkijs; 3DES: by ours) and whose public key is the
 * certificate's, localKeyID and friendlyName on key and certificate bags, the
 * certificate and chain present byte for byte, and the algorithms the profile
 * promises. Throws on any failure.
 */
export async function verifyPkcs12(p12Der, password, { certificateDer, chainDers = [], profile, friendlyName }) {
  checkPassword(password);
  const pwBuf = toArrayBuffer(utf8(password));
  const pfx = pkijs.PFX.fromBER(toArrayBuffer(p12Der));
  await pfx.parseInternalValues({ password: pwBuf, checkIntegrity: true });
  const macAlg = pfx.macData.mac.digestAlgorithm.algorithmId;
  if (macAlg !== MAC_HASHES[PROFILES[profile].macHash].oid) throw new Error("unexpected MAC algorithm");

  const wantAlg = profile === "modern" ? OID.pbes2 : OID.pbeWithSHAAnd3KeyTripleDESCBC;
  const bags = [];
  for (const ci of pfx.parsedValue.authenticatedSafe.safeContents) {
    let plain;
    if (ci.contentType === OID.data) {
      plain = ci.content.getValue();
    } else if (ci.contentType === OID.encryptedData) {
      const ed = new pkijs.EncryptedData({ schema: ci.content });
      const alg = ed.encryptedContentInfo.contentEncryptionAlgorithm;
      if (alg.algorithmId !== wantAlg) throw new Error("unexpected certificate encryption");
      plain =
        profile === "modern"
          ? await ed.decrypt({ password: pwBuf })
          : toArrayBuffer(decrypt3DesPbe(alg, bytesOf(ed.encryptedContentInfo.encryptedContent), password));
    } else {
      throw new Error(`unexpected content type ${ci.contentType}`);
    }
    bags.push(...pkijs.SafeContents.fromBER(plain).safeBags);
  }

  const keyBags = bags.filter((b) => b.bagId === OID.pkcs8ShroudedKeyBag);
  if (keyBags.length !== 1) throw new Error("expected exactly one key bag");
  const keyBag = keyBags[0];
  const shrouded = keyBag.bagValue;
  if (shrouded.encryptionAlgorithm.algorithmId !== wantAlg) throw new Error("unexpected key encryption");
  let pkcs8;
  if (profile === "modern") {
    await shrouded.parseInternalValues({ password: pwBuf });
    pkcs8 = new Uint8Array(shrouded.parsedValue.toSchema().toBER(false));
  } else {
    pkcs8 = decrypt3DesPbe(shrouded.encryptionAlgorithm, bytesOf(shrouded.encryptedData), password);
  }

  const certBags = bags.filter((b) => b.bagId === OID.certBag);
  const certs = certBags.map((b) => new Uint8Array(b.bagValue.certValue.valueBlock.valueHexView));
  const keyId = attrValue(keyBag, OID.localKeyID);
  if (!keyId) throw new Error("key bag has no localKeyID");
  const eeBag = certBags.find((b) => {
    const v = attrValue(b, OID.localKeyID);
    return v && bytesEqual(bytesOf(v), bytesOf(keyId));
  });
  if (!eeBag) throw new Error("no certificate bag with the key's localKeyID");
  const eeDer = new Uint8Array(eeBag.bagValue.certValue.valueBlock.valueHexView);
  if (!bytesEqual(eeDer, certificateDer)) throw new Error("certificate differs");
  for (const b of [keyBag, eeBag]) {
    const fn = attrValue(b, OID.friendlyName);
    if (!fn || (friendlyName && fn.valueBlock.value !== friendlyName)) throw new Error("friendlyName missing");
  }
  for (const c of chainDers) {
    if (!certs.some((x) => bytesEqual(x, c))) throw new Error("chain certificate missing");
  }
  try {
    if (!(await keyMatchesCertificate(pkcs8, certificateDer))) {
      throw new Error("the private key does not match the certificate");
    }
  } finally {
    pkcs8.fill(0);
  }
  return { certificates: certs.length };
}
