/**
 * Issuance of SD-JWTs (RFC 9901 §4.2) and SD-JWT VCs: claims plus a disclosure policy
 * given as claim paths, 128-bit CSPRNG salts, shuffled digests, optional decoys.
 *
 * @module
 */
import {
  base64urlEncode,
  base64urlEncodeText,
  type ClaimPath,
  type ComityContext,
  ComityUsageError,
  epochSeconds,
  type HashAlgorithm,
  isPlainObject,
  type Jwk,
  type Signer,
  signCompactJws,
  toPublicJwk,
} from '@comity/core';
import { isClaimPath, pathMatches } from './claim-path.js';
import { digestOf } from './internal/disclosure.js';
import { copyClaims } from './json-values.js';
import { NEVER_DISCLOSABLE_VC_CLAIMS } from './verify.js';

/** Input of {@link issueSdJwt}. */
export interface IssueSdJwtInput {
  /** The complete claim set (the payload before selective disclosure). */
  readonly claims: Record<string, unknown>;
  /**
   * Claims to make selectively disclosable, as paths: `['given_name']`, `['address', 'locality']`,
   * `['nationalities', null]` (every element), `['nationalities', 0]`. A path and its parent may both be
   * listed (recursive disclosure).
   */
  readonly disclosable?: readonly ClaimPath[];
  /** Decoy digests to add: a number for the top level, or per object/array path. */
  readonly decoys?: number | ReadonlyArray<{ readonly path: ClaimPath; readonly count: number }>;
  /** `_sd_alg` (default sha-256). */
  readonly hashAlg?: HashAlgorithm;
  /** Extra protected header members (`typ`, `kid`, `x5c`...). `alg` comes from the signer. */
  readonly header?: Record<string, unknown>;
  readonly signer: Signer;
}

/**
 * Issues an SD-JWT. Returns the compact serialization `<JWT>~<D1>~…~<Dn>~`.
 *
 * @example
 * ```ts
 * const sdJwt = await issueSdJwt({ claims, disclosable: [['given_name'], ['address', 'locality']], signer }, ctx);
 * ```
 * @throws ComityUsageError `ERR_USAGE_SD_PATH` when a path is malformed or names no claim; `ERR_USAGE_RESERVED_CLAIM` for a claim named
 *   `_sd`, `...` or `_sd_alg`, or a claim named `__proto__` that is not selectively disclosable; `ERR_USAGE_DECOYS` for decoys that
 *   are not whole numbers, or more than {@link MAX_DECOYS} in all; `ERR_USAGE_CLAIM_VALUE` for a claim that is not a JSON value (NaN,
 *   Infinity, `undefined`, a BigInt, a Date, a Map, an array hole, a cycle, nesting deeper than verifiers accept)
 * @see RFC 9901 §4.2
 */
export async function issueSdJwt(input: IssueSdJwtInput, ctx: ComityContext): Promise<string> {
  const hashAlg = input.hashAlg ?? 'sha-256';
  const patterns = input.disclosable ?? [];
  for (const p of patterns) if (!isClaimPath(p)) throw new ComityUsageError('ERR_USAGE_SD_PATH', 'a disclosable path is not a valid claim path');
  checkDecoys(input.decoys);
  // The payload is built in one synchronous pass with a slot (an index into `slots`) wherever a
  // digest goes. The slots are then hashed in creation order, which is children before parents:
  // by the time a disclosure is serialized, the digests inside its value are written in. With a
  // synchronous digest (node:crypto) an issuance awaits only its signature.
  const random = randomPool(ctx);
  const state: IssueState = {
    patterns,
    matched: new Uint8Array(patterns.length),
    decoys: input.decoys,
    decoyCount: 0,
    slots: [],
    random,
    salt: saltSource(random),
  };
  const payload = encode(state, copyClaims(input.claims), []) as Record<string, unknown>;
  const missing = state.matched.indexOf(0);
  if (missing !== -1) throw new ComityUsageError('ERR_USAGE_SD_PATH', `disclosable path ${JSON.stringify(patterns[missing])} names no claim`);
  const disclosures: string[] = [];
  const digestSync = ctx.crypto.digestBase64urlSync;
  for (const slot of state.slots) {
    let encoded = slot.encoded;
    if (encoded === undefined) {
      encoded = base64urlEncodeText(JSON.stringify(slot.content));
      disclosures.push(encoded);
    }
    const digest = digestSync !== undefined ? digestSync.call(ctx.crypto, hashAlg, encoded) : await digestOf(encoded, hashAlg, ctx.crypto);
    const [container, key] = slot.target as [Record<string | number, unknown>, string | number];
    container[key] = digest;
  }
  if (disclosures.length > 0 || hashAlg !== 'sha-256') payload._sd_alg = hashAlg;
  const jwt = await signCompactJws(input.header ?? {}, payload, input.signer);
  return `${jwt}~${shuffle(state.random, disclosures).join('~')}${disclosures.length > 0 ? '~' : ''}`;
}

