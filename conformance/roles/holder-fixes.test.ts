/**
 * The wallet shows the citizen what a presentation will reveal, presents exactly that, and logs
 * exactly what it sent; it refuses on receipt what no verifier could accept. Real issuance
 * (issuer role, SD-JWT and mdoc primitives), real signatures, no mocks.
 */
import { type ClaimPath, ComityError, createContext, type Jwk, localSigner } from '@comity/core';
import { createWallet } from '@comity/holder';
import { createIssuer } from '@comity/issuer';
import { createTestDocumentSigner, createTestIaca } from '@comity/mdoc';
import { issueSdJwt } from '@comity/sd-jwt-vc';
import { createVerifier } from '@comity/verifier';
import { describe, expect, it } from 'vitest';
import { codeOf, mdocWallet } from './helpers.js';

const ctx = createContext();
const b64 = (text: string) => Buffer.from(text).toString('base64url');

/** A wallet holding one SD-JWT VC issued by the issuer role, and the issuer key to verify it. */
async function sdJwtWallet(claims: Record<string, unknown>, disclosable?: readonly ClaimPath[]) {
  const issuerKeys = await ctx.crypto.generateKeyPair('ES256');
  const walletKeys = await ctx.crypto.generateKeyPair('ES256');
  const { credential } = await createIssuer({ signer: localSigner(issuerKeys.privateJwk, 'ES256', ctx.crypto), kid: 'k1', ctx }).issue({
    format: 'dc+sd-jwt',
    vct: 'urn:eudi:pid:1',
    claims,
    ...(disclosable === undefined ? {} : { disclosable }),
    holderKey: walletKeys.publicJwk,
  });
  const wallet = createWallet({ keyBindingSigner: localSigner(walletKeys.privateJwk, 'ES256', ctx.crypto), ctx });
  const stored = await wallet.receive(credential);
  const verify = (vp: string, nonce: string, audience: string) => createVerifier({ issuerKeys: [issuerKeys.publicJwk], ctx }).verify(vp, { nonce, audience });
  return { wallet, stored, verify, walletKeys };
}

describe('describeRequest and present agree', () => {
  it('holder-available-iff-presentable: a path is shown available exactly when present() can disclose it', async () => {
    const { wallet, stored } = await sdJwtWallet({
      nationalities: ['DE', 'FR'],
      degrees: [{ type: 'BSc' }, { type: 'MSc', year: 2012 }],
      address: { locality: 'Köln' },
    });
    const paths: ClaimPath[] = [
      ['nationalities', null],
      ['nationalities', 1],
      ['nationalities', 2],
      ['nationalities', null, 'code'],
      ['nationalities', 'length'],
      ['degrees', null, 'year'],
      ['degrees', null, 'grade'],
      ['address', 'locality'],
      ['address', 'locality', 'x'],
      ['address', 0],
    ];
    for (const path of paths) {
      const request = { verifier: 'x509_san_dns:rp.example', nonce: 'n-1', claims: [path] };
      const [view] = wallet.describeRequest(stored.id, request).claims;
      const outcome = await codeOf(() => wallet.present(stored.id, request, [path]));
      expect(outcome, JSON.stringify(path)).toBe(view?.available ? 'NO_ERROR' : 'ERR_SDJWT_CLAIM_NOT_FOUND');
    }
    const available = (path: ClaimPath) => wallet.describeRequest(stored.id, { verifier: 'v', claims: [path] }).claims[0]?.available;
    expect(available(['nationalities', null, 'code'])).toBe(false);
    expect(available(['nationalities', 'length'])).toBe(false);
    expect(available(['degrees', null, 'year'])).toBe(true);
  });

  it('holder-mdoc-path-shape: a request path that is not [namespace, element] is refused by describeRequest and present alike', async () => {
    const { wallet, stored, handover } = await mdocWallet();
    for (const path of [
      ['org.iso.18013.5.1'],
      ['org.iso.18013.5.1', null],
      ['org.iso.18013.5.1', 'age_over_18', 'x'],
      ['org.iso.18013.5.1', 0],
    ] as ClaimPath[]) {
      const request = { verifier: handover.clientId, nonce: handover.nonce, handover, claims: [['org.iso.18013.5.1', 'age_over_18'], path] };
      const described = await codeOf(() => wallet.describeRequest(stored.id, request));
      expect(described, JSON.stringify(path)).toBe('ERR_HOLDER_REQUEST_INVALID');
      expect(await codeOf(() => wallet.present(stored.id, request, [path])), JSON.stringify(path)).toBe(described);
      expect(await codeOf(() => wallet.present(stored.id, request, [])), JSON.stringify(path)).toBe(described);
    }
    try {
      wallet.describeRequest(stored.id, { verifier: 'v', claims: [['org.iso.18013.5.1']] });
    } catch (e) {
      expect((e as ComityError).details).toMatchObject({ field: 'claims' });
    }
    expect(wallet.log()).toEqual([]);
  });
});

