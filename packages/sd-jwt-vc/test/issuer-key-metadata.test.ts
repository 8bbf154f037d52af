import { createContext, DEFAULT_SIGNATURE_ALGORITHMS, decodeCompactJws, type Jwk, localSigner, signCompactJws, verifyJwsSignature } from '@comity/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { jwtVcIssuerMetadataKey, jwtVcIssuerMetadataUrl } from '../src/issuer-key/index.js';
import { type LoopbackServer, rejectionCode, startLoopbackServer } from './fixtures/issuer-key/harness.js';

const ctx = createContext({ fetch: globalThis.fetch });
let server: LoopbackServer;
let iss: string;
let signing: { privateJwk: Jwk; publicJwk: Jwk };
let other: { privateJwk: Jwk; publicJwk: Jwk };

beforeAll(async () => {
  server = await startLoopbackServer();
  iss = `${server.origin}/tenant/1234`;
  signing = await ctx.crypto.generateKeyPair('ES256');
  other = await ctx.crypto.generateKeyPair('ES256');
});
afterAll(() => server.close());
beforeEach(() => {
  server.routes.clear();
  server.requests.length = 0;
});

const metadataPath = '/.well-known/jwt-vc-issuer/tenant/1234';
const serve = (path: string, body: unknown) => server.routes.set(path, { body: JSON.stringify(body) });
const jwks = () => ({
  keys: [
    { ...other.publicJwk, kid: 'old' },
    { ...signing.publicJwk, kid: 'doc-signer-2026', use: 'sig' },
  ],
});

describe('jwtVcIssuerMetadataUrl (draft-ietf-oauth-sd-jwt-vc §4, §4.1)', () => {
  it('inserts /.well-known/jwt-vc-issuer between host and path as in Figures 12 and 13', () => {
    expect(jwtVcIssuerMetadataUrl('https://example.com')).toBe('https://example.com/.well-known/jwt-vc-issuer');
    expect(jwtVcIssuerMetadataUrl('https://example.com/tenant/1234')).toBe('https://example.com/.well-known/jwt-vc-issuer/tenant/1234');
    expect(jwtVcIssuerMetadataUrl('https://example.com/tenant/1234/')).toBe('https://example.com/.well-known/jwt-vc-issuer/tenant/1234');
  });

  it('sd-jwt-vc-4-iss-not-https: rejects iss values that are not https URLs without query or fragment', async () => {
    for (const bad of ['http://example.com', 'https://example.com/?q=1', 'https://example.com#frag', 'urn:example', 'https://user@example.com', 'not a url']) {
      expect(await rejectionCode(() => jwtVcIssuerMetadataUrl(bad))).toBe('ERR_SDJWT_ISS_NOT_HTTPS');
    }
  });
});

