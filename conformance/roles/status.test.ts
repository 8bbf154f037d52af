/**
 * Revocation in the roles: an issuer revokes and suspends credentials in a signed Token
 * Status List served over real HTTP on loopback; the verifier role refuses revoked and
 * suspended SD-JWT VCs and mdocs, fails closed when the list cannot be had, and warns when
 * it was not asked to check.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '@comity/cli';
import { createContext, type Jwk, localSigner } from '@comity/core';
import { createWallet } from '@comity/holder';
import { createIssuer } from '@comity/issuer';
import { createTestDocumentSigner, createTestIaca } from '@comity/mdoc';
import { STATUS_INVALID, STATUS_SUSPENDED, StatusList, signStatusListCwt, signStatusListJwt } from '@comity/status-list';
import { createVerifier, type MdocPresentationResult, type StatusPolicy } from '@comity/verifier';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ctx = createContext({ fetch: globalThis.fetch });
const tokens = new Map<string, string | Uint8Array>();
let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const token = tokens.get(req.url ?? '');
    if (token === undefined) {
      res.statusCode = 404;
      res.end();
      return;
    }
    res.setHeader('content-type', typeof token === 'string' ? 'application/statuslist+jwt' : 'application/statuslist+cwt');
    res.end(token);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const codes = (r: { errors: readonly { code: string }[] }) => r.errors.map((e) => e.code);
const now = () => Math.floor(Date.now() / 1000);

/** The issuer's status list at `path` (a JWT, or a CWT only): index 1 revoked, index 2 suspended, the rest valid. */
async function publishList(path: string, signerJwk: Jwk, form: 'jwt' | 'cwt' = 'jwt'): Promise<string> {
  const list = new StatusList(16, 2);
  list.set(1, STATUS_INVALID);
  list.set(2, STATUS_SUSPENDED);
  const uri = `${base}${path}`;
  const claims = { list, uri, iat: now() - 10, exp: now() + 3600, ttl: 60, signer: localSigner(signerJwk, 'ES256', ctx.crypto) };
  tokens.set(path, form === 'jwt' ? await signStatusListJwt(claims) : await signStatusListCwt(claims));
  return uri;
}

describe('SD-JWT VC status in the verifier role', () => {
  let issuerKeys: { privateJwk: Jwk; publicJwk: Jwk };
  let walletKeys: { privateJwk: Jwk; publicJwk: Jwk };
  let uri: string;
  beforeAll(async () => {
    issuerKeys = await ctx.crypto.generateKeyPair('ES256');
    walletKeys = await ctx.crypto.generateKeyPair('ES256');
    uri = await publishList('/pid/1', issuerKeys.privateJwk);
  });

  const presentAt = async (status: Record<string, unknown> | undefined) => {
    const issuer = createIssuer({ signer: localSigner(issuerKeys.privateJwk, 'ES256', ctx.crypto), ctx });
    const { credential } = await issuer.issue({
      format: 'dc+sd-jwt',
      vct: 'urn:eudi:pid:1',
      claims: { age_over_18: true },
      holderKey: walletKeys.publicJwk,
      ...(status === undefined ? {} : { status }),
    });
    const wallet = createWallet({ keyBindingSigner: localSigner(walletKeys.privateJwk, 'ES256', ctx.crypto), ctx });
    const stored = await wallet.receive(credential);
    return wallet.present(stored.id, { verifier: 'https://rp.example', nonce: 'n-1', claims: [['age_over_18']] }, [['age_over_18']]);
  };
  const verify = (vp: string, status?: StatusPolicy) =>
    createVerifier({ issuerKeys: [issuerKeys.publicJwk], ctx, ...(status === undefined ? {} : { status }) }).verify(vp, {
      nonce: 'n-1',
      audience: 'https://rp.example',
    });
  const policy = (): StatusPolicy => ({ keys: [issuerKeys.publicJwk], allowLoopbackHttp: true });

  it('accepts a credential whose status is VALID', async () => {
    const result = await verify(await presentAt({ status_list: { idx: 0, uri } }), policy());
    expect(codes(result)).toEqual([]);
    expect(result.valid).toBe(true);
    expect(result.warnings).toEqual([]);
  });

  it('refuses a revoked and a suspended credential, withholding the claims', async () => {
    const revoked = await verify(await presentAt({ status_list: { idx: 1, uri } }), policy());
    expect(codes(revoked)).toEqual(['ERR_CREDENTIAL_REVOKED']);
    expect(revoked.claims).toEqual({});
    expect(codes(await verify(await presentAt({ status_list: { idx: 2, uri } }), policy()))).toEqual(['ERR_CREDENTIAL_SUSPENDED']);
  });

  it('fails closed when the list cannot be fetched or is signed by another key', async () => {
    const missing = await verify(await presentAt({ status_list: { idx: 0, uri: `${base}/nowhere` } }), policy());
    expect(missing.valid).toBe(false);
    expect(codes(missing)).toEqual(['ERR_STATUS_FETCH_FAILED']);
    const other = await ctx.crypto.generateKeyPair('ES256');
    const forged = await verify(await presentAt({ status_list: { idx: 1, uri } }), { keys: [other.publicJwk], allowLoopbackHttp: true });
    expect(forged.valid).toBe(false);
    expect(codes(forged)).toEqual(['ERR_STATUS_TOKEN_SIGNATURE_INVALID']);
  });

  it('warns, and fetches nothing, when status checking is not configured', async () => {
    const result = await verify(await presentAt({ status_list: { idx: 1, uri } }));
    expect(result.valid).toBe(true);
    expect(result.warnings.map((w) => w.code)).toEqual(['WARN_CREDENTIAL_STATUS_UNCHECKED']);
  });

  it('comity verify --status-key refuses a revoked credential (exit 1) and accepts a valid one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'comity-status-'));
    const write = (name: string, text: string) => {
      writeFileSync(join(dir, name), text);
      return join(dir, name);
    };
    const issuerKey = write('issuer.jwk', JSON.stringify(issuerKeys.publicJwk));
    const run = async (vp: string) => {
      const out: string[] = [];
      const args = ['verify', write('vp.txt', vp), '--json', '--issuer-key', issuerKey, '--nonce', 'n-1', '--aud', 'https://rp.example'];
      const code = await main(
        [...args, '--status-key', issuerKey, '--allow-loopback-http'],
        (l) => out.push(l),
        () => {},
      );
      return { code, result: JSON.parse(out.join('\n')) as { valid: boolean; errors: { code: string }[] } };
    };
    const revoked = await run(await presentAt({ status_list: { idx: 1, uri } }));
    expect(revoked.code).toBe(1);
    expect(codes(revoked.result)).toEqual(['ERR_CREDENTIAL_REVOKED']);
    const valid = await run(await presentAt({ status_list: { idx: 3, uri } }));
    expect(valid.code).toBe(0);
    expect(valid.result.valid).toBe(true);
    // Options that only shape status checking are usage errors without --status-key (exit 2).
    const vpFile = write('vp-plain.txt', await presentAt({ status_list: { idx: 3, uri } }));
    for (const flag of ['--status-required', '--allow-loopback-http']) {
      expect(
        await main(
          ['verify', vpFile, '--json', '--issuer-key', issuerKey, flag],
          () => {},
          () => {},
        ),
      ).toBe(2);
    }
  });

  it('a status policy that could never establish a status is refused when the verifier is created', () => {
    for (const status of [{ keys: [] }, { keys: [issuerKeys.publicJwk], mode: 'always' }, { keys: [issuerKeys.publicJwk], format: 'xml' }]) {
      expect(() => createVerifier({ issuerKeys: [issuerKeys.publicJwk], ctx, status: status as StatusPolicy })).toThrow(
        expect.objectContaining({ code: 'ERR_USAGE_STATUS_POLICY' }),
      );
    }
  });

  it("mode 'required' refuses a credential without a status reference", async () => {
    const vp = await presentAt(undefined);
    expect((await verify(vp, policy())).valid).toBe(true);
    expect(codes(await verify(vp, { ...policy(), mode: 'required' }))).toEqual(['ERR_CREDENTIAL_STATUS_MISSING']);
  });
});

