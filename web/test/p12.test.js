// CSR and PKCS#12 in Node's WebCrypto (the same code the page runs). When the
// openssl CLI is present, the files are also read back by OpenSSL 3 without -legacy.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { generateKeyPair, buildCsr } from "../src/lib/csr.js";
import { buildPkcs12, verifyPkcs12, OID } from "../src/lib/p12.js";
import { toPem } from "../src/lib/pem.js";

const PASSWORD = 'Tr0ub4dor & 3 "x" ~';
const FIELDS = { C: "DE", ST: "Bayern", L: "München", O: "Example Org", OU: "IT" };

function haveOpenssl() {
  try {
    execFileSync("openssl", ["version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** A certificate for the key pair, signed by a throwaway CA made here with pkijs. */
async function issue(keyPair, ca) {
  const cert = new pkijs.Certificate();
  cert.version = 2;
  cert.serialNumber = new asn1js.Integer({ valueHex: crypto.getRandomValues(new Uint8Array(8)).map((b, i) => (i ? b : b & 0x7f)).buffer });
  const name = (cn) => {
    const rdn = new pkijs.RelativeDistinguishedNames();
    rdn.typesAndValues.push(new pkijs.AttributeTypeAndValue({ type: "2.5.4.3", value: new asn1js.Utf8String({ value: cn }) }));
    return rdn;
  };
  cert.issuer = name("Test CA");
  cert.subject = name(ca ? "alice" : "Test CA");
  cert.notBefore.value = new Date(Date.now() - 60000);
  cert.notAfter.value = new Date(Date.now() + 86400000);
  await cert.subjectPublicKeyInfo.importKey(keyPair.publicKey);
  await cert.sign((ca || keyPair).privateKey, "SHA-256");
  return new Uint8Array(cert.toSchema(true).toBER(false));
}

test("CSR: one attribute per RDN, right string types, valid signature", async () => {
  for (const kt of ["ec", "rsa"]) {
    const kp = await generateKeyPair(kt);
    const { der, pem } = await buildCsr({ keyPair: kp, csrFields: FIELDS, username: "alice", email: "alice@example.org" });
    assert.match(pem, /^-----BEGIN CERTIFICATE REQUEST-----\n/);
    const csr = pkijs.CertificationRequest.fromBER(der.buffer);
    assert.ok(await csr.verify(), "self-signature");
    const rdns = csr.subject.toSchema().valueBlock.value;
    assert.equal(rdns.length, 7);
    for (const set of rdns) assert.equal(set.valueBlock.value.length, 1, "single-valued RDN");
    const tv = csr.subject.typesAndValues;
    assert.deepEqual(tv.map((a) => a.type), ["2.5.4.6", "2.5.4.8", "2.5.4.7", "2.5.4.10", "2.5.4.11", "2.5.4.3", "1.2.840.113549.1.9.1"]);
    assert.ok(tv[0].value instanceof asn1js.PrintableString);
    assert.ok(tv[5].value instanceof asn1js.Utf8String);
    assert.equal(tv[5].value.valueBlock.value, "alice");
    assert.ok(tv[6].value instanceof asn1js.IA5String);
    // PKCS#10 requires the attributes field: an empty [0] IMPLICIT SET
    const tbs = asn1js.fromBER(csr.tbsView).result.valueBlock.value;
    assert.equal(tbs.length, 4);
    assert.equal(tbs[3].idBlock.tagClass, 3);
    assert.equal(tbs[3].idBlock.tagNumber, 0);
    assert.equal(tbs[3].valueBlock.value.length, 0);
  }
});

test("CSR without organisation fields has CN and emailAddress only", async () => {
  const kp = await generateKeyPair("ec");
  const { der } = await buildCsr({ keyPair: kp, csrFields: {}, username: "bob", email: "bob@example.org" });
  const csr = pkijs.CertificationRequest.fromBER(der.buffer);
  assert.deepEqual(csr.subject.typesAndValues.map((a) => a.type), ["2.5.4.3", "1.2.840.113549.1.9.1"]);
});

for (const [kt, profile] of [["ec", "modern"], ["rsa", "modern"], ["rsa", "compatible"]]) {
  test(`PKCS#12 ${kt}/${profile}: builds, verifies, refuses a wrong password`, async () => {
    const caKeys = await generateKeyPair("ec");
    const caDer = await issue(caKeys);
    const kp = await generateKeyPair(kt);
    const certDer = await issue(kp, caKeys);
    const p12 = await buildPkcs12({ privateKey: kp.privateKey, certificateDer: certDer, chainDers: [caDer], friendlyName: "alice", password: PASSWORD, profile });
    const r = await verifyPkcs12(p12, PASSWORD, { certificateDer: certDer, chainDers: [caDer], profile, friendlyName: "alice" });
    assert.equal(r.certificates, 2);
    await assert.rejects(verifyPkcs12(p12, `${PASSWORD}x`, { certificateDer: certDer, profile }));
    // a key that is not the certificate's is caught by the self-check
    const other = await generateKeyPair(kt);
    const bad = await buildPkcs12({ privateKey: other.privateKey, certificateDer: certDer, chainDers: [], friendlyName: "alice", password: PASSWORD, profile });
    await assert.rejects(verifyPkcs12(bad, PASSWORD, { certificateDer: certDer, profile }), /does not match/);

    const pfx = pkijs.PFX.fromBER(p12.buffer);
    assert.equal(pfx.macData.mac.digestAlgorithm.algorithmId, profile === "modern" ? OID.sha256 : OID.sha1);
    assert.equal(pfx.macData.iterations, profile === "modern" ? 300000 : 100000);

    if (haveOpenssl()) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "certm3-p12-"));
      try {
        const f = path.join(dir, "t.p12");
        fs.writeFileSync(f, p12);
        const info = execFileSync("openssl", ["pkcs12", "-info", "-nodes", "-passin", `pass:${PASSWORD}`, "-in", f], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
        assert.match(info, /BEGIN PRIVATE KEY/);
        assert.equal((info.match(/friendlyName: alice/g) || []).length, 2);
        assert.equal((info.match(/localKeyID:/g) || []).length, 2);
        const keyPub = execFileSync("openssl", ["pkey", "-pubout"], { input: info, encoding: "utf8" });
        const certPub = execFileSync("openssl", ["x509", "-pubkey", "-noout"], { input: toPem("CERTIFICATE", certDer), encoding: "utf8" });
        assert.equal(keyPub, certPub, "key matches certificate");
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }
  });
}

test("compatible profile refuses EC keys", async () => {
  const kp = await generateKeyPair("ec");
  const certDer = await issue(kp);
  await assert.rejects(
    buildPkcs12({ privateKey: kp.privateKey, certificateDer: certDer, friendlyName: "a", password: "x", profile: "compatible" }),
    /RSA/,
  );
});