describe('what the citizen is shown is what is revealed', () => {
  it('holder-sd-under-sd-array-element: a claim inside a disclosable array element is selectively disclosable', async () => {
    const { wallet, stored, verify } = await sdJwtWallet({ degrees: [{ type: 'BSc' }, { type: 'MSc' }] }, [['degrees', null]]);
    const request = { verifier: 'x509_san_dns:rp.example', nonce: 'n-1', claims: [['degrees', null, 'type']] };
    expect(wallet.describeRequest(stored.id, request).claims[0]).toMatchObject({ available: true, selectivelyDisclosable: true });
    // And indeed withholding it withholds it.
    const result = await verify(await wallet.present(stored.id, request, []), 'n-1', request.verifier);
    expect(result.valid).toBe(true);
    expect(result.claims.degrees).toEqual([]);
  });

  it('holder-reveals-recursive-parent: sharing a nested claim shows every claim its parent disclosures reveal', async () => {
    // address and address.locality are both disclosable; postal_code is plain inside address.
    const { wallet, stored, verify } = await sdJwtWallet({ address: { locality: 'Köln', postal_code: '51147' } }, [['address'], ['address', 'locality']]);
    const request = { verifier: 'x509_san_dns:rp.example', nonce: 'n-1', claims: [['address', 'locality']] };
    const [view] = wallet.describeRequest(stored.id, request).claims;
    const result = await verify(await wallet.present(stored.id, request, [['address', 'locality']]), 'n-1', request.verifier);
    expect(result.valid).toBe(true);
    expect(result.claims.address).toEqual({ locality: 'Köln', postal_code: '51147' });
    expect(view).toMatchObject({ revealsAllOf: ['address'], alsoReveals: [['address', 'postal_code']] });
  });

  it('holder-reveals-partial-parent: a parent with other disclosable members is not said to be revealed whole', async () => {
    // a and a.b are disclosable, a.y too; a.x is plain in a, a.b.c and a.b.d plain in a.b.
    const { wallet, stored, verify } = await sdJwtWallet({ a: { x: 1, y: 2, b: { c: 3, d: 4 } } }, [['a'], ['a', 'b'], ['a', 'y']]);
    const request = { verifier: 'x509_san_dns:rp.example', nonce: 'n-1', claims: [['a', 'b', 'c']] };
    const [view] = wallet.describeRequest(stored.id, request).claims;
    expect(view).toMatchObject({ selectivelyDisclosable: true, revealsAllOf: ['a', 'b'] });
    expect(view?.alsoReveals).toEqual(
      expect.arrayContaining([
        ['a', 'x'],
        ['a', 'b', 'd'],
      ]),
    );
    expect(view?.alsoReveals).toHaveLength(2);
    const result = await verify(await wallet.present(stored.id, request, [['a', 'b', 'c']]), 'n-1', request.verifier);
    expect(result.claims.a).toEqual({ x: 1, b: { c: 3, d: 4 } });
  });
});

