/**
 * Validation of a processed SD-JWT VC payload against claim metadata (`sd`, `mandatory`).
 *
 * @module
 */
import { type ClaimPath, type Issue, isPlainObject } from '@comity/core';
import type { ClaimMetadata, TypeMetadata } from './types.js';

/** What the SD-JWT processing knows about a credential, for {@link validateClaimsWithTypeMetadata}. */
export interface TypeMetadataValidationInput {
  /** The processed payload (disclosures applied, digests removed). */
  readonly claims: object;
  /** Concrete paths of claims and array elements that arrived via a Disclosure (indices as in `claims`). */
  readonly disclosedPaths: readonly ClaimPath[];
  /** Concrete paths of objects/arrays that still hold digests with no Disclosure presented (`[]` for the top level). */
  readonly undisclosedParents: readonly ClaimPath[];
  /** At issuance every claim is known; at presentation undisclosed claims may be missing. */
  readonly stage: 'issuance' | 'presentation';
}

type Concrete = (string | number)[];

/** `pattern` (null matches any index) against a concrete path. */
function matches(pattern: ClaimPath, path: Concrete): boolean {
  if (pattern.length !== path.length) return false;
  for (let i = 0; i < path.length; i++) {
    const p = pattern[i];
    if (p === null ? typeof path[i] !== 'number' : p !== path[i]) return false;
  }
  return true;
}

/**
 * A set of paths, looked up in constant time: the verifier's lists are concrete paths, so a
 * lookup by key replaces a scan (a scan per selected element made validation quadratic in
 * the size of the credential). Other entries (`null` components, from direct callers) are
 * matched one by one.
 */
interface PathSet {
  readonly keys: Set<string>;
  readonly patterns: readonly ClaimPath[];
}

function pathSet(list: readonly ClaimPath[]): PathSet {
  const keys = new Set<string>();
  const patterns: ClaimPath[] = [];
  for (const p of list) {
    if (Array.isArray(p) && p.every((c) => typeof c === 'string' || (typeof c === 'number' && Number.isFinite(c)))) keys.add(JSON.stringify(p));
    else patterns.push(p);
  }
  return { keys, patterns };
}

function listed(set: PathSet, path: Concrete): boolean {
  return set.keys.has(JSON.stringify(path)) || (set.patterns.length > 0 && set.patterns.some((p) => matches(p, path)));
}

interface Evaluation {
  readonly selected: Concrete[];
  /** Where a key (or index) was absent: the element that lacked it, and the path component index. */
  readonly missing: { parent: Concrete; name: string | number; depth: number }[];
  readonly error?: Concrete | undefined;
}

// §5.6.1.2, with indices into the processed arrays; an integer component on an array that
// still hides elements cannot be placed and selects nothing.
function evaluate(root: unknown, claimPath: ClaimPath, undisclosedParents: PathSet): Evaluation {
  let current: { path: Concrete; value: unknown }[] = [{ path: [], value: root }];
  const missing: Evaluation['missing'] = [];
  for (let depth = 0; depth < claimPath.length; depth++) {
    const component = claimPath[depth];
    const next: typeof current = [];
    for (const s of current) {
      if (typeof component === 'string') {
        if (!isPlainObject(s.value)) return { selected: [], missing, error: s.path };
        if (Object.hasOwn(s.value, component)) next.push({ path: [...s.path, component], value: s.value[component] });
        else missing.push({ parent: s.path, name: component, depth });
      } else {
        if (!Array.isArray(s.value)) return { selected: [], missing, error: s.path };
        const array: unknown[] = s.value;
        if (component === null) {
          for (let i = 0; i < array.length; i++) next.push({ path: [...s.path, i], value: array[i] });
        } else if (listed(undisclosedParents, s.path)) continue;
        else if (component !== undefined && component < array.length) next.push({ path: [...s.path, component], value: array[component] });
        else if (component !== undefined) missing.push({ parent: s.path, name: component, depth });
      }
    }
    current = next;
  }
  return { selected: current.map((s) => s.path), missing };
}

function check(meta: ClaimMetadata, input: TypeMetadataValidationInput, sets: { disclosed: PathSet; undisclosed: PathSet }, issues: Issue[]): void {
  const result = evaluate(input.claims, meta.path, sets.undisclosed);
  if (result.error !== undefined) {
    issues.push({ code: 'ERR_SDJWT_VCT_CLAIM_PATH_INVALID', message: 'a claim path does not fit the credential structure', path: result.error });
    return;
  }
  for (const path of result.selected) {
    const disclosed = listed(sets.disclosed, path);
    if (meta.sd === 'never' && disclosed) {
      issues.push({ code: 'ERR_SDJWT_VCT_SD_NEVER_VIOLATED', message: 'a claim that must not be selectively disclosable arrived in a Disclosure', path });
    } else if (meta.sd === 'always' && !disclosed) {
      issues.push({ code: 'ERR_SDJWT_VCT_SD_ALWAYS_VIOLATED', message: 'a claim that must be selectively disclosable is in plain text', path });
    }
  }
  if (!meta.mandatory) return;
  for (const m of result.missing) {
    const isClaimItself = m.depth === meta.path.length - 1;
    // §5.6: an undisclosed selectively disclosable claim is not a missing one. A claim that may
    // never be selectively disclosed cannot hide among digests; an absent ancestor might.
    const excused = input.stage === 'presentation' && listed(sets.undisclosed, m.parent) && (!isClaimItself || meta.sd !== 'never');
    if (!excused) issues.push({ code: 'ERR_SDJWT_VCT_MANDATORY_MISSING', message: 'a mandatory claim is missing', path: [...m.parent, m.name] });
  }
}

/**
 * Validates a processed payload against Type Metadata claim rules: a `sd: never` claim
 * that arrived via a Disclosure, a `sd: always` claim in plain text (being inside a
 * disclosed ancestor does not count), and an absent `mandatory` claim are reported. At
 * presentation, a mandatory claim absent from an object or array that still holds
 * undisclosed digests is not reported (unless it is `sd: never`). Paths use the DCQL /
 * claim-path form (`null` = every array element); reported paths are concrete.
 *
 * @example
 * ```ts
 * const issues = validateClaimsWithTypeMetadata(meta, { claims, disclosedPaths: [['given_name']], undisclosedParents: [[]], stage: 'presentation' });
 * if (issues.length > 0) reject(issues);
 * ```
 * @returns one Issue per violation (codes `ERR_SDJWT_VCT_SD_NEVER_VIOLATED`, `ERR_SDJWT_VCT_SD_ALWAYS_VIOLATED`,
 *   `ERR_SDJWT_VCT_MANDATORY_MISSING`, `ERR_SDJWT_VCT_CLAIM_PATH_INVALID`), empty when valid
 * @see draft-ietf-oauth-sd-jwt-vc §5.6 (claim metadata validation), §5.6.1.2, §5.6.3, §5.6.4, §5.7
 */
export function validateClaimsWithTypeMetadata(meta: TypeMetadata, input: TypeMetadataValidationInput): Issue[] {
  const issues: Issue[] = [];
  const sets = { disclosed: pathSet(input.disclosedPaths), undisclosed: pathSet(input.undisclosedParents) };
  for (const claim of meta.claims) check(claim, input, sets, issues);
  return issues;
}
