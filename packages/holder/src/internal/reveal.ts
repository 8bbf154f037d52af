/**
 * What an SD-JWT presentation reveals, worked out on the wallet's own decoded credential: which
 * requested claims exist, which disclosures sharing one sends (as `presentSdJwt` picks them), and
 * which other claims those disclosures carry. The consent screen and the log both use it, so what
 * the citizen is shown and what the log records are the same thing.
 *
 * Paths are concrete paths into the stored claims (array indices as in the stored credential).
 */
import type { ClaimPath } from '@comity/core';
import type { DecodedSdJwt } from '@comity/sd-jwt-vc';

type Key = string | number;
const keyOf = (path: ClaimPath) => JSON.stringify(path);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** True if the first `n` steps of the concrete `path` match those of `pattern` (no copies: called per disclosure and per claim). */
function headMatches(pattern: ClaimPath, path: ClaimPath, n: number): boolean {
  for (let i = 0; i < n; i++) {
    const p = pattern[i];
    if (p === null ? typeof path[i] !== 'number' : p !== path[i]) return false;
  }
  return true;
}

/** True if the concrete `path` is at or inside some claim the pattern `prefix` matches. */
function within(path: ClaimPath, prefix: ClaimPath): boolean {
  return prefix.length <= path.length && headMatches(prefix, path, prefix.length);
}

/** True if the concrete `path` is strictly above some claim the pattern `target` matches. */
function above(path: ClaimPath, target: ClaimPath): boolean {
  return path.length < target.length && headMatches(target, path, path.length);
}

/** `reach` with every step open, without building the paths: the existence rule of `presentSdJwt`. */
function exists(claims: unknown, pattern: ClaimPath, from = 0): boolean {
  if (from === pattern.length) return true;
  const head = pattern[from] as Key | null;
  if (head === null) return Array.isArray(claims) && claims.some((v) => exists(v, pattern, from + 1));
  if (typeof head === 'number') return Array.isArray(claims) && head < claims.length && exists(claims[head], pattern, from + 1);
  return isObject(claims) && Object.hasOwn(claims, head) && exists(claims[head], pattern, from + 1);
}

/**
 * True if `pattern` names a claim in `claims` every step to which `open` allows (the same
 * existence rule as `presentSdJwt`: `null` needs one element that has the rest).
 */
export function reach(claims: unknown, pattern: ClaimPath, open?: (path: ClaimPath) => boolean, at: ClaimPath = []): boolean {
  if (open === undefined) return exists(claims, pattern);
  if (pattern.length === 0) return true;
  const head = pattern[0] as Key | null;
  const rest = pattern.slice(1);
  const step = (k: Key, v: unknown) => {
    const path = [...at, k];
    return open(path) && reach(v, rest, open, path);
  };
  if (head === null) return Array.isArray(claims) && claims.some((v, i) => step(i, v));
  if (typeof head === 'number') return Array.isArray(claims) && head < claims.length && step(head, claims[head]);
  return isObject(claims) && Object.hasOwn(claims, head) && step(head, claims[head]);
}

function valueAt(claims: unknown, path: ClaimPath): unknown {
  let cur = claims;
  for (const k of path) cur = (cur as Record<Key, unknown>)[k as Key];
  return cur;
}

/**
 * The disclosures `presentSdJwt` sends for one requested path: at it, inside it, and above a
 * claim it names (not above an element a `null` step passes that lacks the rest of the path).
 */
export function disclosuresFor(decoded: DecodedSdJwt, pattern: ClaimPath): ClaimPath[] {
  return decoded.disclosures
    .filter((d) => within(d.path, pattern) || (above(d.path, pattern) && exists(valueAt(decoded.claims, d.path), pattern, d.path.length)))
    .map((d) => d.path);
}

/**
 * The claims that the sent disclosures reveal beyond `targets` (requested patterns): each sent
 * disclosure's content, less what the issuer made disclosable on its own inside it (listed only
 * when sent too). A claim is named whole unless something inside it is disclosable on its own
 * or lies on the way to a target; then its members are named instead.
 */
export function revealedBeyond(decoded: DecodedSdJwt, sent: readonly ClaimPath[], targets: readonly ClaimPath[]): ClaimPath[] {
  const { disclosable, holdsDisclosure, keys } = indexOf(decoded);
  const out = new Map<string, ClaimPath>();
  // `key` is keyOf(path), carried along: a path's key is its parent's plus one step.
  const visit = (path: ClaimPath, key: string, value: unknown): void => {
    if (targets.some((t) => within(path, t))) return;
    const container = Array.isArray(value) || isObject(value);
    const split = container && (holdsDisclosure.has(key) || targets.some((t) => above(path, t)));
    if (!split) {
      out.set(key, path);
      return;
    }
    const members: [Key, unknown][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value as Record<string, unknown>);
    for (const [k, v] of members) {
      const childKey = `${key.slice(0, -1)}${path.length === 0 ? '' : ','}${JSON.stringify(k)}]`;
      if (!disclosable.has(childKey)) visit([...path, k], childKey, v);
    }
  };
  for (const path of sent) visit(path, keys.get(path) ?? keyOf(path), valueAt(decoded.claims, path));
  return [...out.values()];
}