describe('the presentation log records what was sent', () => {
  it('holder-log-parents: a parent revealed with a nested claim is logged as disclosed', async () => {
    const { wallet, stored } = await sdJwtWallet({ address: { locality: 'Köln', postal_code: '51147' }, age_over_18: true }, [
      ['address'],
      ['address', 'locality'],
      ['age_over_18'],
    ]);
    const request = { verifier: 'x509_san_dns:rp.example', nonce: 'n-1', claims: [['address', 'locality'], ['age_over_18']] };
    await wallet.present(stored.id, request, [['address', 'locality']]);
    expect(wallet.log()[0]).toMatchObject({
      disclosed: [
        ['address', 'locality'],
        ['address', 'postal_code'],
      ],
      withheld: [['age_over_18']],
    });
    // An array element shared alone keeps its index in the stored credential (the verifier sees a shorter array).
    const other = await sdJwtWallet({ nationalities: ['DE', 'FR'] }, [['nationalities', null]]);
    const elements = {
      ...request,
      claims: [
        ['nationalities', 0],
        ['nationalities', 1],
      ],
    };
    await other.wallet.present(other.stored.id, elements, [['nationalities', 1]]);
    expect(other.wallet.log()[0]).toMatchObject({ disclosed: [['nationalities', 1]], withheld: [['nationalities', 0]] });
  });

  it('holder-log-plain: a requested plain claim is sent whatever the consent, so it is logged as disclosed, not withheld', async () => {
    const { wallet, stored, verify } = await sdJwtWallet({ given_name: 'Erika', family_name: 'Mustermann' }, [['given_name']]);
    const request = { verifier: 'x509_san_dns:rp.example', nonce: 'n-1', claims: [['given_name'], ['family_name']] };
    const result = await verify(await wallet.present(stored.id, request, [['given_name']]), 'n-1', request.verifier);
    expect(result.claims.family_name).toBe('Mustermann');
    const vp2 = await wallet.present(stored.id, request, []);
    expect((await verify(vp2, 'n-1', request.verifier)).claims.given_name).toBeUndefined();
    expect(wallet.log().map((e) => [e.disclosed, e.withheld])).toEqual([
      [[['given_name'], ['family_name']], []],
      [[['family_name']], [['given_name']]],
    ]);
  });

  it('holder-log-mdoc-absent: an mdoc element the credential does not hold is not logged as disclosed', async () => {
    const { wallet, stored, handover } = await mdocWallet();
    const claims = [
      ['org.iso.18013.5.1', 'age_over_18'],
      ['org.iso.18013.5.1', 'portrait'],
    ];
    await wallet.present(stored.id, { verifier: handover.clientId, nonce: handover.nonce, handover, claims }, claims);
    expect(wallet.log()[0]).toMatchObject({ disclosed: [['org.iso.18013.5.1', 'age_over_18']], withheld: [['org.iso.18013.5.1', 'portrait']] });
  });
});

describe("the wallet's state is its own", () => {
  it('holder-state-isolation: callers cannot change stored credentials or the log through what they are given', async () => {
    const { wallet, stored } = await sdJwtWallet({ given_name: 'Erika', address: { locality: 'Köln' } });
    const claims: ClaimPath[] = [['given_name'], ['address', 'locality']];
    const request = { verifier: 'x509_san_dns:rp.example', nonce: 'n-1', claims };
    await wallet.present(stored.id, request, [['given_name']]);
    const attempt = (change: () => void) => {
      try {
        change();
      } catch {
        // Frozen data refuses the change: as good as a copy.
      }
    };
    // Untyped on purpose: the point is to try what the readonly types forbid.
    type Node = Record<string | number, unknown>;
    const at = (root: unknown, path: (string | number)[]) => path.reduce<Node>((cur, k) => cur[k] as Node, root as Node);
    const set = (root: unknown, path: (string | number)[], value: unknown) => {
      at(root, path.slice(0, -1))[path.at(-1) as string | number] = value;
    };
    attempt(() => set(stored.claims, ['given_name'], 'Mallory'));
    attempt(() => set(wallet.credentials(), [0, 'claims', 'address', 'locality'], 'Elsewhere'));
    attempt(() => (at(wallet.log(), [0, 'disclosed']) as unknown as unknown[]).push(['address']));
    attempt(() => set(wallet.log(), [0, 'withheld', 0, 0], 'x'));
    (claims[0] as (string | number | null)[])[0] = 'family_name';
    expect(wallet.credentials()[0]?.claims).toMatchObject({ given_name: 'Erika', address: { locality: 'Köln' } });
    expect(wallet.log()[0]).toMatchObject({ disclosed: [['given_name']], withheld: [['address', 'locality']] });
  });
});

