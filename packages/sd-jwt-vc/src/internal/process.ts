/**
 * RFC 9901 §7.1 steps 3–5: rebuilds the claims from the signed payload and the
 * disclosures, enforcing every structural rule on the way.
 */
import { type ClaimPath, ComityError, isPlainObject } from '@comity/core';
import type { Disclosure } from './disclosure.js';

/** Where a disclosure landed in the processed claims. */
export interface PlacedDisclosure {
  readonly index: number;
  readonly path: ClaimPath;
  /** Index of the disclosure whose value contained this one's digest, if any. */
  readonly parent: number | undefined;
}

/** The processed SD-JWT payload. */
export interface ProcessedClaims {
  /** The payload with disclosures applied, `_sd`, `...` and `_sd_alg` removed. */
  readonly claims: Record<string, unknown>;
  /** Disclosures in the order they were reached, with their paths. */
  readonly placed: readonly PlacedDisclosure[];
  /** Objects and arrays that still hold digests for which no disclosure was presented. */
  readonly undisclosedParents: readonly ClaimPath[];
}

const MAX_DEPTH = 64;
/** Marks a digest that was met and matches no disclosure. */
const UNDISCLOSED = -1;

/**
 * @throws ComityError `ERR_SDJWT_DISCLOSURE_DUPLICATE`, `ERR_SDJWT_DIGEST_DUPLICATE`, `ERR_SDJWT_SD_INVALID`,
 *   `ERR_SDJWT_ARRAY_ELEMENT_INVALID`, `ERR_SDJWT_DISCLOSURE_SHAPE`, `ERR_SDJWT_DISCLOSURE_RESERVED_NAME`,
 *   `ERR_SDJWT_CLAIM_NAME_COLLISION`, `ERR_SDJWT_SD_ALG_NESTED`, `ERR_SDJWT_DISCLOSURE_UNREFERENCED`, `ERR_SDJWT_TOO_DEEP`
 */
export function processClaims(payload: Record<string, unknown>, disclosures: readonly Disclosure[]): ProcessedClaims {
  const byDigest = new Map<string, number>();
  for (let index = 0; index < disclosures.length; index++) {
    const digest = (disclosures[index] as Disclosure).digest;
    if (byDigest.has(digest)) throw new ComityError('ERR_SDJWT_DISCLOSURE_DUPLICATE', 'the same disclosure was sent twice', { details: { index } });
    byDigest.set(digest, index);
  }
  const state: WalkState = {
    disclosures,
    digests: byDigest,
    used: new Uint8Array(disclosures.length),
    placed: [],
    undisclosed: [],
    undisclosedKeys: new Set<string>(),
  };
  const claims = walk(state, payload, [], undefined, 0) as Record<string, unknown>;
  const unreferenced = state.used.indexOf(0);
  if (unreferenced !== -1)
    throw new ComityError('ERR_SDJWT_DISCLOSURE_UNREFERENCED', 'a disclosure is not referenced by any digest', { details: { index: unreferenced } });
  return { claims, placed: state.placed, undisclosedParents: state.undisclosed };
}

/** What one processing run accumulates; module-level functions over it, not closures made per call. */
interface WalkState {
  readonly disclosures: readonly Disclosure[];
  /**
   * Every digest met so far and what it refers to: a disclosure index (filled in before the
   * walk, marked in `used` once met) or UNDISCLOSED. One lookup per digest tells both whether
   * a disclosure matches and whether the digest was met before.
   */
  readonly digests: Map<string, number>;
  readonly used: Uint8Array;
  readonly placed: PlacedDisclosure[];
  readonly undisclosed: ClaimPath[];
  readonly undisclosedKeys: Set<string>;
}

function walk(state: WalkState, value: unknown, path: ClaimPath, parent: number | undefined, depth: number): unknown {
  if (depth > MAX_DEPTH) throw new ComityError('ERR_SDJWT_TOO_DEEP', 'claims are nested too deeply');
  if (Array.isArray(value)) return walkArray(state, value, path, parent, depth);
  if (isPlainObject(value)) return walkObject(state, value, path, parent, depth);
  return value;
}

