import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeStatusList, decodeStatusListCbor, encodeStatusList, encodeStatusListCbor, type StatusBits, StatusList } from '../src/index.js';

describe('property: encode -> decode is the identity', () => {
  for (const bits of [1, 2, 4, 8] as const) {
    const arbitrary = fc.array(fc.integer({ min: 0, max: (1 << bits) - 1 }), { minLength: 1, maxLength: 3000 });

    it(`status-list-4.2-roundtrip bits=${bits}: every status survives JSON and CBOR encoding`, () => {
      fc.assert(
        fc.property(arbitrary, (values) => {
          const list = new StatusList(values.length, bits as StatusBits);
          for (const [i, v] of values.entries()) list.set(i, v);
          const fromJson = decodeStatusList(encodeStatusList(list)).list;
          const fromCbor = decodeStatusListCbor(encodeStatusListCbor(list)).list;
          expect(fromJson.bits).toBe(bits);
          expect(fromJson.size).toBe(Math.ceil((values.length * bits) / 8) * (8 / bits));
          for (const [i, v] of values.entries()) {
            expect(fromJson.get(i)).toBe(v);
            expect(fromCbor.get(i)).toBe(v);
          }
          // Padding entries of the last byte read as VALID.
          for (let i = values.length; i < fromJson.size; i++) expect(fromJson.get(i)).toBe(0);
          expect(Buffer.compare(fromJson.toBytes(), list.toBytes())).toBe(0);
        }),
        { numRuns: 60 },
      );
    });
  }

  it('status-list-4.1-set-isolation: setting one index never changes its neighbours', () => {
    fc.assert(
      fc.property(fc.constantFrom<StatusBits>(1, 2, 4, 8), fc.array(fc.tuple(fc.nat(63), fc.nat(255)), { maxLength: 200 }), (bits, writes) => {
        const list = new StatusList(64, bits);
        const model = new Array<number>(64).fill(0);
        for (const [i, raw] of writes) {
          const v = raw & ((1 << bits) - 1);
          list.set(i, v);
          model[i] = v;
        }
        expect(model.map((_, i) => list.get(i))).toEqual(model);
      }),
      { numRuns: 200 },
    );
  });
});
