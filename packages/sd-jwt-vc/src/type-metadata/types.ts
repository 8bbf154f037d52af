/**
 * The shapes of SD-JWT VC Type Metadata as comity returns them.
 *
 * @module
 */
import type { ClaimPath, JsonObject } from '@comity/core';

/** Selective disclosure rule of a claim (§5.6.4). */
export type ClaimSdRule = 'always' | 'allowed' | 'never';

/** Display information for a claim in one locale (§5.6.2). */
export interface ClaimDisplay {
  readonly locale: string;
  readonly label: string;
  readonly description?: string | undefined;
}

/** Display information for the type in one locale (§5.5). `rendering` is kept as received. */
export interface TypeDisplay {
  readonly locale: string;
  readonly name: string;
  readonly description?: string | undefined;
  readonly rendering?: JsonObject | undefined;
}

/** Claim metadata after `extends` processing, with defaults applied (§5.6). */
export interface ClaimMetadata {
  /** Claim path: strings, non-negative integers, `null` for every array element (§5.6.1). */
  readonly path: ClaimPath;
  readonly sd: ClaimSdRule;
  readonly mandatory: boolean;
  readonly display?: readonly ClaimDisplay[] | undefined;
  readonly svg_id?: string | undefined;
}

/** Type Metadata of a `vct`, merged over its `extends` chain (§5.2, §5.4). */
export interface TypeMetadata {
  readonly vct: string;
  readonly name?: string | undefined;
  readonly description?: string | undefined;
  /** The nearest display metadata in the chain (a child's `display` replaces its parent's, §5.5.2). */
  readonly display?: readonly TypeDisplay[] | undefined;
  readonly claims: readonly ClaimMetadata[];
  /** The `vct` values processed, requested type first, then each extended type. */
  readonly chain: readonly string[];
}
