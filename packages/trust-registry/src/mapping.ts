/**
 * Claim mapping into the recogniser's schema: rename, restructure, date normalisation,
 * value-set translation and concatenation; everything not passed on is reported as dropped.
 *
 * @module
 */
import type { ClaimPath } from '@comity/core';
import { getPath, leafPaths, pathCovers, pathKey, setPath } from './internal/util.js';
import type { MappingRule, MappingTransform, RecognitionScope } from './types.js';

/**
 * Technical SD-JWT VC claims that are neither mapped nor reported as dropped.
 *
 * @example
 * ```ts
 * TECHNICAL_CLAIMS.has('cnf'); // true
 * ```
 */
export const TECHNICAL_CLAIMS: ReadonlySet<string> = new Set(['iss', 'iat', 'exp', 'nbf', 'cnf', 'vct', 'vct#integrity', 'status', '_sd_alg']);

/** Outcome of mapping one credential's claims. */
export interface MappingOutcome {
  readonly mapped: Record<string, unknown>;
  readonly dropped: ClaimPath[];
  /** Target paths of required rules that had no usable source value. */
  readonly missing: ClaimPath[];
  readonly targetSchema?: string | undefined;
  /** Number of values written to `mapped`. */
  readonly count: number;
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function validDay(yy: number, mm: number, dd: number): boolean {
  if (!(mm >= 1 && mm <= 12 && dd >= 1 && dd <= (DAYS_IN_MONTH[mm - 1] as number))) return false;
  return mm !== 2 || dd !== 29 || (yy % 4 === 0 && (yy % 100 !== 0 || yy % 400 === 0));
}

function isoDate(y: string, m: string, d: string): string | undefined {
  return validDay(Number(y), Number(m), Number(d)) ? `${y}-${m}-${d}` : undefined;
}

/** The decimal value of `text[from..to)`, or -1 when a character is not an ASCII digit. */
function digits(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

const ISO_PREFIX = /^(\d{4})-(\d{2})-(\d{2})(?:$|T)/;
const EU_DATE = /^(\d{2})[./](\d{2})[./](\d{4})$/;
const COMPACT = /^(\d{4})(\d{2})(\d{2})$/;

/**
 * Normalises a date-like value (`YYYY-MM-DD[T…]`, `DD.MM.YYYY`, `DD/MM/YYYY`, `YYYYMMDD`, Date, `{ value }`) to `YYYY-MM-DD`, or undefined.
 *
 * @example
 * ```ts
 * normaliseDate('12.08.1964'); // '1964-08-12'
 * ```
 */
export function normaliseDate(v: unknown): string | undefined {
  // One `{ value }` wrapper is unwrapped, not a chain of them: a crafted claim nested thousands
  // deep must not recurse the stack away.
  if (typeof v === 'object' && v !== null && !(v instanceof Date) && Object.hasOwn(v, 'value')) v = (v as { value: unknown }).value;
  if (v instanceof Date) {
    // Outside years 0000-9999 toISOString has a sign and six year digits: not a full-date.
    const y = v.getUTCFullYear();
    return Number.isNaN(y) || y < 0 || y > 9999 ? undefined : v.toISOString().slice(0, 10);
  }
  if (typeof v !== 'string' || v.length > 40) return undefined;
  // The common case, a plain full-date, is returned as it is once its day is checked.
  if (v.length === 10 && v.charCodeAt(4) === 45 && v.charCodeAt(7) === 45) {
    const y = digits(v, 0, 4);
    const m = digits(v, 5, 7);
    const d = digits(v, 8, 10);
    return y >= 0 && m >= 0 && d >= 0 && validDay(y, m, d) ? v : undefined;
  }
  let r = ISO_PREFIX.exec(v);
  if (r !== null) return isoDate(r[1] as string, r[2] as string, r[3] as string);
  r = EU_DATE.exec(v);
  if (r !== null) return isoDate(r[3] as string, r[2] as string, r[1] as string);
  r = COMPACT.exec(v);
  return r === null ? undefined : isoDate(r[1] as string, r[2] as string, r[3] as string);
}

function applyTransform(value: unknown, t: MappingTransform | undefined, valueSets: Readonly<Record<string, Readonly<Record<string, string>>>>): unknown {
  if (t === undefined || t === 'identity') return value;
  if (t === 'date-iso') return normaliseDate(value);
  if (t === 'uppercase') return typeof value === 'string' ? value.toUpperCase() : undefined;
  if (t === 'lowercase') return typeof value === 'string' ? value.toLowerCase() : undefined;
  if ('valueSet' in t) {
    const set = Object.hasOwn(valueSets, t.valueSet) ? valueSets[t.valueSet] : undefined;
    const key = typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;
    return set !== undefined && key !== undefined && Object.hasOwn(set, key) ? set[key] : undefined;
  }
  return value;
}

/**
 * One rule's value: the concatenation of its `concat` parts, or the transformed value of the
 * first present path among `from` and `or`. The paths read are added to `consumed`.
 */
function ruleValue(
  claims: Record<string, unknown>,
  rule: MappingRule,
  valueSets: Readonly<Record<string, Readonly<Record<string, string>>>>,
  consumed: ClaimPath[],
): unknown {
  const t = rule.transform;
  if (typeof t === 'object' && 'concat' in t) {
    const parts: string[] = [];
    for (const p of t.concat) {
      const v = getPath(claims, p);
      if (typeof v === 'string' || typeof v === 'number') {
        parts.push(String(v));
        consumed.push(p);
      }
    }
    return parts.length === 0 ? undefined : parts.join(t.separator ?? ' ');
  }
  // `from` first, then each `or` path; no array of candidates is built per rule.
  let from = rule.from;
  let v = getPath(claims, from);
  if ((v === undefined || v === null) && rule.or !== undefined) {
    for (const p of rule.or) {
      v = getPath(claims, p);
      if (v !== undefined && v !== null) {
        from = p;
        break;
      }
    }
  }
  if (v === undefined || v === null) return undefined;
  const value = applyTransform(v, t, valueSets);
  if (value !== undefined) consumed.push(from);
  return value;
}

/** Up to this many (leaf, consumed path) pairs, the leaves are compared pair by pair. */
const SMALL_PAIRS = 4096;

/**
 * The leaves that no consumed path touches (is the leaf, one of its ancestors or one of its
 * descendants). Indexed by path prefixes, so the cost grows with the number of paths, not with
 * their product: a credential with tens of thousands of claims stays linear.
 */
function untouched(leaves: readonly ClaimPath[], consumed: readonly ClaimPath[]): ClaimPath[] {
  if (consumed.length === 0) return leaves.slice();
  // A usual credential (tens of claims, a few rules): comparing pairs allocates nothing and is
  // several times faster than building the index, which pays off only for large claim sets.
  if (leaves.length * consumed.length <= SMALL_PAIRS) {
    return leaves.filter((leaf) => !consumed.some((c) => pathCovers(c, leaf) || pathCovers(leaf, c)));
  }
  const exact = new Set<string>();
  const prefixes = new Set<string>();
  for (const c of consumed) {
    exact.add(pathKey(c));
    for (let n = 1; n <= c.length; n++) prefixes.add(pathKey(c.slice(0, n)));
  }
  return leaves.filter((leaf) => {
    if (prefixes.has(pathKey(leaf))) return false;
    for (let n = 1; n <= leaf.length; n++) if (exact.has(pathKey(leaf.slice(0, n)))) return false;
    return true;
  });
}

/**
 * Maps presented claims through a recognition scope: with `mapping`, each rule reads `from`
 * (or the first present path of `or`), transforms and writes `to`; without it, `acceptedClaims`
 * filters the claims in place; with neither, every claim passes. Leaf claims not consumed are
 * returned as `dropped`; required rules without a value as `missing`.
 *
 * @example
 * ```ts
 * mapClaims({ birth_place: 'Berlin' }, { ...scope, mapping: { targetSchema: 'fr', rules: [{ from: ['birth_place'], to: ['lieu_naissance'] }] } }, {});
 * ```
 * @see OpenID4VP 1.0 §7 (claims path pointers); eIDAS attribute conversion (Sweden Connect precedent)
 */
export function mapClaims(
  claims: Record<string, unknown>,
  scope: Pick<RecognitionScope, 'mapping' | 'acceptedClaims'>,
  valueSets: Readonly<Record<string, Readonly<Record<string, string>>>> = {},
): MappingOutcome {
  const leaves = leafPaths(claims, TECHNICAL_CLAIMS);
  const mapped: Record<string, unknown> = {};
  let count = 0;
  const missing: ClaimPath[] = [];
  let dropped: ClaimPath[];
  if (scope.mapping !== undefined) {
    const consumed: ClaimPath[] = [];
    for (const rule of scope.mapping.rules) {
      const value = ruleValue(claims, rule, valueSets, consumed);
      if (value === undefined) {
        if (rule.required === true) missing.push(rule.to);
        continue;
      }
      if (setPath(mapped, rule.to, value)) count++;
      else if (rule.required === true) missing.push(rule.to);
    }
    dropped = untouched(leaves, consumed);
  } else {
    // Each leaf is either passed on or dropped; one that cannot be written (`__proto__`) is dropped.
    const accepted = scope.acceptedClaims;
    dropped = [];
    for (const leaf of leaves) {
      if ((accepted === undefined || accepted.some((a) => pathCovers(a, leaf))) && setPath(mapped, leaf, getPath(claims, leaf))) count++;
      else dropped.push(leaf);
    }
  }
  return { mapped, dropped, missing, targetSchema: scope.mapping?.targetSchema, count };
}
