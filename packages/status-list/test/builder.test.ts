import { ComityError, ComityUsageError, createContext, decodeCompactJws, defaultCrypto, localSigner } from '@comity/core';
import { describe, expect, it } from 'vitest';
import { decodeStatusList, StatusListBuilder, signStatusListJwt, verifyStatusListJwt } from '../src/index.js';

describe('StatusListBuilder (issuer side)', () => {
  it('status-list-13.3-unique-indices: allocating the whole list hands out every index exactly once', () => {
    const builder = new StatusListBuilder({ size: 500, bits: 1 });
    const seen = new Set<number>();
    for (let i = 0; i < 500; i++) seen.add(builder.allocate());
    expect(seen.size).toBe(500);
    expect(Math.min(...seen)).toBe(0);
    expect(Math.max(...seen)).toBe(499);
    expect(builder.allocated).toBe(500);
    expect(() => builder.allocate()).toThrow(ComityError);
    try {
      builder.allocate();
    } catch (e) {
      expect((e as ComityError).code).toBe('ERR_STATUS_LIST_FULL');
    }
  });

  it('status-list-12.5-random-allocation: indices do not follow issuance order', () => {
    const builder = new StatusListBuilder({ size: 1 << 20, bits: 1 });
    const indices = Array.from({ length: 64 }, () => builder.allocate());
    const increasing = indices.every((v, i) => i === 0 || v > (indices[i - 1] as number));
    // 64 uniform draws from 2^20 come out increasing with probability ~1/64!.
    expect(increasing).toBe(false);
    expect(new Set(indices).size).toBe(64);
  });

  it('status-list-13.3-markAllocated: restored indices are never drawn again', () => {
    const builder = new StatusListBuilder({ size: 16, bits: 1 });
    for (let i = 0; i < 16; i++) if (i !== 11) builder.markAllocated(i);
    expect(builder.allocate()).toBe(11);
  });

  it('status-list-7.1-set-values: revoke, suspend, reinstate and application values land in the encoded list', () => {
    const builder = new StatusListBuilder({ size: 64, bits: 4 });
    builder.revoke(1);
    builder.suspend(2);
    builder.set(3, 0x0c);
    builder.suspend(4);
    builder.reinstate(4);
    const { list } = decodeStatusList(builder.encode());
    expect([0, 1, 2, 3, 4].map((i) => list.get(i))).toEqual([0, 1, 2, 0x0c, 0]);
  });

  it('status-list-7-bits-too-small: SUSPENDED does not fit a 1-bit list (caller mistake)', () => {
    const builder = new StatusListBuilder({ size: 8, bits: 1 });
    expect(() => builder.suspend(0)).toThrow(ComityUsageError);
    expect(() => builder.set(8, 1)).toThrow(ComityUsageError);
    expect(() => new StatusListBuilder({ size: 8, bits: 3 as 1 })).toThrow(ComityUsageError);
    expect(() => new StatusListBuilder({ size: 0, bits: 1 })).toThrow(ComityUsageError);
  });

  it('status-list-5.1-sign-verify: signStatusListJwt output has typ statuslist+jwt, kid, sub, iat, exp, ttl and verifies', async () => {
    const { privateJwk, publicJwk } = await defaultCrypto.generateKeyPair('ES256');
    const builder = new StatusListBuilder({ size: 1024, bits: 2 });
    const idx = builder.allocate();
    builder.revoke(idx);
    const uri = 'https://issuer.example/statuslists/7';
    const token = await signStatusListJwt({
      list: builder.toStatusList(),
      uri,
      iat: 1_800_000_000,
      exp: 1_800_086_400,
      ttl: 3600,
      signer: localSigner(privateJwk, 'ES256', defaultCrypto),
      header: { kid: 'k1' },
    });
    const jws = decodeCompactJws(token);
    expect(jws.header).toEqual({ alg: 'ES256', typ: 'statuslist+jwt', kid: 'k1' });
    expect(jws.payload).toMatchObject({ sub: uri, iat: 1_800_000_000, exp: 1_800_086_400, ttl: 3600, status_list: { bits: 2 } });
    const ctx = createContext({ now: () => new Date(1_800_000_100_000) });
    const verified = await verifyStatusListJwt(token, { ctx, keys: [publicJwk], uri });
    expect(verified.list.get(idx)).toBe(1);
    expect(verified.token).toEqual({ iat: 1_800_000_000, exp: 1_800_086_400, ttl: 3600 });
  });

  it('status-list-5.1-sign-arguments: bad iat/exp/ttl/uri are caller mistakes', async () => {
    const { privateJwk } = await defaultCrypto.generateKeyPair('ES256');
    const signer = localSigner(privateJwk, 'ES256', defaultCrypto);
    const list = new StatusListBuilder({ size: 8, bits: 1 }).toStatusList();
    const base = { list, uri: 'https://x.example/1', iat: 100, signer };
    await expect(signStatusListJwt({ ...base, iat: 1.5 })).rejects.toThrow(ComityUsageError);
    await expect(signStatusListJwt({ ...base, exp: 100 })).rejects.toThrow(ComityUsageError);
    await expect(signStatusListJwt({ ...base, ttl: 0 })).rejects.toThrow(ComityUsageError);
    await expect(signStatusListJwt({ ...base, uri: '' })).rejects.toThrow(ComityUsageError);
  });
});
