// Adversarial review of the X.509 path validation: each test names the rule it enforces.
import { createPrivateKey, generateKeyPairSync, sign as nodeSign } from 'node:crypto';
import {
  base64urlDecode,
  base64urlEncode,
  type Certificate,
  ComityError,
  ComityUsageError,
  createCertificate,
  defaultCrypto,
  type Jwk,
  KeyUsage,
  parseCertificate,
  parsePublicJwk,
  validateCertificateChain,
} from '@comity/core';
import { AsnConvert } from '@peculiar/asn1-schema';
import * as asn from '@peculiar/asn1-x509';
import { describe, expect, it } from 'vitest';

const day = 86_400_000;
const t0 = new Date('2026-01-01T00:00:00Z');
const now = new Date(+t0 + 10 * day);

/** The code of the ComityError or ComityUsageError the promise rejects with, or `OK`. */
async function outcome(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ComityError || e instanceof ComityUsageError) return e.code;
    throw e;
  }
  return 'OK';
}

function rsaKeys(bits: number): { publicJwk: Jwk; privateJwk: Jwk } {
  const pair = generateKeyPairSync('rsa', { modulusLength: bits });
  return { publicJwk: pair.publicKey.export({ format: 'jwk' }) as Jwk, privateJwk: pair.privateKey.export({ format: 'jwk' }) as Jwk };
}

/** A self-signed root CA, with an ES256 key unless `given`. */
async function ecRoot(subject = 'C=FR, CN=Review Root', given?: { publicJwk: Jwk; privateJwk: Jwk }) {
  const keys = given ?? (await defaultCrypto.generateKeyPair('ES256'));
  const cert = await createCertificate({
    subject,
    publicJwk: keys.publicJwk,
    signingKey: keys.privateJwk,
    notBefore: t0,
    notAfter: new Date(+t0 + 3650 * day),
    ca: true,
    keyUsage: KeyUsage.keyCertSign,
  });
  return { cert, keys };
}

/** A one-year end-entity template for a fresh ES256 key, issued by `issuer` and signed with `signingKey`. */
async function leafTemplate(issuer: Certificate, signingKey: Jwk, subject = 'C=FR, CN=Leaf') {
  const keys = await defaultCrypto.generateKeyPair('ES256');
  return { subject, publicJwk: keys.publicJwk, issuer, signingKey, notBefore: t0, notAfter: new Date(+t0 + 365 * day) };
}

describe('X.509 review: key strength', () => {
  it('rfc5280-6.1-weak-rsa-issuer-key: an RSA anchor below 2048 bits anchors nothing', async () => {
    for (const [bits, expected] of [
      [1024, 'ERR_X509_UNSUPPORTED_KEY'],
      [2048, 'OK'],
    ] as const) {
      const rootKeys = rsaKeys(bits);
      const root = await createCertificate({
        subject: `C=FR, CN=RSA ${bits} Root`,
        publicJwk: rootKeys.publicJwk,
        signingKey: rootKeys.privateJwk,
        notBefore: t0,
        notAfter: new Date(+t0 + 3650 * day),
        ca: true,
        keyUsage: KeyUsage.keyCertSign,
      });
      const leaf = await createCertificate(await leafTemplate(root, rootKeys.privateJwk, 'C=FR, CN=Leaf under RSA'));
      expect(await outcome(validateCertificateChain([leaf], { now, anchors: [root] }))).toBe(expected);
    }
  });

  it('rfc5280-6.1-weak-rsa-leaf-key: a certified or pinned leaf with an RSA key below 2048 bits is refused', async () => {
    const { cert: root, keys } = await ecRoot();
    const weak = rsaKeys(1024);
    const leaf = await createCertificate({
      subject: 'C=FR, CN=Weak Leaf',
      publicJwk: weak.publicJwk,
      issuer: root,
      signingKey: keys.privateJwk,
      notBefore: t0,
      notAfter: new Date(+t0 + 365 * day),
    });
    expect(leaf.publicJwk.kty).toBe('RSA');
    expect(await outcome(validateCertificateChain([leaf], { now, anchors: [root] }))).toBe('ERR_X509_UNSUPPORTED_KEY');
    expect(await outcome(validateCertificateChain([leaf], { now, anchors: [leaf] }))).toBe('ERR_X509_UNSUPPORTED_KEY');
  });
});

describe('X.509 review: evaluation time', () => {
  it('chain-validation-invalid-now: an Invalid Date is a caller mistake, never "valid at every time"', async () => {
    const { cert: root } = await ecRoot();
    expect(await outcome(validateCertificateChain([root], { now, anchors: [root] }))).toBe('OK');
    const invalid = validateCertificateChain([root], { now: new Date(Number.NaN), anchors: [root] });
    await expect(invalid).rejects.toBeInstanceOf(TypeError);
    expect(await outcome(validateCertificateChain([root], { now: new Date(Number.NaN), anchors: [root] }))).toBe('ERR_USAGE_DATE');
    expect(await outcome(validateCertificateChain([root], { now: undefined as unknown as Date, anchors: [root] }))).toBe('ERR_USAGE_DATE');
  });
});

