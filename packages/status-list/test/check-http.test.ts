/**
 * End to end over a real HTTP server on 127.0.0.1: signed Status List Tokens are served,
 * fetched through core's fetchBytes and checked. One test per rejection rule.
 */
import { createServer, type Server } from 'node:http';
import { deflateSync } from 'node:zlib';
import { type ComityContext, ComityError, createContext, defaultCrypto, type Jwk, localSigner, type Signer, signCompactJws } from '@comity/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CheckStatusOptions,
  checkStatus,
  createStatusListCache,
  fetchStatusListAggregation,
  parseStatusReference,
  prefetchStatusLists,
  STATUS_ERROR_CODES,
  StatusList,
  signStatusListJwt,
  verifyStatus,
} from '../src/index.js';
import { codeOf } from './code-of.js';

const NOW = 1_900_000_000;
let clock = NOW;
const ctx: ComityContext = createContext({ fetch: globalThis.fetch, now: () => new Date(clock * 1000) });

interface Route {
  status?: number;
  body: string | Buffer;
  chunked?: boolean;
  location?: string;
}
const routes = new Map<string, Route>();
const hits = new Map<string, number>();
const accepts = new Map<string, string | undefined>();
let server: Server;
let base = '';

let statusKey: Jwk;
let signer: Signer;
let otherSigner: Signer;

const list = new StatusList(1000, 2);
list.set(7, 1);
list.set(9, 2);
list.set(11, 3);

function url(path: string): string {
  return `${base}${path}`;
}

function options(extra: Partial<CheckStatusOptions> = {}): CheckStatusOptions {
  return { ctx, keys: [statusKey], allowLoopbackHttp: true, ...extra };
}

async function serve(path: string, body: string | Buffer, extra: Omit<Route, 'body'> = {}): Promise<void> {
  routes.set(path, { body, ...extra });
}

/** Serves a freshly signed list (ttl 300) at `path`, for tests that need a list of their own. */
async function serveFreshList(path: string): Promise<void> {
  await serve(path, await signStatusListJwt({ list, uri: url(path), iat: NOW - 60, ttl: 300, signer, header: { kid: 'status-1' } }));
}

async function signedPayload(path: string, payload: Record<string, unknown>, header: Record<string, unknown> = { typ: 'statuslist+jwt' }, by = signer) {
  await serve(path, await signCompactJws(header, payload, by));
}