/** One issuance's working state (module-level functions, no closures per issuance). */
interface IssueState {
  readonly patterns: readonly ClaimPath[];
  /** Which patterns named a claim (each must). */
  readonly matched: Uint8Array;
  readonly decoys: IssueSdJwtInput['decoys'];
  /** Decoys placed so far: a path pattern such as `['items', null]` may place its count many times. */
  decoyCount: number;
  readonly slots: Slot[];
  readonly random: Random;
  readonly salt: () => string;
}

function encode(state: IssueState, value: unknown, path: ClaimPath): unknown {
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (let i = 0; i < value.length; i++) {
      const childPath = [...path, i];
      const child = encode(state, value[i], childPath);
      out.push(isDisclosable(state, childPath) ? ellipsis(state, disclose(state, [salt(state), child])) : child);
    }
    for (let n = decoysAt(state, path); n > 0; n--) out.splice(randomIndex(state.random, out.length + 1), 0, ellipsis(state, decoy(state)));
    return out;
  }
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    const digests: number[] = [];
    for (const key of Object.keys(value)) {
      if (key === '_sd' || key === '...' || key === '_sd_alg')
        throw new ComityUsageError('ERR_USAGE_RESERVED_CLAIM', `claim name "${key}" is reserved by SD-JWT`);
      const childPath = [...path, key];
      const child = encode(state, value[key], childPath);
      if (isDisclosable(state, childPath)) digests.push(disclose(state, [salt(state), key, child]));
      else if (key === '__proto__')
        // Assigning it would change `out`'s prototype and drop the claim from the signed payload; as a JSON member
        // it is refused by comity's verifiers (prototype poisoning). Inside a disclosure the name is plain data.
        throw new ComityUsageError('ERR_USAGE_RESERVED_CLAIM', 'a claim named "__proto__" can only be issued selectively disclosable');
      else out[key] = child;
    }
    for (let n = decoysAt(state, path); n > 0; n--) digests.push(decoy(state));
    if (digests.length > 0) {
      const list: unknown[] = shuffle(state.random, digests);
      for (let i = 0; i < list.length; i++) (state.slots[list[i] as number] as Slot).target = [list, i];
      out._sd = list;
    }
    return out;
  }
  return value;
}

function isDisclosable(state: IssueState, path: ClaimPath): boolean {
  let hit = false;
  for (let i = 0; i < state.patterns.length; i++) {
    if (pathMatches(state.patterns[i] as ClaimPath, path)) {
      state.matched[i] = 1;
      hit = true;
    }
  }
  return hit;
}

/**
 * Most decoy digests one credential may carry. Decoys hide how many claims there are; a few
 * per object do that. Without a bound, `decoys: 1e9` (or a pattern matching every element of a
 * long array) would spin the issuer out of memory.
 */
export const MAX_DECOYS = 1000;

