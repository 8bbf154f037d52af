/**
 * The verifier's status list cache: bounds on `ttl` (§11.5), LRU eviction, and shared
 * in-flight fetches. Real signed tokens, an injected fetch that counts requests, and an
 * injected clock.
 */
import { type ComityContext, createContext, defaultCrypto, type Jwk, localSigner, type Signer } from '@comity/core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type CheckStatusOptions,
  checkStatus,
  createStatusListCache,
  DEFAULT_STATUS_LIST_MIN_TTL_SECONDS,
  type SignStatusListJwtOptions,
  StatusList,
  signStatusListJwt,
  statusListFreshUntil,
} from '../src/index.js';
import { codeOf } from './code-of.js';

const NOW = 1_900_000_000;
let clock = NOW;
let statusKey: Jwk;
let signer: Signer;

const list = new StatusList(64, 2);
list.set(7, 1);

/** Tokens served per URI; every request is counted, whatever it answers. */
const tokens = new Map<string, string>();
const hits = new Map<string, number>();
/** While set, every request waits for it and then fails with HTTP 503. */
let outage: Promise<void> | undefined;

async function injectedFetch(input: string | URL | Request): Promise<Response> {
  const uri = String(input);
  hits.set(uri, (hits.get(uri) ?? 0) + 1);
  if (outage !== undefined) {
    await outage;
    return new Response('unavailable', { status: 503 });
  }
  const token = tokens.get(uri);
  if (token === undefined) return new Response('not found', { status: 404 });
  return new Response(token, { status: 200, headers: { 'content-type': 'application/statuslist+jwt' } });
}

const ctx: ComityContext = createContext({ fetch: injectedFetch, now: () => new Date(clock * 1000) });

let serial = 0;
/** A fresh URI serving a token signed with `claims` (iat NOW - 60 unless given). */
async function serveList(claims: Partial<SignStatusListJwtOptions> = {}): Promise<string> {
  serial += 1;
  const uri = `https://status.example/lists/${serial}`;
  tokens.set(uri, await signStatusListJwt({ list, uri, iat: NOW - 60, signer, header: { kid: 'status-1' }, ...claims }));
  return uri;
}

function options(extra: Partial<CheckStatusOptions> = {}): CheckStatusOptions {
  return { ctx, keys: [statusKey], ...extra };
}

/** Checks idx 7 of `uri` at `at` (seconds after NOW) and returns how many requests `uri` has had. */
async function checkAt(uri: string, at: number, extra: Partial<CheckStatusOptions>): Promise<number> {
  clock = NOW + at;
  try {
    expect((await checkStatus({ idx: 7, uri }, options(extra))).label).toBe('INVALID');
  } finally {
    clock = NOW;
  }
  return hits.get(uri) ?? 0;
}

beforeAll(async () => {
  const pair = await defaultCrypto.generateKeyPair('ES256');
  statusKey = { ...pair.publicJwk, kid: 'status-1' };
  signer = localSigner(pair.privateJwk, 'ES256', defaultCrypto);
});

