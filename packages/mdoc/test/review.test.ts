/**
 * Review findings: each test names the rule it enforces and failed before its fix.
 */
import { CborFloat, ComityError } from '@comity/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { coseToBeSigned } from '../src/cose.js';
import {
  buildSessionTranscript,
  formatTdate,
  inspectMdoc,
  normalizeSessionTranscript,
  parseIssuerSigned,
  presentMdoc,
  readTdate,
  Tagged,
  verifyDeviceResponse,
  verifyIssuerSigned,
} from '../src/index.js';
import { type CborMap, type CborValue, type DataItem, decodeCbor, encodeCbor, RawCbor, Tag, wrapTag24 } from '../src/internal/cbor.js';
import { deviceSigner, issueTestMdl, makePki, NS, outcomeOf, type Pki } from './fixtures.js';

let pki: Pki;
let transcript: Uint8Array;
beforeAll(async () => {
  pki = await makePki();
  transcript = await buildSessionTranscript({ type: 'openid4vp-dcapi', origin: 'https://verifier.example', nonce: 'review' }, pki.ctx);
});

const DAY = 86_400_000;

function issuedValues(issued: Uint8Array): Map<string, unknown> {
  const parsed = parseIssuerSigned(issued);
  return new Map((parsed.nameSpaces.get(NS) ?? []).map((i) => [i.elementIdentifier, i.elementValue]));
}

describe('issuing: element values in preferred CBOR', () => {
  it('rfc8949-4.2.1-integers: integers of 2^32 and more stay CBOR integers in their shortest head, not float64', async () => {
    const issued = await issueTestMdl(pki, {
      nameSpaces: { [NS]: { big: 2 ** 40, negative: -(2 ** 40), max_safe: Number.MAX_SAFE_INTEGER, small_bigint: 5n, uint32: 2 ** 32 - 1 } },
    });
    const values = issuedValues(issued);
    expect(values.get('big')).toBe(2 ** 40);
    expect(values.get('negative')).toBe(-(2 ** 40));
    expect(values.get('max_safe')).toBe(Number.MAX_SAFE_INTEGER);
    expect(values.get('small_bigint')).toBe(5);
    expect(values.get('uint32')).toBe(2 ** 32 - 1);
    const r = await verifyIssuerSigned(issued, { trustAnchors: [pki.iaca.certificate], ctx: pki.ctx });
    expect(r.errors).toEqual([]);
    expect(r.warnings.map((w) => w.code)).not.toContain('WARN_MDOC_CBOR_NOT_PREFERRED');
    expect(r.claims[NS]?.big).toBe(2 ** 40);
  });

  it('rfc8949-4.2.1-floats: a float is written in the shortest width that keeps its value', async () => {
    const issued = await issueTestMdl(pki, { nameSpaces: { [NS]: { half: 1.5, single: 100000.5, double: 0.1 } } });
    const values = issuedValues(issued);
    expect(values.get('half')).toEqual(new CborFloat(1.5, 2));
    expect(values.get('single')).toEqual(new CborFloat(100000.5, 4));
    expect(values.get('double')).toEqual(new CborFloat(0.1, 8));
    const r = await verifyIssuerSigned(issued, { trustAnchors: [pki.iaca.certificate], ctx: pki.ctx });
    expect(r.errors).toEqual([]);
    expect(r.warnings.map((w) => w.code)).not.toContain('WARN_MDOC_CBOR_NOT_PREFERRED');
  });
});

