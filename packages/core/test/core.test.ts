import {
  base64urlDecode,
  base64urlEncode,
  COSE_ALGORITHM_IDS,
  COSE_ALGORITHMS,
  ComityError,
  createCertificate,
  createContext,
  decodeCompactJws,
  defaultCrypto,
  jwkThumbprint,
  KeyUsage,
  localSigner,
  parseCertificate,
  parseJson,
  parsePublicJwk,
  signCompactJws,
  utf8Decode,
  validateCertificateChain,
  verifyJwsSignature,
} from '@comity/core';
import { describe, expect, it } from 'vitest';
import { webCrypto } from '../src/crypto/webcrypto.js';

const code = async (p: Promise<unknown> | (() => unknown)): Promise<string> => {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    if (e instanceof ComityError) return e.code;
    throw e;
  }
  throw new Error('expected a ComityError');
};

describe('encoding', () => {
  it('round-trips base64url and rejects padding, stray and non-canonical characters', async () => {
    const bytes = new Uint8Array([0, 1, 2, 250, 251, 252, 253]);
    expect(base64urlDecode(base64urlEncode(bytes))).toEqual(bytes);
    expect(await code(() => base64urlDecode('AAE='))).toBe('ERR_ENCODING_BASE64URL');
    expect(await code(() => base64urlDecode('AA+B'))).toBe('ERR_ENCODING_BASE64URL');
    expect(await code(() => base64urlDecode('AAB'))).toBe('ERR_ENCODING_BASE64URL'); // low bits set
    expect(await code(() => base64urlDecode('A'))).toBe('ERR_ENCODING_BASE64URL');
  });
  it('refuses stray characters, padding, bad lengths and non-canonical trailing bits in short and long input', async () => {
    for (const size of [10, 300]) {
      for (const extra of [0, 1, 2]) {
        const bytes = new Uint8Array(size + extra).map((_, i) => (i * 37 + 11) & 0xff);
        const text = base64urlEncode(bytes);
        expect(base64urlDecode(text)).toEqual(bytes);
        const mid = text.length >> 1;
        const corrupt = [
          `${text.slice(0, mid)}+${text.slice(mid + 1)}`,
          `${text.slice(0, mid)}/${text.slice(mid + 1)}`,
          `${text.slice(0, mid)} ${text.slice(mid)}`,
          `${text.slice(0, mid)}\n${text.slice(mid)}`,
          `${text.slice(0, mid)}é${text.slice(mid + 1)}`,
          `${text}=`,
          `=${text.slice(1)}`,
        ];
        const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
        if (text.length % 4 === 0)
          corrupt.push(`${text}A`); // a length of 4k+1 is never base64url
        else {
          // Set the lowest (unused) bit of the last character: the same bytes, a non-canonical text.
          const last = alphabet.indexOf(text.slice(-1));
          corrupt.push(`${text.slice(0, -1)}${alphabet[last | 1]}`);
        }
        for (const bad of corrupt) expect(await code(() => base64urlDecode(bad))).toBe('ERR_ENCODING_BASE64URL');
      }
    }
  });
  it('decodes UTF-8 fatally and JSON without __proto__', async () => {
    expect(await code(() => utf8Decode(new Uint8Array([0xc3, 0x28])))).toBe('ERR_ENCODING_UTF8');
    expect(await code(() => parseJson('{"a":{"__proto__":{"x":1}}}'))).toBe('ERR_ENCODING_JSON');
    expect(await code(() => parseJson('{"a":'))).toBe('ERR_ENCODING_JSON');
  });
});

