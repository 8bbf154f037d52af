/**
 * Junk input against every public parse/verify function: each must fail with a
 * ComityError carrying an ERR_STATUS_* code, never crash with another error type.
 */
import { deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { ComityError, createContext, defaultCrypto, type Jwk, localSigner, signCompactJws } from '@comity/core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeStatusList, decodeStatusListCbor, parseStatusListAggregation, parseStatusReference, StatusList, verifyStatusListJwt } from '../src/index.js';

function codeOfSync(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof ComityError) return e.code;
    throw e;
  }
  return 'NO_ERROR';
}

async function codeOf(fn: () => Promise<unknown>): Promise<string> {
  try {
    await fn();
  } catch (e) {
    if (e instanceof ComityError) return e.code;
    throw e;
  }
  return 'NO_ERROR';
}

const b64 = (bytes: Uint8Array | Buffer): string => Buffer.from(bytes).toString('base64url');
const hex = (h: string): Uint8Array => new Uint8Array(Buffer.from(h, 'hex'));
const ZEROS = new Uint8Array(16);

const junkValues: ReadonlyArray<readonly [string, unknown]> = [
  ['undefined', undefined],
  ['null', null],
  ['number', 42],
  ['NaN', Number.NaN],
  ['string', 'status'],
  ['empty string', ''],
  ['boolean', true],
  ['array', [1, 2]],
  ['empty object', {}],
  ['Uint8Array', new Uint8Array([1, 2, 3])],
  ['Map', new Map([['bits', 1]])],
  ['Date', new Date(0)],
  ['class instance', new (class Foo {})()],
  ['proto-polluting', JSON.parse('{"__proto__": {"bits": 1}, "status_list": {"__proto__": {"idx": 1}}}')],
  ['function', () => 1],
  ['symbol', Symbol('x')],
  ['bigint', 10n],
];

describe('junk input: parseStatusReference', () => {
  for (const [name, value] of junkValues) {
    it(`status-list-junk-reference: ${name}`, () => {
      expect(codeOfSync(() => parseStatusReference(value))).toBe('ERR_STATUS_REFERENCE_INVALID');
    });
  }
  it('status-list-junk-reference: bigint idx is not an integer', () => {
    expect(codeOfSync(() => parseStatusReference({ status_list: { idx: 1n, uri: 'https://e.example/' } }))).toBe('ERR_STATUS_REFERENCE_INVALID');
  });
});

