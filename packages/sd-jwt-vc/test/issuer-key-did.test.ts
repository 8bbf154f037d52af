import { createECDH } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  base64urlDecode,
  base64urlEncode,
  createContext,
  DEFAULT_SIGNATURE_ALGORITHMS,
  decodeCompactJws,
  type Jwk,
  localSigner,
  signCompactJws,
  verifyJwsSignature,
} from '@comity/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { didIssuerKey, multikeyToJwk } from '../src/issuer-key/index.js';
import { type LoopbackServer, rejectionCode, startLoopbackServer } from './fixtures/issuer-key/harness.js';

const ctx = createContext({ fetch: globalThis.fetch });
const vectors = JSON.parse(readFileSync(new URL('./fixtures/issuer-key/did-key-vectors.json', import.meta.url), 'utf8')) as {
  nist: { did: string; publicKeyJwk: Jwk; d?: string }[];
  ed25519: { did: string; publicKeyBase58: string }[];
};

const B58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
function base58(bytes: Uint8Array): string {
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  let s = '';
  while (n > 0n) {
    s = B58[Number(n % 58n)] + s;
    n /= 58n;
  }
  for (const b of bytes) {
    if (b !== 0) break;
    s = `1${s}`;
  }
  return s;
}
function unbase58(s: string): Uint8Array {
  let n = 0n;
  for (const c of s) n = n * 58n + BigInt(B58.indexOf(c));
  const hex = n.toString(16);
  return Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex');
}
const multikey = (prefix: number[], key: Uint8Array): string => `z${base58(new Uint8Array([...prefix, ...key]))}`;
const didJwk = (jwk: Jwk): string => `did:jwk:${base64urlEncode(Buffer.from(JSON.stringify(jwk)))}`;

describe('did:key decoding (w3c-ccg/did-method-key test vectors)', () => {
  it('decodes the P-256 and P-384 vectors to their published JWKs', () => {
    for (const v of vectors.nist) expect(multikeyToJwk(v.did.slice('did:key:'.length))).toEqual(v.publicKeyJwk);
  });

  it('decodes the Ed25519 vectors to their published keys', () => {
    for (const v of vectors.ed25519) {
      expect(multikeyToJwk(v.did.slice('did:key:'.length))).toEqual({ kty: 'OKP', crv: 'Ed25519', x: base64urlEncode(unbase58(v.publicKeyBase58)) });
    }
  });

  it('differential: point decompression agrees with node:crypto on random P-256 and P-384 keys', () => {
    for (const [curve, crv, prefix] of [
      ['prime256v1', 'P-256', [0x80, 0x24]],
      ['secp384r1', 'P-384', [0x81, 0x24]],
    ] as const) {
      for (let i = 0; i < 16; i++) {
        const ecdh = createECDH(curve);
        ecdh.generateKeys();
        const uncompressed = ecdh.getPublicKey();
        const size = (uncompressed.length - 1) / 2;
        const expected = { kty: 'EC', crv, x: base64urlEncode(uncompressed.subarray(1, 1 + size)), y: base64urlEncode(uncompressed.subarray(1 + size)) };
        expect(multikeyToJwk(multikey([...prefix], ecdh.getPublicKey(null, 'compressed')))).toEqual(expected);
      }
    }
  });

  it('did-key-malformed-multibase: rejects non-base58 characters, a wrong prefix, wrong lengths and off-curve points', async () => {
    const good = vectors.nist[0]?.did.slice('did:key:'.length) as string;
    const raw = unbase58(good.slice(1));
    const cases = [
      'z0OIl', // not in the base58btc alphabet
      `m${good.slice(1)}`, // base64 multibase prefix
      multikey([0x80, 0x24], raw.subarray(2, 30)), // truncated point
      multikey([0x80, 0x24], new Uint8Array([0x04, ...raw.subarray(3)])), // not a compressed-point prefix
      multikey([0x80, 0x24], new Uint8Array([0x02, ...new Uint8Array(32).fill(0xff)])), // x >= p
      multikey([0xed, 0x01], new Uint8Array(31)),
      'z',
    ];
    for (const c of cases) expect(await rejectionCode(() => multikeyToJwk(c))).toBe('ERR_SDJWT_DID_KEY_INVALID');
    // The smallest x for which x^3 - 3x + b has no square root mod p: no P-256 point has it.
    let offCurve = '';
    for (let x = 1; offCurve === ''; x++) {
      const candidate = multikey([0x80, 0x24], new Uint8Array([0x02, ...new Uint8Array(31), x]));
      if ((await rejectionCode(() => multikeyToJwk(candidate)).catch(() => 'ok')) === 'ERR_SDJWT_DID_KEY_INVALID') offCurve = candidate;
    }
    expect(await rejectionCode(() => multikeyToJwk(offCurve))).toBe('ERR_SDJWT_DID_KEY_INVALID');
    expect(await rejectionCode(() => multikeyToJwk(multikey([0xe7, 0x01], new Uint8Array(33).fill(2))))).toBe('ERR_SDJWT_DID_KEY_UNSUPPORTED');
  });
});

