/**
 * RSA keys read from certificates get the checks parsePublicJwk applies to RSA JWKs (shared
 * code): integers in the fewest octets, an odd modulus of 2048 to 16384 bits, an odd exponent of
 * at least 3 and at most 64 bits. Real certificates from createCertificate; tests assert codes.
 */
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  base64urlDecode,
  base64urlEncode,
  ComityError,
  createCertificate,
  defaultCrypto,
  type Jwk,
  KeyUsage,
  parseCertificate,
  parsePublicJwk,
  validateCertificateChain,
} from '../src/index.js';

const day = 86_400_000;
const t0 = new Date('2026-01-01T00:00:00Z');
const now = new Date(+t0 + 10 * day);

async function outcome(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ComityError) return e.code;
    throw e;
  }
  return 'OK';
}

const rsa = (bits: number) => {
  const pair = generateKeyPairSync('rsa', { modulusLength: bits });
  return { publicJwk: pair.publicKey.export({ format: 'jwk' }) as Jwk, privateJwk: pair.privateKey.export({ format: 'jwk' }) as Jwk };
};

describe('X.509: RSA subject public keys', async () => {
  const rootKeys = await defaultCrypto.generateKeyPair('ES256');
  const root = await createCertificate({
    subject: 'C=FR, CN=RSA Key Review Root',
    publicJwk: rootKeys.publicJwk,
    signingKey: rootKeys.privateJwk,
    notBefore: t0,
    notAfter: new Date(+t0 + 3650 * day),
    ca: true,
    keyUsage: KeyUsage.keyCertSign,
  });
  const good = rsa(2048);
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
    const keys = rsa(3072);
    const rsaRoot = await createCertificate({
      subject: 'C=FR, CN=RSA 3072 Root',
      publicJwk: keys.publicJwk,
      signingKey: keys.privateJwk,
      notBefore: t0,
      notAfter: new Date(+t0 + 3650 * day),
      ca: true,
      keyUsage: KeyUsage.keyCertSign,
    });
    const leafKeys = await defaultCrypto.generateKeyPair('ES256');
    const leaf = await createCertificate({
      subject: 'C=FR, CN=Leaf',
      publicJwk: leafKeys.publicJwk,
      issuer: rsaRoot,
      signingKey: keys.privateJwk,
      notBefore: t0,
      notAfter: new Date(+t0 + 365 * day),
    });
    expect(await outcome(validateCertificateChain([leaf], { now, anchors: [rsaRoot] }))).toBe('OK');
  });
});
