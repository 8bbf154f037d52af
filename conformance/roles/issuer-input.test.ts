/**
 * The issuer role given requests its calling service got wrong (data that partly comes from
 * other systems): a ComityUsageError with a stable code before anything is signed, never a
 * plain TypeError and never a credential that is silently wrong. Valid requests still issue,
 * and the wallet and verifier accept them.
 */
import { type Certificate, ComityError, ComityUsageError, createContext, type Jwk, localSigner } from '@comity/core';
import { createWallet } from '@comity/holder';
import { createIssuer } from '@comity/issuer';
import { createTestDocumentSigner, createTestIaca, inspectMdoc } from '@comity/mdoc';
import { decodeSdJwt } from '@comity/sd-jwt-vc';
import { createVerifier } from '@comity/verifier';
import { describe, expect, it } from 'vitest';
import { issuerPki } from './helpers.js';

const ctx = createContext();
const _day = 86_400_000;
const REQUEST = 'usage:ERR_USAGE_CREDENTIAL_REQUEST';
const CONFLICT = 'usage:ERR_USAGE_CLAIM_CONFLICT';
const SD_PATH = 'usage:ERR_USAGE_SD_PATH';

// One issuer of each kind for the whole file; created once, lazily.
const setup = (async () => {
  const issuerKeys = await ctx.crypto.generateKeyPair('ES256');
  const wallet = await ctx.crypto.generateKeyPair('ES256');
  const iaca = await createTestIaca({ ctx, country: 'DE' });
  const ds = await createTestDocumentSigner({ ctx, iaca });
  return {
    wallet,
    // No issuerId: `iss` in claims is then refused because the role owns it, not because it is set twice.
    sdJwt: createIssuer({ signer: localSigner(issuerKeys.privateJwk, 'ES256', ctx.crypto), ctx }),
    mdoc: createIssuer({ signer: ds.signer, certificateChain: [ds.certificate], ctx }),
  };
})();

async function outcome(run: () => unknown): Promise<string> {
  try {
    await run();
    return 'accepted';
  } catch (e) {
    if (e instanceof ComityUsageError) return `usage:${e.code}`;
    if (e instanceof ComityError) return `error:${e.code}`;
    return `other:${e instanceof Error ? e.name : typeof e}`;
  }
}

const uri = 'https://pid.example.de/status/1';
const sha256 = `sha256-${Buffer.alloc(32, 7).toString('base64')}`;
const now = () => Math.floor(Date.now() / 1000);

type Row = readonly [name: string, request: (holderKey: Jwk) => Record<string, unknown>, expected: string];
const sd = (holderKey: Jwk, extra: Record<string, unknown> = {}) => ({
  format: 'dc+sd-jwt',
  vct: 'urn:eudi:pid:1',
  claims: { given_name: 'Erika' },
  holderKey,
  ...extra,
});