describe('junk input: decodeStatusList (JSON form)', () => {
  const cases: ReadonlyArray<readonly [string, unknown, string]> = [
    // A plain object without `bits` fails on bits; own `__proto__` members are plain data, never the prototype.
    ...junkValues.map(
      ([name, value]) =>
        [name, value, name === 'empty object' || name === 'proto-polluting' ? 'ERR_STATUS_BITS_INVALID' : 'ERR_STATUS_LIST_MALFORMED'] as const,
    ),
    ['bits 0', { bits: 0, lst: 'eNrbuRgAAhcBXQ' }, 'ERR_STATUS_BITS_INVALID'],
    ['bits 3', { bits: 3, lst: 'eNrbuRgAAhcBXQ' }, 'ERR_STATUS_BITS_INVALID'],
    ['bits 16', { bits: 16, lst: 'eNrbuRgAAhcBXQ' }, 'ERR_STATUS_BITS_INVALID'],
    ['bits "1"', { bits: '1', lst: 'eNrbuRgAAhcBXQ' }, 'ERR_STATUS_BITS_INVALID'],
    ['bits 1.0000001', { bits: 1.0000001, lst: 'eNrbuRgAAhcBXQ' }, 'ERR_STATUS_BITS_INVALID'],
    ['lst missing', { bits: 1 }, 'ERR_STATUS_LIST_MALFORMED'],
    ['lst number', { bits: 1, lst: 5 }, 'ERR_STATUS_LIST_MALFORMED'],
    ['lst bytes', { bits: 1, lst: hex('78dadbb918000217015d') }, 'ERR_STATUS_LIST_MALFORMED'],
    ['aggregation_uri number', { bits: 1, lst: 'eNrbuRgAAhcBXQ', aggregation_uri: 1 }, 'ERR_STATUS_LIST_MALFORMED'],
    ['lst padded base64', { bits: 1, lst: 'eNrbuRgAAhcBXQ==' }, 'ERR_STATUS_LIST_CORRUPT'],
    ['lst standard base64 alphabet', { bits: 1, lst: 'eNrbuRgA+hcB/Q' }, 'ERR_STATUS_LIST_CORRUPT'],
    ['lst with whitespace', { bits: 1, lst: 'eNrbuRgA AhcBXQ' }, 'ERR_STATUS_LIST_CORRUPT'],
    ['lst non-canonical trailing bits', { bits: 1, lst: 'eNrbuRgAAhcBXR' }, 'ERR_STATUS_LIST_CORRUPT'],
    ['lst empty', { bits: 1, lst: '' }, 'ERR_STATUS_LIST_CORRUPT'],
    ['gzip instead of zlib', { bits: 1, lst: b64(gzipSync(ZEROS)) }, 'ERR_STATUS_LIST_CORRUPT'],
    ['raw deflate without zlib header', { bits: 1, lst: b64(deflateRawSync(ZEROS)) }, 'ERR_STATUS_LIST_CORRUPT'],
    ['bad adler32', { bits: 1, lst: b64(hex('78dadbb918000217015e')) }, 'ERR_STATUS_LIST_CORRUPT'],
    ['bad zlib header check', { bits: 1, lst: b64(hex('78dbdbb918000217015d')) }, 'ERR_STATUS_LIST_CORRUPT'],
    ['preset dictionary flag', { bits: 1, lst: b64(hex('78f9000000010000')) }, 'ERR_STATUS_LIST_CORRUPT'],
    ['truncated stream', { bits: 1, lst: b64(hex('78dadbb91800')) }, 'ERR_STATUS_LIST_CORRUPT'],
    ['header only', { bits: 1, lst: b64(hex('78da')) }, 'ERR_STATUS_LIST_CORRUPT'],
    ['trailing bytes after stream', { bits: 1, lst: b64(hex('78dadbb918000217015d00')) }, 'ERR_STATUS_LIST_CORRUPT'],
    ['two concatenated streams', { bits: 1, lst: b64(Buffer.concat([hex('78dadbb918000217015d'), hex('78dadbb918000217015d')])) }, 'ERR_STATUS_LIST_CORRUPT'],
    ['empty list', { bits: 1, lst: b64(deflateSync(new Uint8Array(0))) }, 'ERR_STATUS_LIST_CORRUPT'],
    ['invalid block type', { bits: 1, lst: b64(hex('78da07000000000001')) }, 'ERR_STATUS_LIST_CORRUPT'],
  ];
  for (const [name, value, code] of cases) {
    it(`status-list-junk-json: ${name} -> ${code}`, () => {
      expect(codeOfSync(() => decodeStatusList(value))).toBe(code);
    });
  }

  it('status-list-11.1-bomb-bound: output one byte over maxBytes is refused, exactly maxBytes is accepted', () => {
    const lst = b64(deflateSync(new Uint8Array(4096)));
    expect(decodeStatusList({ bits: 1, lst }, { maxBytes: 4096 }).list.size).toBe(4096 * 8);
    expect(codeOfSync(() => decodeStatusList({ bits: 1, lst }, { maxBytes: 4095 }))).toBe('ERR_STATUS_LIST_TOO_LARGE');
  });
});

