/**
 * The issuer role against hostile requests, careless integrators and broken signers: what is
 * checked is what is signed (requests and options are copied before anything is awaited), a
 * signer failure is a ComityError with a stable code (never an unverifiable credential), and
 * every credential these tests issue is checked with the real verifiers.
 */
import { ComityError, ComityUsageError, createContext, type Jwk, localSigner, type Signer } from '@comity/core';
import { createIssuer } from '@comity/issuer';
import { createTestDocumentSigner, createTestIaca, FullDate, inspectMdoc, verifyIssuerSigned } from '@comity/mdoc';
import { decodeSdJwt, pinnedIssuerKeys, verifySdJwtVc } from '@comity/sd-jwt-vc';
import { describe, expect, it } from 'vitest';

const ctx = createContext();
const NS = 'org.iso.18013.5.1';
const STATUS_URI = 'https://pid.example.de/status/1';

const setup = (async () => {
  const issuerKeys = await ctx.crypto.generateKeyPair('ES256');
  const wallet = await ctx.crypto.generateKeyPair('ES256');
  const iaca = await createTestIaca({ ctx, country: 'DE' });
  const ds = await createTestDocumentSigner({ ctx, iaca });
  return { issuerKeys, wallet, iaca, ds, local: localSigner(issuerKeys.privateJwk, 'ES256', ctx.crypto) };
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

async function verifySd(credential: string) {
  const { issuerKeys } = await setup;
  const result = await verifySdJwtVc(credential, { issuerKey: pinnedIssuerKeys([issuerKeys.publicJwk]), keyBinding: { required: false } }, ctx);
  expect(result.errors).toEqual([]);
  expect(result.valid).toBe(true);
  return result;
}

async function verifyMdoc(credential: string) {
  const { iaca } = await setup;
  const result = await verifyIssuerSigned(Buffer.from(credential, 'base64url'), { trustAnchors: [iaca.certificate], ctx });
  expect(result.errors).toEqual([]);
  expect(result.valid).toBe(true);
  return result;
}

const sdRequest = (holderKey: Jwk, extra: Record<string, unknown> = {}) =>
  ({ format: 'dc+sd-jwt', vct: 'urn:eudi:pid:1', claims: { given_name: 'Erika' }, holderKey, ...extra }) as const;
const mdocRequest = (holderKey: Jwk, extra: Record<string, unknown> = {}) =>
  ({ format: 'mso_mdoc', docType: 'org.iso.18013.5.1.mDL', nameSpaces: { [NS]: { family_name: 'Papadopoulou' } }, holderKey, ...extra }) as const;

describe('the signer is checked and captured at createIssuer', () => {
  it('signer-alg-unsupported: an alg comity cannot name (none, HS256, es256) is ERR_USAGE_SIGNER, not an unverifiable credential', async () => {
    const { local } = await setup;
    for (const alg of ['none', 'HS256', 'es256']) {
      expect(await outcome(() => createIssuer({ signer: { alg, sign: local.sign } as unknown as Signer, ctx }))).toBe('usage:ERR_USAGE_SIGNER');
    }
  });

  it('signer-captured: changing signer.alg and signer.sign after createIssuer changes no credential', async () => {
    const { local, wallet, issuerKeys } = await setup;
    const other = localSigner((await ctx.crypto.generateKeyPair('ES384')).privateJwk, 'ES384', ctx.crypto);
    const signer = { alg: local.alg, sign: local.sign } as { alg: string; sign: Signer['sign'] };
    const issuer = createIssuer({ signer: signer as Signer, ctx });
    signer.alg = 'ES384';
    signer.sign = other.sign;
    const { credential } = await issuer.issue(sdRequest(wallet.publicJwk));
    const result = await verifySd(credential);
    expect(result.header?.alg).toBe('ES256');
    expect(issuerKeys.publicJwk.crv).toBe('P-256');
  });
});

describe('a signer failure is a ComityError with a stable code', () => {
  const failing: readonly [string, () => Signer['sign'], unknown][] = [
    ['rejects with a string', () => () => Promise.reject('hsm down'), 'hsm down'],
    [
      'throws undefined synchronously',
      () => () => {
        throw undefined;
      },
      undefined,
    ],
    ['rejects with an Error', () => () => Promise.reject(new RangeError('kms quota')), RangeError],
  ];
  for (const [name, sign, cause] of failing) {
    it(`signer-failed: a signer that ${name} is ERR_ISSUER_SIGNER_FAILED with the value as cause, in both formats`, async () => {
      const { wallet, ds } = await setup;
      for (const [issuer, request] of [
        [createIssuer({ signer: { alg: 'ES256', sign: sign() }, ctx }), sdRequest(wallet.publicJwk)],
        [createIssuer({ signer: { alg: 'ES256', sign: sign() }, certificateChain: [ds.certificate], ctx }), mdocRequest(wallet.publicJwk)],
      ] as const) {
        const error = await issuer.issue(request).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(ComityError);
        expect(error).not.toBeInstanceOf(ComityUsageError);
        expect((error as ComityError).code).toBe('ERR_ISSUER_SIGNER_FAILED');
        if (typeof cause === 'function') expect((error as Error).cause).toBeInstanceOf(cause);
        else expect((error as Error).cause).toBe(cause);
        expect((error as Error).message).not.toContain('hsm down');
      }
    });
  }

  it('signature-malformed: a DER signature, one of another alg, a string, an array or nothing is ERR_ISSUER_SIGNATURE_MALFORMED', async () => {
    const { wallet, ds, local } = await setup;
    const answers: readonly [string, Signer['sign']][] = [
      ['70 bytes (DER ECDSA)', async () => new Uint8Array(70)],
      ['96 bytes (ES384) for ES256', async () => new Uint8Array(96)],
      ['a string', async () => 'c2lnbmF0dXJl' as unknown as Uint8Array],
      ['an array of numbers', async () => Array.from(new Uint8Array(64)) as unknown as Uint8Array],
      ['undefined', async () => undefined as unknown as Uint8Array],
      ['an ArrayBuffer', async (d) => (await local.sign(d)).buffer as unknown as Uint8Array],
    ];
    for (const [name, sign] of answers) {
      const sd = await outcome(() => createIssuer({ signer: { alg: 'ES256', sign }, ctx }).issue(sdRequest(wallet.publicJwk)));
      const mdoc = await outcome(() =>
        createIssuer({ signer: { alg: 'ES256', sign }, certificateChain: [ds.certificate], ctx }).issue(mdocRequest(wallet.publicJwk)),
      );
      expect({ name, sd, mdoc }).toEqual({ name, sd: 'error:ERR_ISSUER_SIGNATURE_MALFORMED', mdoc: 'error:ERR_ISSUER_SIGNATURE_MALFORMED' });
    }
    // A signer that reports ES384 but signs ES256 (64 bytes).
    expect(await outcome(() => createIssuer({ signer: { alg: 'ES384', sign: local.sign }, ctx }).issue(sdRequest(wallet.publicJwk)))).toBe(
      'error:ERR_ISSUER_SIGNATURE_MALFORMED',
    );
  });

  it('signer-timeout: a signer that never answers is ERR_ISSUER_SIGNER_TIMEOUT after signerTimeoutMs', async () => {
    const { wallet } = await setup;
    const issuer = createIssuer({ signer: { alg: 'ES256', sign: () => new Promise<Uint8Array>(() => {}) }, signerTimeoutMs: 30, ctx });
    expect(await outcome(() => issuer.issue(sdRequest(wallet.publicJwk)))).toBe('error:ERR_ISSUER_SIGNER_TIMEOUT');
    for (const signerTimeoutMs of [0, -1, 1.5, Number.NaN, '100', 2 ** 31]) {
      expect(await outcome(() => createIssuer({ signer: { alg: 'ES256', sign: async () => new Uint8Array(64) }, signerTimeoutMs, ctx } as never))).toBe(
        'usage:ERR_USAGE_ISSUER_OPTIONS',
      );
    }
  });

  it('a signer that is slower than the default but within signerTimeoutMs still issues a credential that verifies', async () => {
    const { wallet, local } = await setup;
    const slow: Signer = { alg: 'ES256', sign: (d) => new Promise((r) => setTimeout(() => r(local.sign(d)), 20)) };
    const { credential } = await createIssuer({ signer: slow, signerTimeoutMs: 5_000, ctx }).issue(sdRequest(wallet.publicJwk));
    await verifySd(credential);
  });
});

describe('options are captured at createIssuer', () => {
  it('certificate-chain-captured: replacing or overwriting the document signer DER after createIssuer changes no mdoc', async () => {
    const { wallet, ds } = await setup;
    const replaced = { ...ds.certificate, der: ds.certificate.der.slice() };
    const overwritten = { ...ds.certificate, der: ds.certificate.der.slice() };
    const first = createIssuer({ signer: ds.signer, certificateChain: [replaced], ctx });
    const second = createIssuer({ signer: ds.signer, certificateChain: [overwritten], ctx });
    (replaced as { der: Uint8Array }).der = new Uint8Array(0);
    overwritten.der.fill(0);
    await verifyMdoc((await first.issue(mdocRequest(wallet.publicJwk))).credential);
    await verifyMdoc((await second.issue(mdocRequest(wallet.publicJwk))).credential);
  });

  it('ctx-checked: a ctx that is not a context is ERR_USAGE_ISSUER_OPTIONS at createIssuer, not a TypeError at issue', async () => {
    const { local } = await setup;
    for (const bad of [42, 'ctx', {}, { now: () => new Date() }, null]) {
      expect(await outcome(() => createIssuer({ signer: local, ctx: bad } as never))).toBe('usage:ERR_USAGE_ISSUER_OPTIONS');
    }
  });
});

describe('what is checked is what is signed: requests changed while issue awaits', () => {
  it('mdoc-element-deep-copy: nested values changed after issue() was called are not signed', async () => {
    const { wallet, ds } = await setup;
    const elements = {
      family_name: 'Papadopoulou',
      nationalities: ['GR'],
      address: { locality: 'Athina' },
      portrait: Uint8Array.of(1, 2, 3),
      issue_date: new FullDate('2024-01-02'),
      extra: new Map([['k', ['v']]]),
      signed_at: new Date('2024-01-02T03:04:05Z'),
    };
    const request = mdocRequest(wallet.publicJwk, { nameSpaces: { [NS]: elements } });
    const pending = createIssuer({ signer: ds.signer, certificateChain: [ds.certificate], ctx }).issue(request);
    // issueMdoc awaits a digest per element: these land before the later elements are encoded.
    elements.nationalities[0] = 'XX';
    elements.address.locality = 'Elsewhere';
    elements.portrait.fill(9);
    (elements.extra.get('k') as string[])[0] = 'changed';
    elements.signed_at.setTime(0);
    const result = await verifyMdoc((await pending).credential);
    const signed = result.claims[NS] as Record<string, unknown>;
    expect(signed.nationalities).toEqual(['GR']);
    expect(signed.address).toEqual({ locality: 'Athina' });
    expect(signed.portrait).toBe(Buffer.from([1, 2, 3]).toString('base64url'));
    expect(String(signed.signed_at)).toContain('2024-01-02');
  });

  it('mdoc-status-deep-copy: a nested status member changed after issue() was called is not signed', async () => {
    const { wallet, ds } = await setup;
    const status = { status_list: { idx: 4, uri: STATUS_URI }, note: { revision: 1 } };
    const pending = createIssuer({ signer: ds.signer, certificateChain: [ds.certificate], ctx }).issue(mdocRequest(wallet.publicJwk, { status }));
    status.note.revision = 2;
    const { credential } = await pending;
    await verifyMdoc(credential);
    const view = inspectMdoc(Buffer.from(credential, 'base64url')) as { mso: { status: { note: { revision: number } } } };
    expect(view.mso.status.note.revision).toBe(1);
  });

  it('status-copy-before-check: a status read twice cannot pass the check with one reference and be signed with another', async () => {
    const { wallet, local } = await setup;
    let reads = 0;
    const status = {
      get status_list() {
        reads++;
        return reads === 1 ? { idx: 4, uri: STATUS_URI } : { idx: -1, uri: 'not a uri' };
      },
    };
    // Read once, copied, then checked: the reference that passed the check is the one signed.
    const { credential } = await createIssuer({ signer: local, ctx }).issue(sdRequest(wallet.publicJwk, { status }));
    await verifySd(credential);
    const { payload } = await decodeSdJwt(credential, ctx);
    expect(payload.status).toEqual({ status_list: { idx: 4, uri: STATUS_URI } });
  });

  it('key-authorizations-copy-before-check: a member read twice is signed as it was checked', async () => {
    const { wallet, ds } = await setup;
    let reads = 0;
    const keyAuthorizations = {
      get nameSpaces() {
        reads++;
        return reads === 1 ? [NS] : 42;
      },
    };
    const { credential } = await createIssuer({ signer: ds.signer, certificateChain: [ds.certificate], ctx }).issue(
      mdocRequest(wallet.publicJwk, { keyAuthorizations }) as never,
    );
    await verifyMdoc(credential);
    const view = inspectMdoc(Buffer.from(credential, 'base64url')) as { mso: { keyAuthorizations: { nameSpaces: string[] } } };
    expect(view.mso.keyAuthorizations.nameSpaces).toEqual([NS]);
  });

  it('mdoc-digest-algorithm-usage: a digestAlgorithm that is not one of the three names is ERR_USAGE_MDOC_ISSUE, not a CBOR error', async () => {
    const { wallet, ds } = await setup;
    const issuer = createIssuer({ signer: ds.signer, certificateChain: [ds.certificate], ctx });
    for (const digestAlgorithm of [{ toString: () => 'SHA-256' }, ['SHA-256'], 'sha-256', null]) {
      expect(await outcome(() => issuer.issue(mdocRequest(wallet.publicJwk, { digestAlgorithm }) as never))).toBe('usage:ERR_USAGE_MDOC_ISSUE');
    }
    await verifyMdoc((await issuer.issue(mdocRequest(wallet.publicJwk, { digestAlgorithm: 'SHA-384' }))).credential);
  });

  it('mdoc element values the copy cannot take are still refused with their codes (cycle, hole, Set)', async () => {
    const { wallet, ds } = await setup;
    const issuer = createIssuer({ signer: ds.signer, certificateChain: [ds.certificate], ctx });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    // biome-ignore lint/suspicious/noSparseArray: a hole is the input under test
    for (const value of [cyclic, [1, , 3], new Set([1])]) {
      expect(await outcome(() => issuer.issue(mdocRequest(wallet.publicJwk, { nameSpaces: { [NS]: { value } } })))).toBe('usage:ERR_USAGE_ELEMENT_VALUE');
    }
  });
});
