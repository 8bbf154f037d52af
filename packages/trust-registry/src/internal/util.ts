import type { ClaimPath } from '@comity/core';
import { ComityError, type CryptoProvider, toHex } from '@comity/core';
import type { LevelOfAssurance, TrustCategory } from '../types.js';
import { TRUST_CATEGORIES } from '../types.js';

export async function sha256Hex(crypto: CryptoProvider, bytes: Uint8Array): Promise<string> {
  return toHex(await crypto.digest('sha-256', bytes));
}

/** Strict RFC 3339 / ISO 8601 date-time (or full-date) to Date. */
export function parseDate(value: unknown, what: string, code: string): Date {
  if (typeof value !== 'string' || value.length > 40 || !/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2}))?$/.test(value)) {
    throw new ComityError(code, `${what} is not an ISO 8601 date`, { details: { field: what } });
  }
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) throw new ComityError(code, `${what} is not a valid date`, { details: { field: what } });
  return d;
}

/** ISO 8601 duration (PnDTnHnMnS, PnW) in milliseconds. Months and years are refused (ambiguous). */
export function parseDurationMs(value: unknown, what: string, code: string): number {
  const m = typeof value === 'string' ? /^P(?:(\d{1,5})W)?(?:(\d{1,5})D)?(?:T(?:(\d{1,6})H)?(?:(\d{1,7})M)?(?:(\d{1,9})S)?)?$/.exec(value) : null;
  if (m === null || value === 'P' || value === 'PT') throw new ComityError(code, `${what} is not an ISO 8601 duration`, { details: { field: what } });
  const n = (i: number): number => Number(m[i] ?? 0);
  return ((((n(1) * 7 + n(2)) * 24 + n(3)) * 60 + n(4)) * 60 + n(5)) * 1000;
}

const LOA_RANK: Record<LevelOfAssurance, number> = { low: 1, substantial: 2, high: 3 };

export function isLoa(value: unknown): value is LevelOfAssurance {
  return value === 'low' || value === 'substantial' || value === 'high';
}

export function loaAtLeast(actual: LevelOfAssurance, minimum: LevelOfAssurance): boolean {
  return LOA_RANK[actual] >= LOA_RANK[minimum];
}

export function isCategory(value: unknown): value is TrustCategory {
  return typeof value === 'string' && (TRUST_CATEGORIES as readonly string[]).includes(value);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null) return false;
  // Plain objects, the common case, without walking prototype chains.
  const proto = Object.getPrototypeOf(v);
  if (proto === Object.prototype || proto === null) return true;
  return !Array.isArray(v) && !(v instanceof Date) && !(v instanceof Uint8Array);
}

/** Reads a claim path (keys and indices; `null` is not allowed in mapping sources). */
export function getPath(root: unknown, path: ClaimPath): unknown {
  let cur: unknown = root;
  for (const seg of path) {
    if (typeof seg === 'string') {
      if (!isRecord(cur) || !Object.hasOwn(cur, seg)) return undefined;
      cur = cur[seg];
    } else if (typeof seg === 'number') {
      if (!Array.isArray(cur) || seg < 0 || seg >= cur.length) return undefined;
      cur = cur[seg];
    } else {
      return undefined;
    }
  }
  return cur;
}

/**
 * Writes `value` at a path of string keys, creating objects (never touching prototypes).
 * Returns false, writing nothing, when a segment is not a string or is `__proto__`.
 */
export function setPath(root: Record<string, unknown>, path: ClaimPath, value: unknown): boolean {
  if (path.length === 0) return false;
  for (const seg of path) if (typeof seg !== 'string' || seg === '__proto__') return false;
  let cur: Record<string, unknown> = root;
  const last = path.length - 1;
  for (let i = 0; i <= last; i++) {
    const seg = path[i] as string;
    if (i === last) {
      cur[seg] = value;
      return true;
    }
    let next = Object.hasOwn(cur, seg) ? cur[seg] : undefined;
    if (!isRecord(next)) {
      next = {};
      cur[seg] = next;
    }
    cur = next as Record<string, unknown>;
  }
  return false;
}

/** Leaf paths of a claims object: plain objects are descended, anything else is a leaf. */
export function leafPaths(root: Record<string, unknown>, skipTopLevel: ReadonlySet<string>): ClaimPath[] {
  const out: ClaimPath[] = [];
  for (const key of Object.keys(root)) {
    if (!skipTopLevel.has(key)) collectLeaves(root[key], [key], out);
  }
  return out;
}

function collectLeaves(v: unknown, path: (string | number)[], out: ClaimPath[]): void {
  if (!isRecord(v) || path.length > 16) {
    out.push(path);
    return;
  }
  const keys = Object.keys(v);
  if (keys.length === 0) {
    out.push(path);
    return;
  }
  for (const key of keys) collectLeaves(v[key], [...path, key], out);
}

export function pathKey(path: ClaimPath): string {
  return JSON.stringify(path);
}

/** True if `prefix` equals `path` or is an ancestor of it. */
export function pathCovers(prefix: ClaimPath, path: ClaimPath): boolean {
  if (prefix.length > path.length) return false;
  for (let i = 0; i < prefix.length; i++) if (prefix[i] !== null && prefix[i] !== path[i]) return false;
  return true;
}

export function isClaimPath(v: unknown): v is ClaimPath {
  return (
    Array.isArray(v) &&
    v.length > 0 &&
    v.length <= 16 &&
    v.every((s) => typeof s === 'string' || (typeof s === 'number' && Number.isInteger(s) && s >= 0) || s === null)
  );
}

/** ISO 3166-1 alpha-2 code (upper case) or `EU`, or EE_T-like test territories. */
export function isJurisdiction(v: unknown): v is string {
  return typeof v === 'string' && /^[A-Z]{2}(_[A-Z0-9]{1,8})?$/.test(v);
}
