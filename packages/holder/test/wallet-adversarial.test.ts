/**
 * An adversarial review of the wallet: a hostile mdoc issuer, a careless or hostile verifier
 * request (getters, mutation while the signer works, odd claim lists), and options changed after
 * createWallet. Real issuance (issueMdoc with the test PKI, issueSdJwtVc) and the real format
 * verifiers (verifyDeviceResponse, verifySdJwtVc); what the verifier reads is compared with what the
 * citizen was shown and what the log records.
 */
import { type Certificate, type ClaimPath, ComityError, ComityUsageError, createContext, type Jwk, localSigner, type Signer } from '@comity/core';
import { buildSessionTranscript, createTestDocumentSigner, createTestIaca, type HandoverInput, issueMdoc, verifyDeviceResponse } from '@comity/mdoc';
import { issueSdJwtVc, pinnedIssuerKeys, verifySdJwtVc } from '@comity/sd-jwt-vc';
import { describe, expect, it } from 'vitest';
import { createWallet, type WalletPresentationRequest } from '../src/index.js';

const ctx = createContext();
const day = 86_400_000;
const NS = 'org.iso.18013.5.1';

async function outcome(call: () => unknown): Promise<string> {
  try {
    await call();
    return 'NO_ERROR';
  } catch (e) {
    if (e instanceof ComityError) return `${e.code}${typeof e.details?.field === 'string' ? `:${e.details.field}` : ''}`;
    if (e instanceof ComityUsageError) return `usage:${e.code}`;
    return `other: ${e instanceof Error ? `${e.name} ${e.message}` : typeof e}`;
  }
}

/** A signer that runs `during` while it signs (the app or the verifier's code acting meanwhile). */
function slowSigner(inner: Signer, during: () => void): Signer {
  return {
    alg: inner.alg,
    ...(inner.publicJwk === undefined ? {} : { publicJwk: inner.publicJwk }),
    sign: async (data) => {
      during();
      return inner.sign(data);
    },
  };
}

async function mdocSetup(nameSpaces: Record<string, Record<string, unknown>>) {
  const iaca = await createTestIaca({ ctx, country: 'GR' });
  const ds = await createTestDocumentSigner({ ctx, iaca });
  const walletKeys = await ctx.crypto.generateKeyPair('ES256');
  const now = Date.now();
  const bytes = await issueMdoc({
    docType: 'org.iso.18013.5.1.mDL',
    nameSpaces,
    deviceKey: walletKeys.publicJwk,
    signer: ds.signer,
    certificateChain: [ds.certificate],
    validity: { signed: new Date(now - day), validFrom: new Date(now - day), validUntil: new Date(now + 30 * day) },
    ctx,
  });
  const credential = Buffer.from(bytes).toString('base64url');
  return { credential, walletKeys, verifier: mdocVerifier(iaca.certificate) };
}

/** What a verifier reads of a DeviceResponse for the transcript of `handover`. */
function mdocVerifier(anchor: Certificate) {
  return {
    async verify(vp: string, { handover }: { handover: HandoverInput }) {
      const sessionTranscript = await buildSessionTranscript(handover, ctx);
      const [doc] = await verifyDeviceResponse(Buffer.from(vp, 'base64url'), { trustAnchors: [anchor], sessionTranscript, ctx });
      const errors = (doc?.errors ?? [{ code: 'NO_DOCUMENT' }]).map((e) => e.code);
      return { valid: doc?.valid === true, errors, claims: (doc?.claims ?? {}) as Record<string, unknown> };
    },
  };
}

const handover = {
  type: 'openid4vp',
  clientId: 'x509_san_dns:shop.example',
  nonce: 'n-1',
  responseUri: 'https://shop.example/cb',
  jwkThumbprint: null,
} as const;
const evil = { ...handover, clientId: 'x509_san_dns:evil.example' } as const;