describe('issuing: element values that CBOR would reshape are refused', () => {
  it.each([
    ['a Set', new Set(['B', 'C'])],
    [
      'a class instance',
      new (class Licence {
        readonly category = 'B';
      })(),
    ],
    ['a boxed string', Object('B')],
    ['an array hole', new Array(2)],
    ['an array with undefined', ['B', undefined]],
    ['a nested Set', { categories: new Set(['B']) }],
  ])('mdoc-issue-element-values: %s is ERR_USAGE_ELEMENT_VALUE, never an empty map or CBOR undefined', async (_, value) => {
    expect(await outcomeOf(issueTestMdl(pki, { nameSpaces: { [NS]: { driving_privileges: value } } }))).toEqual({
      code: 'ERR_USAGE_ELEMENT_VALUE',
      usage: true,
    });
  });

  it('mdoc-issue-element-values: plain objects, Maps and arrays still encode', async () => {
    const issued = await issueTestMdl(pki, {
      nameSpaces: { [NS]: { plain: { vehicle_category_code: 'B' }, map: new Map([['vehicle_category_code', 'C']]), list: ['B', 'C'] } },
    });
    const r = await verifyIssuerSigned(issued, { trustAnchors: [pki.iaca.certificate], ctx: pki.ctx });
    expect(r.errors).toEqual([]);
    expect(r.claims[NS]).toMatchObject({ plain: { vehicle_category_code: 'B' }, map: { vehicle_category_code: 'C' }, list: ['B', 'C'] });
  });
});

describe('issuing: validityInfo tdates', () => {
  it('rfc3339-5.6-tdate-year: a validity date after year 9999 is a usage error, not an unreadable tdate', async () => {
    const now = pki.ctx.now();
    const r = await outcomeOf(issueTestMdl(pki, { validity: { signed: now, validFrom: now, validUntil: new Date('+010000-01-01T00:00:00Z') } }));
    expect(r).toEqual({ code: 'ERR_USAGE_DATE', usage: true });
  });

  it('18013-5-9.1.2.4-validity-order: validFrom and validUntil in the same second would be encoded equal', async () => {
    const base = Math.floor(pki.ctx.now().getTime() / 1000) * 1000;
    const validity = { signed: new Date(base), validFrom: new Date(base + 100), validUntil: new Date(base + 900) };
    expect(await outcomeOf(issueTestMdl(pki, { validity }))).toEqual({ code: 'ERR_USAGE_MDOC_ISSUE', usage: true });
  });
});

describe('verifying: options fail closed', () => {
  it('18013-5-9.3.1-validity-tolerance: a NaN, infinite, negative or text clockToleranceSeconds is refused, never a skipped validity check', async () => {
    const now = pki.ctx.now();
    // Valid only from tomorrow: every tolerance below would have hidden ERR_MDOC_NOT_YET_VALID.
    const later = await issueTestMdl(pki, {
      validity: { signed: now, validFrom: new Date(now.getTime() + DAY), validUntil: new Date(now.getTime() + 2 * DAY) },
    });
    const base = { trustAnchors: [pki.iaca.certificate], ctx: pki.ctx };
    expect((await verifyIssuerSigned(later, base)).errors.map((e) => e.code)).toEqual(['ERR_MDOC_NOT_YET_VALID']);
    for (const clockToleranceSeconds of [Number.NaN, Number.POSITIVE_INFINITY, -5, 'soon' as unknown as number]) {
      expect(await outcomeOf(verifyIssuerSigned(later, { ...base, clockToleranceSeconds }))).toEqual({ code: 'ERR_USAGE_CLOCK_TOLERANCE', usage: true });
      expect(await outcomeOf(verifyDeviceResponse(new Uint8Array(0), { ...base, sessionTranscript: transcript, clockToleranceSeconds }))).toEqual({
        code: 'ERR_USAGE_CLOCK_TOLERANCE',
        usage: true,
      });
    }
    expect((await verifyIssuerSigned(later, { ...base, clockToleranceSeconds: 2 * 86_400 })).errors).toEqual([]);
  });

  it('18013-5-9.1.5.1-session-transcript-bytes: tag 24 around bytes that are no CBOR is ERR_MDOC_SESSION_TRANSCRIPT', async () => {
    for (const bad of [
      Uint8Array.of(0xd8, 0x18, 0x41, 0xff),
      Uint8Array.of(0xd8, 0x18, 0x42, 0x83, 0xf6),
      wrapTag24(Uint8Array.of(0x83, 0xf6, 0xf6, 0xf6, 0x00)),
    ]) {
      let code: string | undefined;
      try {
        normalizeSessionTranscript(bad);
      } catch (e) {
        expect(e).toBeInstanceOf(ComityError);
        code = (e as ComityError).code;
      }
      expect(code).toBe('ERR_MDOC_SESSION_TRANSCRIPT');
    }
  });
});