describe('draft-20 §11.5 bounds on ttl', () => {
  it('status-list-11.5-min-ttl: a 1 s ttl does not make every check a request; the list is refetched after the 60 s floor', async () => {
    const cache = createStatusListCache();
    const uri = await serveList({ ttl: 1, exp: NOW + 3600 });
    expect(await checkAt(uri, 0, { cache })).toBe(1);
    expect(await checkAt(uri, 1, { cache })).toBe(1);
    expect(await checkAt(uri, 30, { cache })).toBe(1);
    expect(await checkAt(uri, 59, { cache })).toBe(1);
    expect(await checkAt(uri, 60, { cache })).toBe(2);
  });

  it('status-list-11.5-min-ttl-no-claims: a token with neither ttl nor exp is kept for the floor, not fetched for every check', async () => {
    const cache = createStatusListCache();
    const uri = await serveList();
    expect(await checkAt(uri, 0, { cache })).toBe(1);
    expect(await checkAt(uri, 59, { cache })).toBe(1);
    expect(await checkAt(uri, 60, { cache })).toBe(2);
  });

  it('status-list-13.7-exp-before-floor: the floor never serves a list past its exp', async () => {
    const cache = createStatusListCache();
    const uri = await serveList({ ttl: 1, exp: NOW + 30 });
    expect(await checkAt(uri, 0, { cache })).toBe(1);
    expect(await checkAt(uri, 29, { cache })).toBe(1);
    // At exp the entry is gone: the list is fetched again (and the same token is now expired).
    clock = NOW + 30;
    try {
      expect(await codeOf(checkStatus({ idx: 7, uri }, options({ cache })))).toBe('ERR_STATUS_TOKEN_EXPIRED');
    } finally {
      clock = NOW;
    }
    expect(hits.get(uri)).toBe(2);
  });

  it('status-list-11.5-min-ttl-configurable: minTtlSeconds 0 follows ttl exactly, a larger floor holds longer', async () => {
    const exact = createStatusListCache({ minTtlSeconds: 0 });
    const a = await serveList({ ttl: 1, exp: NOW + 3600 });
    expect(await checkAt(a, 0, { cache: exact })).toBe(1);
    expect(await checkAt(a, 1, { cache: exact })).toBe(2);
    const slow = createStatusListCache({ minTtlSeconds: 600 });
    const b = await serveList({ ttl: 300, exp: NOW + 3600 });
    expect(await checkAt(b, 0, { cache: slow })).toBe(1);
    expect(await checkAt(b, 599, { cache: slow })).toBe(1);
    expect(await checkAt(b, 600, { cache: slow })).toBe(2);
  });

  it('status-list-11.5-max-ttl: a huge ttl is held at most a day by default, or maxTtlSeconds', async () => {
    const cache = createStatusListCache();
    const uri = await serveList({ ttl: 10 * 86_400, exp: NOW + 30 * 86_400 });
    expect(await checkAt(uri, 0, { cache })).toBe(1);
    expect(await checkAt(uri, 86_399, { cache })).toBe(1);
    expect(await checkAt(uri, 86_400, { cache })).toBe(2);
    const capped = createStatusListCache({ maxTtlSeconds: 120 });
    const other = await serveList({ ttl: 3600 });
    expect(await checkAt(other, 0, { cache: capped })).toBe(1);
    expect(await checkAt(other, 119, { cache: capped })).toBe(1);
    expect(await checkAt(other, 120, { cache: capped })).toBe(2);
  });

  it('status-list-11.5-fresh-until: statusListFreshUntil applies the floor, then exp, then the cap', () => {
    expect(DEFAULT_STATUS_LIST_MIN_TTL_SECONDS).toBe(60);
    const token = 'x';
    expect(statusListFreshUntil({ token, fetchedAt: 1000, ttl: 600 }, 86_400)).toBe(1600);
    expect(statusListFreshUntil({ token, fetchedAt: 1000, ttl: 1 }, 86_400)).toBe(1060);
    expect(statusListFreshUntil({ token, fetchedAt: 1000 }, 86_400)).toBe(1060);
    expect(statusListFreshUntil({ token, fetchedAt: 1000, ttl: 1, exp: 1030 }, 86_400)).toBe(1030);
    expect(statusListFreshUntil({ token, fetchedAt: 1000, ttl: 1 }, 86_400, 0)).toBe(1001);
    expect(statusListFreshUntil({ token, fetchedAt: 1000 }, 86_400, 0)).toBe(1000);
    expect(statusListFreshUntil({ token, fetchedAt: 1000, ttl: 1e9, exp: 1e10 }, 86_400)).toBe(87_400);
  });

  const badOptions: ReadonlyArray<readonly [string, Record<string, unknown>]> = [
    ['minTtlSeconds negative', { minTtlSeconds: -1 }],
    ['minTtlSeconds NaN', { minTtlSeconds: Number.NaN }],
    ['minTtlSeconds Infinity', { minTtlSeconds: Number.POSITIVE_INFINITY }],
    ['minTtlSeconds as a string', { minTtlSeconds: '60' }],
    ['maxTtlSeconds as a string', { maxTtlSeconds: '60' }],
    ['minTtlSeconds above maxTtlSeconds', { minTtlSeconds: 600, maxTtlSeconds: 60 }],
  ];
  for (const [name, bad] of badOptions) {
    it(`status-list-usage-cache-options: ${name} is ERR_USAGE_STATUS_CACHE`, async () => {
      expect(await codeOf(Promise.resolve().then(() => createStatusListCache(bad)))).toBe('ERR_USAGE_STATUS_CACHE');
    });
  }
});

describe('draft-20 §13.7 cache eviction', () => {
  it('status-list-13.7-lru: a hot list survives a stream of one-off lists that overflows the cache', async () => {
    const cache = createStatusListCache({ maxEntries: 3 });
    const hot = await serveList({ ttl: 3600, exp: NOW + 7200 });
    expect(await checkAt(hot, 0, { cache })).toBe(1);
    for (let i = 0; i < 10; i++) {
      const cold = await serveList({ ttl: 3600, exp: NOW + 7200 });
      expect(await checkAt(cold, 0, { cache })).toBe(1);
      expect(await checkAt(hot, 0, { cache })).toBe(1);
    }
  });

  it('status-list-13.7-lru-bound: the cache still holds at most maxEntries lists, dropping the least recently used', async () => {
    const cache = createStatusListCache({ maxEntries: 2 });
    const [a, b, c] = [await serveList({ ttl: 3600 }), await serveList({ ttl: 3600 }), await serveList({ ttl: 3600 })];
    await checkAt(a, 0, { cache });
    await checkAt(b, 0, { cache });
    await checkAt(a, 0, { cache }); // a is now the most recently used
    await checkAt(c, 0, { cache }); // evicts b
    expect(await checkAt(a, 0, { cache })).toBe(1);
    expect(await checkAt(c, 0, { cache })).toBe(1);
    expect(await checkAt(b, 0, { cache })).toBe(2);
  });
});

describe('shared in-flight fetches (sd-jwt-js #305)', () => {
  it('status-list-305-cold-burst: 20 concurrent checks of one list on a cold cache make one request', async () => {
    const cache = createStatusListCache();
    const uri = await serveList({ ttl: 300, exp: NOW + 3600 });
    const results = await Promise.all(Array.from({ length: 20 }, () => checkStatus({ idx: 7, uri }, options({ cache }))));
    expect(results.every((r) => r.label === 'INVALID')).toBe(true);
    expect(hits.get(uri)).toBe(1);
  });

  it('status-list-305-failed-fetch-not-kept: a shared failed request fails every waiter once and does not poison later checks', async () => {
    const cache = createStatusListCache();
    const uri = await serveList({ ttl: 300, exp: NOW + 3600 });
    let end = (): void => {};
    outage = new Promise<void>((resolve) => {
      end = resolve;
    });
    const burst = Promise.all(Array.from({ length: 5 }, () => codeOf(checkStatus({ idx: 7, uri }, options({ cache })))));
    end();
    try {
      expect(await burst).toEqual(Array(5).fill('ERR_STATUS_FETCH_FAILED'));
    } finally {
      outage = undefined;
    }
    expect(hits.get(uri)).toBe(1);
    // The failure was not cached: the next check fetches again, succeeds, and that success is cached.
    expect(await checkAt(uri, 0, { cache })).toBe(2);
    expect(await checkAt(uri, 0, { cache })).toBe(2);
  });
});