function walkArray(state: WalkState, value: readonly unknown[], path: ClaimPath, parent: number | undefined, depth: number): unknown[] {
  const out: unknown[] = [];
  let noted = false;
  for (const element of value) {
    if (isPlainObject(element) && Object.hasOwn(element, '...')) {
      if (Object.keys(element).length !== 1) {
        throw new ComityError('ERR_SDJWT_ARRAY_ELEMENT_INVALID', 'array element digest object has extra members', { details: { path } });
      }
      const index = claimDigest(state, element['...'], path, 'ERR_SDJWT_ARRAY_ELEMENT_INVALID');
      if (index === undefined) {
        if (!noted) noted = noteUndisclosed(state, path);
        continue;
      }
      const elementPath = [...path, out.length];
      const d = place(state, index, elementPath, parent);
      if (d.name !== undefined)
        throw new ComityError('ERR_SDJWT_DISCLOSURE_SHAPE', 'array digest refers to an object property disclosure', { details: { path: elementPath } });
      out.push(walk(state, d.value, elementPath, index, depth + 1));
    } else {
      out.push(element !== null && typeof element === 'object' ? walk(state, element, [...path, out.length], parent, depth + 1) : element);
    }
  }
  return out;
}

function walkObject(state: WalkState, value: Record<string, unknown>, path: ClaimPath, parent: number | undefined, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    if (key === '_sd') continue;
    if (key === '_sd_alg') {
      if (path.length > 0) throw new ComityError('ERR_SDJWT_SD_ALG_NESTED', '"_sd_alg" may appear only at the top level', { details: { path } });
      continue;
    }
    const child = value[key];
    // Primitives need no walk (and no path array): most plain claims are primitives.
    define(out, key, child !== null && typeof child === 'object' ? walk(state, child, [...path, key], parent, depth + 1) : child);
  }
  if (!Object.hasOwn(value, '_sd')) return out;
  const sd = value._sd;
  if (!Array.isArray(sd)) throw new ComityError('ERR_SDJWT_SD_INVALID', '"_sd" is not an array', { details: { path } });
  let noted = false;
  for (const digest of sd) {
    const index = claimDigest(state, digest, path, 'ERR_SDJWT_SD_INVALID');
    if (index === undefined) {
      if (!noted) noted = noteUndisclosed(state, path);
      continue;
    }
    const d = state.disclosures[index] as Disclosure;
    if (d.name === undefined) throw new ComityError('ERR_SDJWT_DISCLOSURE_SHAPE', '"_sd" digest refers to an array element disclosure', { details: { path } });
    if (d.name === '_sd' || d.name === '...')
      throw new ComityError('ERR_SDJWT_DISCLOSURE_RESERVED_NAME', 'disclosure uses a reserved claim name', { details: { path } });
    const claimPath = [...path, d.name];
    if (Object.hasOwn(out, d.name))
      throw new ComityError('ERR_SDJWT_CLAIM_NAME_COLLISION', 'disclosed claim name already exists at this level', { details: { path: claimPath } });
    place(state, index, claimPath, parent);
    define(out, d.name, walk(state, d.value, claimPath, index, depth + 1));
  }
  return out;
}

/** Records that `path` holds digests without a presented disclosure (once per path). Returns true. */
function noteUndisclosed(state: WalkState, path: ClaimPath): true {
  const key = JSON.stringify(path);
  if (!state.undisclosedKeys.has(key)) {
    state.undisclosedKeys.add(key);
    state.undisclosed.push(path);
  }
  return true;
}

function claimDigest(state: WalkState, digest: unknown, path: ClaimPath, code: string): number | undefined {
  if (typeof digest !== 'string') throw new ComityError(code, 'digest is not a string', { details: { path } });
  const index = state.digests.get(digest);
  if (index === UNDISCLOSED || (index !== undefined && state.used[index] === 1)) {
    throw new ComityError('ERR_SDJWT_DIGEST_DUPLICATE', 'a digest appears more than once', { details: { path } });
  }
  if (index === undefined) state.digests.set(digest, UNDISCLOSED);
  return index;
}

function place(state: WalkState, index: number, path: ClaimPath, parent: number | undefined): Disclosure {
  state.used[index] = 1;
  state.placed.push({ index, path, parent });
  return state.disclosures[index] as Disclosure;
}

// Plain assignment of "__proto__" would change the prototype: define it as data instead.
function define(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}