describe('crypto providers', () => {
  for (const provider of [defaultCrypto, webCrypto]) {
    for (const alg of ['ES256', 'ES384', 'ES512', 'EdDSA'] as const) {
      it(`${provider.name} ${alg}: sign, verify, reject tampering; interoperates with the other provider`, async () => {
        const { privateJwk, publicJwk } = await provider.generateKeyPair(alg);
        const data = new TextEncoder().encode('hello');
        const sig = await provider.sign(alg, privateJwk, data);
        expect(await provider.verify(alg, publicJwk, data, sig)).toBe(true);
        const other = provider === webCrypto ? defaultCrypto : webCrypto;
        expect(await other.verify(alg, publicJwk, data, sig)).toBe(true);
        const bad = sig.slice();
        bad[5] = (bad[5] as number) ^ 1;
        expect(await provider.verify(alg, publicJwk, data, bad)).toBe(false);
        expect(await provider.verify(alg, publicJwk, data, sig.slice(1))).toBe(false);
      });
    }
    it(`${provider.name}: refuses a key of the wrong type for the algorithm`, async () => {
      const { publicJwk } = await provider.generateKeyPair('ES256');
      expect(await code(provider.verify('ES384', publicJwk, new Uint8Array(1), new Uint8Array(96)))).toBe('ERR_KEY_ALG_MISMATCH');
    });
  }
  it('node:crypto digestBase64urlSync equals the WebCrypto digest of the UTF-8 bytes, base64url', async () => {
    const sync = defaultCrypto.digestBase64urlSync;
    expect(sync).toBeTypeOf('function');
    expect(webCrypto.digestBase64urlSync).toBeUndefined();
    for (const alg of ['sha-256', 'sha-384', 'sha-512'] as const) {
      for (const text of ['', 'WyJzYWx0IiwiZ2l2ZW5fbmFtZSIsIkVyaWthIl0', 'Köln ✓']) {
        expect(sync?.call(defaultCrypto, alg, text)).toBe(base64urlEncode(await webCrypto.digest(alg, new TextEncoder().encode(text))));
      }
    }
    // RFC 9901 §5.1 example disclosure digest.
    expect(sync?.call(defaultCrypto, 'sha-256', 'WyJfMjZiYzRMVC1hYzZxMktJNmNCVzVlcyIsICJmYW1pbHlfbmFtZSIsICJNw7ZiaXVzIl0')).toBe(
      'X9yH0Ajrdm1Oij4tWso9UzzKJvPoDxwmuEcO3XAdRC0',
    );
  });
  it('the COSE algorithm registry maps every written identifier back to its algorithm (RFC 9053 values)', () => {
    for (const [alg, id] of Object.entries(COSE_ALGORITHM_IDS)) expect(COSE_ALGORITHMS.get(id)).toBe(alg);
    expect([COSE_ALGORITHM_IDS.ES256, COSE_ALGORITHM_IDS.EdDSA, COSE_ALGORITHM_IDS.RS256]).toEqual([-7, -8, -257]);
    expect(COSE_ALGORITHMS.get(-9)).toBe('ES256'); // ESP256, RFC 9864
    expect(COSE_ALGORITHMS.get(-4)).toBeUndefined(); // HMAC 256/64 is never a signature
  });
  it('computes the RFC 7638 thumbprint of the RFC example key', async () => {
    const jwk = {
      kty: 'RSA',
      e: 'AQAB',
      n: '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw',
    };
    expect(await jwkThumbprint(jwk, defaultCrypto)).toBe('NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs');
  });
  it('refuses private or malformed public JWKs', async () => {
    const { privateJwk, publicJwk } = await defaultCrypto.generateKeyPair('ES256');
    expect(await code(() => parsePublicJwk(privateJwk))).toBe('ERR_KEY_PRIVATE_MEMBER');
    // Any RSA private member alone (CRT parameters, other primes) marks private material too.
    for (const m of ['dp', 'dq', 'qi', 'oth']) expect(await code(() => parsePublicJwk({ ...publicJwk, [m]: 'AAAA' }))).toBe('ERR_KEY_PRIVATE_MEMBER');
    expect(await code(() => parsePublicJwk({ ...publicJwk, x: 'AAAA' }))).toBe('ERR_KEY_INVALID');
    expect(await code(() => parsePublicJwk({ kty: 'oct', k: 'AAAA' }))).toBe('ERR_KEY_INVALID');
    expect(parsePublicJwk(publicJwk)).toEqual({ kty: 'EC', crv: 'P-256', x: publicJwk.x, y: publicJwk.y });
  });
});

describe('JWS', () => {
  it('signs and verifies; refuses none, HMAC, unlisted algorithms, crit and a wrong key', async () => {
    const ctx = createContext();
    const { privateJwk, publicJwk } = await ctx.crypto.generateKeyPair('ES256');
    const token = await signCompactJws({ typ: 'JWT' }, { a: 1 }, localSigner(privateJwk, 'ES256', ctx.crypto));
    const jws = decodeCompactJws(token);
    expect(await verifyJwsSignature(jws, publicJwk, { algorithms: ['ES256'], crypto: ctx.crypto })).toBe('ES256');
    expect(await code(verifyJwsSignature(jws, publicJwk, { algorithms: ['ES384'], crypto: ctx.crypto }))).toBe('ERR_JWS_ALG_NOT_ALLOWED');
    const other = await ctx.crypto.generateKeyPair('ES256');
    expect(await code(verifyJwsSignature(jws, other.publicJwk, { algorithms: ['ES256'], crypto: ctx.crypto }))).toBe('ERR_JWS_SIGNATURE_INVALID');
    const [, p, s] = token.split('.');
    for (const alg of ['none', 'HS256']) {
      const h = base64urlEncode(new TextEncoder().encode(JSON.stringify({ alg })));
      const forged = decodeCompactJws(`${h}.${p}.${s}`);
      // biome-ignore lint/suspicious/noExplicitAny: deliberately hostile policy
      expect(await code(verifyJwsSignature(forged, publicJwk, { algorithms: [alg as any], crypto: ctx.crypto }))).toBe('ERR_JWS_ALG_NOT_ALLOWED');
    }
    const crit = base64urlEncode(new TextEncoder().encode(JSON.stringify({ alg: 'ES256', crit: ['x'], x: 1 })));
    expect(await code(() => decodeCompactJws(`${crit}.${p}.${s}`))).toBe('ERR_JWS_CRIT_UNSUPPORTED');
    expect(await code(() => decodeCompactJws('a.b'))).toBe('ERR_JWS_MALFORMED');
    expect(await code(() => decodeCompactJws(`${token}.x`))).toBe('ERR_JWS_MALFORMED');
  });
});