beforeAll(async () => {
  const keyPair = await defaultCrypto.generateKeyPair('ES256');
  statusKey = { ...keyPair.publicJwk, kid: 'status-1' };
  signer = localSigner(keyPair.privateJwk, 'ES256', defaultCrypto);
  otherSigner = localSigner((await defaultCrypto.generateKeyPair('ES256')).privateJwk, 'ES256', defaultCrypto);

  server = createServer((req, res) => {
    const path = req.url ?? '/';
    hits.set(path, (hits.get(path) ?? 0) + 1);
    accepts.set(path, req.headers.accept);
    // Like static hosting, an unknown query string falls back to the plain path.
    const route = routes.get(path) ?? routes.get(path.split('?')[0] ?? path);
    if (route === undefined) {
      res.writeHead(404).end();
      return;
    }
    if (route.location !== undefined) {
      res.writeHead(302, { location: route.location }).end();
      return;
    }
    res.statusCode = route.status ?? 200;
    res.setHeader('content-type', 'application/statuslist+jwt');
    if (route.chunked === true) {
      const body = Buffer.from(route.body);
      for (let i = 0; i < body.length; i += 1024) res.write(body.subarray(i, i + 1024));
      res.end();
    } else {
      res.end(route.body);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  base = `http://127.0.0.1:${address.port}`;

  const sign = (path: string, extra: Partial<Parameters<typeof signStatusListJwt>[0]> = {}) =>
    signStatusListJwt({ list, uri: url(path), iat: NOW - 60, exp: NOW + 3600, ttl: 300, signer, header: { kid: 'status-1' }, ...extra });

  await serve('/lists/1', await sign('/lists/1'));
  // §8.2: a redirect the client should follow; `sub` stays the referenced uri.
  await serve('/lists/moved', '', { location: '/lists/moved-target' });
  await serve('/lists/moved-target', await sign('/lists/moved'));
  await serve('/lists/newline', `${await sign('/lists/newline')}\n`);
  await serve('/lists/cached', await sign('/lists/cached'));
  await serve('/lists/no-ttl', await sign('/lists/no-ttl', { ttl: undefined, exp: NOW + 600 }));
  await serve('/lists/expired', await sign('/lists/expired', { iat: NOW - 7200, exp: NOW - 3600 }));
  await serve('/lists/future', await sign('/lists/future', { iat: NOW + 3600, exp: NOW + 7200 }));
  await serve('/lists/old', await sign('/lists/old', { iat: NOW - 86_400 * 3, exp: NOW + 3600 }));
  await serve('/lists/sub', await sign('/lists/sub', { uri: url('/lists/other') }));
  await serve('/lists/wrong-key', await sign('/lists/wrong-key', { signer: otherSigner }));
  await serve('/lists/unknown-kid', await sign('/lists/unknown-kid', { header: { kid: 'someone-else' } }));
  const good = await sign('/lists/bad-signature');
  const [h, p, s] = good.split('.') as [string, string, string];
  const flipped = `${s.slice(0, 10)}${s[10] === 'A' ? 'B' : 'A'}${s.slice(11)}`;
  await serve('/lists/bad-signature', `${h}.${p}.${flipped}`);
  await signedPayload('/lists/typ', { sub: url('/lists/typ'), iat: NOW, status_list: { bits: 1, lst: 'eNrbuRgAAhcBXQ' } }, { typ: 'JWT', kid: 'status-1' });
  await signedPayload('/lists/no-typ', { sub: url('/lists/no-typ'), iat: NOW, status_list: { bits: 1, lst: 'eNrbuRgAAhcBXQ' } }, { kid: 'status-1' });
  await signedPayload('/lists/bits', { sub: url('/lists/bits'), iat: NOW, status_list: { bits: 3, lst: 'eNrbuRgAAhcBXQ' } });
  await signedPayload('/lists/bits-string', { sub: url('/lists/bits-string'), iat: NOW, status_list: { bits: '1', lst: 'eNrbuRgAAhcBXQ' } });
  await signedPayload('/lists/corrupt', {
    sub: url('/lists/corrupt'),
    iat: NOW,
    status_list: { bits: 1, lst: Buffer.from('78dadbb9180002', 'hex').toString('base64url') },
  });
  await signedPayload('/lists/not-zlib', {
    sub: url('/lists/not-zlib'),
    iat: NOW,
    status_list: { bits: 1, lst: Buffer.from('this is not deflate at all').toString('base64url') },
  });
  // 64 MiB of zeros deflates to ~64 KiB: far beyond the 16 MiB default bound once inflated.
  await signedPayload('/lists/bomb', {
    sub: url('/lists/bomb'),
    iat: NOW,
    status_list: { bits: 1, lst: deflateSync(Buffer.alloc(64 * 1024 * 1024), { level: 9 }).toString('base64url') },
  });
  await signedPayload('/lists/no-iat', { sub: url('/lists/no-iat'), status_list: { bits: 1, lst: 'eNrbuRgAAhcBXQ' } });
  const historical = await sign('/lists/hist', { iat: NOW - 20_000, exp: NOW - 10_000 });
  await serve(`/lists/hist?time=${NOW - 15_000}`, historical);
  await serve(`/lists/hist?a=1&time=${NOW - 15_000}`, await sign('/lists/hist?a=1', { iat: NOW - 20_000, exp: NOW - 10_000 }));
  await serve(`/lists/hist?time=${NOW - 5_000}`, historical);
  await serve('/lists/hist', await sign('/lists/hist'));
  await serve('/lists/agg-a', await sign('/lists/agg-a'));
  await serve('/lists/agg-b', await sign('/lists/agg-b', { ttl: 600 }));
  await serve('/agg', JSON.stringify({ status_lists: [url('/lists/agg-a'), url('/lists/agg-b'), url('/lists/wrong-key')] }));
  await serve('/agg-bad', JSON.stringify({ status_lists: [url('/lists/agg-a'), 'relative/path'] }));
  await serve('/agg-not-json', '{"status_lists": [');
  await serve('/lists/500', 'internal error', { status: 500 });
  await serve('/lists/big', Buffer.alloc(64 * 1024, 0x41));
  await serve('/lists/big-chunked', Buffer.alloc(64 * 1024, 0x41), { chunked: true });
  await serve('/lists/garbage', 'not a token');
  await serve('/lists/latin1', Buffer.from([0xff, 0xfe, 0x2e]));
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('draft-20 §8 status check over HTTP', () => {
  it('status-list-8.3-valid: idx with status 0 is VALID, with the token time claims', async () => {
    const result = await checkStatus({ idx: 5, uri: url('/lists/1') }, options());
    expect(result).toEqual({ status: 0, label: 'VALID', token: { iat: NOW - 60, exp: NOW + 3600, ttl: 300 } });
  });

  it('status-list-8.2-redirect: a redirected status list is followed and still checked against the referenced uri', async () => {
    const result = await checkStatus({ idx: 7, uri: url('/lists/moved') }, options());
    expect(result.status).toBe(1);
    expect(hits.get('/lists/moved-target')).toBeGreaterThan(0);
  });

  it('status-list-8.1-accept-header: the request asks for application/statuslist+jwt', async () => {
    await checkStatus({ idx: 5, uri: url('/lists/1') }, options());
    expect(accepts.get('/lists/1')).toBe('application/statuslist+jwt');
  });

  it("status-list-8.1-any-jwt: format 'any' reads a JWT the server sends, with the same checks", async () => {
    expect(await checkStatus({ idx: 7, uri: url('/lists/1') }, { ...options(), format: 'any' })).toMatchObject({ status: 1, label: 'INVALID' });
    expect(await codeOf(checkStatus({ idx: 5, uri: url('/lists/wrong-key') }, { ...options(), format: 'any' }))).toBe('ERR_STATUS_TOKEN_SIGNATURE_INVALID');
  });

  it('status-list-7.1-invalid: a revoked index reads 1 / INVALID, and verifyStatus rejects it', async () => {
    const ref = parseStatusReference({ status_list: { idx: 7, uri: url('/lists/1') } });
    expect(await checkStatus(ref, options())).toMatchObject({ status: 1, label: 'INVALID' });
    const result = await verifyStatus(ref, options());
    expect(result.valid).toBe(false);
    expect(result.errors.map((e) => e.code)).toEqual(['ERR_STATUS_REVOKED']);
  });

  it('status-list-7.1-suspended: a suspended index reads 2 / SUSPENDED, rejected by default', async () => {
    const ref = { idx: 9, uri: url('/lists/1') };
    expect(await checkStatus(ref, options())).toMatchObject({ status: 2, label: 'SUSPENDED' });
    expect((await verifyStatus(ref, options())).errors.map((e) => e.code)).toEqual(['ERR_STATUS_SUSPENDED']);
  });

  it('status-list-7.1-application-specific: 0x03 is APPLICATION_SPECIFIC, accepted only when listed', async () => {
    const ref = { idx: 11, uri: url('/lists/1') };
    expect(await checkStatus(ref, options())).toMatchObject({ status: 3, label: 'APPLICATION_SPECIFIC' });
    expect((await verifyStatus(ref, options())).errors.map((e) => e.code)).toEqual(['ERR_STATUS_NOT_ACCEPTED']);
    expect((await verifyStatus(ref, { ...options(), acceptedStatuses: [0, 3] })).valid).toBe(true);
  });

  it('status-list-8.3-valid-result: verifyStatus on a VALID index is valid with no errors', async () => {
    const result = await verifyStatus({ idx: 0, uri: url('/lists/1') }, options());
    expect(result).toMatchObject({ valid: true, status: 0, label: 'VALID', errors: [] });
  });

  it('status-list-8.2-trailing-newline: a body ending in a newline (static hosting) is accepted', async () => {
    expect((await checkStatus({ idx: 7, uri: url('/lists/newline') }, options())).status).toBe(1);
  });

  it('status-list-11.3-key-resolver: a resolver gets the header and supplies the status issuer key', async () => {
    const seen: unknown[] = [];
    const keys = ({ header }: { header: Readonly<Record<string, unknown>> }) => {
      seen.push(header.kid);
      return header.kid === 'status-1' ? [statusKey] : [];
    };
    expect((await checkStatus({ idx: 7, uri: url('/lists/1') }, options({ keys }))).status).toBe(1);
    expect(seen).toEqual(['status-1']);
    expect(await codeOf(checkStatus({ idx: 7, uri: url('/lists/unknown-kid') }, options({ keys })))).toBe('ERR_STATUS_TOKEN_KEY_UNKNOWN');
  });

  it('status-list-11.3-resolver-failure: a throwing resolver is ERR_STATUS_TOKEN_KEY_UNTRUSTED', async () => {
    const keys = () => {
      throw new ComityError('ERR_X509_CHAIN_UNANCHORED', 'no anchor');
    };
    expect(await codeOf(checkStatus({ idx: 7, uri: url('/lists/1') }, options({ keys })))).toBe('ERR_STATUS_TOKEN_KEY_UNTRUSTED');
  });
});

describe('draft-20 §8.3 rejections, each with its own ERR_STATUS_* code', () => {
  const cases: ReadonlyArray<readonly [string, string, Partial<CheckStatusOptions>?, number?]> = [
    ['status-list-5.1-typ-wrong', '/lists/typ'],
    ['status-list-5.1-typ-missing', '/lists/no-typ'],
    ['status-list-8.3-4a-sub-mismatch', '/lists/sub'],
    ['status-list-8.3-4c-expired', '/lists/expired'],
    ['status-list-rfc7519-iat-in-future', '/lists/future'],
    ['status-list-8.3-4b-max-age', '/lists/old', { maxAgeSeconds: 86_400 }],
    ['status-list-5.1-bad-signature', '/lists/bad-signature'],
    ['status-list-5.1-wrong-key', '/lists/wrong-key'],
    ['status-list-11.3-unknown-kid', '/lists/unknown-kid'],
    ['status-list-5.1-alg-not-allowed', '/lists/1', { allowedAlgorithms: ['ES384'] }],
    ['status-list-5.1-iat-missing', '/lists/no-iat'],
    ['status-list-8.3-6-index-out-of-range', '/lists/1', {}, 1000],
    ['status-list-4.1-bits-invalid', '/lists/bits'],
    ['status-list-4.2-bits-string', '/lists/bits-string'],
    ['status-list-8.3-5-corrupt-zlib-truncated', '/lists/corrupt'],
    ['status-list-8.3-5-corrupt-zlib-not-deflate', '/lists/not-zlib'],
    ['status-list-11.1-decompression-bomb', '/lists/bomb'],
    ['status-list-8.2-http-500', '/lists/500'],
    ['status-list-8.2-http-404', '/lists/missing'],
    ['status-list-8.2-oversized-body', '/lists/big', { maxTokenBytes: 16 * 1024 }],
    ['status-list-8.2-oversized-chunked-body', '/lists/big-chunked', { maxTokenBytes: 16 * 1024 }],
    ['status-list-5.1-not-a-jwt', '/lists/garbage'],
    ['status-list-5.1-not-utf8', '/lists/latin1'],
    ['status-list-8.1-https-only', '/lists/1', { allowLoopbackHttp: false }],
  ];
  const expected: Record<string, string> = {
    'status-list-5.1-typ-wrong': 'ERR_STATUS_TOKEN_TYP',
    'status-list-5.1-typ-missing': 'ERR_STATUS_TOKEN_TYP',
    'status-list-8.3-4a-sub-mismatch': 'ERR_STATUS_SUB_MISMATCH',
    'status-list-8.3-4c-expired': 'ERR_STATUS_TOKEN_EXPIRED',
    'status-list-rfc7519-iat-in-future': 'ERR_STATUS_TOKEN_NOT_YET_VALID',
    'status-list-8.3-4b-max-age': 'ERR_STATUS_TOKEN_STALE',
    'status-list-5.1-bad-signature': 'ERR_STATUS_TOKEN_SIGNATURE_INVALID',
    'status-list-5.1-wrong-key': 'ERR_STATUS_TOKEN_SIGNATURE_INVALID',
    'status-list-11.3-unknown-kid': 'ERR_STATUS_TOKEN_KEY_UNKNOWN',
    'status-list-5.1-alg-not-allowed': 'ERR_STATUS_TOKEN_ALG_NOT_ALLOWED',
    'status-list-5.1-iat-missing': 'ERR_STATUS_TOKEN_CLAIM_INVALID',
    'status-list-8.3-6-index-out-of-range': 'ERR_STATUS_INDEX_OUT_OF_RANGE',
    'status-list-4.1-bits-invalid': 'ERR_STATUS_BITS_INVALID',
    'status-list-4.2-bits-string': 'ERR_STATUS_BITS_INVALID',
    'status-list-8.3-5-corrupt-zlib-truncated': 'ERR_STATUS_LIST_CORRUPT',
    'status-list-8.3-5-corrupt-zlib-not-deflate': 'ERR_STATUS_LIST_CORRUPT',
    'status-list-11.1-decompression-bomb': 'ERR_STATUS_LIST_TOO_LARGE',
    'status-list-8.2-http-500': 'ERR_STATUS_FETCH_FAILED',
    'status-list-8.2-http-404': 'ERR_STATUS_FETCH_FAILED',
    'status-list-8.2-oversized-body': 'ERR_STATUS_FETCH_TOO_LARGE',
    'status-list-8.2-oversized-chunked-body': 'ERR_STATUS_FETCH_TOO_LARGE',
    'status-list-5.1-not-a-jwt': 'ERR_STATUS_TOKEN_MALFORMED',
    'status-list-5.1-not-utf8': 'ERR_STATUS_TOKEN_MALFORMED',
    'status-list-8.1-https-only': 'ERR_STATUS_FETCH_URL_NOT_ALLOWED',
  };

  for (const [name, path, extra, idx] of cases) {
    it(`${name}: ${expected[name]}`, async () => {
      const code = await codeOf(checkStatus({ idx: idx ?? 7, uri: url(path) }, options(extra)));
      expect(code).toBe(expected[name]);
      expect(STATUS_ERROR_CODES).toContain(code);
      const result = await verifyStatus({ idx: idx ?? 7, uri: url(path) }, options(extra));
      expect(result.valid).toBe(false);
      expect(result.errors.map((e) => e.code)).toEqual([expected[name]]);
    });
  }

  it('status-list-errors-distinct: no rejection carries a credential or core code', () => {
    for (const code of Object.values(expected)) expect(code.startsWith('ERR_STATUS_')).toBe(true);
  });

  it('status-list-8.3-1-reference-invalid: a malformed reference is refused before any request', async () => {
    const before = hits.get('/lists/1') ?? 0;
    expect(await codeOf(checkStatus({ idx: -1, uri: url('/lists/1') }, options()))).toBe('ERR_STATUS_REFERENCE_INVALID');
    expect(await codeOf(checkStatus({ idx: 1, uri: 'not a uri' }, options()))).toBe('ERR_STATUS_REFERENCE_INVALID');
    expect(hits.get('/lists/1') ?? 0).toBe(before);
  });
});

describe('draft-20 §8.4 historical resolution', () => {
  it('status-list-8.4-historical: ?time= returns a token valid at that time, accepted although expired now', async () => {
    const result = await checkStatus({ idx: 7, uri: url('/lists/hist') }, options({ historicalTime: NOW - 15_000 }));
    expect(result).toMatchObject({ status: 1, token: { iat: NOW - 20_000, exp: NOW - 10_000 } });
    expect(hits.get(`/lists/hist?time=${NOW - 15_000}`)).toBeGreaterThan(0);
  });

  it('status-list-8.4-historical-query: time is appended to an existing query', async () => {
    expect((await checkStatus({ idx: 9, uri: url('/lists/hist?a=1') }, options({ historicalTime: NOW - 15_000 }))).status).toBe(2);
  });

  it('status-list-8.4-time-outside-token: a token not valid at the requested time is ERR_STATUS_TOKEN_HISTORICAL_MISMATCH', async () => {
    expect(await codeOf(checkStatus({ idx: 7, uri: url('/lists/hist') }, options({ historicalTime: NOW - 5_000 })))).toBe(
      'ERR_STATUS_TOKEN_HISTORICAL_MISMATCH',
    );
  });

  it('status-list-8.4-static-hosting: a server that ignores the query and sends the current list is rejected', async () => {
    expect(await codeOf(checkStatus({ idx: 7, uri: url('/lists/hist') }, options({ historicalTime: NOW - 30_000 })))).toBe(
      'ERR_STATUS_TOKEN_HISTORICAL_MISMATCH',
    );
  });
});

describe('draft-20 §9 status list aggregation', () => {
  it('status-list-9.3-prefetch: fetch the aggregation, prefetch every token, then check offline from the cache', async () => {
    const uris = await fetchStatusListAggregation(url('/agg'), { ctx, allowLoopbackHttp: true });
    expect(uris).toEqual([url('/lists/agg-a'), url('/lists/agg-b'), url('/lists/wrong-key')]);
    const cache = createStatusListCache();
    const results = await prefetchStatusLists(uris, options({ cache }));
    expect(results.map((r) => (r.ok ? 'ok' : r.error.code))).toEqual(['ok', 'ok', 'ERR_STATUS_TOKEN_SIGNATURE_INVALID']);
    const before = hits.get('/lists/agg-b');
    expect((await checkStatus({ idx: 9, uri: url('/lists/agg-b') }, options({ cache }))).label).toBe('SUSPENDED');
    expect(hits.get('/lists/agg-b')).toBe(before);
  });

  it('status-list-9.3-aggregation-invalid: a relative entry or non-JSON body is ERR_STATUS_AGGREGATION_INVALID', async () => {
    expect(await codeOf(fetchStatusListAggregation(url('/agg-bad'), { ctx, allowLoopbackHttp: true }))).toBe('ERR_STATUS_AGGREGATION_INVALID');
    expect(await codeOf(fetchStatusListAggregation(url('/agg-not-json'), { ctx, allowLoopbackHttp: true }))).toBe('ERR_STATUS_AGGREGATION_INVALID');
    expect(await codeOf(fetchStatusListAggregation(url('/lists/500'), { ctx, allowLoopbackHttp: true }))).toBe('ERR_STATUS_FETCH_FAILED');
  });
});

describe('draft-20 §13.7 caching', () => {
  it('status-list-13.7-ttl: one fetch serves checks until ttl has passed, then the token is fetched again', async () => {
    const cache = createStatusListCache();
    const ref = { idx: 7, uri: url('/lists/cached') };
    const start = hits.get('/lists/cached') ?? 0;
    try {
      expect((await checkStatus(ref, options({ cache }))).status).toBe(1);
      expect((await checkStatus({ idx: 9, uri: ref.uri }, options({ cache }))).status).toBe(2);
      clock = NOW + 299;
      await checkStatus(ref, options({ cache }));
      expect(hits.get('/lists/cached')).toBe(start + 1);
      clock = NOW + 300;
      await checkStatus(ref, options({ cache }));
      expect(hits.get('/lists/cached')).toBe(start + 2);
    } finally {
      clock = NOW;
    }
  });

  it('status-list-305-single-fetch: concurrent checks sharing a cache make one request', async () => {
    const cache = createStatusListCache();
    await serveFreshList('/lists/concurrent');
    const results = await Promise.all([5, 7, 9, 11].map((idx) => checkStatus({ idx, uri: url('/lists/concurrent') }, options({ cache }))));
    expect(results.map((r) => r.label)).toEqual(['VALID', 'INVALID', 'SUSPENDED', 'APPLICATION_SPECIFIC']);
    expect(hits.get('/lists/concurrent')).toBe(1);
  });

  it('status-list-13.7-no-ttl: without ttl the token is cached until exp', async () => {
    const cache = createStatusListCache();
    const ref = { idx: 7, uri: url('/lists/no-ttl') };
    const start = hits.get('/lists/no-ttl') ?? 0;
    try {
      await checkStatus(ref, options({ cache }));
      clock = NOW + 599;
      await checkStatus(ref, options({ cache }));
      expect(hits.get('/lists/no-ttl')).toBe(start + 1);
      clock = NOW + 600;
      // Past exp the cached token is dropped and the fresh fetch is the same expired token.
      expect(await codeOf(checkStatus(ref, options({ cache })))).toBe('ERR_STATUS_TOKEN_EXPIRED');
      expect(hits.get('/lists/no-ttl')).toBe(start + 2);
    } finally {
      clock = NOW;
    }
  });

  it('status-list-305-separate-keys: a cached token is still verified with the caller keys', async () => {
    const cache = createStatusListCache();
    const ref = { idx: 7, uri: url('/lists/cached') };
    await checkStatus(ref, options({ cache }));
    const otherKey = (await defaultCrypto.generateKeyPair('ES256')).publicJwk;
    expect(await codeOf(checkStatus(ref, options({ cache, keys: [otherKey] })))).toBe('ERR_STATUS_TOKEN_SIGNATURE_INVALID');
  });

  it('status-list-305-no-eviction: a caller the cached token does not verify for leaves it to the others', async () => {
    const cache = createStatusListCache();
    await serveFreshList('/lists/shared');
    const ref = { idx: 7, uri: url('/lists/shared') };
    await checkStatus(ref, options({ cache }));
    expect(hits.get('/lists/shared')).toBe(1);
    const otherKey = (await defaultCrypto.generateKeyPair('ES256')).publicJwk;
    expect(await codeOf(checkStatus(ref, options({ cache, keys: [otherKey] })))).toBe('ERR_STATUS_TOKEN_SIGNATURE_INVALID');
    expect(await codeOf(checkStatus(ref, options({ cache, maxAgeSeconds: 10 })))).toBe('ERR_STATUS_TOKEN_STALE');
    expect(hits.get('/lists/shared')).toBe(3); // each of them fetched for itself
    expect((await checkStatus(ref, options({ cache }))).status).toBe(1);
    expect(hits.get('/lists/shared')).toBe(3); // and the entry still serves the first caller
  });

  it('status-list-11.1-cache-respects-token-limit: a cached token is not handed to a caller with a smaller maxTokenBytes', async () => {
    const cache = createStatusListCache();
    const ref = { idx: 7, uri: url('/lists/cached') };
    await checkStatus(ref, options({ cache }));
    expect(await codeOf(checkStatus(ref, options({ cache, maxTokenBytes: 64 })))).toBe('ERR_STATUS_FETCH_TOO_LARGE');
  });

  it('status-list-305-shared-per-fetch: concurrent callers with different fetch functions do not share one request', async () => {
    const cache = createStatusListCache();
    await serveFreshList('/lists/per-fetch');
    const seen: string[] = [];
    const tenant = (name: string) =>
      createContext({
        now: ctx.now,
        fetch: (input, init) => {
          seen.push(name);
          return globalThis.fetch(input, init);
        },
      });
    const ref = { idx: 5, uri: url('/lists/per-fetch') };
    await Promise.all([checkStatus(ref, options({ cache, ctx: tenant('a') })), checkStatus(ref, options({ cache, ctx: tenant('b') }))]);
    expect(seen.sort()).toEqual(['a', 'b']);
  });

  it('status-list-11.1-cache-respects-limit: a cached list is not handed to a caller with a smaller maxListBytes', async () => {
    const cache = createStatusListCache();
    const ref = { idx: 7, uri: url('/lists/cached') };
    await checkStatus(ref, options({ cache }));
    expect(await codeOf(checkStatus(ref, options({ cache, maxListBytes: 100 })))).toBe('ERR_STATUS_LIST_TOO_LARGE');
  });

  it('status-list-13.7-not-cached-when-invalid: a rejected token is not cached', async () => {
    const cache = createStatusListCache();
    const ref = { idx: 7, uri: url('/lists/wrong-key') };
    const start = hits.get('/lists/wrong-key') ?? 0;
    await codeOf(checkStatus(ref, options({ cache })));
    await codeOf(checkStatus(ref, options({ cache })));
    expect(hits.get('/lists/wrong-key')).toBe(start + 2);
  });
});