const SD_JWT_ROWS: readonly Row[] = [
  // 1. vct
  ['vct missing', (k) => sd(k, { vct: undefined }), REQUEST],
  ['vct empty', (k) => sd(k, { vct: '' }), REQUEST],
  ['vct a number', (k) => sd(k, { vct: 42 }), REQUEST],
  // 2. holderKey
  ['holderKey missing', (k) => sd(k, { holderKey: undefined }), REQUEST],
  ['holderKey null', (k) => sd(k, { holderKey: null }), REQUEST],
  ['holderKey without kty', (k) => sd(k, { holderKey: { crv: k.crv, x: k.x, y: k.y } }), REQUEST],
  ['holderKey an EC key without coordinates', (k) => sd(k, { holderKey: { kty: 'EC', crv: 'P-256' } }), REQUEST],
  ['holderKey a private JWK', (k) => sd(k, { holderKey: { ...k, d: k.x } }), REQUEST],
  // 3. validity
  ['validity null', (k) => sd(k, { validity: null }), REQUEST],
  ['validity a number', (k) => sd(k, { validity: 3600 }), REQUEST],
  ['expiresInSeconds NaN', (k) => sd(k, { validity: { expiresInSeconds: Number.NaN } }), REQUEST],
  ['expiresInSeconds Infinity', (k) => sd(k, { validity: { expiresInSeconds: Number.POSITIVE_INFINITY } }), REQUEST],
  ['expiresInSeconds negative', (k) => sd(k, { validity: { expiresInSeconds: -60 } }), REQUEST],
  ['expiresInSeconds zero', (k) => sd(k, { validity: { expiresInSeconds: 0 } }), REQUEST],
  ['expiresInSeconds fractional', (k) => sd(k, { validity: { expiresInSeconds: 1.5 } }), REQUEST],
  ['expiresInSeconds a string', (k) => sd(k, { validity: { expiresInSeconds: '3600' } }), REQUEST],
  ['expiresInSeconds past the year 9999', (k) => sd(k, { validity: { expiresInSeconds: 300_000_000_000 } }), REQUEST],
  ['notBefore NaN', (k) => sd(k, { validity: { notBefore: Number.NaN } }), REQUEST],
  ['notBefore fractional', (k) => sd(k, { validity: { notBefore: now() + 0.5 } }), REQUEST],
  ['notBefore a string', (k) => sd(k, { validity: { notBefore: String(now()) } }), REQUEST],
  // 4. the same validity rule as mdoc's validFrom < validUntil
  ['notBefore at the expiry', (k) => sd(k, { validity: { expiresInSeconds: 60, notBefore: now() + 60 } }), REQUEST],
  ['notBefore after the expiry', (k) => sd(k, { validity: { expiresInSeconds: 60, notBefore: now() + 3600 } }), REQUEST],
  // 5. registered claims belong to the role, whatever `disclosable` says
  ['iat in claims', (k) => sd(k, { claims: { given_name: 'Erika', iat: 0 } }), CONFLICT],
  ['iss in claims', (k) => sd(k, { claims: { given_name: 'Erika', iss: 'https://other.example' }, disclosable: [] }), CONFLICT],
  ['nbf in claims', (k) => sd(k, { claims: { given_name: 'Erika', nbf: 'soon' }, disclosable: [] }), CONFLICT],
  ['status in claims', (k) => sd(k, { claims: { given_name: 'Erika', status: { status_list: { idx: 1, uri } } }, disclosable: [] }), CONFLICT],
  ['vct#integrity in claims', (k) => sd(k, { claims: { given_name: 'Erika', 'vct#integrity': sha256 }, disclosable: [] }), CONFLICT],
  ['vct in claims, default disclosable', (k) => sd(k, { claims: { vct: 'urn:other' } }), CONFLICT],
  ['cnf in claims, default disclosable', (k) => sd(k, { claims: { cnf: { jwk: k } } }), CONFLICT],
  // claims that JSON would silently change
  ['claims a Map', (k) => sd(k, { claims: new Map([['given_name', 'Erika']]) }), REQUEST],
  ['a NaN claim', (k) => sd(k, { claims: { age_in_years: Number.NaN } }), REQUEST],
  ['an undefined claim', (k) => sd(k, { claims: { given_name: 'Erika', middle_name: undefined } }), REQUEST],
  ['a nested function claim', (k) => sd(k, { claims: { address: { format: () => 'x' } } }), REQUEST],
  ['a BigInt claim', (k) => sd(k, { claims: { document_number: 10n } }), REQUEST],
  ['a Date claim', (k) => sd(k, { claims: { issuance_date: new Date(0) } }), REQUEST],
  ['claims nested deeper than 32', (k) => sd(k, { claims: { deep: JSON.parse(`${'['.repeat(40)}${']'.repeat(40)}`) } }), REQUEST],
  // 7. disclosable
  ['disclosable null', (k) => sd(k, { disclosable: null }), REQUEST],
  ['disclosable a string', (k) => sd(k, { disclosable: 'given_name' }), REQUEST],
  ['disclosable a number', (k) => sd(k, { disclosable: 1 }), REQUEST],
  ['a null disclosable path', (k) => sd(k, { disclosable: [null] }), SD_PATH],
  ['a null among disclosable paths', (k) => sd(k, { disclosable: [['given_name'], null] }), SD_PATH],
  // 8. decoys
  ['decoys negative', (k) => sd(k, { decoys: -1 }), REQUEST],
  ['decoys NaN', (k) => sd(k, { decoys: Number.NaN }), REQUEST],
  ['decoys fractional', (k) => sd(k, { decoys: 1.5 }), REQUEST],
  ['decoys a string', (k) => sd(k, { decoys: '2' }), REQUEST],
  ['decoys above the bound', (k) => sd(k, { decoys: 1001 }), REQUEST],
  ['decoys a per-path list', (k) => sd(k, { decoys: [{ path: [], count: 1 }] }), REQUEST],
  // 9. vctIntegrity and status
  ['vctIntegrity not SRI', (k) => sd(k, { vctIntegrity: 'not-an-integrity' }), REQUEST],
  ['vctIntegrity empty', (k) => sd(k, { vctIntegrity: '' }), REQUEST],
  ['vctIntegrity an unsupported algorithm', (k) => sd(k, { vctIntegrity: `md5-${Buffer.alloc(16).toString('base64')}` }), REQUEST],
  ['vctIntegrity a hex digest', (k) => sd(k, { vctIntegrity: `sha256-${'ab'.repeat(32)}` }), REQUEST],
  ['vctIntegrity base64url', (k) => sd(k, { vctIntegrity: `sha256-${Buffer.alloc(32, 0xfb).toString('base64url')}` }), REQUEST],
  ['vctIntegrity a number', (k) => sd(k, { vctIntegrity: 1 }), REQUEST],
  ['status null', (k) => sd(k, { status: null }), REQUEST],
  ['status a string', (k) => sd(k, { status: uri }), REQUEST],
  ['status without status_list', (k) => sd(k, { status: { idx: 1, uri } }), REQUEST],
  ['status_list idx negative', (k) => sd(k, { status: { status_list: { idx: -1, uri } } }), REQUEST],
  ['status_list idx fractional', (k) => sd(k, { status: { status_list: { idx: 1.5, uri } } }), REQUEST],
  ['status_list idx a string', (k) => sd(k, { status: { status_list: { idx: '1', uri } } }), REQUEST],
  ['status_list uri missing', (k) => sd(k, { status: { status_list: { idx: 1 } } }), REQUEST],
  ['status_list uri not a URI', (k) => sd(k, { status: { status_list: { idx: 1, uri: 'status list 1' } } }), REQUEST],
];

