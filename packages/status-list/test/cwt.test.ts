/** Status List Token in CWT format (draft-20 §5.2, §6.3): the draft's examples, signing, and rejections. */
import { createServer, type Server } from 'node:http';
import { createContext, defaultCrypto, fromHex, type Jwk, localSigner, type Signer, toHex } from '@comity/core';
import { Encoder, Tag } from 'cbor-x';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkStatus, parseStatusReference, StatusList, signStatusListCwt, verifyStatusListCwt } from '../src/index.js';
import { codeOf } from './code-of.js';
import { example, exampleKey } from './vectors.js';

const EXAMPLE_URI = 'https://example.com/statuslists/1';
const exampleCtx = createContext({ now: () => new Date(1_686_920_170_000 + 60_000) });
const hexOf = (name: string): string => example(name).replace(/\s+/g, '');
const cborOptions = { useRecords: false, mapsAsObjects: true, variableMapSize: true, tagUint8Array: false, useTag259ForMaps: false };
const cbor = new Encoder(cborOptions);
const enc = (v: unknown): Uint8Array => new Uint8Array(cbor.encode(v));

describe('draft-20 §5.2 CWT example', () => {
  it('status-list-5.2-example-verifies: the draft CWT verifies with the example key and reads the §4.1 list', async () => {
    const verified = await verifyStatusListCwt(fromHex(hexOf('status_list_cwt.md')), { ctx: exampleCtx, keys: [exampleKey], uri: EXAMPLE_URI });
    expect(verified.token).toEqual({ iat: 1_686_920_170, exp: 2_291_720_170, ttl: 43_200 });
    expect(verified.alg).toBe('ES256');
    expect(toHex(verified.list.toBytes())).toBe('b9a3');
  });

  it('status-list-5.2-example-reproduced: signStatusListCwt writes the draft bytes exactly, up to the (randomised) ECDSA signature', async () => {
    const { privateJwk, publicJwk } = await defaultCrypto.generateKeyPair('ES256');
    const cwt = await signStatusListCwt({
      list: StatusList.fromBytes(new Uint8Array([0xb9, 0xa3]), 1),
      uri: EXAMPLE_URI,
      iat: 1_686_920_170,
      exp: 2_291_720_170,
      ttl: 43_200,
      signer: localSigner(privateJwk, 'ES256', defaultCrypto),
      header: { kid: '12' },
    });
    const draft = hexOf('status_list_cwt.md');
    expect(toHex(cwt).length).toBe(draft.length);
    expect(toHex(cwt).slice(0, -128)).toBe(draft.slice(0, -128));
    const verified = await verifyStatusListCwt(cwt, { ctx: exampleCtx, keys: [{ ...publicJwk, kid: '12' }], uri: EXAMPLE_URI });
    expect(verified.list.get(0)).toBe(1);
  });

  it('status-list-6.3-referenced-token: the status claim (65535) of the draft Referenced Token CWT parses to {idx: 0, uri}', async () => {
    const bytes = fromHex(hexOf('referenced_token_cwt.md'));
    const { Decoder } = await import('cbor-x');
    const outer = new Decoder({ useRecords: false, mapsAsObjects: false }).decode(bytes) as Tag;
    const claims = new Decoder({ useRecords: false, mapsAsObjects: false }).decode((outer.value as Uint8Array[])[2] as Uint8Array) as Map<number, unknown>;
    expect(parseStatusReference(claims.get(65535))).toEqual({ idx: 0, uri: EXAMPLE_URI });
  });
});

