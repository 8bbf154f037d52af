import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderErrorCodes } from '../../scripts/error-codes.js';

describe('docs/error-codes.md', () => {
  it('lists every code the packages raise (regenerate with pnpm run error-codes)', () => {
    const committed = readFileSync(new URL('../../docs/error-codes.md', import.meta.url), 'utf8');
    expect(committed).toBe(renderErrorCodes());
  });
});