const md = (holderKey: Jwk, extra: Record<string, unknown> = {}) => ({
  format: 'mso_mdoc',
  docType: 'org.iso.18013.5.1.mDL',
  nameSpaces: { 'org.iso.18013.5.1': { family_name: 'Mustermann' } },
  holderKey,
  ...extra,
});

const MDOC_ROWS: readonly Row[] = [
  // 6. nameSpaces
  ['nameSpaces null', (k) => md(k, { nameSpaces: null }), REQUEST],
  ['nameSpaces a string', (k) => md(k, { nameSpaces: 'org.iso.18013.5.1' }), REQUEST],
  ['nameSpaces an array', (k) => md(k, { nameSpaces: [{ family_name: 'Mustermann' }] }), REQUEST],
  ['nameSpaces a Map', (k) => md(k, { nameSpaces: new Map([['org.iso.18013.5.1', { family_name: 'Mustermann' }]]) }), REQUEST],
  ['nameSpaces empty', (k) => md(k, { nameSpaces: {} }), REQUEST],
  ['a namespace null', (k) => md(k, { nameSpaces: { 'org.iso.18013.5.1': null } }), REQUEST],
  ['a namespace a string', (k) => md(k, { nameSpaces: { 'org.iso.18013.5.1': 'Mustermann' } }), REQUEST],
  ['a namespace an array', (k) => md(k, { nameSpaces: { 'org.iso.18013.5.1': ['Mustermann'] } }), REQUEST],
  ['a namespace empty', (k) => md(k, { nameSpaces: { 'org.iso.18013.5.1': {} } }), REQUEST],
  // 2. holderKey: the same code as for SD-JWT VCs
  ['holderKey a private JWK', (k) => md(k, { holderKey: { ...k, d: k.x } }), REQUEST],
  ['holderKey missing', (k) => md(k, { holderKey: undefined }), REQUEST],
  // 3. and 4. validity: the same checks and code as for SD-JWT VCs
  ['expiresInSeconds NaN', (k) => md(k, { validity: { expiresInSeconds: Number.NaN } }), REQUEST],
  ['expiresInSeconds negative', (k) => md(k, { validity: { expiresInSeconds: -60 } }), REQUEST],
  ['expiresInSeconds fractional', (k) => md(k, { validity: { expiresInSeconds: 1.5 } }), REQUEST],
  ['notBefore after the expiry', (k) => md(k, { validity: { expiresInSeconds: 60, notBefore: now() + 3600 } }), REQUEST],
  ['notBefore before now (ISO 18013-5: signed <= validFrom)', (k) => md(k, { validity: { notBefore: now() - 3600 } }), REQUEST],
  ['validity null', (k) => md(k, { validity: null }), REQUEST],
  // 9. status: the same shape as for SD-JWT VCs
  ['status_list idx negative', (k) => md(k, { status: { status_list: { idx: -1, uri } } }), REQUEST],
  ['status without status_list', (k) => md(k, { status: { idx: 1, uri } }), REQUEST],
  // keyAuthorizations
  ['keyAuthorizations nameSpaces a string', (k) => md(k, { keyAuthorizations: { nameSpaces: 'org.iso.18013.5.1' } }), REQUEST],
  ['keyAuthorizations dataElements of a number', (k) => md(k, { keyAuthorizations: { dataElements: { 'org.iso.18013.5.1': 1 } } }), REQUEST],
  ['digestAlgorithm an Object.prototype member', (k) => md(k, { digestAlgorithm: 'constructor' }), 'usage:ERR_USAGE_MDOC_ISSUE'],
];