describe('draft-20 §5.2 CWT rejections', () => {
  const uri = 'https://status.example/cwt/1';
  const ctx = createContext({ now: () => new Date(2_000_000_000_000) });
  let signer: Signer;
  let key: Jwk;
  const protectedOk = enc(
    new Map<number, unknown>([
      [1, -7],
      [16, 'application/statuslist+cwt'],
    ]),
  );
  const claimsOk = () =>
    new Map<number, unknown>([
      [2, uri],
      [6, 1_999_999_000],
      [65533, { bits: 1, lst: fromHex('78dadbb918000217015d') }],
    ]);

  /** A hand-built COSE_Sign1 signed over its real Sig_structure. */
  async function build(
    options: { protectedHeader?: Uint8Array; unprotected?: Map<number, unknown>; claims?: unknown; tag?: number } = {},
  ): Promise<Uint8Array> {
    const protectedBytes = options.protectedHeader ?? protectedOk;
    const payload = enc(options.claims ?? claimsOk());
    const signature = await signer.sign(enc(['Signature1', protectedBytes, new Uint8Array(0), payload]));
    return enc(new Tag([protectedBytes, options.unprotected ?? new Map(), payload, signature], options.tag ?? 18));
  }

  beforeAll(async () => {
    const pair = await defaultCrypto.generateKeyPair('ES256');
    signer = localSigner(pair.privateJwk, 'ES256', defaultCrypto);
    key = pair.publicJwk;
  });

  it('status-list-5.2-control: the hand-built token verifies', async () => {
    expect((await verifyStatusListCwt(await build(), { ctx, keys: [key], uri })).list.get(0)).toBe(1);
  });

  const cases: ReadonlyArray<readonly [string, () => Promise<Uint8Array>, string]> = [
    ['status-list-5.2-typ-missing', () => build({ protectedHeader: enc(new Map([[1, -7]])) }), 'ERR_STATUS_TOKEN_TYP'],
    [
      'status-list-5.2-typ-wrong',
      () =>
        build({
          protectedHeader: enc(
            new Map<number, unknown>([
              [1, -7],
              [16, 'application/cwt'],
            ]),
          ),
        }),
      'ERR_STATUS_TOKEN_TYP',
    ],
    [
      'status-list-5.2-typ-unprotected',
      () => build({ protectedHeader: enc(new Map([[1, -7]])), unprotected: new Map([[16, 'application/statuslist+cwt']]) }),
      'ERR_STATUS_TOKEN_TYP',
    ],
    ['status-list-5.2-mac0', () => build({ tag: 17 }), 'ERR_STATUS_TOKEN_ALG_NOT_ALLOWED'],
    [
      'status-list-5.2-cwt-tag-61',
      async () => enc(new Tag(new Tag([protectedOk, new Map(), enc(claimsOk()), new Uint8Array(64)], 18), 61)),
      'ERR_STATUS_TOKEN_MALFORMED',
    ],
    ['status-list-5.2-untagged', async () => enc([protectedOk, new Map(), enc(claimsOk()), new Uint8Array(64)]), 'ERR_STATUS_TOKEN_MALFORMED'],
    ['status-list-5.2-alg-missing', () => build({ protectedHeader: enc(new Map([[16, 'application/statuslist+cwt']])) }), 'ERR_STATUS_TOKEN_MALFORMED'],
    [
      'status-list-5.2-alg-unknown',
      () =>
        build({
          protectedHeader: enc(
            new Map<number, unknown>([
              [1, 5],
              [16, 'application/statuslist+cwt'],
            ]),
          ),
        }),
      'ERR_STATUS_TOKEN_ALG_NOT_ALLOWED',
    ],
    [
      'status-list-5.2-crit',
      () =>
        build({
          protectedHeader: enc(
            new Map<number, unknown>([
              [1, -7],
              [2, [99]],
              [16, 'application/statuslist+cwt'],
            ]),
          ),
        }),
      'ERR_STATUS_TOKEN_CRIT_UNSUPPORTED',
    ],
    ['status-list-5.2-header-in-both-buckets', () => build({ unprotected: new Map([[1, -7]]) }), 'ERR_STATUS_TOKEN_MALFORMED'],
    ['status-list-5.2-kid-not-bytes', () => build({ unprotected: new Map([[4, 12]]) }), 'ERR_STATUS_TOKEN_MALFORMED'],
    ['status-list-5.2-sub-mismatch', () => build({ claims: new Map([...claimsOk(), [2, 'https://status.example/cwt/2']]) }), 'ERR_STATUS_SUB_MISMATCH'],
    ['status-list-5.2-sub-missing', () => build({ claims: new Map([...claimsOk()].filter(([k]) => k !== 2)) }), 'ERR_STATUS_TOKEN_CLAIM_INVALID'],
    ['status-list-5.2-expired', () => build({ claims: new Map([...claimsOk(), [4, 1_999_999_999]]) }), 'ERR_STATUS_TOKEN_EXPIRED'],
    ['status-list-5.2-iat-text', () => build({ claims: new Map([...claimsOk(), [6, 'yesterday']]) }), 'ERR_STATUS_TOKEN_CLAIM_INVALID'],
    [
      'status-list-5.2-exp-undefined: exp present as CBOR undefined is not an absent exp',
      () => build({ claims: new Map([...claimsOk(), [4, undefined]]) }),
      'ERR_STATUS_TOKEN_CLAIM_INVALID',
    ],
    [
      'status-list-5.2-ttl-float: ttl 60.5 is not an unsigned integer',
      () => build({ claims: new Map([...claimsOk(), [65534, 60.5]]) }),
      'ERR_STATUS_TOKEN_CLAIM_INVALID',
    ],
    ['status-list-5.2-ttl-negative', () => build({ claims: new Map([...claimsOk(), [65534, -5]]) }), 'ERR_STATUS_TOKEN_CLAIM_INVALID'],
    ['status-list-5.2-status-list-missing', () => build({ claims: new Map([...claimsOk()].filter(([k]) => k !== 65533)) }), 'ERR_STATUS_TOKEN_CLAIM_INVALID'],
    [
      'status-list-5.2-bits-invalid',
      () => build({ claims: new Map([...claimsOk(), [65533, { bits: 5, lst: fromHex('78dadbb918000217015d') }]]) }),
      'ERR_STATUS_BITS_INVALID',
    ],
    [
      'status-list-5.2-lst-corrupt',
      () => build({ claims: new Map([...claimsOk(), [65533, { bits: 1, lst: fromHex('78dadbb9') }]]) }),
      'ERR_STATUS_LIST_CORRUPT',
    ],
    ['status-list-5.2-claims-not-map', () => build({ claims: [1, 2, 3] }), 'ERR_STATUS_TOKEN_MALFORMED'],
    ['status-list-5.2-trailing-bytes', async () => new Uint8Array([...(await build()), 0]), 'ERR_STATUS_TOKEN_MALFORMED'],
    [
      'status-list-5.2-bad-signature',
      async () => {
        const t = await build();
        t[t.length - 5] = (t[t.length - 5] as number) ^ 1;
        return t;
      },
      'ERR_STATUS_TOKEN_SIGNATURE_INVALID',
    ],
  ];
  for (const [name, make, code] of cases) {
    it(`${name}: ${code}`, async () => {
      expect(await codeOf(verifyStatusListCwt(await make(), { ctx, keys: [key], uri }))).toBe(code);
    });
  }

  it('status-list-5.2-wrong-key: a token from another key is ERR_STATUS_TOKEN_SIGNATURE_INVALID', async () => {
    const other = (await defaultCrypto.generateKeyPair('ES256')).publicJwk;
    expect(await codeOf(verifyStatusListCwt(await build(), { ctx, keys: [other], uri }))).toBe('ERR_STATUS_TOKEN_SIGNATURE_INVALID');
  });

  it('status-list-11.3-x5chain-to-resolver: kid and x5chain reach the resolver as JOSE-style kid / x5c', async () => {
    const der = new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01]);
    let seen: unknown;
    const token = await build({
      unprotected: new Map<number, unknown>([
        [4, new TextEncoder().encode('k-1')],
        [33, der],
      ]),
    });
    await verifyStatusListCwt(token, {
      ctx,
      uri,
      keys: ({ header }) => {
        seen = header;
        return [key];
      },
    });
    expect(seen).toEqual({ alg: 'ES256', typ: 'application/statuslist+cwt', kid: 'k-1', x5c: [Buffer.from(der).toString('base64')] });
  });
});