describe('X.509 review: DER framing', () => {
  it('x690-10.1-certificate-framing: trailing bytes, a non-minimal or an indefinite outer length are refused', async () => {
    const { cert } = await ecRoot();
    const der = cert.der;
    expect(der[0]).toBe(0x30);
    expect(der[1]).toBe(0x82); // a two-byte length: the fixture is 256 bytes or more
    const body = der.subarray(4);
    const trailing = new Uint8Array([...der, 0x00]);
    const nonMinimal = new Uint8Array([0x30, 0x83, 0x00, der[2] as number, der[3] as number, ...body]);
    const indefinite = new Uint8Array([0x30, 0x80, ...body, 0x00, 0x00]);
    expect(await outcome(parseCertificate(new Uint8Array(der)))).toBe('OK');
    for (const bad of [trailing, nonMinimal, indefinite]) expect(await outcome(parseCertificate(bad))).toBe('ERR_X509_PARSE');
  });
});

/** Re-signs `leaf` with `signerKey` after letting `edit` change its TBSCertificate, and returns the DER. */
function resign(leaf: Certificate, signerKey: Jwk, edit: (tbs: asn.TBSCertificate) => void): Uint8Array {
  const parsed = AsnConvert.parse(leaf.der, asn.Certificate);
  const tbs = parsed.tbsCertificate;
  edit(tbs);
  const tbsDer = new Uint8Array(AsnConvert.serialize(new asn.TBSCertificate(tbs)));
  const signature = nodeSign('sha256', tbsDer, {
    key: createPrivateKey({ key: signerKey as import('node:crypto').JsonWebKey, format: 'jwk' }),
    dsaEncoding: 'der',
  });
  const cert = new asn.Certificate({
    tbsCertificate: AsnConvert.parse(tbsDer, asn.TBSCertificate),
    signatureAlgorithm: new asn.AlgorithmIdentifier({ algorithm: '1.2.840.10045.4.3.2' }),
    signatureValue: new Uint8Array(signature).buffer,
  });
  return new Uint8Array(AsnConvert.serialize(cert));
}

describe('X.509 review: certificate structure', () => {
  it('rfc5280-4.1.1.2-signature-algorithm-mismatch: the signed algorithm must equal the outer one', async () => {
    const { cert: root, keys } = await ecRoot();
    const leaf = await createCertificate(await leafTemplate(root, keys.privateJwk));
    // The re-signing itself is sound: unchanged, the result validates.
    const same = await parseCertificate(resign(leaf, keys.privateJwk, () => {}));
    expect(await outcome(validateCertificateChain([same], { now, anchors: [root] }))).toBe('OK');
    // ecdsa-with-SHA384 signed in the TBS, ecdsa-with-SHA256 outside.
    const mismatched = resign(leaf, keys.privateJwk, (tbs) => {
      tbs.signature = new asn.AlgorithmIdentifier({ algorithm: '1.2.840.10045.4.3.3' });
    });
    expect(await outcome(parseCertificate(mismatched))).toBe('ERR_X509_PARSE');
  });

  it('rfc5280-4.2-duplicate-extension: a certificate may not carry one extension twice', async () => {
    const { cert: root, keys } = await ecRoot();
    const template = { ...(await leafTemplate(root, keys.privateJwk)), keyUsage: KeyUsage.digitalSignature };
    expect(await outcome(createCertificate(template))).toBe('OK');
    // A second keyUsage (keyCertSign) after the first (digitalSignature).
    const twice = createCertificate({ ...template, extensions: [{ oid: '2.5.29.15', critical: true, value: new Uint8Array([0x03, 0x02, 0x02, 0x04]) }] });
    expect(await outcome(twice)).toBe('ERR_X509_PARSE');
  });
});

describe('X.509 review: parse cache', () => {
  it('parse-cache-byte-bound: large hostile certificates cannot pin unbounded memory in the parse cache', async () => {
    const keys = await defaultCrypto.generateKeyPair('ES256');
    // A non-critical extension of about 60 KB: OCTET STRING with a two-byte length.
    const filler = new Uint8Array(60_000);
    filler.set([0x04, 0x82, (59_996 >> 8) & 0xff, 59_996 & 0xff]);
    const make = (serialNumber: string) =>
      createCertificate({
        subject: 'C=FR, CN=Large',
        publicJwk: keys.publicJwk,
        signingKey: keys.privateJwk,
        notBefore: t0,
        notAfter: new Date(+t0 + 365 * day),
        serialNumber,
        extensions: [{ oid: '1.3.6.1.4.1.55555.1', critical: false, value: filler }],
      });
    const first = await make('01');
    expect(first.der.length).toBeGreaterThan(60_000);
    // Cached: the same DER gives the same object.
    expect(await parseCertificate(new Uint8Array(first.der))).toBe(first);
    // 200 more of them (12 MB of DER) push it out, although far fewer than 2048 entries were added.
    for (let i = 2; i <= 201; i++) await make(i.toString(16).padStart(4, '0'));
    const again = await parseCertificate(new Uint8Array(first.der));
    expect(again).not.toBe(first);
    expect(again.sha256).toBe(first.sha256);
  });
});

