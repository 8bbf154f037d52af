import { ComityError, createContext, utf8Encode } from '@comity/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkIntegrity, resolveTypeMetadata, validateClaimsWithTypeMetadata } from '../src/type-metadata/index.js';

const ctx = createContext();

async function succeedsOrComityError(f: () => unknown): Promise<boolean> {
  try {
    await f();
    return true;
  } catch (e) {
    if (e instanceof ComityError) return true;
    throw e;
  }
}

const claimPath = fc.array(fc.oneof(fc.string({ maxLength: 3 }), fc.constant(null), fc.nat(3)), { minLength: 1, maxLength: 4 });

describe('junk input never crashes Type Metadata processing', () => {
  it('checkIntegrity: arbitrary integrity strings', async () => {
    const sriLike = fc.tuple(fc.constantFrom('sha256', 'sha384', 'sha512', 'md5', ''), fc.base64String({ maxLength: 100 })).map(([a, b]) => `${a}-${b}`);
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string(), sriLike), async (s) => {
        expect(await succeedsOrComityError(() => checkIntegrity(utf8Encode('{}'), s, ctx.crypto))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('resolveTypeMetadata: arbitrary documents, as objects and as bytes', async () => {
    const doc = fc.oneof(
      fc.jsonValue(),
      fc.record(
        {
          vct: fc.constantFrom('urn:a', 'urn:b'),
          extends: fc.constantFrom('urn:a', 'urn:b', 'urn:c'),
          claims: fc.array(fc.record({ path: fc.oneof(claimPath, fc.jsonValue()), sd: fc.jsonValue(), mandatory: fc.jsonValue() }, { requiredKeys: [] })),
          display: fc.jsonValue(),
        },
        { requiredKeys: ['vct'] },
      ),
    );
    await fc.assert(
      fc.asyncProperty(doc, doc, fc.boolean(), async (a, b, asBytes) => {
        const enc = (d: unknown) => (asBytes ? utf8Encode(JSON.stringify(d)) : d);
        const registry = { 'urn:a': enc(a), 'urn:b': enc(b) };
        expect(await succeedsOrComityError(() => resolveTypeMetadata('urn:a', { ctx, registry }))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('validateClaimsWithTypeMetadata: arbitrary payloads return issues, never throw', () => {
    const meta = fc.array(
      fc.record({ path: claimPath, sd: fc.constantFrom('always', 'allowed', 'never' as const), mandatory: fc.boolean() }).map((c) => c),
      { maxLength: 5 },
    );
    fc.assert(
      fc.property(
        meta,
        fc.jsonValue(),
        fc.array(claimPath, { maxLength: 3 }),
        fc.array(claimPath, { maxLength: 3 }),
        fc.boolean(),
        (claims, payload, disclosed, parents, issuance) => {
          const issues = validateClaimsWithTypeMetadata(
            { vct: 'urn:a', claims, chain: ['urn:a'] },
            { claims: payload as object, disclosedPaths: disclosed, undisclosedParents: parents, stage: issuance ? 'issuance' : 'presentation' },
          );
          expect(Array.isArray(issues)).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });
});