describe('receive', () => {
  it('holder-mdoc-issuer: an mdoc is stored with its document signer subject as issuer', async () => {
    const { stored, ds } = await mdocWallet();
    expect(stored.issuer).toBe(ds.certificate.subject);
  });

  it('holder-mdoc-jurisdiction-is-verifier-policy: an mDL whose issuing_jurisdiction differs from the DS ST is stored, as a country mismatch is; verifiers refuse it', async () => {
    const { wallet, stored, handover, verifier } = await mdocWallet({
      iaca: { country: 'DE', stateOrProvinceName: 'DE-BY' },
      nameSpaces: { 'org.iso.18013.5.1': { issuing_country: 'DE', issuing_jurisdiction: 'DE-BE', age_over_18: true } },
    });
    // The rule applies to a disclosed issuing_jurisdiction.
    const claims = [['org.iso.18013.5.1', 'issuing_jurisdiction']];
    const vp = await wallet.present(stored.id, { verifier: handover.clientId, nonce: handover.nonce, handover, claims }, claims);
    const result = await verifier.verify(vp, { handover });
    expect(result.errors.map((e) => e.code)).toEqual(['ERR_MDOC_ISSUING_JURISDICTION_MISMATCH']);
  });

  it('holder-unchecked-header: without an issuer key the header alg and typ are still checked', async () => {
    const issuerKeys = await ctx.crypto.generateKeyPair('ES256');
    const walletKeys = await ctx.crypto.generateKeyPair('ES256');
    const signer = localSigner(issuerKeys.privateJwk, 'ES256', ctx.crypto);
    const wallet = createWallet({ keyBindingSigner: localSigner(walletKeys.privateJwk, 'ES256', ctx.crypto), ctx });
    const issue = (typ: string | undefined) =>
      issueSdJwt(
        {
          claims: { vct: 'urn:eudi:pid:1', age_over_18: true, cnf: { jwk: walletKeys.publicJwk as Jwk } },
          disclosable: [['age_over_18']],
          signer,
          ...(typ === undefined ? {} : { header: { typ } }),
        },
        ctx,
      );
    for (const typ of [undefined, 'JWT', 'sd-jwt', 'kb+jwt']) {
      expect(await codeOf(async () => wallet.receive(await issue(typ))), String(typ)).toBe('ERR_SDJWT_TYP_MISMATCH');
    }
    for (const typ of ['dc+sd-jwt', 'vc+sd-jwt', 'application/dc+sd-jwt']) {
      expect((await wallet.receive(await issue(typ))).issuerSignature, typ).toBe('unchecked');
    }
    // The same credential with its header changed in transit to an algorithm no signature check would accept.
    const good = await issue('dc+sd-jwt');
    const [, payload, signature] = (good.slice(0, good.indexOf('~')) as string).split('.');
    const disclosures = good.slice(good.indexOf('~'));
    for (const alg of ['none', 'HS256']) {
      const header = b64(JSON.stringify({ alg, typ: 'dc+sd-jwt' }));
      const tampered = `${header}.${payload}.${alg === 'none' ? '' : signature}${disclosures}`;
      expect(await codeOf(() => wallet.receive(tampered)), alg).toBe('ERR_SDJWT_ALG_NOT_ALLOWED');
    }
    expect(wallet.credentials()).toHaveLength(3);
  });
});

