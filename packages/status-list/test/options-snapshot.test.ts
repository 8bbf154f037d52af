/**
 * Verify and check options are read once, when the call starts: a caller (or code sharing its
 * options object) changing them while the call awaits the fetch or the signature check must not
 * change what that call accepts. What is validated up front is what is used.
 */
import { type ComityContext, createContext, defaultCrypto, type Jwk, localSigner, type Signer } from '@comity/core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type CheckStatusOptions,
  checkStatus,
  createStatusListCache,
  StatusList,
  signStatusListCwt,
  signStatusListJwt,
  type VerifyStatusListTokenOptions,
  verifyStatus,
  verifyStatusListCwt,
  verifyStatusListJwt,
} from '../src/index.js';
import { codeOf } from './code-of.js';

const NOW = 1_900_000_000;
const uri = 'https://status.example/lists/1';
const expiredAt = { iat: NOW - 7200, exp: NOW - 3600 };
let statusKey: Jwk;
let signer: Signer;
const list = new StatusList(64, 2);
list.set(7, 1);

beforeAll(async () => {
  const pair = await defaultCrypto.generateKeyPair('ES256');
  statusKey = { ...pair.publicJwk, kid: 'status-1' };
  signer = localSigner(pair.privateJwk, 'ES256', defaultCrypto);
});

/** A context whose signature check runs `onVerify` once first, and whose fetch serves `body` after running `onFetch`. */
function hostileContext(hooks: { onVerify?: () => void; onFetch?: () => void; body?: string | Uint8Array }): ComityContext {
  let verified = false;
  const crypto = new Proxy(defaultCrypto, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target) as unknown;
      if (prop === 'verify' && typeof value === 'function') {
        return (...args: unknown[]) => {
          if (!verified) {
            verified = true;
            hooks.onVerify?.();
          }
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      }
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return createContext({
    crypto,
    now: () => new Date(NOW * 1000),
    fetch: async () => {
      hooks.onFetch?.();
      const body = hooks.body ?? '';
      return new Response(typeof body === 'string' ? body : new Uint8Array(body), { status: 200, headers: { 'content-type': 'application/statuslist+jwt' } });
    },
  });
}

describe('verify options are read once, when the call starts', () => {
  it('status-list-options-snapshot-jwt: clockSkewSeconds set to Infinity during the signature check does not accept an expired token', async () => {
    const jwt = await signStatusListJwt({ list, uri, ...expiredAt, signer });
    const options: { -readonly [K in keyof VerifyStatusListTokenOptions]: VerifyStatusListTokenOptions[K] } = {
      ctx: hostileContext({ onVerify: () => (options.clockSkewSeconds = Number.POSITIVE_INFINITY) }),
      keys: [statusKey],
      uri,
    };
    expect(await codeOf(verifyStatusListJwt(jwt, options))).toBe('ERR_STATUS_TOKEN_EXPIRED');
  });

  it('status-list-options-snapshot-cwt: historicalTime set during the signature check does not accept an expired token', async () => {
    const cwt = await signStatusListCwt({ list, uri, ...expiredAt, signer });
    const options: { -readonly [K in keyof VerifyStatusListTokenOptions]: VerifyStatusListTokenOptions[K] } = {
      ctx: hostileContext({ onVerify: () => (options.historicalTime = NOW - 5000) }),
      keys: [statusKey],
      uri,
    };
    expect(await codeOf(verifyStatusListCwt(cwt, options))).toBe('ERR_STATUS_TOKEN_EXPIRED');
  });

  it('status-list-options-snapshot-check: historicalTime set during the fetch neither accepts nor caches an expired token', async () => {
    const body = await signStatusListJwt({ list, uri, ...expiredAt, signer });
    const cache = createStatusListCache();
    const options: { -readonly [K in keyof CheckStatusOptions]: CheckStatusOptions[K] } = {
      ctx: hostileContext({ body, onFetch: () => (options.historicalTime = NOW - 5000) }),
      keys: [statusKey],
      cache,
    };
    expect(await codeOf(checkStatus({ idx: 7, uri }, options))).toBe('ERR_STATUS_TOKEN_EXPIRED');
    expect(cache.get(uri, NOW)).toBeUndefined();
  });

  it('status-list-options-snapshot-keys: a key pushed into the caller array during the fetch does not verify that call', async () => {
    const other = await defaultCrypto.generateKeyPair('ES256');
    const body = await signStatusListJwt({ list, uri, iat: NOW - 60, exp: NOW + 3600, signer });
    const keys: Jwk[] = [other.publicJwk];
    const options: CheckStatusOptions = { ctx: hostileContext({ body, onFetch: () => keys.push(statusKey) }), keys };
    expect(await codeOf(checkStatus({ idx: 7, uri }, options))).toBe('ERR_STATUS_TOKEN_SIGNATURE_INVALID');
  });

  it('status-list-options-snapshot-accepted: a status pushed into acceptedStatuses during the fetch is not accepted in that call', async () => {
    const body = await signStatusListJwt({ list, uri, iat: NOW - 60, exp: NOW + 3600, signer });
    const acceptedStatuses = [0];
    const options = { ctx: hostileContext({ body, onFetch: () => acceptedStatuses.push(1) }), keys: [statusKey], acceptedStatuses };
    const result = await verifyStatus({ idx: 7, uri }, options);
    expect(result.valid).toBe(false);
    expect(result.errors.map((e) => e.code)).toEqual(['ERR_STATUS_REVOKED']);
  });

  it('status-list-options-snapshot-control: the same calls with untouched options resolve', async () => {
    const body = await signStatusListJwt({ list, uri, iat: NOW - 60, exp: NOW + 3600, signer });
    const result = await verifyStatus({ idx: 7, uri }, { ctx: hostileContext({ body }), keys: [statusKey], acceptedStatuses: [0, 1] });
    expect(result.valid).toBe(true);
    expect((await checkStatus({ idx: 7, uri }, { ctx: hostileContext({ body }), keys: [statusKey] })).label).toBe('INVALID');
  });
});
