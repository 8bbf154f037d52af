import { ComityError, ComityUsageError, toIssue } from '@comity/core';
import { describe, expect, it } from 'vitest';

describe('toIssue: a thrown value as a result issue', () => {
  it('keeps the code, message and path of a ComityError', () => {
    expect(toIssue(new ComityError('ERR_X_Y', 'what failed', { details: { path: ['a', 0] } }))).toEqual({
      code: 'ERR_X_Y',
      message: 'what failed',
      path: ['a', 0],
    });
  });
  it("keeps a usage error's code: the cause is the caller's option, not an internal failure", () => {
    expect(toIssue(new ComityUsageError('ERR_USAGE_STATUS_KEYS', 'the key resolver must return an array of JWKs'))).toEqual({
      code: 'ERR_USAGE_STATUS_KEYS',
      message: 'the key resolver must return an array of JWKs',
    });
  });
  it('never echoes the message of any other error: it may carry input data', () => {
    const issue = toIssue(new TypeError('Cannot read properties of undefined (reading "Erika Mustermann")'));
    expect(issue).toEqual({ code: 'ERR_INTERNAL', message: 'internal error while processing input' });
    expect(toIssue('Erika')).toEqual({ code: 'ERR_INTERNAL', message: 'internal error while processing input' });
  });
});
