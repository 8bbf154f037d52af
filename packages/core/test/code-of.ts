import { ComityError } from '../src/index.js';

/** The code of the ComityError `run` throws, or `NO_ERROR`; any other exception fails the test. */
export function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (e) {
    if (e instanceof ComityError) return e.code;
    throw e;
  }
  return 'NO_ERROR';
}
