/**
 * Evidence item 2 (junk table): every public SD-JWT parse / verify function of
 * @comity/sd-jwt-vc given hostile input returns a result with error codes or throws a
 * ComityError: never another exception, a crash, a hang or a polluted prototype.
 */
import { ComityError } from '@comity/core';
import {
  checkKeyBinding,
  decodeSdJwt,
  jwtVcIssuerMetadataUrl,
  multikeyToJwk,
  parseX5c,
  presentSdJwt,
  receiveSdJwt,
  splitSdJwt,
  verifySdJwt,
  verifySdJwtVc,
  verifySdJwtVcOrThrow,
} from '@comity/sd-jwt-vc';
import { beforeAll, describe, expect, it } from 'vitest';
import { craft, ctx, digest, disclosure, signRawJson, type TestKeys, testKeys, vcClaims } from './helpers/craft.js';
import { basePolicy } from './helpers/negative-cases.js';

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64url');
const HEADER = b64('{"alg":"ES256","typ":"dc+sd-jwt"}');

/** Hostile inputs that need no signature. */
const STATIC_JUNK: ReadonlyArray<[string, unknown]> = [
  ['empty string', ''],
  ['one tilde', '~'],
  ['only tildes', '~~~~'],
  ['dots and tildes', '..~..~'],
  ['two-segment jwt', `${HEADER}.e30~`],
  ['four-segment jwt', `${HEADER}.e30.AA.AA~`],
  ['bad base64 header', 'ey!J.e30.AA~'],
  ['base64 padding', `${HEADER}=.e30.AA~`],
  ['standard base64 chars', `${HEADER}.e30+/.AA~`],
  ['header not JSON', `${b64('alg')}.e30.AA~`],
  ['header a JSON array', `${b64('["ES256"]')}.e30.AA~`],
  ['payload JSON null', `${HEADER}.${b64('null')}.AA~`],
  ['payload JSON number', `${HEADER}.${b64('42')}.AA~`],
  ['payload with __proto__', `${HEADER}.${b64('{"__proto__":{"polluted":true},"vct":"x"}')}.AA~`],
  ['header with crit', `${b64('{"alg":"ES256","crit":["x"],"x":1}')}.e30.AA~`],
  ['alg not a string', `${b64('{"alg":{"name":"ES256"}}')}.e30.AA~`],
  ['deeply nested payload (100k arrays)', `${HEADER}.${b64(`{"a":${'['.repeat(100_000)}${']'.repeat(100_000)}}`)}.AA~`],
  ['deeply nested payload with __proto__', `${HEADER}.${b64(`{"a":${'['.repeat(50_000)}{"__proto__":1}${']'.repeat(50_000)}}`)}.AA~`],
  ['huge (2 MiB)', `${'A'.repeat(2 << 20)}~`],
  ['just under the size limit', `${HEADER}.${'A'.repeat((1 << 20) - 100)}.AA~`],
  ['too many disclosures', `${HEADER}.e30.AA${'~WyJhIiwiYiJd'.repeat(1001)}~`],
  ['disclosure bad base64', `${HEADER}.e30.AA~!!!~`],
  ['lone surrogate text', `${HEADER}.e30.AA~\ud800~`],
  ['NUL bytes', `${HEADER}\u0000.e30.AA~`],
  ['kb-jwt garbage', `${HEADER}.e30.AA~x.y.z`],
  ['number', 42],
  ['null', null],
  ['undefined', undefined],
  ['object', { jwt: 'a', disclosures: [] }],
  ['array', ['a', 'b']],
  ['boxed string', Object('a~')],
];

