/**
 * Differential tests against a peer implementation, @sd-jwt/jwt-status-list 0.19.0
 * (openwallet-foundation/sd-jwt-js, Apache-2.0), used only as a test oracle.
 */
import { defaultCrypto, localSigner } from '@comity/core';
import { getListFromStatusListJWT, StatusList as PeerStatusList } from '@sd-jwt/jwt-status-list';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeStatusList, encodeStatusList, type StatusBits, StatusList, signStatusListJwt } from '../src/index.js';

const listArbitrary = fc.constantFrom<StatusBits>(1, 2, 4, 8).chain((bits) =>
  fc.record({
    bits: fc.constant(bits),
    values: fc.array(fc.integer({ min: 0, max: (1 << bits) - 1 }), { minLength: 1, maxLength: 2000 }),
  }),
);

function ours(bits: StatusBits, values: readonly number[]): StatusList {
  const list = new StatusList(values.length, bits);
  for (const [i, v] of values.entries()) list.set(i, v);
  return list;
}

describe('differential: @sd-jwt/jwt-status-list', () => {
  it('status-list-differential-lst: both libraries write the same lst for the same statuses', () => {
    fc.assert(
      fc.property(listArbitrary, ({ bits, values }) => {
        expect(encodeStatusList(ours(bits, values)).lst).toBe(new PeerStatusList([...values], bits).compressStatusList());
      }),
      { numRuns: 100 },
    );
  });

  it('status-list-differential-decode: each library reads what the other wrote', () => {
    fc.assert(
      fc.property(listArbitrary, ({ bits, values }) => {
        const peerLst = new PeerStatusList([...values], bits).compressStatusList();
        const decoded = decodeStatusList({ bits, lst: peerLst }).list;
        const peer = PeerStatusList.decompressStatusList(encodeStatusList(ours(bits, values)).lst, bits);
        for (const [i, v] of values.entries()) {
          expect(decoded.get(i)).toBe(v);
          expect(peer.getStatus(i)).toBe(v);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('status-list-differential-jwt: the peer reads the list out of a token signed here', async () => {
    const { privateJwk } = await defaultCrypto.generateKeyPair('ES256');
    const list = ours(2, [0, 1, 2, 3, 0, 2]);
    const jwt = await signStatusListJwt({ list, uri: 'https://status.example/1', iat: 1_800_000_000, signer: localSigner(privateJwk, 'ES256', defaultCrypto) });
    const peer = getListFromStatusListJWT(jwt);
    expect([0, 1, 2, 3, 4, 5].map((i) => peer.getStatus(i))).toEqual([0, 1, 2, 3, 0, 2]);
  });
});