describe('mdoc status in the verifier role', () => {
  it('refuses an mDL whose MSO status entry is revoked, accepts one that is valid', async () => {
    const iaca = await createTestIaca({ ctx, country: 'DE' });
    const ds = await createTestDocumentSigner({ ctx, iaca });
    const statusKeys = await ctx.crypto.generateKeyPair('ES256');
    const uri = await publishList('/mdl/1', statusKeys.privateJwk);
    const walletKeys = await ctx.crypto.generateKeyPair('ES256');
    const issuer = createIssuer({ signer: ds.signer, certificateChain: [ds.certificate], ctx });
    const handover = { type: 'openid4vp' as const, clientId: 'x509_san_dns:rp.example', nonce: 'n-2', responseUri: 'https://rp.example/response' };
    const presentAt = async (idx: number, listUri = uri) => {
      const { credential } = await issuer.issue({
        format: 'mso_mdoc',
        docType: 'org.iso.18013.5.1.mDL',
        nameSpaces: { 'org.iso.18013.5.1': { age_over_18: true } },
        holderKey: walletKeys.publicJwk,
        status: { status_list: { idx, uri: listUri } },
      });
      const wallet = createWallet({ keyBindingSigner: localSigner(walletKeys.privateJwk, 'ES256', ctx.crypto), ctx });
      const stored = await wallet.receive(credential);
      return wallet.present(stored.id, { verifier: 'x509_san_dns:rp.example', nonce: 'n-2', handover, claims: [['org.iso.18013.5.1', 'age_over_18']] }, [
        ['org.iso.18013.5.1', 'age_over_18'],
      ]);
    };
    const verifier = createVerifier({ trustAnchors: [iaca.certificate], ctx, status: { keys: [statusKeys.publicJwk], allowLoopbackHttp: true } });
    const valid = await verifier.verify(await presentAt(0), { handover });
    expect(codes(valid)).toEqual([]);
    expect(valid.valid).toBe(true);
    const revoked = (await verifier.verify(await presentAt(1), { handover })) as unknown as MdocPresentationResult;
    expect(codes(revoked)).toEqual(['ERR_CREDENTIAL_REVOKED']);
    expect(revoked.claims).toEqual({});
    // Withheld everywhere: the merged claims, the device claims and each document's.
    expect(revoked.deviceClaims).toEqual({});
    expect(revoked.documents.map((d) => [d.valid, d.claims])).toEqual([[false, {}]]);

    // A list published only as a CWT (as mdoc issuers may): read by default, refused when only JWT is accepted.
    const cwtUri = await publishList('/mdl/cwt', statusKeys.privateJwk, 'cwt');
    const presentCwt = (idx: number) => presentAt(idx, cwtUri);
    expect(codes(await verifier.verify(await presentCwt(0), { handover }))).toEqual([]);
    expect(codes(await verifier.verify(await presentCwt(2), { handover }))).toEqual(['ERR_CREDENTIAL_SUSPENDED']);
    const jwtOnly = createVerifier({ trustAnchors: [iaca.certificate], ctx, status: { keys: [statusKeys.publicJwk], allowLoopbackHttp: true, format: 'jwt' } });
    expect(codes(await jwtOnly.verify(await presentCwt(0), { handover }))).toEqual(['ERR_STATUS_TOKEN_MALFORMED']);
  });
});
