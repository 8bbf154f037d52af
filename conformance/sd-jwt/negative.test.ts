/**
 * Evidence item 2: one named negative test per rule of shared/notes/sd-jwt.md §5 (items
 * 1–21; 22–23 are in type-metadata-rules.test.ts, 24–26 belong to the status-list package), each on a really
 * signed token whose only defect is the rule under test, asserting comity's error code.
 */
import { ComityError } from '@comity/core';
import { receiveSdJwt, verifySdJwt, verifySdJwtVc } from '@comity/sd-jwt-vc';
import { describe, expect, it } from 'vitest';
import { ctx, testKeys } from './helpers/craft.js';
import { basePolicy, CONTROL_CASES, NEGATIVE_CASES } from './helpers/negative-cases.js';

describe('shared/notes/sd-jwt.md §5 rules (items 1-21)', () => {
  it('covers every item 1-21', () => {
    expect(new Set(NEGATIVE_CASES.map((c) => c.item))).toEqual(new Set(Array.from({ length: 21 }, (_, i) => i + 1)));
    expect(new Set(NEGATIVE_CASES.map((c) => c.id)).size).toBe(NEGATIVE_CASES.length);
  });

  for (const c of [...CONTROL_CASES, ...NEGATIVE_CASES]) {
    it(c.id, async () => {
      const k = await testKeys();
      const token = await c.build();
      if (c.kind === 'holder') {
        const error = await receiveSdJwt(token, ctx).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ComityError);
        expect((error as ComityError).code).toBe(c.expect);
        return;
      }
      const policy = { ...basePolicy(k, c.kind), ...(c.policy?.(k) ?? {}) };
      const result = c.kind === 'vc' ? await verifySdJwtVc(token, policy, ctx) : await verifySdJwt(token, policy, ctx);
      if (c.expect === null) {
        expect(result.errors).toEqual([]);
        expect(result.valid).toBe(true);
      } else {
        // The rule under test is the only one that fails, and nothing is released.
        expect(result.errors.map((e) => e.code)).toEqual([c.expect]);
        expect(result.valid).toBe(false);
        expect(result.claims).toEqual({});
      }
    });
  }
});