describe('present', () => {
  it('holder-nonce-empty: an empty nonce is refused before anything is signed', async () => {
    const { wallet, stored } = await sdJwtWallet({ given_name: 'Erika' });
    const request = { verifier: 'x509_san_dns:rp.example', nonce: '', claims: [['given_name']] };
    let error: unknown;
    try {
      await wallet.present(stored.id, request, [['given_name']]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ComityError);
    expect(error).toMatchObject({ code: 'ERR_HOLDER_REQUEST_INVALID', details: { field: 'nonce' } });
    expect(wallet.log()).toEqual([]);
  });
});

describe('holder-key-binding-at-receipt: a credential bound to another key is refused when it arrives', () => {
  const issue = async (format: 'dc+sd-jwt' | 'mso_mdoc', holderKey: Jwk) => {
    if (format === 'dc+sd-jwt') {
      const issuerKeys = await ctx.crypto.generateKeyPair('ES256');
      const issuer = createIssuer({ signer: localSigner(issuerKeys.privateJwk, 'ES256', ctx.crypto), ctx });
      return (await issuer.issue({ format, vct: 'urn:eudi:pid:1', claims: { age_over_18: true }, holderKey })).credential;
    }
    const iaca = await createTestIaca({ ctx, country: 'GR' });
    const ds = await createTestDocumentSigner({ ctx, iaca });
    const issuer = createIssuer({ signer: ds.signer, certificateChain: [ds.certificate], ctx });
    return (await issuer.issue({ format, docType: 'org.iso.18013.5.1.mDL', nameSpaces: { 'org.iso.18013.5.1': { age_over_18: true } }, holderKey })).credential;
  };

  it.each(['dc+sd-jwt', 'mso_mdoc'] as const)('%s: another key is ERR_HOLDER_KEY_MISMATCH; the same key with another kid is stored', async (format) => {
    const walletKeys = await ctx.crypto.generateKeyPair('ES256');
    const otherKeys = await ctx.crypto.generateKeyPair('ES256');
    const wallet = createWallet({ keyBindingSigner: localSigner(walletKeys.privateJwk, 'ES256', ctx.crypto), ctx });
    expect(await codeOf(async () => wallet.receive(await issue(format, otherKeys.publicJwk)))).toBe('ERR_HOLDER_KEY_MISMATCH');
    expect(wallet.credentials()).toEqual([]);
    expect(await codeOf(async () => wallet.receive(await issue(format, { ...walletKeys.publicJwk, kid: 'device-1' })))).toBe('NO_ERROR');
  });

  it('a signer that does not tell its public key (an HSM) is not second-guessed: the credential is stored', async () => {
    const walletKeys = await ctx.crypto.generateKeyPair('ES256');
    const otherKeys = await ctx.crypto.generateKeyPair('ES256');
    const { alg, sign } = localSigner(walletKeys.privateJwk, 'ES256', ctx.crypto);
    const wallet = createWallet({ keyBindingSigner: { alg, sign }, ctx });
    expect(await codeOf(async () => wallet.receive(await issue('dc+sd-jwt', otherKeys.publicJwk)))).toBe('NO_ERROR');
  });
});

describe('holder-handover-binding: the device signature binds to the verifier the citizen is shown', () => {
  const claim = ['org.iso.18013.5.1', 'age_over_18'];
  const refusal = async (present: () => Promise<string>) => {
    try {
      await present();
      return 'NO_ERROR';
    } catch (e) {
      return e instanceof ComityError ? `${e.code}:${String(e.details.field)}` : 'other';
    }
  };

  it('a handover naming another client_id or nonce than the request is refused; a matching one presents', async () => {
    const { wallet, stored, handover, verifier } = await mdocWallet();
    const request = { verifier: handover.clientId, nonce: handover.nonce, claims: [claim] };
    const otherClient = { ...handover, clientId: 'x509_san_dns:elsewhere.example' };
    expect(await refusal(() => wallet.present(stored.id, { ...request, handover: otherClient }, [claim]))).toBe('ERR_HOLDER_REQUEST_INVALID:handover');
    const otherNonce = { ...handover, nonce: 'n-other' };
    expect(await refusal(() => wallet.present(stored.id, { ...request, handover: otherNonce }, [claim]))).toBe('ERR_HOLDER_REQUEST_INVALID:handover');
    const dcApi = { type: 'openid4vp-dcapi', origin: 'https://shop.example', nonce: 'n-other', jwkThumbprint: null } as const;
    expect(await refusal(() => wallet.present(stored.id, { ...request, handover: dcApi }, [claim]))).toBe('ERR_HOLDER_REQUEST_INVALID:handover');
    expect(wallet.log()).toEqual([]);
    const vp = await wallet.present(stored.id, { ...request, handover }, [claim]);
    expect((await verifier.verify(vp, { handover })).errors).toEqual([]);
  });
});

describe('holder-receipt-refusals: what no verifier would accept is refused when it arrives', () => {
  /** An SD-JWT VC bound to a fresh wallet key, and a wallet with that key on `walletCtx`. */
  const issued = async (validity?: { expiresInSeconds: number }, walletCtx = ctx) => {
    const issuerKeys = await ctx.crypto.generateKeyPair('ES256');
    const walletKeys = await ctx.crypto.generateKeyPair('ES256');
    const { credential } = await createIssuer({ signer: localSigner(issuerKeys.privateJwk, 'ES256', ctx.crypto), ctx }).issue({
      format: 'dc+sd-jwt',
      vct: 'urn:eudi:pid:1',
      claims: { age_over_18: true },
      holderKey: walletKeys.publicJwk,
      ...(validity === undefined ? {} : { validity }),
    });
    const walletOn = (c: typeof ctx) => createWallet({ keyBindingSigner: localSigner(walletKeys.privateJwk, 'ES256', ctx.crypto), ctx: c });
    return { credential, wallet: walletOn(walletCtx), walletNow: walletOn(ctx) };
  };

  it('an SD-JWT VC whose exp has passed is ERR_SDJWT_EXPIRED, as an expired mdoc is ERR_MDOC_EXPIRED', async () => {
    const later = createContext({ now: () => new Date(Date.now() + 2 * 3600_000) });
    const { credential, wallet, walletNow } = await issued({ expiresInSeconds: 3600 }, later);
    expect(await codeOf(() => wallet.receive(credential))).toBe('ERR_SDJWT_EXPIRED');
    expect(await codeOf(() => walletNow.receive(credential))).toBe('NO_ERROR');
  });

  it('an SD-JWT VC with a never-disclosable claim (iss, status...) in a disclosure is ERR_SDJWT_VC_CLAIM_NOT_DISCLOSABLE, as every verifier would say', async () => {
    const issuerKeys = await ctx.crypto.generateKeyPair('ES256');
    const walletKeys = await ctx.crypto.generateKeyPair('ES256');
    const wallet = createWallet({ keyBindingSigner: localSigner(walletKeys.privateJwk, 'ES256', ctx.crypto), ctx });
    const claims = {
      vct: 'urn:eudi:pid:1',
      iss: 'https://pid.example',
      cnf: { jwk: walletKeys.publicJwk as Jwk },
      status: { status_list: { idx: 3, uri: 'https://pid.example/status/1' } },
      age_over_18: true,
    };
    const issue = (disclosable: ClaimPath[]) =>
      issueSdJwt({ claims, disclosable, signer: localSigner(issuerKeys.privateJwk, 'ES256', ctx.crypto), header: { typ: 'dc+sd-jwt' } }, ctx);
    for (const path of [['iss'], ['status', 'status_list'], ['cnf']]) {
      expect(await codeOf(async () => wallet.receive(await issue([path, ['age_over_18']]))), path.join('.')).toBe('ERR_SDJWT_VC_CLAIM_NOT_DISCLOSABLE');
    }
    expect(wallet.credentials()).toHaveLength(0);
    expect((await wallet.receive(await issue([['age_over_18']]))).type).toBe('urn:eudi:pid:1');
  });

  it('a bare JWT (no "~") is ERR_HOLDER_CREDENTIAL_MALFORMED, not a base64url error from the mdoc path', async () => {
    const { credential, wallet } = await issued();
    expect(await codeOf(() => wallet.receive(credential.slice(0, credential.indexOf('~'))))).toBe('ERR_HOLDER_CREDENTIAL_MALFORMED');
  });
});
