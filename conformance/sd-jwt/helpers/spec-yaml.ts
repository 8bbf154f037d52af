/**
 * Reader for the sd-jwt-python / IETF `specification.yml` test-case format: user claims
 * where the YAML tag `!sd` marks selectively disclosable object keys and array elements,
 * plus `holder_disclosed_claims` in sd-jwt-python's holder semantics.
 *
 * Test helper only (no upstream code copied: the semantics are re-implemented from the
 * format description in shared/vectors/README.md and sd-jwt-python's documented behaviour).
 */
import { readFileSync } from 'node:fs';
import type { ClaimPath } from '@comity/core';
import { isMap, isPair, isScalar, isSeq, type Node, parse, parseDocument, Scalar } from 'yaml';

/** A claim tree with the `!sd` markers kept. */
export type SdTree =
  | { readonly kind: 'scalar'; readonly value: unknown }
  | { readonly kind: 'map'; readonly entries: ReadonlyArray<{ readonly key: string; readonly sd: boolean; readonly value: SdTree }> }
  | { readonly kind: 'seq'; readonly items: ReadonlyArray<{ readonly sd: boolean; readonly value: SdTree }> };

/** One parsed `specification.yml`. */
export interface SpecCase {
  readonly tree: SdTree;
  /** The claims with the markers dropped. */
  readonly claims: Record<string, unknown>;
  /** Concrete paths of every `!sd` node. */
  readonly disclosable: ClaimPath[];
  readonly holderDisclosed: unknown;
  readonly expectVerified: Record<string, unknown> | undefined;
  readonly keyBinding: boolean;
  readonly addDecoys: boolean;
  readonly serialization: 'compact' | 'json';
  readonly extraHeader: Record<string, unknown>;
  readonly settingsOverride: Record<string, unknown> | undefined;
  readonly includeDefaultClaims: boolean;
}

const SD = '!sd';

// A tagged plain scalar loses its implicit type: resolve it again like an untagged one
// (sd-jwt-python does the same), so `!sd 42` is a number and `!sd null` is null.
function scalarValue(node: Scalar): unknown {
  if (node.tag === SD && node.type === Scalar.PLAIN && typeof node.source === 'string') return parse(node.source) as unknown;
  if (node.tag === SD) return typeof node.source === 'string' ? node.source : node.value;
  return node.value;
}

function keyString(node: unknown): { key: string; sd: boolean } {
  if (!isScalar(node)) throw new Error('specification.yml: non-scalar key');
  const sd = node.tag === SD;
  const raw = sd ? (node.source ?? node.value) : node.value;
  return { key: String(raw), sd };
}

function toTree(node: Node | null | undefined): SdTree {
  if (node === null || node === undefined) return { kind: 'scalar', value: null };
  if (isMap(node)) {
    const entries = node.items.map((pair) => {
      if (!isPair(pair)) throw new Error('specification.yml: bad map item');
      const { key, sd } = keyString(pair.key);
      return { key, sd, value: toTree(pair.value as Node | null) };
    });
    return { kind: 'map', entries };
  }
  if (isSeq(node)) {
    const items = node.items.map((item) => {
      const n = item as Node | null;
      const sd = n !== null && typeof n === 'object' && 'tag' in n && n.tag === SD;
      return { sd, value: toTree(n) };
    });
    return { kind: 'seq', items };
  }
  if (isScalar(node)) return { kind: 'scalar', value: scalarValue(node) };
  throw new Error('specification.yml: unsupported node');
}

/** The claims of a tree, markers dropped. */
export function plainOf(tree: SdTree): unknown {
  if (tree.kind === 'scalar') return tree.value;
  if (tree.kind === 'seq') return tree.items.map((i) => plainOf(i.value));
  const out: Record<string, unknown> = {};
  for (const e of tree.entries) out[e.key] = plainOf(e.value);
  return out;
}

function collectDisclosable(tree: SdTree, path: ClaimPath, out: ClaimPath[]): void {
  if (tree.kind === 'map') {
    for (const e of tree.entries) {
      const p = [...path, e.key];
      if (e.sd) out.push(p);
      collectDisclosable(e.value, p, out);
    }
  } else if (tree.kind === 'seq') {
    tree.items.forEach((item, i) => {
      const p = [...path, i];
      if (item.sd) out.push(p);
      collectDisclosable(item.value, p, out);
    });
  }
}

/** Every container path of a tree (for decoys at every level). */
export function containerPaths(tree: SdTree, path: ClaimPath = []): ClaimPath[] {
  if (tree.kind === 'scalar') return [];
  const out: ClaimPath[] = [path];
  if (tree.kind === 'map') for (const e of tree.entries) out.push(...containerPaths(e.value, [...path, e.key]));
  else
    tree.items.forEach((item, i) => {
      out.push(...containerPaths(item.value, [...path, i]));
    });
  return out;
}