describe('issuer.issue with requests the caller got wrong', () => {
  it.each(SD_JWT_ROWS)('dc+sd-jwt, %s: refused with its code', async (_name, request, expected) => {
    const { sdJwt, wallet } = await setup;
    expect(await outcome(() => sdJwt.issue(request(wallet.publicJwk) as never))).toBe(expected);
  });
  it.each(MDOC_ROWS)('mso_mdoc, %s: refused with its code', async (_name, request, expected) => {
    const { mdoc, wallet } = await setup;
    expect(await outcome(() => mdoc.issue(request(wallet.publicJwk) as never))).toBe(expected);
  });
});

describe('createIssuer with options the caller got wrong', () => {
  it.each([
    ['a null certificate', { certificateChain: [null] }, 'usage:ERR_USAGE_CERTIFICATE_CHAIN'],
    ['a certificate without DER', { certificateChain: [{ subject: 'CN=x' }] }, 'usage:ERR_USAGE_CERTIFICATE_CHAIN'],
    ['certificateChain not an array', { certificateChain: 'MIIB' }, 'usage:ERR_USAGE_CERTIFICATE_CHAIN'],
    ['kid a number', { kid: 7 }, 'usage:ERR_USAGE_ISSUER_OPTIONS'],
    ['kid empty', { kid: '' }, 'usage:ERR_USAGE_ISSUER_OPTIONS'],
    ['issuerId a number', { issuerId: 1 }, 'usage:ERR_USAGE_ISSUER_OPTIONS'],
    ['no signer', { signer: undefined }, 'usage:ERR_USAGE_SIGNER'],
  ] as const)('%s: refused when the issuer is created', async (_name, options, expected) => {
    const keys = await ctx.crypto.generateKeyPair('ES256');
    const signer = localSigner(keys.privateJwk, 'ES256', ctx.crypto);
    expect(await outcome(() => createIssuer({ signer, ctx, ...options } as never))).toBe(expected);
  });
});