describe('didIssuerKey', () => {
  const resolve = didIssuerKey({ allowLoopbackHttp: true });

  it('did:key: resolves the key of a w3c vector and verifies a signature made with its published private key', async () => {
    const v = vectors.nist[1] as { did: string; publicKeyJwk: Jwk; d: string };
    const fragment = v.did.slice('did:key:'.length);
    const token = await signCompactJws(
      { typ: 'dc+sd-jwt', kid: `${v.did}#${fragment}` },
      { iss: v.did, vct: 'urn:x' },
      localSigner({ ...v.publicKeyJwk, d: v.d }, 'ES256', ctx.crypto),
    );
    const jws = decodeCompactJws(token);
    const [candidate] = await resolve({ header: jws.header, payload: jws.payload }, ctx);
    expect(candidate?.issuer).toMatchObject({ id: v.did, keyMethod: 'did' });
    await expect(verifyJwsSignature(jws, candidate?.jwk as Jwk, { algorithms: DEFAULT_SIGNATURE_ALGORITHMS, crypto: ctx.crypto })).resolves.toBe('ES256');
    // A bare fragment kid and no kid at all resolve the same key.
    expect((await resolve({ header: { alg: 'ES256', kid: `#${fragment}` }, payload: { iss: v.did } }, ctx))[0]?.jwk).toEqual(v.publicKeyJwk);
    expect((await resolve({ header: { alg: 'ES256' }, payload: { iss: v.did } }, ctx))[0]?.jwk).toEqual(v.publicKeyJwk);
  });

  it('did:jwk: resolves #0 and verifies a real EdDSA signature', async () => {
    const keys = await ctx.crypto.generateKeyPair('EdDSA');
    const did = didJwk(keys.publicJwk);
    const token = await signCompactJws({ typ: 'dc+sd-jwt', kid: `${did}#0` }, { iss: did, vct: 'urn:x' }, localSigner(keys.privateJwk, 'EdDSA', ctx.crypto));
    const jws = decodeCompactJws(token);
    const [candidate] = await resolve({ header: jws.header, payload: jws.payload }, ctx);
    await expect(verifyJwsSignature(jws, candidate?.jwk as Jwk, { algorithms: DEFAULT_SIGNATURE_ALGORITHMS, crypto: ctx.crypto })).resolves.toBe('EdDSA');
  });

  it('did-jwk-3.1-enc-key: a did:jwk key marked use=enc is no assertion method', async () => {
    const keys = await ctx.crypto.generateKeyPair('ES256');
    const did = didJwk({ ...keys.publicJwk, use: 'enc' });
    expect(await rejectionCode(resolve({ header: { alg: 'ES256', kid: `${did}#0` }, payload: { iss: did } }, ctx))).toBe('ERR_SDJWT_DID_VM_NOT_ASSERTION');
    expect(await rejectionCode(resolve({ header: { alg: 'ES256' }, payload: { iss: didJwk({ ...keys.privateJwk }) } }, ctx))).toBe('ERR_SDJWT_DID_INVALID');
    expect(await rejectionCode(resolve({ header: { alg: 'ES256' }, payload: { iss: 'did:jwk:bm90LWpzb24' } }, ctx))).toBe('ERR_SDJWT_DID_INVALID');
  });

  it('rejects unsupported or unpermitted methods, malformed DIDs, DID URLs as iss and kids of another DID', async () => {
    const v = vectors.nist[0] as { did: string };
    expect(await rejectionCode(resolve({ header: { alg: 'ES256' }, payload: { iss: 'did:ion:EiClkZMDxPKqC9c' } }, ctx))).toBe(
      'ERR_SDJWT_DID_METHOD_UNSUPPORTED',
    );
    const keyOnly = didIssuerKey({ methods: ['key'] });
    expect(await rejectionCode(keyOnly({ header: { alg: 'ES256' }, payload: { iss: 'did:web:issuer.example' } }, ctx))).toBe(
      'ERR_SDJWT_DID_METHOD_UNSUPPORTED',
    );
    expect(await rejectionCode(resolve({ header: { alg: 'ES256' }, payload: { iss: 'did:key:' } }, ctx))).toBe('ERR_SDJWT_DID_INVALID');
    expect(await rejectionCode(resolve({ header: { alg: 'ES256' }, payload: { iss: `${v.did}#key-1` } }, ctx))).toBe('ERR_SDJWT_DID_INVALID');
    expect(await rejectionCode(resolve({ header: { alg: 'ES256', kid: `${vectors.nist[1]?.did}#x` }, payload: { iss: v.did } }, ctx))).toBe(
      'ERR_SDJWT_DID_VM_NOT_FOUND',
    );
    expect(await rejectionCode(resolve({ header: { alg: 'ES256', kid: '#nope' }, payload: { iss: v.did } }, ctx))).toBe('ERR_SDJWT_DID_VM_NOT_FOUND');
    expect(await rejectionCode(resolve({ header: { alg: 'ES256' }, payload: { iss: 'https://issuer.example' } }, ctx))).toBe('ERR_SDJWT_ISSUER_KEY_UNRESOLVED');
  });
});