function plainJs(node: unknown): unknown {
  return node === undefined ? undefined : JSON.parse(JSON.stringify(node));
}

/** Parses a `specification.yml` file. */
export function readSpec(file: string): SpecCase {
  const doc = parseDocument(readFileSync(file, 'utf8'));
  if (doc.errors.length > 0) throw new Error(`specification.yml: ${doc.errors[0]?.message}`);
  const root = doc.contents;
  if (!isMap(root)) throw new Error('specification.yml: top level is not a map');
  const top = (name: string): Node | undefined => root.get(name, true) as Node | undefined;
  const js = (name: string): unknown => {
    const n = top(name);
    return n === undefined ? undefined : plainJs(n.toJSON());
  };
  const tree = toTree(top('user_claims'));
  if (tree.kind !== 'map') throw new Error('specification.yml: user_claims is not a map');
  const disclosable: ClaimPath[] = [];
  collectDisclosable(tree, [], disclosable);
  const format = js('serialization_format');
  return {
    tree,
    claims: plainOf(tree) as Record<string, unknown>,
    disclosable,
    holderDisclosed: js('holder_disclosed_claims') ?? {},
    expectVerified: js('expect_verified_user_claims') as Record<string, unknown> | undefined,
    keyBinding: js('key_binding') === true,
    addDecoys: js('add_decoy_claims') === true,
    serialization: format === 'json' ? 'json' : 'compact',
    extraHeader: (js('extra_header_parameters') as Record<string, unknown> | undefined) ?? {},
    settingsOverride: js('settings_override') as Record<string, unknown> | undefined,
    includeDefaultClaims: js('include_default_claims') !== false,
  };
}

// Python truthiness, as sd-jwt-python's holder tests `claims_to_disclose[key]`.
function pyTruthy(v: unknown): boolean {
  if (v === null || v === undefined || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') return Object.keys(v).length > 0;
  return true;
}

/**
 * The concrete paths the holder discloses under sd-jwt-python's `holder_disclosed_claims`
 * semantics: an object key with a truthy value discloses that claim (and `true` on an
 * object discloses none of its own selectively disclosable members); an array position
 * other than `null`/`false` discloses that element; nested specs recurse.
 */
export function holderSelection(tree: SdTree, spec: unknown): ClaimPath[] {
  const out: ClaimPath[] = [];
  const sel = (node: SdTree, s: unknown, path: ClaimPath): void => {
    if (node.kind === 'scalar' || s === null || s === undefined) return;
    if (node.kind === 'map') {
      const m = s === true ? {} : s;
      if (typeof m !== 'object' || Array.isArray(m)) {
        if (m === false) return;
        throw new Error(`holder_disclosed_claims at ${JSON.stringify(path)} is not an object`);
      }
      const spec = m as Record<string, unknown>;
      for (const e of node.entries) {
        const p = [...path, e.key];
        const has = Object.hasOwn(spec, e.key);
        if (e.sd) {
          if (has && pyTruthy(spec[e.key])) out.push(p);
          if (has) sel(e.value, spec[e.key], p);
        } else sel(e.value, has ? spec[e.key] : null, p);
      }
      return;
    }
    const a = s === true ? [] : s;
    if (!Array.isArray(a)) {
      if (a === false) return;
      throw new Error(`holder_disclosed_claims at ${JSON.stringify(path)} is not an array`);
    }
    node.items.forEach((item, i) => {
      const p = [...path, i];
      const el = a[i];
      if (item.sd) {
        if (el === null || el === undefined || el === false) return;
        out.push(p);
        sel(item.value, el, p);
      } else sel(item.value, el ?? null, p);
    });
  };
  sel(tree, spec, []);
  return out;
}

/** The claims a verifier sees when exactly `disclosed` (concrete paths) were presented. */
export function claimsWith(tree: SdTree, disclosed: readonly ClaimPath[]): unknown {
  const keys = new Set(disclosed.map((p) => JSON.stringify(p)));
  const build = (node: SdTree, path: ClaimPath): unknown => {
    if (node.kind === 'scalar') return node.value;
    if (node.kind === 'seq') {
      const out: unknown[] = [];
      node.items.forEach((item, i) => {
        const p = [...path, i];
        if (!item.sd || keys.has(JSON.stringify(p))) out.push(build(item.value, p));
      });
      return out;
    }
    const out: Record<string, unknown> = {};
    for (const e of node.entries) {
      const p = [...path, e.key];
      if (!e.sd || keys.has(JSON.stringify(p))) out[e.key] = build(e.value, p);
    }
    return out;
  };
  return build(tree, []);
}
