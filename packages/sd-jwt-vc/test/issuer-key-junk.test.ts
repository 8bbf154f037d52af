import { ComityError, createContext } from '@comity/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  didIssuerKey,
  issuerKeyResolverFor,
  jwtVcIssuerMetadataKey,
  multikeyToJwk,
  parseX5c,
  pinnedIssuerKeys,
  x5cIssuerKey,
} from '../src/issuer-key/index.js';

// No fetch: network-backed resolvers must fail with a code before or instead of any request.
const ctx = createContext();

/** Runs `f` and requires it to succeed or fail with a ComityError (never a TypeError, RangeError...). */
async function succeedsOrComityError(f: () => unknown): Promise<boolean> {
  try {
    await f();
    return true;
  } catch (e) {
    if (e instanceof ComityError) return true;
    throw e;
  }
}

const B58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

describe('junk input never crashes issuer key resolution', () => {
  it('parseX5c: any JSON value', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.jsonValue(), fc.array(fc.base64String({ maxLength: 200 }), { maxLength: 3 })), async (v) => {
        expect(await succeedsOrComityError(() => parseX5c(v))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('multikeyToJwk: arbitrary strings and base58btc strings', async () => {
    const base58 = fc.string({ unit: fc.constantFrom(...B58), maxLength: 80 }).map((s) => `z${s}`);
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string({ maxLength: 200 }), base58), async (s) => {
        expect(await succeedsOrComityError(() => multikeyToJwk(s))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('every resolver: arbitrary headers and payloads', async () => {
    const k = await ctx.crypto.generateKeyPair('ES256');
    const resolvers = [
      pinnedIssuerKeys([k.publicJwk]),
      x5cIssuerKey({ anchoring: 'deferred' }),
      jwtVcIssuerMetadataKey(),
      didIssuerKey(),
      issuerKeyResolverFor({ anchoring: 'deferred', did: true, issuerMetadata: true }),
    ];
    const iss = fc.oneof(
      fc.jsonValue(),
      fc.string().map((s) => `did:${s}`),
      fc.constantFrom('did:key:z', 'did:jwk:e30', 'did:web:example.com', 'did:jwk:', 'https://issuer.example/x'),
      fc.string().map((s) => `https://${s}`),
    );
    const header = fc.record({ alg: fc.jsonValue(), kid: fc.jsonValue(), x5c: fc.oneof(fc.jsonValue(), fc.array(fc.string())) }, { requiredKeys: [] });
    await fc.assert(
      fc.asyncProperty(header, fc.record({ iss }, { requiredKeys: [] }), async (h, p) => {
        for (const resolve of resolvers) {
          expect(await succeedsOrComityError(() => resolve({ header: h as never, payload: p as never }, ctx))).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });
});
