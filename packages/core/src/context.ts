/**
 * The injected environment: crypto, clock and fetch. Every comity operation that needs
 * one of them takes a context, so tests, browsers and servers can supply their own.
 *
 * @module
 */
import { platformCrypto } from '#platform-crypto';
import type { CryptoProvider } from './crypto/types.js';

/** A `fetch`-compatible function (the global `fetch` fits). */
export type FetchLike = (
  input: string,
  init?: { signal?: AbortSignal; headers?: Record<string, string>; redirect?: 'error' | 'follow' | 'manual' },
) => Promise<Response>;

/** Crypto, clock and network as seen by comity. */
export interface ComityContext {
  readonly crypto: CryptoProvider;
  /** The current time. */
  readonly now: () => Date;
  /** Network access; absent means comity never fetches. */
  readonly fetch?: FetchLike | undefined;
}

/** The runtime's default crypto provider: node:crypto on Node, WebCrypto elsewhere. */
export const defaultCrypto: CryptoProvider = platformCrypto;

/**
 * Builds a context from defaults and overrides. No network access unless `fetch` is given.
 *
 * @example
 * ```ts
 * const ctx = createContext({ now: () => new Date('2026-01-01T00:00:00Z') });
 * ```
 */
export function createContext(overrides: Partial<ComityContext> = {}): ComityContext {
  return {
    crypto: overrides.crypto ?? defaultCrypto,
    now: overrides.now ?? (() => new Date()),
    fetch: overrides.fetch,
  };
}

/**
 * True when `value` has the shape of a {@link ComityContext} (a clock function and a crypto
 * object): what role options check before keeping a caller's context.
 *
 * @example
 * ```ts
 * if (!isComityContext(options.ctx)) throw new TypeError('ctx must be a ComityContext');
 * ```
 */
export function isComityContext(value: unknown): value is ComityContext {
  if (value === null || typeof value !== 'object') return false;
  const { now, crypto } = value as Partial<ComityContext>;
  return typeof now === 'function' && typeof crypto === 'object' && crypto !== null;
}

/** Seconds since the epoch of a context's clock. */
export function epochSeconds(ctx: ComityContext): number {
  return Math.floor(ctx.now().getTime() / 1000);
}
