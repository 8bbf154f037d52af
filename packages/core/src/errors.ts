/**
 * The one error model of comity.
 *
 * Every failure caused by untrusted input (a credential, a list, a response) is a
 * {@link ComityError} with a stable `code`. Codes are API: callers switch on them and
 * tests assert them; messages are for humans and may change. Neither a message nor
 * `details` ever carries a credential value, a key, a token or a salt.
 *
 * Mistakes by the calling program (a wrong argument type, a missing option) are
 * {@link ComityUsageError}, a `TypeError` with a code, so they never look like a
 * verification outcome.
 *
 * @module
 */

/** A JSON path into a credential: object keys, array indices, or `null` for "every element". */
export type ClaimPath = ReadonlyArray<string | number | null>;

/** Structured, value-free context of an error (claim path, reason, algorithm names...). */
export interface ErrorDetails {
  readonly path?: ClaimPath;
  readonly [key: string]: unknown;
}

/**
 * An error raised by comity on untrusted input.
 *
 * @example
 * ```ts
 * try { await verifier.verify(token) } catch (e) {
 *   if (e instanceof ComityError && e.code === 'ERR_SDJWT_SIGNATURE_INVALID') { ... }
 * }
 * ```
 */
export class ComityError extends Error {
  /** Stable machine-readable code, `ERR_<AREA>_<RULE>`. */
  readonly code: string;
  /** Value-free structured context. */
  readonly details: ErrorDetails;

  constructor(code: string, message: string, options: { cause?: unknown; details?: ErrorDetails } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ComityError';
    this.code = code;
    this.details = Object.freeze({ ...(options.details ?? {}) });
  }
}

/** A caller mistake: wrong argument type or missing required option. Never caused by input data. */
export class ComityUsageError extends TypeError {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'ComityUsageError';
    this.code = code;
  }
}

/** One problem found by a verification, as reported in result objects. */
export interface Issue {
  readonly code: string;
  readonly message: string;
  readonly path?: ClaimPath;
}

/** Turns any thrown value into an {@link Issue}; usage errors keep their code; unknown errors become `ERR_INTERNAL` without their message. */
export function toIssue(error: unknown): Issue {
  if (error instanceof ComityError) {
    const path = error.details.path;
    return path === undefined ? { code: error.code, message: error.message } : { code: error.code, message: error.message, path };
  }
  // A caller's own mistake met while processing (a bad option read late): its code names the cause,
  // and its message is about the caller's arguments, never about input data.
  if (error instanceof ComityUsageError) return { code: error.code, message: error.message };
  // An unexpected exception could carry input data in its message: never echo it.
  return { code: 'ERR_INTERNAL', message: 'internal error while processing input' };
}

/** Throws a {@link ComityError} unless `condition` holds. */
export function ensure(condition: unknown, code: string, message: string, details?: ErrorDetails): asserts condition {
  if (!condition) throw new ComityError(code, message, details === undefined ? {} : { details });
}