describe('valid requests still issue', () => {
  it('an SD-JWT VC with kid and x5c keeps both in its header, and the wallet and verifier accept it', async () => {
    const { root, leaf, leafKeys } = await issuerPki();
    const walletKeys = await ctx.crypto.generateKeyPair('ES256');
    const issuer = createIssuer({ signer: localSigner(leafKeys.privateJwk, 'ES256', ctx.crypto), kid: 'pid-2026', certificateChain: [leaf], ctx });
    const { credential } = await issuer.issue({
      format: 'dc+sd-jwt',
      vct: 'urn:eudi:pid:1',
      claims: { given_name: 'Erika', age_over_18: true, nationalities: ['DE'] },
      disclosable: [['given_name'], ['age_over_18'], ['nationalities', null]],
      holderKey: walletKeys.publicJwk,
      validity: { expiresInSeconds: 3600, notBefore: now() },
      status: { status_list: { idx: 0, uri } },
      vctIntegrity: `${sha256} sha384-${Buffer.alloc(48, 1).toString('base64')}`,
      decoys: 2,
    });
    const { header, payload } = await decodeSdJwt(credential, ctx);
    expect(header).toMatchObject({ alg: 'ES256', kid: 'pid-2026', x5c: [Buffer.from(leaf.der).toString('base64')], typ: 'dc+sd-jwt' });
    expect((payload.exp as number) - (payload.iat as number)).toBe(3600);
    expect((payload._sd as unknown[]).length).toBe(4); // two disclosures and two decoys
    const wallet = createWallet({ keyBindingSigner: localSigner(walletKeys.privateJwk, 'ES256', ctx.crypto), ctx });
    const stored = await wallet.receive(credential);
    expect(stored.issuerSignature).toBe('verified');
    const vp = await wallet.present(stored.id, { verifier: 'https://rp.example', nonce: 'n-1', claims: [['age_over_18']] }, [['age_over_18']]);
    const result = await createVerifier({ trustAnchors: [root], ctx }).verify(vp, { nonce: 'n-1', audience: 'https://rp.example' });
    expect(result.errors).toEqual([]);
    expect(result.claims).toMatchObject({ age_over_18: true });
  });

  it('one validity gives the same instants in both formats: exp = validUntil, nbf = validFrom', async () => {
    const fixed = new Date('2026-11-26T10:00:00.750Z');
    const clock = createContext({ now: () => fixed });
    const { wallet } = await setup;
    const iaca = await createTestIaca({ ctx: clock, country: 'DE' });
    const ds = await createTestDocumentSigner({ ctx: clock, iaca });
    const issuer = createIssuer({ signer: ds.signer, certificateChain: [ds.certificate as Certificate], kid: 'ds-1', ctx: clock });
    const validity = { expiresInSeconds: 7200, notBefore: Math.floor(fixed.getTime() / 1000) + 60 };
    const sdJwt = await issuer.issue({ format: 'dc+sd-jwt', vct: 'urn:eudi:pid:1', claims: { age_over_18: true }, holderKey: wallet.publicJwk, validity });
    const mdoc = await issuer.issue({ ...md(wallet.publicJwk), validity, status: { status_list: { idx: 3, uri } } } as never);
    const { header, payload } = await decodeSdJwt(sdJwt.credential, clock);
    expect(header.kid).toBe('ds-1');
    const view = inspectMdoc(Buffer.from(mdoc.credential, 'base64url')) as { mso: { validityInfo: Record<string, unknown>; status: unknown } };
    const seconds = (tdate: unknown) => Date.parse(String(tdate)) / 1000;
    expect(seconds(view.mso.validityInfo.signed)).toBe(payload.iat);
    expect(seconds(view.mso.validityInfo.validFrom)).toBe(payload.nbf);
    expect(seconds(view.mso.validityInfo.validUntil)).toBe(payload.exp);
    expect(view.mso.status).toEqual({ status_list: { idx: 3, uri } });
  });
});