/**
 * The outermost parent of `pattern` that sharing it discloses whole: a disclosure at it is sent
 * and so is every disclosure inside it. Undefined when no parent is revealed whole.
 */
export function parentRevealedWhole(decoded: DecodedSdJwt, pattern: ClaimPath, sentPaths: readonly ClaimPath[]): ClaimPath | undefined {
  const { keys } = indexOf(decoded);
  const sent = new Set(sentPaths.map((p) => keys.get(p) ?? keyOf(p)));
  // One pass over the disclosures, not one per parent: a disclosure is inside the parent of
  // length n exactly when its first n steps match the pattern's. An unsent one inside rules that
  // parent out (and every shorter one); a sent one at a parent's own path names it.
  let blockedUpTo = 0;
  const sentAt = new Set<number>();
  for (const d of decoded.disclosures) {
    const matched = matchedSteps(pattern, d.path);
    if (!sent.has(keys.get(d.path) as string)) blockedUpTo = Math.max(blockedUpTo, matched);
    else if (matched === d.path.length) sentAt.add(matched);
  }
  for (let n = blockedUpTo + 1; n < pattern.length; n++) if (sentAt.has(n)) return pattern.slice(0, n);
  return undefined;
}

/** How many leading steps of the concrete `path` the pattern matches. */
function matchedSteps(pattern: ClaimPath, path: ClaimPath): number {
  const n = Math.min(pattern.length, path.length);
  let i = 0;
  while (i < n && (pattern[i] === null ? typeof path[i] === 'number' : pattern[i] === path[i])) i++;
  return i;
}

/**
 * Per credential, worked out once (a hostile issuer may send 1000 disclosures nested 64 deep,
 * and the consent screen asks about up to 256 paths): the paths of its disclosures, and every
 * path strictly above one.
 */
interface Index {
  readonly disclosable: Set<string>;
  readonly holdsDisclosure: Set<string>;
  /** The key of each disclosure's own path array (the arrays `disclosuresFor` returns). */
  readonly keys: Map<ClaimPath, string>;
}
const indexes = new WeakMap<DecodedSdJwt, Index>();
function indexOf(decoded: DecodedSdJwt): Index {
  let index = indexes.get(decoded);
  if (index === undefined) {
    index = { disclosable: new Set(), holdsDisclosure: new Set(), keys: new Map() };
    for (const d of decoded.disclosures) {
      const key = keyOf(d.path);
      index.keys.set(d.path, key);
      index.disclosable.add(key);
      for (let n = 0; n < d.path.length; n++) index.holdsDisclosure.add(keyOf(d.path.slice(0, n)));
    }
    indexes.set(decoded, index);
  }
  return index;
}

/**
 * True if withholding `pattern` (a claim the credential has) withholds every claim it names: none
 * is reachable through plain claims alone. With a `null` step one disclosable element is not
 * enough: `['nationalities', null]` over a plain `'DE'` and a disclosable `'FR'` sends `'DE'`
 * whatever the consent (and the log, read by the same rule, records the path as disclosed).
 */
export function withholdable(decoded: DecodedSdJwt, pattern: ClaimPath): boolean {
  const { disclosable } = indexOf(decoded);
  return !reach(decoded.claims, pattern, (p) => !disclosable.has(keyOf(p)));
}

/**
 * What a compact SD-JWT presentation gave the verifier, from the disclosure strings it carries:
 * the requested paths it can read, then the other claims those disclosures revealed.
 */
export function disclosedBy(decoded: DecodedSdJwt, presentation: string, requested: readonly ClaimPath[]): ClaimPath[] {
  const parts = presentation.split('~');
  const strings = new Set(parts.slice(1, -1));
  const sent = decoded.disclosures.filter((d) => strings.has(d.disclosure)).map((d) => d.path);
  const sentKeys = new Set(sent.map(keyOf));
  const { disclosable } = indexOf(decoded);
  // A step into a disclosable claim is open only when its disclosure was sent.
  const open = (p: ClaimPath) => !disclosable.has(keyOf(p)) || sentKeys.has(keyOf(p));
  const readable = requested.filter((p) => reach(decoded.claims, p, open));
  return [...readable, ...revealedBeyond(decoded, sent, readable)];
}
