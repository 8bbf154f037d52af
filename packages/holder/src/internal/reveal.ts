/**
 * What an SD-JWT presentation reveals, worked out on the wallet's own decoded credential: which
 * requested claims exist, which disclosures sharing one sends (as `presentSdJwt` picks them), and
 * which other claims those disclosures carry. The consent screen and the log both use it, so what
 * the citizen is shown and what the log records are the same thing.
 *
 * Paths are concrete paths into the stored claims (array indices as in the stored credential).
 */
import type { ClaimPath } from '@comity/core';
import { type DecodedSdJwt, pathMatches } from '@comity/sd-jwt-vc';

type Key = string | number;
const keyOf = (path: ClaimPath) => JSON.stringify(path);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** True if the concrete `path` is at or inside some claim the pattern `prefix` matches. */
function within(path: ClaimPath, prefix: ClaimPath): boolean {
  return prefix.length <= path.length && pathMatches(prefix, path.slice(0, prefix.length));
}

/** True if the concrete `path` is strictly above some claim the pattern `target` matches. */
function above(path: ClaimPath, target: ClaimPath): boolean {
  return path.length < target.length && pathMatches(target.slice(0, path.length), path);
}

/**
 * True if `pattern` names a claim in `claims` every step to which `open` allows (the same
 * existence rule as `presentSdJwt`: `null` needs one element that has the rest).
 */
export function reach(claims: unknown, pattern: ClaimPath, open: (path: ClaimPath) => boolean = () => true, at: ClaimPath = []): boolean {
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

/** The disclosures `presentSdJwt` sends for one requested path: at it, inside it and above it. */
export function disclosuresFor(decoded: DecodedSdJwt, pattern: ClaimPath): ClaimPath[] {
  return decoded.disclosures.filter((d) => within(d.path, pattern) || above(d.path, pattern)).map((d) => d.path);
}

function valueAt(claims: unknown, path: ClaimPath): unknown {
  let cur = claims;
  for (const k of path) cur = (cur as Record<Key, unknown>)[k as Key];
  return cur;
}

/**
 * The claims that the sent disclosures reveal beyond `targets` (requested patterns): each sent
 * disclosure's content, less what the issuer made disclosable on its own inside it (listed only
 * when sent too). A claim is named whole unless something inside it is disclosable on its own
 * or lies on the way to a target; then its members are named instead.
 */
export function revealedBeyond(decoded: DecodedSdJwt, sent: readonly ClaimPath[], targets: readonly ClaimPath[]): ClaimPath[] {
  const disclosable = new Set(decoded.disclosures.map((d) => keyOf(d.path)));
  const out = new Map<string, ClaimPath>();
  const visit = (path: ClaimPath, value: unknown): void => {
    if (targets.some((t) => within(path, t))) return;
    const container = Array.isArray(value) || isObject(value);
    const split = container && (decoded.disclosures.some((d) => d.path.length > path.length && within(d.path, path)) || targets.some((t) => above(path, t)));
    if (!split) {
      out.set(keyOf(path), path);
      return;
    }
    const members: [Key, unknown][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value as Record<string, unknown>);
    for (const [k, v] of members) {
      const child = [...path, k];
      if (!disclosable.has(keyOf(child))) visit(child, v);
    }
  };
  for (const path of sent) visit(path, valueAt(decoded.claims, path));
  return [...out.values()];
}

/**
 * The outermost parent of `pattern` that sharing it discloses whole: a disclosure at it is sent
 * and so is every disclosure inside it. Undefined when no parent is revealed whole.
 */
export function parentRevealedWhole(decoded: DecodedSdJwt, pattern: ClaimPath, sent: readonly ClaimPath[]): ClaimPath | undefined {
  const sentKeys = new Set(sent.map(keyOf));
  for (let n = 1; n < pattern.length; n++) {
    const parent = pattern.slice(0, n);
    const matching = decoded.disclosures.filter((d) => within(d.path, parent));
    if (matching.some((d) => d.path.length === n && sentKeys.has(keyOf(d.path))) && matching.every((d) => sentKeys.has(keyOf(d.path)))) return parent;
  }
  return undefined;
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
  const disclosable = new Set(decoded.disclosures.map((d) => keyOf(d.path)));
  // A step into a disclosable claim is open only when its disclosure was sent.
  const open = (p: ClaimPath) => !disclosable.has(keyOf(p)) || sentKeys.has(keyOf(p));
  const readable = requested.filter((p) => reach(decoded.claims, p, open));
  return [...readable, ...revealedBeyond(decoded, sent, readable)];
}