/**
 * RSA keys read from certificates get the checks parsePublicJwk applies to RSA JWKs (shared
 * code): integers in the fewest octets, an odd modulus of 2048 to 16384 bits, an odd exponent of
 * at least 3 and at most 64 bits.
 */
describe('X.509 review: RSA subject public keys', async () => {
  const { cert: root, keys: rootKeys } = await ecRoot('C=FR, CN=RSA Key Review Root');
  const good = rsaKeys(2048);
  const n = base64urlDecode(good.publicJwk.n as string);
  const leafWith = (key: { n: Uint8Array | string; e: Uint8Array | string }) =>
    createCertificate({
      subject: 'C=FR, CN=RSA Leaf',
      publicJwk: { kty: 'RSA', n: typeof key.n === 'string' ? key.n : base64urlEncode(key.n), e: typeof key.e === 'string' ? key.e : base64urlEncode(key.e) },
      issuer: root,
      signingKey: rootKeys.privateJwk,
      notBefore: t0,
      notAfter: new Date(+t0 + 365 * day),
    });
  const validate = async (key: { n: Uint8Array | string; e: Uint8Array | string }) => {
    let leaf: Awaited<ReturnType<typeof leafWith>>;
    try {
      leaf = await leafWith(key);
    } catch (e) {
      return `parse:${e instanceof ComityError ? e.code : String(e)}`;
    }
    return outcome(validateCertificateChain([leaf], { now, anchors: [root] }));
  };

  it('a real 2048-bit key is read as the JWK it is (the DER sign octet dropped) and validates', async () => {
    expect((n[0] as number) & 0x80).not.toBe(0);
    const leaf = await leafWith({ n, e: good.publicJwk.e as string });
    expect(leaf.publicJwk).toEqual({ kty: 'RSA', n: good.publicJwk.n, e: good.publicJwk.e });
    expect(await validate({ n, e: good.publicJwk.e as string })).toBe('OK');
    expect(await validate({ n, e: 'Aw' })).toBe('OK');
  });

  it('x690-8.3.2-rsa-minimal-integer: a modulus with an extra zero octet is refused, as the JWK check does', async () => {
    const padded = new Uint8Array([0, 0, ...n]);
    expect(await validate({ n: padded, e: good.publicJwk.e as string })).toBe('ERR_X509_UNSUPPORTED_KEY');
    const leaf = await leafWith({ n: padded, e: good.publicJwk.e as string });
    // The same key as a JWK: the one check refuses both.
    let code = 'OK';
    try {
      parsePublicJwk(leaf.publicJwk);
    } catch (e) {
      code = e instanceof ComityError ? e.code : 'other';
    }
    expect(code).toBe('ERR_KEY_INVALID');
  });

  it('x690-8.3.3-rsa-negative-integer: a negative exponent is refused when the certificate is read', async () => {
    expect(await validate({ n, e: new Uint8Array([0x80, 0x01]) })).toBe('parse:ERR_X509_UNSUPPORTED_KEY');
    const der = (await leafWith({ n, e: 'AQAB' })).der;
    expect(await outcome(parseCertificate(der))).toBe('OK');
  });

  it('rfc7518-6.3.1-rsa-even-modulus: an even modulus is no RSA key', async () => {
    const even = n.slice();
    even[even.length - 1] = (even[even.length - 1] as number) & 0xfe;
    expect(await validate({ n: even, e: 'AQAB' })).toBe('ERR_X509_UNSUPPORTED_KEY');
  });

  it('rfc7518-6.3.1-rsa-exponent: e = 1, an even e and an e over 64 bits are refused', async () => {
    expect(await validate({ n, e: 'AQ' })).toBe('ERR_X509_UNSUPPORTED_KEY');
    expect(await validate({ n, e: new Uint8Array([1, 0, 0]) })).toBe('ERR_X509_UNSUPPORTED_KEY');
    expect(await validate({ n, e: new Uint8Array([1, 0, 0, 0, 0, 0, 0, 0, 1]) })).toBe('ERR_X509_UNSUPPORTED_KEY');
  });

  it('rsa-modulus-ceiling: a modulus over 16384 bits is refused', async () => {
    const big = new Uint8Array(2049).fill(0xab);
    big[big.length - 1] = 0xff;
    expect(await validate({ n: big, e: 'AQAB' })).toBe('ERR_X509_UNSUPPORTED_KEY');
  });

  it('an RSA root with a real 3072-bit key still anchors a chain it signed', async () => {
    const { cert: rsaRoot, keys } = await ecRoot('C=FR, CN=RSA 3072 Root', rsaKeys(3072));
    const leaf = await createCertificate(await leafTemplate(rsaRoot, keys.privateJwk));
    expect(await outcome(validateCertificateChain([leaf], { now, anchors: [rsaRoot] }))).toBe('OK');
  });
});
