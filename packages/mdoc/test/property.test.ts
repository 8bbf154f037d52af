/**
 * Property tests: for arbitrary element values and any disclosure subset, issue → present →
 * verify returns exactly the disclosed elements with their JSON-friendly values; and the CBOR
 * decoder reads back what the encoder wrote.
 */
import { base64urlEncode } from '@comity/core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildSessionTranscript, FullDate, presentMdoc, verifyDeviceResponse } from '../src/index.js';
import { decodeCbor, encodeCbor } from '../src/internal/cbor.js';
import { toEncodable } from '../src/internal/encode-values.js';
import { deviceSigner, issueTestMdl, MDL, makePki, NS, type Pki } from './fixtures.js';

let pki: Pki;
let transcript: Uint8Array;
beforeAll(async () => {
  pki = await makePki();
  transcript = await buildSessionTranscript({ type: 'openid4vp-dcapi', origin: 'https://verifier.example', nonce: 'prop' }, pki.ctx);
});

const leaf = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
  fc.boolean(),
  fc.constant(null),
  fc.uint8Array({ maxLength: 48 }),
  fc
    .date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2200-01-01T00:00:00Z'), noInvalidDate: true })
    .map((d) => new FullDate(d.toISOString().slice(0, 10))),
);
const value = fc.letrec((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('v'), { maxLength: 3 }),
    fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), tie('v'), { maxKeys: 3 }),
  ),
})).v;

/** The JSON-friendly view verification should return for an issued value. */
function expected(v: unknown): unknown {
  if (v instanceof FullDate) return v.value;
  if (v instanceof Uint8Array) return base64urlEncode(v);
  if (Array.isArray(v)) return v.map(expected);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, expected(x)]));
  return v;
}

describe('properties', () => {
  it('issue → present → verify discloses exactly the chosen elements', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(fc.stringMatching(/^[a-z][a-z0-9_]{0,15}$/), value, { minKeys: 1, maxKeys: 8 }),
        fc.infiniteStream(fc.boolean()),
        async (elements, picks) => {
          const names = Object.keys(elements);
          const chosen = names.filter(() => picks.next().value as boolean);
          const issued = await issueTestMdl(pki, { nameSpaces: { [NS]: elements } });
          const response = await presentMdoc({
            issuerSigned: issued,
            disclose: chosen.map((n) => [NS, n]),
            deviceSigner: deviceSigner(pki),
            sessionTranscript: transcript,
            ctx: pki.ctx,
          });
          const [doc] = await verifyDeviceResponse(response, {
            trustAnchors: [pki.iaca.certificate],
            sessionTranscript: transcript,
            ctx: pki.ctx,
            docType: MDL,
          });
          expect(doc?.errors).toEqual([]);
          const want = chosen.length === 0 ? {} : { [NS]: Object.fromEntries(chosen.map((n) => [n, expected(elements[n])])) };
          expect(JSON.parse(JSON.stringify(doc?.claims))).toEqual(want);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('decodeCbor reads back encodeCbor output byte-exactly on re-encode', () => {
    fc.assert(
      fc.property(value, (v) => {
        const bytes = encodeCbor(toEncodable(v));
        const again = decodeCbor(bytes);
        expect(Buffer.from(encodeCbor(toEncodable(again))).toString('hex')).toBe(Buffer.from(bytes).toString('hex'));
      }),
      { numRuns: 200 },
    );
  });
});