describe('verifying: claims are own properties', () => {
  it('18013-5-8.3.2.1.2.2-element-identifier-proto: an element named __proto__ is a claim, not the prototype of the claims', async () => {
    const elements: Record<string, unknown> = { family_name: 'Doe' };
    Object.defineProperty(elements, '__proto__', { value: { age_over_18: true }, enumerable: true });
    const nameSpaces: Record<string, Record<string, unknown>> = { [NS]: elements };
    Object.defineProperty(nameSpaces, '__proto__', { value: { age_over_21: true }, enumerable: true });
    const issued = await issueTestMdl(pki, { nameSpaces });
    const response = await presentMdoc({
      issuerSigned: issued,
      disclose: [
        [NS, 'family_name'],
        [NS, '__proto__'],
        ['__proto__', 'age_over_21'],
      ],
      deviceSigner: deviceSigner(pki),
      sessionTranscript: transcript,
      ctx: pki.ctx,
    });
    const [doc] = await verifyDeviceResponse(response, { trustAnchors: [pki.iaca.certificate], sessionTranscript: transcript, ctx: pki.ctx });
    expect(doc?.errors).toEqual([]);
    const claims = doc?.claims as Record<string, Record<string, unknown>>;
    expect(Object.getPrototypeOf(claims)).toBe(Object.prototype);
    expect(Object.keys(claims).sort()).toEqual(['__proto__', NS].sort());
    const mdl = claims[NS] as Record<string, unknown>;
    expect(Object.getPrototypeOf(mdl)).toBe(Object.prototype);
    expect(Object.keys(mdl).sort()).toEqual(['__proto__', 'family_name']);
    // The element's value is not inherited as if age_over_18 had been disclosed.
    expect(mdl.age_over_18).toBeUndefined();
    expect(Object.getOwnPropertyDescriptor(mdl, '__proto__')?.value).toEqual({ age_over_18: true });
    expect(Object.getOwnPropertyDescriptor(claims, '__proto__')?.value).toEqual({ age_over_21: true });
    // `comity inspect` shows the namespace too.
    const view = JSON.parse(JSON.stringify(inspectMdoc(issued))) as { nameSpaces: Record<string, unknown>; mso: { valueDigests: Record<string, unknown> } };
    expect(Object.keys(view.nameSpaces).sort()).toEqual(['__proto__', NS].sort());
    expect(Object.keys(view.mso.valueDigests).sort()).toEqual(['__proto__', NS].sort());
  });
});

describe('tdate text round trip', () => {
  it('rfc3339-5.6-tdate-two-digit-year: a tdate in the years 0000 to 0099 reads back as written, not as 19xx', () => {
    for (const text of ['0050-03-01T12:00:00Z', '0000-01-01T00:00:00Z', '0099-12-31T23:59:59Z']) {
      const date = new Date(text);
      expect(formatTdate(date)).toBe(text);
      expect(readTdate(new Tagged(0, text))?.date.getTime()).toBe(date.getTime());
    }
    expect(readTdate(new Tagged(0, '0050-02-30T00:00:00Z'))).toBeUndefined();
    expect(readTdate(new Tagged(0, '0050-03-01T12:00:00.5+01:00'))?.date.getTime()).toBe(new Date('0050-03-01T11:00:00.500Z').getTime());
  });
});

/** A decoded value made encodable again (core's Tagged back to cbor-x's Tag). */
function encodable(v: CborValue): unknown {
  if (v instanceof Tagged) return new Tag(encodable(v.value), v.tag);
  if (v instanceof Map) return new Map([...v].map(([k, x]) => [k, encodable(x)]));
  if (Array.isArray(v)) return v.map(encodable);
  return v;
}