async function sdJwtSetup() {
  const issuerKeys = await ctx.crypto.generateKeyPair('ES256');
  const walletKeys = await ctx.crypto.generateKeyPair('ES256');
  const credential = await issueSdJwtVc(
    {
      vct: 'urn:eudi:pid:1',
      claims: { given_name: 'Erika', age_over_18: true },
      disclosable: [['given_name'], ['age_over_18']],
      holderKey: walletKeys.publicJwk,
      signer: localSigner(issuerKeys.privateJwk, 'ES256', ctx.crypto),
    },
    ctx,
  );
  const verify = async (vp: string, nonce: string, audience: string) => {
    const result = await verifySdJwtVc(vp, { issuerKey: pinnedIssuerKeys([issuerKeys.publicJwk]), keyBinding: { audience, nonce } }, ctx);
    return { valid: result.errors.length === 0, claims: (result.claims ?? {}) as Record<string, unknown> };
  };
  return { credential, walletKeys, issuerKeys, verify };
}

describe('a hostile mdoc issuer', () => {
  it('holder-mdoc-proto-namespace: a namespace named __proto__ is stored, shown and logged as the verifier reads it', async () => {
    const nameSpaces = JSON.parse(`{"__proto__": {"secret": "s3cr3t"}, "${NS}": {"age_over_18": true}}`);
    const { credential, walletKeys, verifier } = await mdocSetup(nameSpaces);
    const wallet = createWallet({ keyBindingSigner: localSigner(walletKeys.privateJwk, 'ES256', ctx.crypto), ctx });
    const stored = await wallet.receive(credential);
    expect(Object.hasOwn(stored.claims, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(stored.claims)).toBe(Object.prototype);
    expect((stored.claims as Record<string, unknown>).secret).toBeUndefined();
    const path: ClaimPath = ['__proto__', 'secret'];
    const request = { verifier: handover.clientId, nonce: handover.nonce, handover, claims: [path, [NS, 'age_over_18']] };
    expect(wallet.describeRequest(stored.id, request).claims[0]).toEqual({ path, available: true, selectivelyDisclosable: true });
    const vp = await wallet.present(stored.id, request, [path]);
    const result = await verifier.verify(vp, { handover });
    expect(result.errors).toEqual([]);
    expect(Object.hasOwn(result.claims, '__proto__')).toBe(true);
    expect(wallet.log()[0]?.disclosed).toEqual([path]);
    expect(wallet.log()[0]?.withheld).toEqual([[NS, 'age_over_18']]);
  });

  it('holder-mdoc-proto-element: elements named __proto__ and constructor are elements like any other', async () => {
    const nameSpaces = { [NS]: JSON.parse('{"__proto__": "p", "constructor": "c", "age_over_18": true}') };
    const { credential, walletKeys, verifier } = await mdocSetup(nameSpaces);
    const wallet = createWallet({ keyBindingSigner: localSigner(walletKeys.privateJwk, 'ES256', ctx.crypto), ctx });
    const stored = await wallet.receive(credential);
    const claims = [
      [NS, '__proto__'],
      [NS, 'constructor'],
      [NS, 'toString'],
    ];
    const request = { verifier: handover.clientId, nonce: handover.nonce, handover, claims };
    expect(wallet.describeRequest(stored.id, request).claims.map((c) => c.available)).toEqual([true, true, false]);
    const vp = await wallet.present(stored.id, request, claims);
    const result = await verifier.verify(vp, { handover });
    expect(Object.keys(result.claims[NS] as object).sort()).toEqual(['__proto__', 'constructor']);
    expect(wallet.log()[0]?.disclosed).toEqual(claims.slice(0, 2));
  });

  it('holder-mdoc-device-key: an mdoc bound to another device key is refused', async () => {
    const { credential } = await mdocSetup({ [NS]: { age_over_18: true } });
    const other = await ctx.crypto.generateKeyPair('ES256');
    const wallet = createWallet({ keyBindingSigner: localSigner(other.privateJwk, 'ES256', ctx.crypto), ctx });
    expect(await outcome(() => wallet.receive(credential))).toBe('ERR_HOLDER_KEY_MISMATCH');
    expect(wallet.credentials()).toEqual([]);
  });
});

describe('a careless or hostile verifier request', () => {
  it('holder-request-read-once: a handover getter that answers differently on the second read does not move the signature to another verifier', async () => {
    const { credential, walletKeys, verifier } = await mdocSetup({ [NS]: { age_over_18: true } });
    const wallet = createWallet({ keyBindingSigner: localSigner(walletKeys.privateJwk, 'ES256', ctx.crypto), ctx });
    const stored = await wallet.receive(credential);
    let reads = 0;
    const request = {
      verifier: handover.clientId,
      nonce: handover.nonce,
      claims: [[NS, 'age_over_18']],
      get handover(): HandoverInput {
        return reads++ === 0 ? handover : evil;
      },
    };
    const vp = await wallet.present(stored.id, request, [[NS, 'age_over_18']]);
    expect((await verifier.verify(vp, { handover: evil })).valid).toBe(false);
    expect((await verifier.verify(vp, { handover })).errors).toEqual([]);
  });

  it('holder-request-read-once: a handover field getter that changes after the check does not move the signature either', async () => {
    const { credential, walletKeys, verifier } = await mdocSetup({ [NS]: { age_over_18: true } });
    const wallet = createWallet({ keyBindingSigner: localSigner(walletKeys.privateJwk, 'ES256', ctx.crypto), ctx });
    const stored = await wallet.receive(credential);
    let reads = 0;
    const tricky = {
      ...handover,
      get clientId() {
        return reads++ === 0 ? handover.clientId : evil.clientId;
      },
    };
    const request = { verifier: handover.clientId, nonce: handover.nonce, claims: [[NS, 'age_over_18']], handover: tricky as HandoverInput };
    const vp = await wallet.present(stored.id, request, [[NS, 'age_over_18']]);
    expect((await verifier.verify(vp, { handover: evil })).valid).toBe(false);
    expect((await verifier.verify(vp, { handover })).errors).toEqual([]);
  });

  it('holder-request-read-once: a verifier getter cannot make the log name another audience than the one signed', async () => {
    const { credential, walletKeys, verify } = await sdJwtSetup();
    const wallet = createWallet({ keyBindingSigner: localSigner(walletKeys.privateJwk, 'ES256', ctx.crypto), ctx });
    const stored = await wallet.receive(credential);
    const names = ['x509_san_dns:shop.example', 'x509_san_dns:evil.example', 'x509_san_dns:third.example'];
    let reads = 0;
    const request = {
      nonce: 'n-1',
      claims: [['age_over_18']],
      get verifier() {
        return names[Math.min(reads++, 2)] as string;
      },
    };
    const vp = await wallet.present(stored.id, request, [['age_over_18']]);
    const logged = wallet.log()[0]?.verifier as string;
    expect(logged).toBe(names[0]);
    expect((await verify(vp, 'n-1', logged)).valid).toBe(true);
  });

  it('holder-request-mutated-while-signing: the log records the request as it was when present was called', async () => {
    const { credential, walletKeys, verify } = await sdJwtSetup();
    const request = { verifier: 'x509_san_dns:shop.example', nonce: 'n-1', purpose: 'Age check', claims: [['age_over_18']] as ClaimPath[] };
    const signer = slowSigner(localSigner(walletKeys.privateJwk, 'ES256', ctx.crypto), () => {
      request.verifier = 'x509_san_dns:evil.example';
      request.purpose = 'Something else';
      request.claims.push(['given_name']);
    });
    const wallet = createWallet({ keyBindingSigner: signer, ctx });
    const stored = await wallet.receive(credential);
    const vp = await wallet.present(stored.id, request, [['age_over_18']]);
    const entry = wallet.log()[0];
    expect(entry?.verifier).toBe('x509_san_dns:shop.example');
    expect(entry?.purpose).toBe('Age check');
    expect(entry?.withheld).toEqual([]);
    expect((await verify(vp, 'n-1', 'x509_san_dns:shop.example')).valid).toBe(true);
  });

  it('holder-request-mutated-while-signing: an mdoc handover changed while the signer works changes neither signature nor log', async () => {
    const { credential, walletKeys, verifier } = await mdocSetup({ [NS]: { age_over_18: true } });
    const h = { ...handover } as { -readonly [K in keyof typeof handover]: string | null };
    const request = { verifier: handover.clientId, nonce: handover.nonce, claims: [[NS, 'age_over_18']], handover: h as HandoverInput };
    const signer = slowSigner(localSigner(walletKeys.privateJwk, 'ES256', ctx.crypto), () => {
      h.clientId = evil.clientId;
      (request as { verifier: string }).verifier = evil.clientId;
    });
    const wallet = createWallet({ keyBindingSigner: signer, ctx });
    const stored = await wallet.receive(credential);
    const vp = await wallet.present(stored.id, request, [[NS, 'age_over_18']]);
    expect((await verifier.verify(vp, { handover })).errors).toEqual([]);
    expect(wallet.log()[0]?.verifier).toBe(handover.clientId);
  });

  it('holder-transcript-and-handover: a sessionTranscript built for another verifier than the checked handover is refused', async () => {
    const { credential, walletKeys, verifier } = await mdocSetup({ [NS]: { age_over_18: true } });
    const wallet = createWallet({ keyBindingSigner: localSigner(walletKeys.privateJwk, 'ES256', ctx.crypto), ctx });
    const stored = await wallet.receive(credential);
    const request = { verifier: handover.clientId, nonce: handover.nonce, claims: [[NS, 'age_over_18']], handover };
    const other = await buildSessionTranscript(evil, ctx);
    expect(await outcome(() => wallet.present(stored.id, { ...request, sessionTranscript: other }, [[NS, 'age_over_18']]))).toBe(
      'ERR_HOLDER_REQUEST_INVALID:sessionTranscript',
    );
    expect(wallet.log()).toEqual([]);
    // The same transcript as the handover's, bare or tag-24 wrapped, presents.
    const same = await buildSessionTranscript(handover, ctx);
    const vp = await wallet.present(stored.id, { ...request, sessionTranscript: same }, [[NS, 'age_over_18']]);
    expect((await verifier.verify(vp, { handover })).errors).toEqual([]);
  });

  it('holder-dcapi-origin: over the DC API an origin: verifier must be the handover origin; a signed request (client_id) is not compared', async () => {
    const { credential, walletKeys, verifier } = await mdocSetup({ [NS]: { age_over_18: true } });
    const wallet = createWallet({ keyBindingSigner: localSigner(walletKeys.privateJwk, 'ES256', ctx.crypto), ctx });
    const stored = await wallet.receive(credential);
    const dcapi = { type: 'openid4vp-dcapi', origin: 'https://shop.example', nonce: 'n-1', jwkThumbprint: null } as const;
    const claims = [[NS, 'age_over_18']];
    const elsewhere = { verifier: 'origin:https://evil.example', nonce: 'n-1', claims, handover: dcapi };
    expect(await outcome(() => wallet.present(stored.id, elsewhere, claims))).toBe('ERR_HOLDER_REQUEST_INVALID:handover');
    expect(wallet.log()).toEqual([]);
    const vp = await wallet.present(stored.id, { ...elsewhere, verifier: 'origin:https://shop.example' }, claims);
    expect((await verifier.verify(vp, { handover: dcapi })).errors).toEqual([]);
    const signed = await wallet.present(stored.id, { ...elsewhere, verifier: 'x509_san_dns:shop.example' }, claims);
    expect((await verifier.verify(signed, { handover: dcapi })).errors).toEqual([]);
  });

  it('holder-request-claims-shape: sparse, huge and oddly typed claim lists are ERR_HOLDER_REQUEST_INVALID, never a crash', async () => {
    const { credential, walletKeys } = await sdJwtSetup();
    const wallet = createWallet({ keyBindingSigner: localSigner(walletKeys.privateJwk, 'ES256', ctx.crypto), ctx });
    const stored = await wallet.receive(credential);
    // biome-ignore lint/suspicious/noSparseArray: the point of the test
    const sparse = [, ['age_over_18']] as unknown as ClaimPath[];
    const huge = Array.from({ length: 100_000 }, () => ['age_over_18']);
    const proxied = new Proxy([['age_over_18']], {}) as ClaimPath[];
    for (const claims of [sparse, huge, [[]], [['a', -1]], [['a', 1.5]], [['a', {}]], 'age_over_18', [[Symbol('x')]]] as unknown[]) {
      const request = { verifier: 'x509_san_dns:shop.example', nonce: 'n', claims } as unknown as WalletPresentationRequest;
      expect(await outcome(() => wallet.describeRequest(stored.id, request))).toBe('ERR_HOLDER_REQUEST_INVALID:claims');
      expect(await outcome(() => wallet.present(stored.id, request, []))).toBe('ERR_HOLDER_REQUEST_INVALID:claims');
    }
    const ok = { verifier: 'x509_san_dns:shop.example', nonce: 'n', claims: proxied };
    expect(wallet.describeRequest(stored.id, ok).claims).toHaveLength(1);
    // A path longer than any claim, requested many times, is answered quickly.
    const long = Array.from({ length: 10_000 }, (_, i) => `k${i}`);
    const many = { verifier: 'x509_san_dns:shop.example', nonce: 'n', claims: Array.from({ length: 256 }, () => long) };
    expect(wallet.describeRequest(stored.id, many).claims.every((c) => !c.available)).toBe(true);
    expect(wallet.log()).toEqual([]);
  });

  it('holder-consent-odd: consent naming claims not requested, duplicates, a sparse list or a getter path sends only what was requested and agreed', async () => {
    const { credential, walletKeys, verify } = await sdJwtSetup();
    const wallet = createWallet({ keyBindingSigner: localSigner(walletKeys.privateJwk, 'ES256', ctx.crypto), ctx });
    const stored = await wallet.receive(credential);
    const request = { verifier: 'x509_san_dns:shop.example', nonce: 'n', claims: [['age_over_18'], ['age_over_18']] };
    // biome-ignore lint/suspicious/noSparseArray: the point of the test
    const sparse = [, ['given_name']] as unknown as ClaimPath[];
    expect(await outcome(() => wallet.present(stored.id, request, sparse))).toBe('usage:ERR_USAGE_CONSENT');
    let reads = 0;
    const shifty = [
      Object.defineProperty([] as unknown[], 0, {
        get: () => (reads++ === 0 ? 'age_over_18' : 'given_name'),
        enumerable: true,
      }),
    ] as unknown as ClaimPath[];
    const vp = await wallet.present(stored.id, request, [...shifty, ['given_name'], ['given_name']]);
    const result = await verify(vp, 'n', request.verifier);
    expect(result.valid).toBe(true);
    expect(result.claims.given_name).toBeUndefined();
    const entry = wallet.log()[0];
    expect([...(entry?.disclosed ?? []), ...(entry?.withheld ?? [])].every((p) => p[0] === 'age_over_18')).toBe(true);
  });
});

describe('options captured at createWallet', () => {
  it('holder-options-captured: replacing the signer, its key or its sign, or the issuer key resolver, later changes nothing', async () => {
    const { credential, walletKeys, issuerKeys, verify } = await sdJwtSetup();
    const other = await ctx.crypto.generateKeyPair('ES256');
    const signer = localSigner(walletKeys.privateJwk, 'ES256', ctx.crypto) as { -readonly [K in keyof Signer]: Signer[K] };
    const options: Parameters<typeof createWallet>[0] = { keyBindingSigner: signer, ctx, issuerKey: pinnedIssuerKeys([issuerKeys.publicJwk]) };
    const wallet = createWallet(options);
    const otherSigner = localSigner(other.privateJwk, 'ES256', ctx.crypto);
    options.keyBindingSigner = otherSigner;
    delete options.issuerKey;
    signer.publicJwk = other.publicJwk as Jwk;
    signer.sign = otherSigner.sign;
    const stored = await wallet.receive(credential);
    expect(stored.issuerSignature).toBe('verified');
    const vp = await wallet.present(stored.id, { verifier: 'x509_san_dns:shop.example', nonce: 'n', claims: [['age_over_18']] }, [['age_over_18']]);
    expect((await verify(vp, 'n', 'x509_san_dns:shop.example')).valid).toBe(true);
  });

  it('holder-options-checked: a missing or malformed signer, ctx or issuerKey is a usage error at createWallet, not a crash later', async () => {
    const keys = await ctx.crypto.generateKeyPair('ES256');
    const good = localSigner(keys.privateJwk, 'ES256', ctx.crypto);
    const cases: unknown[] = [
      undefined,
      {},
      { keyBindingSigner: null },
      { keyBindingSigner: { alg: 'ES256' } },
      { keyBindingSigner: { sign: good.sign } },
      { keyBindingSigner: { ...good, alg: 'none' } },
      { keyBindingSigner: good, ctx: {} },
      { keyBindingSigner: good, issuerKey: 'pinned' },
    ];
    for (const options of cases) expect(await outcome(() => createWallet(options as never))).toMatch(/^usage:ERR_USAGE_(SIGNER|WALLET_OPTIONS)$/);
    expect(await outcome(() => createWallet({ keyBindingSigner: good }))).toBe('NO_ERROR');
  });
});
