import { type Certificate, createCertificate, createContext, type Jwk, KeyUsage } from '@comity/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issuerKeyResolverFor } from '../src/issuer-key/index.js';
import { b64, type LoopbackServer, rejectionCode, startLoopbackServer, subjectAltNames } from './fixtures/issuer-key/harness.js';

const ctx = createContext({ fetch: globalThis.fetch, now: () => new Date('2026-06-01T00:00:00Z') });
let server: LoopbackServer;
let root: Certificate;
let leaf: Certificate;
let pinned: Jwk;
let metadataKey: Jwk;
let didKey: Jwk;
let did: string;

beforeAll(async () => {
  server = await startLoopbackServer();
  const c = ctx.crypto;
  const [rootKey, leafKey, p, m, d] = await Promise.all(['ES256', 'ES256', 'ES256', 'ES256', 'EdDSA'].map((a) => c.generateKeyPair(a as 'ES256')));
  const notBefore = new Date('2026-01-01T00:00:00Z');
  const notAfter = new Date('2027-01-01T00:00:00Z');
  root = await createCertificate({
    subject: 'C=NL, CN=Root',
    publicJwk: rootKey!.publicJwk,
    signingKey: rootKey!.privateJwk,
    notBefore,
    notAfter,
    ca: true,
    keyUsage: KeyUsage.keyCertSign,
  });
  leaf = await createCertificate({
    subject: 'C=NL, CN=Issuer',
    publicJwk: leafKey!.publicJwk,
    issuer: root,
    signingKey: rootKey!.privateJwk,
    notBefore,
    notAfter,
    extensions: [{ oid: '2.5.29.17', critical: false, value: subjectAltNames({ uri: [`${server.origin}/issuer`] }) }],
  });
  pinned = { ...p!.publicJwk, kid: 'pinned-1' };
  metadataKey = { ...m!.publicJwk, kid: 'meta-1' };
  didKey = d!.publicJwk;
  did = `did:jwk:${Buffer.from(JSON.stringify(didKey)).toString('base64url')}`;
  server.routes.set('/.well-known/jwt-vc-issuer/issuer', { body: JSON.stringify({ issuer: `${server.origin}/issuer`, jwks: { keys: [metadataKey] } }) });
});
afterAll(() => server.close());

describe('issuerKeyResolverFor (draft-ietf-oauth-sd-jwt-vc §2.5, §7.3)', () => {
  const iss = () => `${server.origin}/issuer`;

  it('picks x5c for an x5c header, DID for a did: iss and issuer metadata for an https iss', async () => {
    const resolve = issuerKeyResolverFor({ trustAnchors: [root], did: true, issuerMetadata: { allowLoopbackHttp: true } });
    const x5c = await resolve({ header: { alg: 'ES256', x5c: [b64(leaf.der)] }, payload: { iss: iss() } }, ctx);
    expect(x5c.map((c) => c.issuer.keyMethod)).toEqual(['x5c']);
    const byDid = await resolve({ header: { alg: 'EdDSA', kid: `${did}#0` }, payload: { iss: did } }, ctx);
    expect(byDid.map((c) => [c.issuer.keyMethod, c.jwk.x])).toEqual([['did', didKey.x]]);
    const byMetadata = await resolve({ header: { alg: 'ES256', kid: 'meta-1' }, payload: { iss: iss() } }, ctx);
    expect(byMetadata.map((c) => [c.issuer.keyMethod, c.jwk.x])).toEqual([['jwt-vc-issuer-metadata', metadataKey.x]]);
  });

  it('consults pinned keys first: a kid match is the only candidate, otherwise pinned keys precede the mechanism', async () => {
    const resolve = issuerKeyResolverFor({ pinnedKeys: [pinned], trustAnchors: [root] });
    const named = await resolve({ header: { alg: 'ES256', kid: 'pinned-1', x5c: [b64(leaf.der)] }, payload: {} }, ctx);
    expect(named.map((c) => c.issuer.keyMethod)).toEqual(['jwk']);
    const both = await resolve({ header: { alg: 'ES256', x5c: [b64(leaf.der)] }, payload: {} }, ctx);
    expect(both.map((c) => c.issuer.keyMethod)).toEqual(['jwk', 'x5c']);
    const onlyPinned = await resolve({ header: { alg: 'ES256' }, payload: { iss: iss() } }, ctx);
    expect(onlyPinned.map((c) => c.issuer.keyMethod)).toEqual(['jwk']);
  });

  it('an invalid x5c is not papered over by pinned keys', async () => {
    const resolve = issuerKeyResolverFor({ pinnedKeys: [pinned], trustAnchors: [leaf] });
    expect(await rejectionCode(resolve({ header: { alg: 'ES256', x5c: ['not base64!'] }, payload: {} }, ctx))).toBe('ERR_SDJWT_X5C_INVALID');
  });

  it('sd-jwt-vc-2.5-no-permitted-mechanism: rejects when nothing the policy permits applies', async () => {
    const x5cOnly = issuerKeyResolverFor({ trustAnchors: [root] });
    expect(await rejectionCode(x5cOnly({ header: { alg: 'ES256' }, payload: { iss: iss() } }, ctx))).toBe('ERR_SDJWT_ISSUER_KEY_UNRESOLVED');
    expect(await rejectionCode(x5cOnly({ header: { alg: 'EdDSA' }, payload: { iss: did } }, ctx))).toBe('ERR_SDJWT_ISSUER_KEY_UNRESOLVED');
    const metadataOnly = issuerKeyResolverFor({ issuerMetadata: true });
    expect(await rejectionCode(metadataOnly({ header: { alg: 'ES256', x5c: [b64(leaf.der)] }, payload: {} }, ctx))).toBe('ERR_SDJWT_ISSUER_KEY_UNRESOLVED');
    expect(await rejectionCode(metadataOnly({ header: { alg: 'ES256' }, payload: { iss: 'urn:example:issuer' } }, ctx))).toBe(
      'ERR_SDJWT_ISSUER_KEY_UNRESOLVED',
    );
    expect(await rejectionCode(metadataOnly({ header: { alg: 'ES256' }, payload: { iss: 'http://issuer.example' } }, ctx))).toBe('ERR_SDJWT_ISS_NOT_HTTPS');
    expect(await rejectionCode(issuerKeyResolverFor({})({ header: { alg: 'ES256' }, payload: {} }, ctx))).toBe('ERR_SDJWT_ISSUER_KEY_UNRESOLVED');
  });

  it('passes x5cIssBinding to the x5c mechanism', async () => {
    const header = { alg: 'ES256', x5c: [b64(leaf.der)] };
    const strict = issuerKeyResolverFor({ trustAnchors: [root] });
    expect(await rejectionCode(strict({ header, payload: { iss: 'https://other.example' } }, ctx))).toBe('ERR_SDJWT_X5C_ISS_MISMATCH');
    const unverified = issuerKeyResolverFor({ trustAnchors: [root], x5cIssBinding: 'unverified' });
    expect((await unverified({ header, payload: { iss: 'https://other.example' } }, ctx))[0]?.issuer.id).toBe(leaf.subject);
  });

  it('deferred anchoring through the policy', async () => {
    const resolve = issuerKeyResolverFor({ anchoring: 'deferred' });
    const [candidate] = await resolve({ header: { alg: 'ES256', x5c: [b64(leaf.der), b64(root.der)] }, payload: {} }, ctx);
    expect(candidate?.issuer.anchor).toBeUndefined();
    expect(candidate?.issuer.certificateChain).toEqual([leaf.sha256, root.sha256]);
  });
});
