import { ComityError, ComityUsageError } from '@comity/core';

/** The code a promise rejects with (a ComityError or a usage error), or `NO_ERROR`; any other error fails the test. */
export async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (e) {
    if (e instanceof ComityError || e instanceof ComityUsageError) return e.code;
    throw e;
  }
  return 'NO_ERROR';
}
