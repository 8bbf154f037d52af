import { createHash } from 'node:crypto';
import { type Certificate, createCertificate, createContext, type Jwk, KeyUsage, localSigner, utf8Encode } from '@comity/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueSdJwtVc, presentSdJwt, verifySdJwtVc } from '../src/index.js';
import { issuerKeyResolverFor } from '../src/issuer-key/index.js';
import { typeMetadataCheck } from '../src/type-metadata/index.js';
import { b64, type LoopbackServer, startLoopbackServer, subjectAltNames } from './fixtures/issuer-key/harness.js';

// End to end with the package's issue/present/verify: an x5c-signed SD-JWT VC whose Type
// Metadata is served over loopback HTTP and pinned by vct#integrity.
const ctx = createContext({ fetch: globalThis.fetch });
let server: LoopbackServer;
let root: Certificate;
let leaf: Certificate;
let issuerKey: Jwk;
let holder: { privateJwk: Jwk; publicJwk: Jwk };
let vct: string;
let integrity: string;

const metadata = (id: string) => ({
  vct: id,
  name: 'Test PID',
  claims: [
    { path: ['given_name'], sd: 'always', mandatory: true },
    { path: ['family_name'], sd: 'always', mandatory: true },
    { path: ['issuing_country'], sd: 'never', mandatory: true },
  ],
});

beforeAll(async () => {
  server = await startLoopbackServer();
  const [rootKey, leafKey] = await Promise.all([ctx.crypto.generateKeyPair('ES256'), ctx.crypto.generateKeyPair('ES256')]);
  holder = await ctx.crypto.generateKeyPair('ES256');
  const now = Date.now();
  const notBefore = new Date(now - 86_400_000);
  const notAfter = new Date(now + 86_400_000);
  root = await createCertificate({
    subject: 'C=AT, CN=Root',
    publicJwk: rootKey.publicJwk,
    signingKey: rootKey.privateJwk,
    notBefore,
    notAfter,
    ca: true,
    keyUsage: KeyUsage.keyCertSign,
  });
  leaf = await createCertificate({
    subject: 'C=AT, CN=PID Issuer',
    publicJwk: leafKey.publicJwk,
    issuer: root,
    signingKey: rootKey.privateJwk,
    notBefore,
    notAfter,
    keyUsage: KeyUsage.digitalSignature,
    extensions: [{ oid: '2.5.29.17', critical: false, value: subjectAltNames({ dns: ['pid.example'] }) }],
  });
  issuerKey = leafKey.privateJwk;
  vct = `${server.origin}/types/pid/v1`;
  const body = utf8Encode(JSON.stringify(metadata(vct)));
  server.routes.set('/types/pid/v1', { body });
  integrity = `sha256-${createHash('sha256').update(body).digest('base64')}`;
});
afterAll(() => server.close());

async function credential(disclosable: (string | number | null)[][], vctIntegrity = integrity, disclose: string[][] = [['given_name']]): Promise<string> {
  const issued = await issueSdJwtVc(
    {
      vct,
      vctIntegrity,
      issuer: 'https://pid.example',
      holderKey: holder.publicJwk,
      claims: { given_name: 'Erika', family_name: 'Mustermann', issuing_country: 'AT' },
      disclosable,
      header: { x5c: [b64(leaf.der)] },
      signer: localSigner(issuerKey, 'ES256', ctx.crypto),
    },
    ctx,
  );
  return presentSdJwt(
    issued,
    { disclose, keyBinding: { signer: localSigner(holder.privateJwk, 'ES256', ctx.crypto), audience: 'https://rp.example', nonce: 'n' } },
    ctx,
  );
}

describe('typeMetadataCheck in verifySdJwtVc', () => {
  const policy = () => ({
    issuerKey: issuerKeyResolverFor({ trustAnchors: [root] }),
    keyBinding: { nonce: 'n', audience: 'https://rp.example' },
    typeMetadata: typeMetadataCheck({ ctx, fetch: { allowLoopbackHttp: true } }),
  });

  it('accepts a presentation that hides a mandatory always-SD claim, and caches metadata pinned by integrity', async () => {
    const p = policy();
    const vp = await credential([['given_name'], ['family_name']]);
    const first = await verifySdJwtVc(vp, p, ctx);
    expect(first.errors).toEqual([]);
    expect(first.issuer).toMatchObject({ keyMethod: 'x5c', id: 'https://pid.example', country: 'AT' });
    const before = server.requests.length;
    expect((await verifySdJwtVc(vp, p, ctx)).valid).toBe(true);
    expect(server.requests.length).toBe(before);
  });

  it('reports sd rule violations of the issuer as verification errors', async () => {
    // issuing_country (sd: never) was made disclosable: disclosed, it violates sd; withheld, a mandatory never-SD claim is missing.
    const disclosed = await verifySdJwtVc(
      await credential([['given_name'], ['issuing_country']], integrity, [['given_name'], ['issuing_country']]),
      policy(),
      ctx,
    );
    expect(disclosed.valid).toBe(false);
    expect(disclosed.errors.map((e) => [e.code, e.path])).toEqual([
      ['ERR_SDJWT_VCT_SD_ALWAYS_VIOLATED', ['family_name']],
      ['ERR_SDJWT_VCT_SD_NEVER_VIOLATED', ['issuing_country']],
    ]);
    const withheld = await verifySdJwtVc(await credential([['given_name'], ['issuing_country']]), policy(), ctx);
    expect(withheld.errors.map((e) => [e.code, e.path])).toEqual([
      ['ERR_SDJWT_VCT_SD_ALWAYS_VIOLATED', ['family_name']],
      ['ERR_SDJWT_VCT_MANDATORY_MISSING', ['issuing_country']],
    ]);
  });

  it('rejects a credential whose vct#integrity does not match the served metadata', async () => {
    const vp = await credential([['given_name'], ['family_name']], `sha256-${createHash('sha256').update('other').digest('base64')}`);
    const result = await verifySdJwtVc(vp, policy(), ctx);
    expect(result.errors.map((e) => e.code)).toEqual(['ERR_SDJWT_VCT_INTEGRITY_MISMATCH']);
  });
});