describe('X.509 chains', () => {
  const day = 86_400_000;
  const t0 = new Date('2026-01-01T00:00:00Z');
  async function pki() {
    const c = defaultCrypto;
    const rootKeys = await c.generateKeyPair('ES256');
    const intKeys = await c.generateKeyPair('ES256');
    const leafKeys = await c.generateKeyPair('ES256');
    const root = await createCertificate({
      subject: 'C=FR, CN=Root',
      publicJwk: rootKeys.publicJwk,
      signingKey: rootKeys.privateJwk,
      notBefore: t0,
      notAfter: new Date(+t0 + 3650 * day),
      ca: true,
      pathLength: 1,
      keyUsage: KeyUsage.keyCertSign,
    });
    const int = await createCertificate({
      subject: 'C=FR, CN=Intermediate',
      publicJwk: intKeys.publicJwk,
      issuer: root,
      signingKey: rootKeys.privateJwk,
      notBefore: t0,
      notAfter: new Date(+t0 + 1000 * day),
      ca: true,
      pathLength: 0,
      keyUsage: KeyUsage.keyCertSign,
    });
    const leaf = await createCertificate({
      subject: 'C=FR, CN=Leaf',
      publicJwk: leafKeys.publicJwk,
      issuer: int,
      signingKey: intKeys.privateJwk,
      notBefore: t0,
      notAfter: new Date(+t0 + 365 * day),
      keyUsage: KeyUsage.digitalSignature,
    });
    const notCa = await createCertificate({
      subject: 'C=FR, CN=Leaf2',
      publicJwk: leafKeys.publicJwk,
      issuer: leaf,
      signingKey: leafKeys.privateJwk,
      notBefore: t0,
      notAfter: new Date(+t0 + 365 * day),
    });
    return { root, int, leaf, notCa };
  }
  it('anchors a valid chain and reports each failure with its own code', async () => {
    const { root, int, leaf, notCa } = await pki();
    const now = new Date(+t0 + 10 * day);
    const ok = await validateCertificateChain([leaf, int], { now, anchors: [root] });
    expect(ok.anchor.sha256).toBe(root.sha256);
    expect(ok.path.map((c) => c.subject)).toEqual(['C=FR, CN=Leaf', 'C=FR, CN=Intermediate', 'C=FR, CN=Root']);
    // A pinned intermediate or leaf anchors too.
    expect((await validateCertificateChain([leaf, int], { now, anchors: [int] })).anchor.sha256).toBe(int.sha256);
    expect((await validateCertificateChain([leaf], { now, anchors: [leaf] })).anchor.sha256).toBe(leaf.sha256);
    expect(await code(validateCertificateChain([leaf], { now, anchors: [root] }))).toBe('ERR_X509_CHAIN_UNANCHORED');
    expect(await code(validateCertificateChain([leaf, int], { now: new Date(+t0 + 400 * day), anchors: [root] }))).toBe('ERR_X509_EXPIRED');
    expect(await code(validateCertificateChain([leaf, int], { now: new Date(+t0 - day), anchors: [root] }))).toBe('ERR_X509_NOT_YET_VALID');
    expect(await code(validateCertificateChain([notCa, leaf, int], { now, anchors: [root] }))).toBe('ERR_X509_NOT_CA');
    expect(await code(validateCertificateChain([], { now, anchors: [root] }))).toBe('ERR_X509_CHAIN_EMPTY');
  });
});

describe('X.509 critical extensions', () => {
  it('rfc5280-4.2-unknown-critical-extension is refused', async () => {
    const keys = await defaultCrypto.generateKeyPair('ES256');
    const t0 = new Date('2026-01-01T00:00:00Z');
    const cert = await createCertificate({
      subject: 'C=FR, CN=Odd',
      publicJwk: keys.publicJwk,
      signingKey: keys.privateJwk,
      notBefore: t0,
      notAfter: new Date(+t0 + 86_400_000 * 10),
      extensions: [{ oid: '1.2.3.4.5', critical: true, value: new Uint8Array([5, 0]) }],
    });
    expect(await code(validateCertificateChain([cert], { now: new Date(+t0 + 86_400_000), anchors: [cert] }))).toBe('ERR_X509_UNKNOWN_CRITICAL_EXTENSION');
  });
});

describe('X.509 parsing', () => {
  it('a malformed certificate fails with ERR_X509_PARSE every time, without unhandled rejections', async () => {
    const junk = new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01]);
    expect(await code(parseCertificate(junk))).toBe('ERR_X509_PARSE');
    expect(await code(parseCertificate(junk))).toBe('ERR_X509_PARSE');
    expect(await code(parseCertificate(new Uint8Array(0)))).toBe('ERR_X509_PARSE');
  });
});