describe('jwtVcIssuerMetadataKey over real HTTP on loopback', () => {
  const resolver = jwtVcIssuerMetadataKey({ allowLoopbackHttp: true });

  it('sd-jwt-vc-4.2-inline-jwks: selects the key named by kid; it verifies a real signature', async () => {
    serve(metadataPath, { issuer: iss, jwks: jwks() });
    const token = await signCompactJws(
      { typ: 'dc+sd-jwt', kid: 'doc-signer-2026' },
      { iss, vct: 'urn:eudi:pid:1' },
      localSigner(signing.privateJwk, 'ES256', ctx.crypto),
    );
    const jws = decodeCompactJws(token);
    const candidates = await resolver({ header: jws.header, payload: jws.payload }, ctx);
    expect(candidates).toHaveLength(1);
    expect(candidates[0]?.issuer).toMatchObject({ id: iss, keyMethod: 'jwt-vc-issuer-metadata' });
    await expect(verifyJwsSignature(jws, candidates[0]?.jwk as Jwk, { algorithms: DEFAULT_SIGNATURE_ALGORITHMS, crypto: ctx.crypto })).resolves.toBe('ES256');
    expect(server.requests).toEqual([metadataPath]);
  });

  it('sd-jwt-vc-4.2-jwks-uri: fetches the JWK Set from jwks_uri', async () => {
    serve(metadataPath, { issuer: iss, jwks_uri: `${server.origin}/keys.jwks` });
    serve('/keys.jwks', jwks());
    const candidates = await resolver({ header: { alg: 'ES256', kid: 'doc-signer-2026' }, payload: { iss } }, ctx);
    expect(candidates.map((c) => c.jwk.x)).toEqual([signing.publicJwk.x]);
    expect(server.requests).toEqual([metadataPath, '/keys.jwks']);
  });

  it('offers every signature key when the header has no kid, skipping encryption and unsupported keys', async () => {
    serve(metadataPath, { issuer: iss, jwks: { keys: [...jwks().keys, { ...other.publicJwk, kid: 'enc', use: 'enc' }, { kty: 'oct', k: 'AAAA' }] } });
    const candidates = await resolver({ header: { alg: 'ES256' }, payload: { iss } }, ctx);
    expect(candidates).toHaveLength(2);
  });

  it('sd-jwt-vc-4.3-issuer-mismatch: rejects metadata whose issuer is not identical to iss', async () => {
    for (const issuer of [`${iss}/`, iss.toUpperCase(), 'https://attacker.example']) {
      serve(metadataPath, { issuer, jwks: jwks() });
      expect(await rejectionCode(resolver({ header: { alg: 'ES256', kid: 'doc-signer-2026' }, payload: { iss } }, ctx))).toBe(
        'ERR_SDJWT_ISSUER_METADATA_MISMATCH',
      );
    }
  });

  it('sd-jwt-vc-4.2-kid-not-found: rejects a kid that no published key carries', async () => {
    serve(metadataPath, { issuer: iss, jwks: jwks() });
    expect(await rejectionCode(resolver({ header: { alg: 'ES256', kid: 'unknown' }, payload: { iss } }, ctx))).toBe('ERR_SDJWT_ISSUER_KEY_UNRESOLVED');
  });

  it('sd-jwt-vc-4.2-metadata-shape: rejects both/neither jwks and jwks_uri, malformed sets, private keys, a non-https jwks_uri', async () => {
    const cases: unknown[] = [
      { issuer: iss },
      { issuer: iss, jwks: jwks(), jwks_uri: `${server.origin}/keys.jwks` },
      { issuer: iss, jwks: { keys: 'nope' } },
      { issuer: iss, jwks: { keys: [{ ...signing.privateJwk, kid: 'doc-signer-2026' }] } },
      { issuer: iss, jwks_uri: 'http://keys.example/jwks' },
      { issuer: 7, jwks: jwks() },
      ['not', 'an', 'object'],
    ];
    for (const body of cases) {
      serve(metadataPath, body);
      expect(await rejectionCode(resolver({ header: { alg: 'ES256', kid: 'doc-signer-2026' }, payload: { iss } }, ctx))).toBe(
        'ERR_SDJWT_ISSUER_METADATA_INVALID',
      );
    }
  });

  it('sd-jwt-vc-3-bounded-retrieval: rejects an oversized metadata response and error statuses', async () => {
    server.routes.set(metadataPath, { body: JSON.stringify({ issuer: iss, jwks: jwks(), padding: 'x'.repeat(70 * 1024) }) });
    expect(await rejectionCode(resolver({ header: { alg: 'ES256' }, payload: { iss } }, ctx))).toBe('ERR_FETCH_TOO_LARGE');
    server.routes.set(metadataPath, { status: 500, body: JSON.stringify({ issuer: iss, jwks: jwks() }) });
    expect(await rejectionCode(resolver({ header: { alg: 'ES256' }, payload: { iss } }, ctx))).toBe('ERR_FETCH_STATUS');
    server.routes.delete(metadataPath);
    expect(await rejectionCode(resolver({ header: { alg: 'ES256' }, payload: { iss } }, ctx))).toBe('ERR_FETCH_STATUS');
  });

  it('sd-jwt-vc-4-iss-not-https: never requests metadata for a non-https iss', async () => {
    const strict = jwtVcIssuerMetadataKey();
    expect(await rejectionCode(strict({ header: { alg: 'ES256' }, payload: { iss } }, ctx))).toBe('ERR_SDJWT_ISS_NOT_HTTPS');
    expect(await rejectionCode(resolver({ header: { alg: 'ES256' }, payload: { iss: 'http://192.0.2.1/issuer' } }, ctx))).toBe('ERR_SDJWT_ISS_NOT_HTTPS');
    expect(await rejectionCode(resolver({ header: { alg: 'ES256' }, payload: {} }, ctx))).toBe('ERR_SDJWT_ISSUER_KEY_UNRESOLVED');
    expect(server.requests).toEqual([]);
  });

  it('sd-jwt-vc-7.1-ssrf: refuses iss and jwks_uri values that name internal IP-literal hosts, before any request', async () => {
    // A global IPv6 literal is not refused for being IPv6 (it fails later, unreachable here).
    expect(await rejectionCode(jwtVcIssuerMetadataKey()({ header: { alg: 'ES256' }, payload: { iss: 'https://[2001:db8::1]/x' } }, createContext()))).not.toBe(
      'ERR_FETCH_URL_NOT_ALLOWED',
    );
    const strict = jwtVcIssuerMetadataKey();
    for (const internal of [
      'https://10.1.2.3/issuer',
      'https://169.254.169.254/latest',
      'https://[::1]/x',
      'https://[fd00::1]/x',
      'https://localhost/x',
      'https://0x7f.1/x',
      'https://[::ffff:192.168.0.1]/x',
      // IPv6 forms that reach internal IPv4 or internal IPv6 ranges all the same.
      'https://[::127.0.0.1]/x',
      'https://[64:ff9b::a00:1]/x',
      'https://[2002:c0a8:1::]/x',
      'https://[fec0::1]/x',
      'https://[fe80::1]/x',
      'https://[ff02::1]/x',
      'https://[::]/x',
    ]) {
      expect(await rejectionCode(strict({ header: { alg: 'ES256' }, payload: { iss: internal } }, ctx))).toBe('ERR_FETCH_URL_NOT_ALLOWED');
    }
    serve(metadataPath, { issuer: iss, jwks_uri: 'https://192.168.1.10/keys.jwks' });
    expect(await rejectionCode(resolver({ header: { alg: 'ES256' }, payload: { iss } }, ctx))).toBe('ERR_FETCH_URL_NOT_ALLOWED');
    expect(server.requests).toEqual([metadataPath]);
  });

  it('caches keys for cacheTtlSeconds by the context clock', async () => {
    let now = new Date('2026-06-01T00:00:00Z');
    const clockCtx = createContext({ fetch: globalThis.fetch, now: () => now });
    const cached = jwtVcIssuerMetadataKey({ allowLoopbackHttp: true, cacheTtlSeconds: 60 });
    serve(metadataPath, { issuer: iss, jwks: jwks() });
    const input = { header: { alg: 'ES256', kid: 'doc-signer-2026' }, payload: { iss } };
    await cached(input, clockCtx);
    await cached(input, clockCtx);
    expect(server.requests).toHaveLength(1);
    now = new Date('2026-06-01T00:01:01Z');
    await cached(input, clockCtx);
    expect(server.requests).toHaveLength(2);
  });
});