/** Re-signs an issued IssuerSigned after `edit` changed its MSO (a really signed, hand-built MSO). */
async function resign(issued: Uint8Array, edit: (mso: CborMap) => void): Promise<Uint8Array> {
  const top = decodeCbor(issued) as CborMap;
  const [protectedBytes, unprotected, payload] = top.get('issuerAuth') as [Uint8Array, CborMap, Uint8Array, Uint8Array];
  const mso = decodeCbor((decodeCbor(payload) as DataItem).content) as CborMap;
  edit(mso);
  const newPayload = wrapTag24(encodeCbor(encodable(mso)));
  const signature = await pki.ds.signer.sign(coseToBeSigned('Signature1', protectedBytes, newPayload));
  const out = new Map<unknown, unknown>(top);
  out.set('issuerAuth', new RawCbor(encodeCbor([protectedBytes, unprotected, newPayload, signature])));
  return encodeCbor(out);
}

describe('digest algorithm names are looked up as own names only', () => {
  it('18013-5-9.1.2.4-digest-algorithm-prototype: an MSO digestAlgorithm naming an Object.prototype member is unsupported, not an internal error', async () => {
    const issued = await issueTestMdl(pki);
    const opts = { trustAnchors: [pki.iaca.certificate], ctx: pki.ctx };
    expect((await verifyIssuerSigned(await resign(issued, () => {}), opts)).errors).toEqual([]);
    for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      const bytes = await resign(issued, (mso) => mso.set('digestAlgorithm', name));
      expect(parseIssuerSigned(bytes).mso.hash).toBeUndefined();
      const r = await verifyIssuerSigned(bytes, opts);
      expect(r.errors.map((e) => e.code)).toEqual(['ERR_MDOC_DIGEST_ALG_UNSUPPORTED']);
    }
  });

  it('18013-5-9.1.2.4-digest-algorithm-issue: issueMdoc refuses an Object.prototype member as digestAlgorithm with its usage code', async () => {
    for (const name of ['constructor', 'toString']) {
      expect(await outcomeOf(issueTestMdl(pki, { digestAlgorithm: name as never }))).toEqual({ code: 'ERR_USAGE_MDOC_ISSUE', usage: true });
    }
  });

  it('18013-5-9.1.2.4-non-empty: issueMdoc refuses no namespace or an empty one (IssuerNameSpaces and ValueDigests are non-empty)', async () => {
    expect(await outcomeOf(issueTestMdl(pki, { nameSpaces: {} }))).toEqual({ code: 'ERR_USAGE_MDOC_ISSUE', usage: true });
    expect(await outcomeOf(issueTestMdl(pki, { nameSpaces: { [NS]: { family_name: 'Doe' }, 'org.example.empty': {} } }))).toEqual({
      code: 'ERR_USAGE_MDOC_ISSUE',
      usage: true,
    });
  });
});

describe('caller input of the mdoc functions is refused with usage codes, not raw errors', () => {
  it('presentMdoc with a disclose list that is not a list of paths is ERR_USAGE_CLAIM_PATH', async () => {
    const issuerSigned = await issueTestMdl(pki);
    const sessionTranscript = await buildSessionTranscript(
      { type: 'openid4vp', clientId: 'x509_san_dns:v.example', nonce: 'n', responseUri: 'https://v.example/r' },
      pki.ctx,
    );
    for (const disclose of ['family_name', null, [null], ['family_name']]) {
      const presenting = presentMdoc({ issuerSigned, disclose: disclose as never, deviceSigner: deviceSigner(pki), sessionTranscript, ctx: pki.ctx });
      expect(await outcomeOf(presenting)).toEqual({ code: 'ERR_USAGE_CLAIM_PATH', usage: true });
    }
  });

  it('an Annex C recipient key whose crv names an Object.prototype member is an unsupported curve, not an inherited lookup', async () => {
    for (const crv of ['toString', 'constructor']) {
      const handover = {
        type: 'iso18013-7-annex-c',
        origin: 'https://v.example',
        nonce: new Uint8Array(16),
        recipientPublicKey: { ...pki.device.publicJwk, crv },
      };
      expect(await outcomeOf(buildSessionTranscript(handover as never, pki.ctx))).toEqual({ code: 'ERR_MDOC_COSE_KEY_INVALID', usage: false });
    }
  });
});
