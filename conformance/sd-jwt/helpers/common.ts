/**
 * Shared pieces of the SD-JWT conformance tests: vector paths, the fixed keys of the
 * upstream `settings.yml`, a pinned issuer-key resolver and fixed-clock contexts.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ComityContext, createContext, type Jwk, localSigner, type Signer, toPublicJwk } from '@comity/core';
import { type IssuerKeyResolver, pinnedIssuerKeys } from '@comity/sd-jwt-vc';
import { parse } from 'yaml';

/** Folder of the copied vectors (see ../PROVENANCE.md). */
export const VECTORS = join(dirname(fileURLToPath(import.meta.url)), '..', 'vectors');

/** Reads a JSON vector file relative to {@link VECTORS}. */
export function readVectorJson<T>(relative: string): T {
  return JSON.parse(readFileSync(join(VECTORS, relative), 'utf8')) as T;
}

/** The issuer-key resolver over one pinned public key. */
export const pinned = (jwk: Jwk): IssuerKeyResolver => pinnedIssuerKeys([jwk]);

/** A context whose clock is fixed at `epochSeconds`. */
export function contextAt(epochSeconds: number): ComityContext {
  return createContext({ now: () => new Date(epochSeconds * 1000) });
}

/** The parts of an upstream `settings.yml` the tests use. */
export interface Settings {
  readonly issuer: string;
  readonly verifier: string;
  readonly issuerKey: Jwk;
  /** Every issuer key of the settings (sd-jwt-python signs a JSON serialization with each), with its kid. */
  readonly issuerKeys: readonly { readonly jwk: Jwk; readonly kid: string | undefined }[];
  readonly holderKey: Jwk;
  readonly nonce: string;
  readonly iat: number;
  readonly exp: number;
}

function merge(base: unknown, override: unknown): unknown {
  if (override === undefined) return base;
  if (base === null || typeof base !== 'object' || Array.isArray(base) || override === null || typeof override !== 'object' || Array.isArray(override)) {
    return override;
  }
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(override as Record<string, unknown>)) out[k] = merge(out[k], v);
  return out;
}

function jwkOf(value: unknown): Jwk {
  const { kty, crv, x, y, d } = value as Record<string, string>;
  return { kty, crv, x, y, d } as Jwk;
}

/** Loads a `settings.yml` (relative to {@link VECTORS}) with an optional `settings_override`. */
export function loadSettings(relative: string, override?: Record<string, unknown>): Settings {
  const raw = merge(parse(readFileSync(join(VECTORS, relative), 'utf8')), override) as Record<string, Record<string, unknown>>;
  const keys = raw.key_settings as Record<string, unknown>;
  // sd-jwt-python's settings use `issuer_keys` (a list); the SD-JWT VC repo uses `issuer_key`.
  const issuerKeys = (keys.issuer_keys ?? (raw as Record<string, unknown>).issuer_keys) as unknown[] | undefined;
  const issuerKey = issuerKeys?.[0] ?? keys.issuer_key;
  const ids = raw.identifiers as Record<string, string>;
  return {
    issuer: ids.issuer as string,
    verifier: ids.verifier as string,
    issuerKey: jwkOf(issuerKey),
    issuerKeys: (issuerKeys ?? [issuerKey]).map((k) => ({ jwk: jwkOf(k), kid: (k as Record<string, string>).kid })),
    holderKey: jwkOf(keys.holder_key),
    nonce: String((raw as Record<string, unknown>).key_binding_nonce),
    iat: (raw as Record<string, unknown>).iat as number,
    exp: (raw as Record<string, unknown>).exp as number,
  };
}

/** ES256 signer over a private JWK. */
export function es256(privateJwk: Jwk, ctx: ComityContext): Signer {
  return localSigner(privateJwk, 'ES256', ctx.crypto);
}

/** The public half of a JWK. */
export function publicOf(jwk: Jwk): Jwk {
  return toPublicJwk(jwk);
}