describe('junk input: decodeStatusListCbor', () => {
  const cases: ReadonlyArray<readonly [string, unknown, string]> = [
    ['not bytes', 'a2646269747301636c73744a78dadbb918000217015d', 'ERR_STATUS_LIST_MALFORMED'],
    ['empty', new Uint8Array(0), 'ERR_STATUS_LIST_MALFORMED'],
    ['truncated', hex('a2646269747301636c73744a78dadbb918'), 'ERR_STATUS_LIST_MALFORMED'],
    ['trailing byte', hex('a2646269747301636c73744a78dadbb918000217015d00'), 'ERR_STATUS_LIST_MALFORMED'],
    ['array instead of map', hex('820102'), 'ERR_STATUS_LIST_MALFORMED'],
    ['integer keys', hex('a201010240'), 'ERR_STATUS_LIST_MALFORMED'],
    ['lst as text', hex('a2646269747301636c73746461626364'), 'ERR_STATUS_LIST_MALFORMED'],
    ['bits as text', hex('a264626974736131636c73744a78dadbb918000217015d'), 'ERR_STATUS_BITS_INVALID'],
    ['bits 3', hex('a2646269747303636c73744a78dadbb918000217015d'), 'ERR_STATUS_BITS_INVALID'],
    ['bits negative', hex('a2646269747320636c73744a78dadbb918000217015d'), 'ERR_STATUS_BITS_INVALID'],
    ['bits float 1.0', hex('a26462697473f93c00636c73744a78dadbb918000217015d'), 'ERR_STATUS_BITS_INVALID'],
    ['tagged map', hex('d90103a2646269747301636c73744a78dadbb918000217015d'), 'ERR_STATUS_LIST_MALFORMED'],
    ['lst corrupt', hex('a2646269747301636c73744a78dadbb918000217015e'), 'ERR_STATUS_LIST_CORRUPT'],
    ['break outside indefinite', hex('ff'), 'ERR_STATUS_LIST_MALFORMED'],
    ['huge declared length', hex('5bffffffffffffffff'), 'ERR_STATUS_LIST_MALFORMED'],
    ['duplicate key', hex('a3646269747301636c73744a78dadbb918000217015d6462697473' + '01'), 'ERR_STATUS_LIST_MALFORMED'],
    ['indefinite map', hex('bf646269747301636c73744a78dadbb918000217015dff'), 'ERR_STATUS_LIST_MALFORMED'],
    ['text key not UTF-8', hex('a2646269747301636c73ff4a78dadbb918000217015d'), 'ERR_STATUS_LIST_MALFORMED'],
    ['deep nesting', new Uint8Array([...new Array(100_000).fill(0x81), 0x00]), 'ERR_STATUS_LIST_MALFORMED'],
  ];
  for (const [name, value, code] of cases) {
    it(`status-list-junk-cbor: ${name} -> ${code}`, () => {
      expect(codeOfSync(() => decodeStatusListCbor(value as Uint8Array))).toBe(code);
    });
  }

  it('status-list-junk-cbor-fuzz: random bytes never escape as a non-ComityError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const code = codeOfSync(() => decodeStatusListCbor(bytes));
        expect(code.startsWith('ERR_STATUS_') || code === 'NO_ERROR').toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});

describe('junk input: parseStatusListAggregation', () => {
  const cases: ReadonlyArray<readonly [string, unknown]> = [
    ...junkValues,
    ['status_lists missing', {}],
    ['status_lists object', { status_lists: {} }],
    ['entry number', { status_lists: [1] }],
    ['entry relative', { status_lists: ['/lists/1'] }],
    ['entry empty', { status_lists: [''] }],
    ['too many entries', { status_lists: Array.from({ length: 1001 }, (_, i) => `https://e.example/${i}`) }],
  ];
  for (const [name, value] of cases) {
    it(`status-list-junk-aggregation: ${name}`, () => {
      expect(codeOfSync(() => parseStatusListAggregation(value))).toBe('ERR_STATUS_AGGREGATION_INVALID');
    });
  }
  it('status-list-9.3-example: the draft example parses, duplicates dropped', () => {
    const uris = ['https://example.com/statuslists/1', 'https://example.com/statuslists/2', 'https://example.com/statuslists/3'];
    expect(parseStatusListAggregation({ status_lists: [...uris, uris[0]] })).toEqual(uris);
  });
});

describe('junk input: StatusList.get with an untrusted index', () => {
  const list = new StatusList(16, 1);
  for (const idx of [-1, 16, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, '1' as unknown as number]) {
    it(`status-list-8.3-6-junk-index: ${String(idx)}`, () => {
      expect(codeOfSync(() => list.get(idx))).toBe('ERR_STATUS_INDEX_OUT_OF_RANGE');
    });
  }
});

describe('junk input: verifyStatusListJwt', () => {
  const uri = 'https://status.example/1';
  const ctx = createContext({ now: () => new Date(2_000_000_000_000) });
  let key: Jwk;
  let sign: (header: Record<string, unknown>, payload: Record<string, unknown>) => Promise<string>;
  beforeAll(async () => {
    const pair = await defaultCrypto.generateKeyPair('ES256');
    key = pair.publicJwk;
    const signer = localSigner(pair.privateJwk, 'ES256', defaultCrypto);
    sign = (header, payload) => signCompactJws(header, payload, signer);
  });
  const good = { sub: uri, iat: 1_999_999_000, status_list: { bits: 1, lst: 'eNrbuRgAAhcBXQ' } };
  const T = { typ: 'statuslist+jwt' };

  const tokens: ReadonlyArray<readonly [string, () => Promise<string> | string, string]> = [
    ['not a string', () => 42 as unknown as string, 'ERR_STATUS_TOKEN_MALFORMED'],
    ['empty', () => '', 'ERR_STATUS_TOKEN_MALFORMED'],
    ['two segments', () => 'a.b', 'ERR_STATUS_TOKEN_MALFORMED'],
    ['four segments', () => 'a.b.c.d', 'ERR_STATUS_TOKEN_MALFORMED'],
    ['header not JSON', () => `${b64(Buffer.from('nope'))}.${b64(Buffer.from('{}'))}.AA`, 'ERR_STATUS_TOKEN_MALFORMED'],
    ['payload array', () => `${b64(Buffer.from('{"alg":"ES256","typ":"statuslist+jwt"}'))}.${b64(Buffer.from('[]'))}.AA`, 'ERR_STATUS_TOKEN_MALFORMED'],
    [
      'alg none',
      () => `${b64(Buffer.from('{"alg":"none","typ":"statuslist+jwt"}'))}.${b64(Buffer.from(JSON.stringify(good)))}.`,
      'ERR_STATUS_TOKEN_ALG_NOT_ALLOWED',
    ],
    [
      'alg HS256',
      () => `${b64(Buffer.from('{"alg":"HS256","typ":"statuslist+jwt"}'))}.${b64(Buffer.from(JSON.stringify(good)))}.AAAA`,
      'ERR_STATUS_TOKEN_ALG_NOT_ALLOWED',
    ],
    ['crit header', () => sign({ ...T, crit: ['x'], x: 1 }, good), 'ERR_STATUS_TOKEN_CRIT_UNSUPPORTED'],
    ['typ sd-jwt', () => sign({ typ: 'dc+sd-jwt' }, good), 'ERR_STATUS_TOKEN_TYP'],
    ['typ number', () => sign({ typ: 1 }, good), 'ERR_STATUS_TOKEN_TYP'],
    ['kid number', () => sign({ ...T, kid: 1 }, good), 'ERR_STATUS_TOKEN_MALFORMED'],
    ['sub missing', () => sign(T, { ...good, sub: undefined }), 'ERR_STATUS_TOKEN_CLAIM_INVALID'],
    ['sub number', () => sign(T, { ...good, sub: 1 }), 'ERR_STATUS_TOKEN_CLAIM_INVALID'],
    ['iat string', () => sign(T, { ...good, iat: '1999999000' }), 'ERR_STATUS_TOKEN_CLAIM_INVALID'],
    ['iat negative', () => sign(T, { ...good, iat: -1 }), 'ERR_STATUS_TOKEN_CLAIM_INVALID'],
    ['exp string', () => sign(T, { ...good, exp: 'soon' }), 'ERR_STATUS_TOKEN_CLAIM_INVALID'],
    ['ttl zero', () => sign(T, { ...good, ttl: 0 }), 'ERR_STATUS_TOKEN_CLAIM_INVALID'],
    ['ttl string', () => sign(T, { ...good, ttl: '60' }), 'ERR_STATUS_TOKEN_CLAIM_INVALID'],
    ['nbf in future', () => sign(T, { ...good, nbf: 2_000_001_000 }), 'ERR_STATUS_TOKEN_NOT_YET_VALID'],
    ['status_list missing', () => sign(T, { ...good, status_list: undefined }), 'ERR_STATUS_TOKEN_CLAIM_INVALID'],
    ['status_list array', () => sign(T, { ...good, status_list: [] }), 'ERR_STATUS_TOKEN_CLAIM_INVALID'],
    ['status_list lst missing', () => sign(T, { ...good, status_list: { bits: 1 } }), 'ERR_STATUS_LIST_MALFORMED'],
    ['exp equals now', () => sign(T, { ...good, exp: 2_000_000_000 }), 'ERR_STATUS_TOKEN_EXPIRED'],
    ['sub differs by a trailing slash', () => sign(T, { ...good, sub: `${uri}/` }), 'ERR_STATUS_SUB_MISMATCH'],
    ['signature of wrong length', async () => `${(await sign(T, good)).split('.').slice(0, 2).join('.')}.AAAA`, 'ERR_STATUS_TOKEN_SIGNATURE_INVALID'],
  ];
  for (const [name, make, code] of tokens) {
    it(`status-list-junk-jwt: ${name} -> ${code}`, async () => {
      const token = await make();
      expect(await codeOf(() => verifyStatusListJwt(token, { ctx, keys: [key], uri }))).toBe(code);
    });
  }

  it('status-list-rfc7515-4.1.9-typ-forms: application/statuslist+jwt and other casing are the same media type', async () => {
    for (const typ of ['application/statuslist+jwt', 'StatusList+JWT']) {
      const token = await sign({ typ }, good);
      expect((await verifyStatusListJwt(token, { ctx, keys: [key], uri })).list.get(0)).toBe(1);
    }
  });

  it('status-list-junk-jwt: the well-formed control token verifies', async () => {
    const token = await sign(T, good);
    expect((await verifyStatusListJwt(token, { ctx, keys: [key], uri })).list.get(0)).toBe(1);
  });

  it('status-list-junk-jwt: unsigned junk is rejected before the list is inflated', async () => {
    const bomb = { ...good, status_list: { bits: 1, lst: b64(deflateSync(new Uint8Array(64 * 1024 * 1024))) } };
    const token = `${b64(Buffer.from('{"alg":"ES256","typ":"statuslist+jwt"}'))}.${b64(Buffer.from(JSON.stringify(bomb)))}.${b64(new Uint8Array(64))}`;
    expect(await codeOf(() => verifyStatusListJwt(token, { ctx, keys: [key], uri }))).toBe('ERR_STATUS_TOKEN_SIGNATURE_INVALID');
  });
});