/** Decoys are a whole number, or a list of `{ path, count }` with claim paths and whole counts. */
function checkDecoys(decoys: unknown): void {
  if (decoys === undefined) return;
  const count = (n: unknown) => Number.isSafeInteger(n) && (n as number) >= 0 && (n as number) <= MAX_DECOYS;
  const ok =
    typeof decoys === 'number'
      ? count(decoys)
      : Array.isArray(decoys) && decoys.every((d) => typeof d === 'object' && d !== null && (isTopLevel(d.path) || isClaimPath(d.path)) && count(d.count));
  if (!ok)
    throw new ComityUsageError('ERR_USAGE_DECOYS', `decoys must be a whole number from 0 to ${MAX_DECOYS}, or a list of { path, count } with such counts`);
}

// Decoys may go into the top-level object, which no claim path names.
const isTopLevel = (path: unknown): boolean => Array.isArray(path) && path.length === 0;

function decoysAt(state: IssueState, path: ClaimPath): number {
  const decoys = state.decoys;
  if (decoys === undefined) return 0;
  let n = 0;
  if (typeof decoys === 'number') n = path.length === 0 ? decoys : 0;
  else for (const d of decoys) if (pathMatches(d.path, path)) n += d.count;
  state.decoyCount += n;
  if (state.decoyCount > MAX_DECOYS) throw new ComityUsageError('ERR_USAGE_DECOYS', `a credential may carry at most ${MAX_DECOYS} decoy digests`);
  return n;
}

function salt(state: IssueState): string {
  return state.salt();
}

function disclose(state: IssueState, content: unknown[]): number {
  return state.slots.push({ content, encoded: undefined, target: undefined }) - 1;
}

function decoy(state: IssueState): number {
  return state.slots.push({ content: undefined, encoded: base64urlEncode(state.random(32)), target: undefined }) - 1;
}

function ellipsis(state: IssueState, slot: number): Record<string, unknown> {
  const item = { '...': slot };
  (state.slots[slot] as Slot).target = [item, '...'];
  return item;
}

/** A digest to compute: a disclosure (its content, serialized when its turn comes) or a decoy, and where the digest goes. */
interface Slot {
  readonly content: unknown[] | undefined;
  readonly encoded: string | undefined;
  target: [container: object, key: string | number] | undefined;
}

/** Input of {@link issueSdJwtVc}. */
export interface IssueSdJwtVcInput extends Omit<IssueSdJwtInput, 'claims'> {
  /** The credential type (`vct`). */
  readonly vct: string;
  /** SRI integrity of the type metadata (`vct#integrity`). */
  readonly vctIntegrity?: string;
  /** Issuer identifier (`iss`); optional when the issuer is identified by `x5c`. */
  readonly issuer?: string;
  /** The credential's own claims (PID attributes etc.). */
  readonly claims: Record<string, unknown>;
  /** Holder public key for key binding (`cnf.jwk`). */
  readonly holderKey?: Jwk;
  /** `iat` (default now), `nbf`, `exp` as NumericDates. `iat: null` omits it. */
  readonly issuedAt?: number | null;
  readonly notBefore?: number;
  readonly expiresAt?: number;
  /** Status reference, e.g. `{ status_list: { idx, uri } }`. */
  readonly status?: Record<string, unknown>;
}

/**
 * Issues an SD-JWT VC (`typ: dc+sd-jwt`). Refuses to make `iss nbf exp cnf vct vct#integrity
 * status aka_vcts` (or anything inside them) selectively disclosable.
 *
 * @example
 * ```ts
 * const credential = await issueSdJwtVc({
 *   vct: 'urn:eudi:pid:1', issuer: 'https://pid.example.de', holderKey,
 *   claims: { given_name: 'Erika', family_name: 'Mustermann', birthdate: '1964-08-12' },
 *   disclosable: [['given_name'], ['family_name'], ['birthdate']],
 *   expiresAt: now + 86400 * 365, signer, header: { kid: 'pid-2026' },
 * }, ctx);
 * ```
 * @throws ComityUsageError `ERR_USAGE_SD_CLAIM_NOT_DISCLOSABLE`, `ERR_USAGE_SD_PATH`, `ERR_USAGE_CLAIM_CONFLICT`, `ERR_USAGE_AKA_VCTS`
 * @see draft-ietf-oauth-sd-jwt-vc §3
 */
