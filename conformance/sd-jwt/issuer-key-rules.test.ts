/**
 * Evidence item 2, §5 item 21 (issuer key establishment), end to end through
 * verifySdJwtVc with the issuer-key module's resolvers: an `x5c` chain outside the
 * verifier's anchors, JWT VC Issuer Metadata whose `issuer` differs from `iss`, and no JWK
 * Set key for the header `kid`. Real certificates; the metadata is served by a loopback
 * HTTP server. (The resolvers' own unit tests live in packages/sd-jwt-vc/test/.)
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Certificate, createCertificate, createContext, type Jwk, KeyUsage } from '@comity/core';
import { issuerKeyResolverFor, verifySdJwtVc } from '@comity/sd-jwt-vc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIENCE, craft, ctx, disclose, NONCE, NOW, testKeys, vcClaims } from './helpers/craft.js';

const notBefore = new Date((NOW - 86_400 * 30) * 1000);
const notAfter = new Date((NOW + 86_400 * 30) * 1000);
const std64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

describe('sd-jwt-vc issuer key rules (item 21)', () => {
  let root: Certificate;
  let otherRoot: Certificate;
  let leaf: Certificate;
  let leafKey: { privateJwk: Jwk; publicJwk: Jwk };
  let server: Server;
  let origin: string;
  const metadata = new Map<string, unknown>();

  beforeAll(async () => {
    const [rootKey, otherKey, lk] = await Promise.all([
      ctx.crypto.generateKeyPair('ES256'),
      ctx.crypto.generateKeyPair('ES256'),
      ctx.crypto.generateKeyPair('ES256'),
    ]);
    leafKey = lk;
    const ca = { notBefore, notAfter, ca: true, keyUsage: KeyUsage.keyCertSign | KeyUsage.cRLSign };
    root = await createCertificate({ subject: 'C=DE, O=Conformance, CN=PID Root', publicJwk: rootKey.publicJwk, signingKey: rootKey.privateJwk, ...ca });
    otherRoot = await createCertificate({ subject: 'C=DE, O=Conformance, CN=PID Root', publicJwk: otherKey.publicJwk, signingKey: otherKey.privateJwk, ...ca });
    leaf = await createCertificate({
      subject: 'C=DE, O=Conformance, CN=PID Issuer',
      publicJwk: leafKey.publicJwk,
      issuer: root,
      signingKey: rootKey.privateJwk,
      notBefore,
      notAfter,
      keyUsage: KeyUsage.digitalSignature,
    });
    server = createServer((req, res) => {
      const body = metadata.get(req.url ?? '');
      if (body === undefined) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const presentation = async (header: Record<string, unknown>, iss: string | undefined, key: { privateJwk: Jwk; publicJwk: Jwk }) => {
    const g = await disclose('given_name', 'Erika');
    const payload = await vcClaims({ _sd: [g.h] });
    if (iss === undefined) delete payload.iss;
    else payload.iss = iss;
    return craft({ header: { typ: 'dc+sd-jwt', ...header }, payload, disclosures: [g.d], key });
  };
  const keyBinding = { nonce: NONCE, audience: AUDIENCE };

  it('sd-jwt-vc-2.5-x5c-anchored (control)', async () => {
    const token = await presentation({ x5c: [std64(leaf.der)] }, undefined, leafKey);
    const result = await verifySdJwtVc(token, { issuerKey: issuerKeyResolverFor({ trustAnchors: [root] }), keyBinding }, ctx);
    expect(result.errors).toEqual([]);
    expect(result.issuer?.keyMethod).toBe('x5c');
    expect(result.issuer?.anchor?.sha256).toBe(root.sha256);
  });

  it('sd-jwt-vc-2.5-x5c-not-anchored', async () => {
    const token = await presentation({ x5c: [std64(leaf.der)] }, undefined, leafKey);
    const result = await verifySdJwtVc(token, { issuerKey: issuerKeyResolverFor({ trustAnchors: [otherRoot] }), keyBinding }, ctx);
    expect(result.errors.map((e) => e.code)).toEqual(['ERR_X509_CHAIN_UNANCHORED']);
    expect(result.valid).toBe(false);
  });

  it('sd-jwt-vc-2.5-x5c-signed-by-another-key', async () => {
    const k = await testKeys();
    const token = await presentation({ x5c: [std64(leaf.der)] }, undefined, k.issuer);
    const result = await verifySdJwtVc(token, { issuerKey: issuerKeyResolverFor({ trustAnchors: [root] }), keyBinding }, ctx);
    expect(result.errors.map((e) => e.code)).toEqual(['ERR_SDJWT_SIGNATURE_INVALID']);
  });

  const metadataCtx = () => createContext({ now: () => new Date(NOW * 1000), fetch: globalThis.fetch });
  const metadataPolicy = () => ({ issuerKey: issuerKeyResolverFor({ issuerMetadata: { allowLoopbackHttp: true } }), keyBinding });

  it('sd-jwt-vc-4.3-issuer-metadata (control)', async () => {
    const k = await testKeys();
    const iss = `${origin}/tenant/ok`;
    metadata.set('/.well-known/jwt-vc-issuer/tenant/ok', { issuer: iss, jwks: { keys: [{ ...k.issuer.publicJwk, kid: 'k1' }] } });
    const result = await verifySdJwtVc(await presentation({ kid: 'k1' }, iss, k.issuer), metadataPolicy(), metadataCtx());
    expect(result.errors).toEqual([]);
    expect(result.issuer?.keyMethod).toBe('jwt-vc-issuer-metadata');
  });

  it('sd-jwt-vc-4.3-issuer-metadata-issuer-not-iss', async () => {
    const k = await testKeys();
    const iss = `${origin}/tenant/a`;
    metadata.set('/.well-known/jwt-vc-issuer/tenant/a', { issuer: `${origin}/tenant/b`, jwks: { keys: [{ ...k.issuer.publicJwk, kid: 'k1' }] } });
    const result = await verifySdJwtVc(await presentation({ kid: 'k1' }, iss, k.issuer), metadataPolicy(), metadataCtx());
    expect(result.errors.map((e) => e.code)).toEqual(['ERR_SDJWT_ISSUER_METADATA_MISMATCH']);
  });

  it('sd-jwt-vc-4.3-no-jwks-key-for-kid', async () => {
    const k = await testKeys();
    const iss = `${origin}/tenant/c`;
    metadata.set('/.well-known/jwt-vc-issuer/tenant/c', { issuer: iss, jwks: { keys: [{ ...k.issuer.publicJwk, kid: 'k1' }] } });
    const result = await verifySdJwtVc(await presentation({ kid: 'k2' }, iss, k.issuer), metadataPolicy(), metadataCtx());
    expect(result.errors.map((e) => e.code)).toEqual(['ERR_SDJWT_ISSUER_KEY_UNRESOLVED']);
  });
});