/** Hostile parts behind a real issuer signature, so processing reaches them. */
async function signedJunk(): Promise<Array<[string, string]>> {
  const withDisclosure = async (content: unknown, sdAt: 'object' | 'array' = 'object') => {
    const d = typeof content === 'string' ? content : disclosure(content);
    const h = await digest(d);
    const payload = await vcClaims(sdAt === 'object' ? { _sd: [h] } : { list: [{ '...': h }] });
    return craft({ payload, disclosures: [d] });
  };
  // Deep values as text: JSON.stringify itself would overflow the stack.
  const deep = (n: number) => `${'['.repeat(n)}"x"${']'.repeat(n)}`;
  const rawB64 = (text: string) => Buffer.from(text, 'utf8').toString('base64url');
  const vcJson = JSON.stringify(await vcClaims());
  const withRawDisclosure = async (json: string, sdAt: 'object' | 'array') => withDisclosure(rawB64(json), sdAt);
  return [
    ['disclosure named __proto__', await withDisclosure(['c2FsdA', '__proto__', { polluted: true }])],
    ['disclosure named constructor', await withDisclosure(['c2FsdA', 'constructor', { prototype: { polluted: true } }])],
    ['disclosure named prototype', await withDisclosure(['c2FsdA', 'prototype', { polluted: true }])],
    ['array disclosure holding __proto__ object', await withRawDisclosure('["c2FsdA",{"__proto__":{"polluted":true}}]', 'array')],
    ['object disclosure holding __proto__ object', await withRawDisclosure('["c2FsdA","x",{"a":{"__proto__":{"polluted":true}}}]', 'object')],
    ['disclosure salt a number', await withDisclosure([1, 'given_name', 'x'])],
    ['disclosure salt an object', await withDisclosure([{ s: 1 }, 'given_name', 'x'])],
    ['disclosure salt null', await withDisclosure([null, 'x'], 'array')],
    ['disclosure a number', await withDisclosure(42)],
    ['disclosure a string', await withDisclosure('salt')],
    ['disclosure an object', await withDisclosure({ salt: 's', name: 'n', value: 1 })],
    ['disclosure an empty array', await withDisclosure([])],
    ['disclosure value nested 10k deep', await withRawDisclosure(`["c2FsdA","deep",${deep(10_000)}]`, 'object')],
    [
      'disclosure value nested 10k deep with __proto__',
      await withRawDisclosure(`["c2FsdA","deep",${'['.repeat(10_000)}{"__proto__":1}${']'.repeat(10_000)}]`, 'object'),
    ],
    ['payload nested 10k deep', `${await signRawJson('{"alg":"ES256","typ":"dc+sd-jwt"}', `${vcJson.slice(0, -1)},"deep":${deep(10_000)}}`)}~`],
    ['disclosure 512 KiB', await withDisclosure(['c2FsdA', 'big', 'x'.repeat(512 * 1024)])],
    ['_sd with 10k decoy digests', await craft({ payload: await vcClaims({ _sd: Array.from({ length: 10_000 }, (_, i) => `d${i}`) }) })],
    ['_sd holding objects', await craft({ payload: await vcClaims({ _sd: [{ '...': 'x' }] }) })],
    ['... element holding an array', await craft({ payload: await vcClaims({ list: [{ '...': ['x'] }] }) })],
    ['cnf.jwk private key', await craft({ payload: await vcClaims({ cnf: { jwk: (await testKeys()).holder.privateJwk } }) })],
    ['cnf.jwk junk', await craft({ payload: await vcClaims({ cnf: { jwk: { kty: 'EC', crv: 'P-256', x: '!!', y: 42 } } }) })],
    ['x5c junk header', await craft({ header: { typ: 'dc+sd-jwt', x5c: ['!!!', 42] }, payload: await vcClaims() })],
    ['kid an object', await craft({ header: { typ: 'dc+sd-jwt', kid: { a: 1 } }, payload: await vcClaims() })],
  ];
}

type Outcome = { kind: 'result'; valid: boolean; codes: string[] } | { kind: 'value' } | { kind: 'error'; code: string };

async function run(fn: () => unknown): Promise<Outcome> {
  try {
    const value = await fn();
    if (value !== null && typeof value === 'object' && 'valid' in value && 'errors' in value) {
      const r = value as { valid: boolean; errors: Array<{ code: string }> };
      return { kind: 'result', valid: r.valid, codes: r.errors.map((e) => e.code) };
    }
    return { kind: 'value' };
  } catch (e) {
    if (!(e instanceof ComityError)) throw new Error(`not a ComityError: ${e instanceof Error ? e.name : typeof e}`);
    return { kind: 'error', code: e.code };
  }
}

function expectCoded(o: Outcome): void {
  if (o.kind === 'result' && !o.valid) {
    expect(o.codes.length).toBeGreaterThan(0);
    for (const c of o.codes) expect(c).toMatch(/^ERR_[A-Z0-9_]+$/);
    expect(o.codes).not.toContain('ERR_INTERNAL');
  }
  if (o.kind === 'error') {
    expect(o.code).toMatch(/^ERR_[A-Z0-9_]+$/);
    expect(o.code).not.toBe('ERR_INTERNAL');
  }
}