export async function issueSdJwtVc(input: IssueSdJwtVcInput, ctx: ComityContext): Promise<string> {
  for (const p of input.disclosable ?? []) {
    if (typeof p[0] === 'string' && NEVER_DISCLOSABLE_VC_CLAIMS.includes(p[0])) {
      throw new ComityUsageError('ERR_USAGE_SD_CLAIM_NOT_DISCLOSABLE', `"${p[0]}" must not be selectively disclosable in an SD-JWT VC`);
    }
  }
  // Issued as the verifier reads it (§2.2.2.2): a credential that no verifier accepts is a caller's mistake.
  const aka = input.claims.aka_vcts;
  if (aka !== undefined && (!Array.isArray(aka) || aka.length === 0 || !aka.every((v) => typeof v === 'string' && v !== '' && v !== input.vct)))
    throw new ComityUsageError('ERR_USAGE_AKA_VCTS', 'aka_vcts must be a non-empty list of other type strings than vct');
  const registered: Record<string, unknown> = {};
  if (input.issuer !== undefined) registered.iss = input.issuer;
  const iat = input.issuedAt === undefined ? epochSeconds(ctx) : input.issuedAt;
  if (iat !== null && !Object.hasOwn(input.claims, 'iat')) registered.iat = iat;
  if (input.notBefore !== undefined) registered.nbf = input.notBefore;
  if (input.expiresAt !== undefined) registered.exp = input.expiresAt;
  registered.vct = input.vct;
  if (input.vctIntegrity !== undefined) registered['vct#integrity'] = input.vctIntegrity;
  if (input.holderKey !== undefined) registered.cnf = { jwk: toPublicJwk(input.holderKey) };
  if (input.status !== undefined) registered.status = input.status;
  for (const key of Object.keys(registered)) {
    if (Object.hasOwn(input.claims, key)) throw new ComityUsageError('ERR_USAGE_CLAIM_CONFLICT', `"${key}" is set by the issuance options, not by claims`);
  }
  return issueSdJwt({ ...input, claims: { ...input.claims, ...registered }, header: { ...(input.header ?? {}), typ: 'dc+sd-jwt' } }, ctx);
}

type Random = (length: number) => Uint8Array;

// One CSPRNG draw serves many salts: per-call random syscalls dominated issuance time.
// The pool lives for one issuance only and every byte is used once.
function randomPool(ctx: ComityContext): Random {
  let pool: Uint8Array = new Uint8Array(0);
  let offset = 0;
  return (length) => {
    if (offset + length > pool.length) {
      pool = ctx.crypto.randomBytes(Math.max(1024, length));
      offset = 0;
    }
    const out = pool.subarray(offset, offset + length);
    offset += length;
    return out;
  };
}

// 144-bit salts (RFC 9901 §4.2.1 asks for at least 128): 18 bytes are exactly 24 base64url
// characters, so one encoding of a pooled draw is cut into salts instead of encoding each.
const SALT_BYTES = 18;
const SALT_CHARS = 24;
const SALTS_PER_DRAW = 32;

function saltSource(random: Random): () => string {
  let text = '';
  let offset = 0;
  return () => {
    if (offset === text.length) {
      text = base64urlEncode(random(SALT_BYTES * SALTS_PER_DRAW));
      offset = 0;
    }
    const salt = text.slice(offset, offset + SALT_CHARS);
    offset += SALT_CHARS;
    return salt;
  };
}

function randomIndex(random: Random, bound: number): number {
  // Rejection sampling keeps the choice uniform.
  const limit = 0x100000000 - (0x100000000 % bound);
  for (;;) {
    const b = random(4);
    const n = (((b[0] as number) << 24) | ((b[1] as number) << 16) | ((b[2] as number) << 8) | (b[3] as number)) >>> 0;
    if (n < limit) return n % bound;
  }
}

function shuffle<T>(random: Random, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = randomIndex(random, i + 1);
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}