describe('draft-20 §8 CWT status check over HTTP', () => {
  let server: Server;
  let base = '';
  let key: Jwk;
  let accept: string | undefined;
  let body: Uint8Array = new Uint8Array(0);
  const ctx = createContext({ fetch: globalThis.fetch, now: () => new Date(2_000_000_000_000) });

  beforeAll(async () => {
    server = createServer((req, res) => {
      accept = req.headers.accept;
      res.setHeader('content-type', 'application/statuslist+cwt');
      res.end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    base = `http://127.0.0.1:${address.port}`;
    const pair = await defaultCrypto.generateKeyPair('ES256');
    key = pair.publicJwk;
    const list = new StatusList(64, 2);
    list.set(3, 1);
    list.set(4, 2);
    body = await signStatusListCwt({ list, uri: `${base}/cwt`, iat: 1_999_999_000, ttl: 60, signer: localSigner(pair.privateJwk, 'ES256', defaultCrypto) });
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('status-list-8.1-cwt: format cwt asks for application/statuslist+cwt and reads VALID / INVALID / SUSPENDED', async () => {
    const options = { ctx, keys: [key], allowLoopbackHttp: true, format: 'cwt' as const };
    expect(await checkStatus({ idx: 0, uri: `${base}/cwt` }, options)).toEqual({ status: 0, label: 'VALID', token: { iat: 1_999_999_000, ttl: 60 } });
    expect((await checkStatus({ idx: 3, uri: `${base}/cwt` }, options)).label).toBe('INVALID');
    expect((await checkStatus({ idx: 4, uri: `${base}/cwt` }, options)).label).toBe('SUSPENDED');
    expect(accept).toBe('application/statuslist+cwt');
    expect(await codeOf(checkStatus({ idx: 64, uri: `${base}/cwt` }, options))).toBe('ERR_STATUS_INDEX_OUT_OF_RANGE');
  });

  it('status-list-8.2-cwt-served-as-jwt: CWT bytes read as a JWT are ERR_STATUS_TOKEN_MALFORMED', async () => {
    expect(await codeOf(checkStatus({ idx: 0, uri: `${base}/cwt` }, { ctx, keys: [key], allowLoopbackHttp: true }))).toBe('ERR_STATUS_TOKEN_MALFORMED');
  });

  it("status-list-8.1-any: format 'any' asks for both media types and reads the CWT the server sends", async () => {
    const options = { ctx, keys: [key], allowLoopbackHttp: true, format: 'any' as const };
    expect((await checkStatus({ idx: 3, uri: `${base}/cwt` }, options)).label).toBe('INVALID');
    expect(accept).toBe('application/statuslist+jwt, application/statuslist+cwt');
    await expect(checkStatus({ idx: 0, uri: `${base}/cwt` }, { ...options, format: 'xml' as never })).rejects.toMatchObject({
      code: 'ERR_USAGE_STATUS_FORMAT',
    });
  });
});