describe('junk input never crashes a public SD-JWT function', () => {
  let keys: TestKeys;
  let signed: Array<[string, string]>;
  beforeAll(async () => {
    keys = await testKeys();
    signed = await signedJunk();
  }, 60_000);

  const functions: ReadonlyArray<[string, (input: unknown) => unknown]> = [
    ['splitSdJwt', (x) => splitSdJwt(x as string)],
    ['decodeSdJwt', (x) => decodeSdJwt(x as string, ctx)],
    ['receiveSdJwt', (x) => receiveSdJwt(x as string, ctx)],
    ['presentSdJwt', (x) => presentSdJwt(x as string, { disclose: 'all' }, ctx)],
    ['verifySdJwt', (x) => verifySdJwt(x as string, basePolicy(keys, 'plain'), ctx)],
    ['verifySdJwtVc', (x) => verifySdJwtVc(x as string, basePolicy(keys, 'vc'), ctx)],
    ['verifySdJwtVc (no KB required)', (x) => verifySdJwtVc(x as string, { ...basePolicy(keys, 'vc'), keyBinding: { required: false } }, ctx)],
    ['verifySdJwtVcOrThrow', (x) => verifySdJwtVcOrThrow(x as string, basePolicy(keys, 'vc'), ctx)],
    [
      'checkKeyBinding (junk as the KB-JWT)',
      (x) =>
        checkKeyBinding(
          x as string,
          { cnfJwk: keys.holder.publicJwk, sdJwtWithoutKb: 'a.b.c~', hashAlg: 'sha-256', policy: { nonce: 'n', audience: 'a' }, skewSeconds: 60 },
          ctx,
        ).then((r) => ({ valid: r.errors.length === 0, errors: r.errors })),
    ],
  ];

  for (const [name, fn] of functions) {
    it(`${name}: static junk`, async () => {
      for (const [label, input] of STATIC_JUNK) {
        const o = await run(() => fn(input)).catch((e: Error) => {
          throw new Error(`${label}: ${e.message}`);
        });
        expectCoded(o);
        // Nothing built from junk verifies.
        if (o.kind === 'result') expect(o.valid, label).toBe(false);
      }
    });

    it(`${name}: signed junk`, async () => {
      for (const [label, input] of signed) {
        const o = await run(() => fn(input)).catch((e: Error) => {
          throw new Error(`${label}: ${e.message}`);
        });
        expectCoded(o);
      }
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(Object.prototype).not.toHaveProperty('polluted');
    });
  }

  it('verify functions report the structural rule for signed junk (not a generic failure)', async () => {
    const codes = new Map<string, string[]>();
    for (const [label, input] of signed) {
      const r = await verifySdJwtVc(input, basePolicy(keys, 'vc'), ctx);
      codes.set(
        label,
        r.errors.map((e) => e.code),
      );
    }
    // "__proto__" is a legal claim name in a disclosure (only JSON *members* named __proto__ are refused);
    // comity keeps it as an own data property and the prototype stays intact.
    expect(codes.get('disclosure named __proto__')).toEqual([]);
    const proto = await verifySdJwtVc(signed.find(([l]) => l === 'disclosure named __proto__')?.[1] ?? '', basePolicy(keys, 'vc'), ctx);
    expect(Object.getPrototypeOf(proto.claims)).toBe(Object.prototype);
    expect(Object.hasOwn(proto.claims, '__proto__')).toBe(true);
    expect((proto.claims as Record<string, unknown>).polluted).toBeUndefined();
    expect(codes.get('array disclosure holding __proto__ object')).toEqual(['ERR_SDJWT_DISCLOSURE_MALFORMED']);
    expect(codes.get('object disclosure holding __proto__ object')).toEqual(['ERR_SDJWT_DISCLOSURE_MALFORMED']);
    expect(codes.get('disclosure salt a number')).toEqual(['ERR_SDJWT_DISCLOSURE_MALFORMED']);
    expect(codes.get('disclosure an object')).toEqual(['ERR_SDJWT_DISCLOSURE_MALFORMED']);
    expect(codes.get('_sd holding objects')).toEqual(['ERR_SDJWT_SD_INVALID']);
    expect(codes.get('payload nested 10k deep')).toEqual(['ERR_SDJWT_TOO_DEEP']);
    expect(codes.get('disclosure value nested 10k deep')).toEqual(['ERR_SDJWT_TOO_DEEP']);
  });

  it('issuer-key parse helpers: junk gives ComityErrors', async () => {
    for (const input of [
      '',
      '~~~~',
      '!!!',
      'z',
      'zQ3s',
      42,
      null,
      {},
      [],
      ['!!!'],
      [42],
      'http://evil.example',
      'https://a.example/?q#f',
      `z${'1'.repeat(10_000)}`,
    ]) {
      for (const fn of [() => parseX5c(input), () => multikeyToJwk(input as string), () => jwtVcIssuerMetadataUrl(input as string)]) {
        expectCoded(await run(fn));
      }
    }
  });
});