describe('didIssuerKey did:web over real HTTP on loopback', () => {
  let server: LoopbackServer;
  let keys: { privateJwk: Jwk; publicJwk: Jwk };
  let did: string;
  let pathDid: string;
  beforeAll(async () => {
    server = await startLoopbackServer();
    keys = await ctx.crypto.generateKeyPair('ES256');
    did = `did:web:127.0.0.1%3A${server.port}`;
    pathDid = `${did}:issuers:pid`;
  });
  afterAll(() => server.close());
  beforeEach(() => {
    server.routes.clear();
    server.requests.length = 0;
  });
  const resolve = didIssuerKey({ allowLoopbackHttp: true });
  const document = (id: string, extra: Record<string, unknown> = {}) => ({
    '@context': ['https://www.w3.org/ns/did/v1'],
    id,
    verificationMethod: [
      { id: `${id}#key-1`, type: 'JsonWebKey2020', controller: id, publicKeyJwk: keys.publicJwk },
      { id: '#auth-only', type: 'JsonWebKey2020', controller: id, publicKeyJwk: keys.publicJwk },
    ],
    assertionMethod: [`${id}#key-1`],
    authentication: ['#auth-only'],
    ...extra,
  });

  it('did-web: fetches /.well-known/did.json and returns the assertion key; it verifies a real signature', async () => {
    server.routes.set('/.well-known/did.json', { body: JSON.stringify(document(did)) });
    const token = await signCompactJws(
      { typ: 'dc+sd-jwt', kid: `${did}#key-1` },
      { iss: did, vct: 'urn:x' },
      localSigner(keys.privateJwk, 'ES256', ctx.crypto),
    );
    const jws = decodeCompactJws(token);
    const [candidate] = await resolve({ header: jws.header, payload: jws.payload }, ctx);
    await expect(verifyJwsSignature(jws, candidate?.jwk as Jwk, { algorithms: DEFAULT_SIGNATURE_ALGORITHMS, crypto: ctx.crypto })).resolves.toBe('ES256');
    expect(server.requests).toEqual(['/.well-known/did.json']);
  });

  it('did-web: resolves the path form at /issuers/pid/did.json, with an embedded Multikey assertion method', async () => {
    const mb = `z${base58(new Uint8Array([0x80, 0x24, ...compress(keys.publicJwk)]))}`;
    server.routes.set('/issuers/pid/did.json', {
      body: JSON.stringify({ id: pathDid, assertionMethod: [{ id: '#mk', type: 'Multikey', controller: pathDid, publicKeyMultibase: mb }] }),
    });
    const [candidate] = await resolve({ header: { alg: 'ES256', kid: '#mk' }, payload: { iss: pathDid } }, ctx);
    expect(candidate?.jwk).toEqual({ kty: 'EC', crv: 'P-256', x: keys.publicJwk.x, y: keys.publicJwk.y });
  });

  it('did-core-5.3.2-not-assertion-method: rejects a verification method that is only in authentication', async () => {
    server.routes.set('/.well-known/did.json', { body: JSON.stringify(document(did)) });
    expect(await rejectionCode(resolve({ header: { alg: 'ES256', kid: '#auth-only' }, payload: { iss: did } }, ctx))).toBe('ERR_SDJWT_DID_VM_NOT_ASSERTION');
  });

  it('rejects a document for another DID, malformed documents, keys and an oversized response', async () => {
    const cases: [unknown, string][] = [
      [document('did:web:attacker.example'), 'ERR_SDJWT_DID_DOCUMENT_INVALID'],
      [{ ...document(did), assertionMethod: 'key-1' }, 'ERR_SDJWT_DID_DOCUMENT_INVALID'],
      [{ ...document(did), verificationMethod: [{ id: `${did}#key-1`, type: 'X', publicKeyMultibase: 'z0OIl' }] }, 'ERR_SDJWT_DID_KEY_INVALID'],
      [{ ...document(did), verificationMethod: [{ id: `${did}#key-1`, type: 'X', publicKeyJwk: keys.privateJwk }] }, 'ERR_SDJWT_DID_KEY_INVALID'],
      [{ ...document(did), verificationMethod: [{ id: `${did}#key-1`, type: 'X', publicKeyBase58: 'abc' }] }, 'ERR_SDJWT_DID_KEY_UNSUPPORTED'],
      [{ ...document(did), padding: 'x'.repeat(70 * 1024) }, 'ERR_FETCH_TOO_LARGE'],
    ];
    for (const [doc, expected] of cases) {
      server.routes.set('/.well-known/did.json', { body: JSON.stringify(doc) });
      expect(await rejectionCode(resolve({ header: { alg: 'ES256', kid: `${did}#key-1` }, payload: { iss: did } }, ctx))).toBe(expected);
    }
    server.routes.clear();
    expect(await rejectionCode(resolve({ header: { alg: 'ES256', kid: `${did}#key-1` }, payload: { iss: did } }, ctx))).toBe('ERR_FETCH_STATUS');
  });

  it('sd-jwt-vc-7.1-ssrf: never fetches a did:web document from an internal host unless loopback is allowed', async () => {
    const urls: string[] = [];
    const recording = createContext({
      fetch: (url, init) => {
        urls.push(url);
        return globalThis.fetch(url, init);
      },
    });
    const strict = didIssuerKey();
    // Without allowLoopbackHttp a loopback did:web host is an internal address: no request at all.
    expect(await rejectionCode(strict({ header: { alg: 'ES256' }, payload: { iss: did } }, recording))).toBe('ERR_FETCH_URL_NOT_ALLOWED');
    expect(await rejectionCode(strict({ header: { alg: 'ES256' }, payload: { iss: 'did:web:10.0.0.1' } }, recording))).toBe('ERR_FETCH_URL_NOT_ALLOWED');
    expect(urls).toEqual([]);
    expect(server.requests).toEqual([]);
  });
});

function compress(jwk: Jwk): Uint8Array {
  const x = base64urlDecode(jwk.x as string);
  const y = base64urlDecode(jwk.y as string);
  return new Uint8Array([2 + ((y[y.length - 1] as number) & 1), ...x]);
}
