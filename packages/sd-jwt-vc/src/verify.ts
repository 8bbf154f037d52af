/**
 * Verification of SD-JWT (RFC 9901 §7.1, §7.3) and SD-JWT VC: strict by default, every
 * failed rule reported with a stable code, claims released only when all checks pass.
 *
 * @module
 */
import {
  type ClaimPath,
  type ComityContext,
  ComityError,
  ComityUsageError,
  checkAlgorithm,
  DEFAULT_SIGNATURE_ALGORITHMS,
  decodeCompactJws,
  epochSeconds,
  type HashAlgorithm,
  type Issue,
  type IssuerInfo,
  isPlainObject,
  type JsonObject,
  type Jwk,
  parsePublicJwk,
  type SignatureAlgorithm,
  toIssue,
  type VerificationResult,
} from '@comity/core';
import { parseDisclosures, SD_HASH_ALGORITHMS } from './internal/disclosure.js';
import { checkTimeOptions } from './internal/policy.js';
import { processClaims } from './internal/process.js';
import { typMatches } from './internal/typ.js';
import type { IssuerKeyCandidate, IssuerKeyResolver } from './issuer-key/index.js';
import { parseSdJwtJson, type SdJwtJson } from './json-serialization.js';
import { checkKeyBinding, type KeyBindingInfo, type KeyBindingPolicy } from './key-binding.js';
import { type SdJwtParts, splitSdJwt } from './parse.js';

/** Claims of an SD-JWT VC that must never be selectively disclosed (SD-JWT VC §3.2.2). */
export const NEVER_DISCLOSABLE_VC_CLAIMS: readonly string[] = ['iss', 'nbf', 'exp', 'cnf', 'vct', 'vct#integrity', 'status', 'aka_vcts'];

/** What the verifier needs to know to check Type Metadata; return issues for every violated rule. */
export type TypeMetadataCheck = (input: {
  vct: string;
  integrity: string | undefined;
  claims: Record<string, unknown>;
  disclosedPaths: readonly ClaimPath[];
  undisclosedParents: readonly ClaimPath[];
}) => Promise<readonly Issue[]>;

/** Verification policy for a plain SD-JWT (RFC 9901). */
export interface SdJwtVerifyPolicy {
  /** How the issuer key is found (pinned JWKs, x5c, issuer metadata, DID): see `issuerKeyResolverFor`. */
  readonly issuerKey: IssuerKeyResolver;
  /** Allowed issuer signature algorithms (default ES256, ES384, ES512, EdDSA, Ed25519). `none` and HMAC are never allowed. */
  readonly algorithms?: readonly SignatureAlgorithm[];
  /** Allowed `_sd_alg` values (default sha-256, sha-384, sha-512). */
  readonly hashAlgorithms?: readonly HashAlgorithm[];
  /** Expected header `typ` (one or several), compared as media types (RFC 7515 §4.1.9: case-insensitive, `application/` optional). Plain SD-JWT: unchecked when absent. SD-JWT VC: default `dc+sd-jwt`. */
  readonly typ?: string | readonly string[];
  /** Key binding expectations; required by default. */
  readonly keyBinding?: KeyBindingPolicy;
  /** Tolerated clock difference in seconds (default 60): a finite number, not negative, else `ERR_USAGE_POLICY` is thrown. */
  readonly clockSkewSeconds?: number;
  /** Reject credentials without `exp` (default false). */
  readonly requireExp?: boolean;
}

/** Verification policy for an SD-JWT VC. */
export interface SdJwtVcVerifyPolicy extends SdJwtVerifyPolicy {
  /** Accepted `vct` values (a credential matches through `vct` or `aka_vcts`); any when absent. */
  readonly vctValues?: readonly string[];
  /** Type Metadata validation (see `typeMetadataCheck`); skipped when absent. */
  readonly typeMetadata?: TypeMetadataCheck;
}

/** Result of an SD-JWT (VC) verification. */
export interface SdJwtVerificationResult extends VerificationResult {
  /** The issuer-signed JWT header (after the signature verified). */
  readonly header?: JsonObject;
  /** Key binding facts, when a KB-JWT verified. */
  readonly keyBinding?: KeyBindingInfo & { readonly jwk: Jwk };
  /** Paths of the claims that came from disclosures. */
  readonly disclosedPaths: readonly ClaimPath[];
  /** Objects/arrays that still hold digests whose disclosures were not presented. */
  readonly undisclosedParents: readonly ClaimPath[];
}

/**
 * Verifies a plain RFC 9901 SD-JWT (no SD-JWT VC rules). Never throws on bad input.
 *
 * @example
 * ```ts
 * const result = await verifySdJwt(token, { issuerKey: pinnedIssuerKeys([jwk]), keyBinding: { nonce, audience } }, ctx);
 * if (!result.valid) console.log(result.errors.map((e) => e.code));
 * ```
 * @throws ComityUsageError `ERR_USAGE_POLICY` for a policy without `issuerKey`, with a list option (`algorithms`, `hashAlgorithms`, `typ`, `vctValues`,
 *   `keyBinding.algorithms`) that is not an array, or with a clock skew / KB max age that is not a finite non-negative number.
 *   The policy is read once, when the call starts: changing it while the promise is pending has no effect.
 * @see RFC 9901 §7.1, §7.3
 */
export function verifySdJwt(token: string | SdJwtJson, policy: SdJwtVerifyPolicy, ctx: ComityContext): Promise<SdJwtVerificationResult> {
  return run(token, policy, ctx, false);
}

/**
 * Verifies an SD-JWT VC: RFC 9901 plus `typ: dc+sd-jwt`, `vct`, never-disclosable claims,
 * `cnf`, accepted types and (optionally) Type Metadata. Never throws on bad input.
 *
 * Error codes: `ERR_SDJWT_*` (see docs/error-codes.md).
 * @example
 * ```ts
 * const result = await verifySdJwtVc(presentation, {
 *   issuerKey: issuerKeyResolverFor({ trustAnchors }),
 *   keyBinding: { nonce: request.nonce, audience: request.client_id },
 *   vctValues: ['urn:eudi:pid:1'],
 * }, createContext());
 * ```
 * @throws ComityUsageError `ERR_USAGE_POLICY` as {@link verifySdJwt}
 * @see draft-ietf-oauth-sd-jwt-vc §3, RFC 9901 §7
 */
export function verifySdJwtVc(token: string | SdJwtJson, policy: SdJwtVcVerifyPolicy, ctx: ComityContext): Promise<SdJwtVerificationResult> {
  return run(token, policy, ctx, true);
}

/**
 * Like {@link verifySdJwtVc} but throws the first error as a ComityError.
 *
 * @throws ComityError with the code of the first failed rule
 */
export async function verifySdJwtVcOrThrow(token: string | SdJwtJson, policy: SdJwtVcVerifyPolicy, ctx: ComityContext): Promise<SdJwtVerificationResult> {
  const result = await verifySdJwtVc(token, policy, ctx);
  const first = result.errors[0];
  if (first !== undefined) throw new ComityError(first.code, first.message, first.path === undefined ? {} : { details: { path: first.path } });
  return result;
}

const VC_TYP: readonly string[] = ['dc+sd-jwt'];

function failed(format: string, errors: Issue[], warnings: Issue[] = [], issuer?: IssuerInfo): SdJwtVerificationResult {
  return { valid: false, format, claims: {}, issuer, errors, warnings, disclosedPaths: [], undisclosedParents: [] };
}

/**
 * The policy as it is when the verification starts: every member read once, lists copied.
 * Verification awaits (key resolution, crypto, Type Metadata); a caller's object changed
 * meanwhile (a shared policy whose nonce is set per request) must not change the rules
 * halfway, and a getter must not answer one thing to a check and another to its use.
 */
function snapshotPolicy(policy: SdJwtVcVerifyPolicy): SdJwtVcVerifyPolicy & { readonly keyBinding: KeyBindingPolicy } {
  const issuerKey = policy?.issuerKey;
  if (typeof issuerKey !== 'function') throw new ComityUsageError('ERR_USAGE_POLICY', 'policy.issuerKey is required');
  const kb = policy.keyBinding ?? {};
  const typ = policy.typ;
  return {
    issuerKey,
    algorithms: listOption(policy.algorithms, 'algorithms'),
    hashAlgorithms: listOption(policy.hashAlgorithms, 'hashAlgorithms'),
    typ: typeof typ === 'string' ? typ : listOption(typ, 'typ'),
    keyBinding: {
      required: kb.required,
      nonce: kb.nonce,
      audience: kb.audience,
      maxAgeSeconds: kb.maxAgeSeconds,
      algorithms: listOption(kb.algorithms, 'keyBinding.algorithms'),
    },
    clockSkewSeconds: policy.clockSkewSeconds,
    requireExp: policy.requireExp,
    vctValues: listOption(policy.vctValues, 'vctValues'),
    typeMetadata: policy.typeMetadata,
  };
}

function listOption<T>(value: readonly T[] | undefined, name: string): readonly T[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) throw new ComityUsageError('ERR_USAGE_POLICY', `policy.${name} must be an array`);
  return value.slice();
}

async function run(token: string | SdJwtJson, given: SdJwtVcVerifyPolicy, ctx: ComityContext, vc: boolean): Promise<SdJwtVerificationResult> {
  const format = vc ? 'dc+sd-jwt' : 'sd-jwt';
  const policy = snapshotPolicy(given);
  const skew = policy.clockSkewSeconds ?? 60;
  const kbPolicy = policy.keyBinding;
  // A NaN or negative skew or age would switch the time checks off: refuse it like a missing issuerKey.
  checkTimeOptions(skew, kbPolicy.maxAgeSeconds);
  const kbRequired = kbPolicy.required ?? true;

  // 1. Form, header and issuer signature: any failure here stops processing.
  let parts: SdJwtParts;
  let header: JsonObject;
  let payload: JsonObject;
  let issuer: IssuerInfo;
  let hashAlg: HashAlgorithm;
  try {
    let checked: Awaited<ReturnType<typeof checkIssuerJwt>>;
    if (typeof token === 'string' && !token.startsWith('{')) {
      parts = splitSdJwt(token);
      checked = await checkIssuerJwt(parts.jwt, undefined, policy, vc, ctx, MAX_KEY_TRIES);
    } else {
      // JWS JSON Serialization (RFC 9901 §8): any one issuer signature may verify; sd_hash covers the first.
      const json = parseSdJwtJson(token);
      const first = (json.signed[0] as { jwt: string }).jwt;
      parts = { jwt: first, disclosures: json.disclosures, kbJwt: json.kbJwt, sdJwtWithoutKb: `${first}~${json.disclosures.map((d) => `${d}~`).join('')}` };
      checked = await checkAnyIssuerJwt(json.signed, policy, vc, ctx);
    }
    ({ header, payload, issuer } = checked);
    hashAlg = sdAlgOf(payload, policy.hashAlgorithms ?? SD_HASH_ALGORITHMS);
  } catch (e) {
    return failed(format, [toIssue(e)]);
  }

  // 2. Disclosures (RFC 9901 §7.1 steps 3-5): structural errors stop processing.
  let processed: ReturnType<typeof processClaims>;
  try {
    processed = processClaims(payload, await parseDisclosures(parts.disclosures, hashAlg, ctx.crypto));
  } catch (e) {
    return failed(format, [toIssue(e)], [], issuer);
  }
  const { claims } = processed;
  const disclosedPaths = processed.placed.map((p) => p.path);
  const errors: Issue[] = [];
  const warnings: Issue[] = [];
  // One clock reading for the credential and its key binding.
  const now = epochSeconds(ctx);

  // 3. Validity claims, after processing (§7.1 step 6).
  try {
    checkValidity(claims, now, skew, policy.requireExp ?? false);
  } catch (e) {
    errors.push(toIssue(e));
  }

  // 4. SD-JWT VC rules.
  if (vc) {
    try {
      checkVcClaims(claims, disclosedPaths, policy.vctValues);
    } catch (e) {
      errors.push(toIssue(e));
    }
    if (policy.typeMetadata !== undefined && typeof claims.vct === 'string') {
      try {
        const integrity = claims['vct#integrity'];
        errors.push(
          ...(await policy.typeMetadata({
            vct: claims.vct,
            integrity: typeof integrity === 'string' ? integrity : undefined,
            claims,
            disclosedPaths,
            undisclosedParents: processed.undisclosedParents,
          })),
        );
      } catch (e) {
        errors.push(toIssue(e));
      }
    }
  }

  // 5. Key binding (§7.3): required or not is the policy's decision, not the token's.
  let keyBinding: SdJwtVerificationResult['keyBinding'];
  if (parts.kbJwt === undefined) {
    if (kbRequired) errors.push({ code: 'ERR_SDJWT_KB_MISSING', message: 'key binding is required but no Key Binding JWT was presented' });
  } else if (!kbRequired) {
    errors.push({ code: 'ERR_SDJWT_KB_UNEXPECTED', message: 'a Key Binding JWT was presented where a plain SD-JWT was expected' });
  } else {
    let cnfJwk: Jwk | undefined;
    try {
      cnfJwk = cnfKeyOf(claims);
    } catch (e) {
      errors.push(toIssue(e));
    }
    if (cnfJwk !== undefined) {
      const kb = await checkKeyBinding(parts.kbJwt, { cnfJwk, sdJwtWithoutKb: parts.sdJwtWithoutKb, hashAlg, policy: kbPolicy, skewSeconds: skew, now }, ctx);
      for (const e of kb.errors) errors.push(e);
      for (const w of kb.warnings) warnings.push(w);
      if (kb.info !== undefined) keyBinding = { iat: kb.info.iat, aud: kb.info.aud, nonce: kb.info.nonce, jwk: cnfJwk };
    }
  }

  if (errors.length > 0) return { ...failed(format, errors, warnings, issuer), header };
  return { valid: true, format, claims, issuer, header, keyBinding, errors, warnings, disclosedPaths, undisclosedParents: processed.undisclosedParents };
}

/**
 * Most issuer key candidates whose signature check one presentation may cost (shared by the
 * signatures of a JSON Serialization). Pinned keys precede the keys a credential names
 * (x5c, issuer metadata, DID), so the bound must leave room for both.
 */
const MAX_KEY_TRIES = 64;

/**
 * Decodes one issuer-signed JWT and checks its `typ`, `alg` and signature against the
 * resolved candidate keys (at most `maxTries`). `unprotected` (JSON form only) helps find the
 * key through its `kid`; key material in it is ignored.
 */
async function checkIssuerJwt(
  jwt: string,
  unprotected: JsonObject | undefined,
  policy: SdJwtVcVerifyPolicy,
  vc: boolean,
  ctx: ComityContext,
  maxTries: number,
): Promise<{ header: JsonObject; payload: JsonObject; issuer: IssuerInfo }> {
  const jws = decodeCompactJws(jwt, 'issuer-signed JWT', 'ERR_SDJWT');
  const { header, payload } = jws;
  // typ and alg are read from the protected header only: the unprotected one is not signed.
  const expectedTyp = policy.typ ?? (vc ? VC_TYP : undefined);
  if (expectedTyp !== undefined) {
    if (!typMatches(header.typ, typeof expectedTyp === 'string' ? [expectedTyp] : expectedTyp))
      throw new ComityError('ERR_SDJWT_TYP_MISMATCH', 'issuer-signed JWT "typ" is not the expected type');
  }
  const alg = checkAlgorithm(header.alg, policy.algorithms ?? DEFAULT_SIGNATURE_ALGORITHMS, 'issuer-signed JWT', 'ERR_SDJWT');
  const keyHeader = unprotected === undefined ? header : keyHeaderOf(unprotected, header);
  const candidates = await policy.issuerKey({ header: keyHeader, payload }, ctx);
  if (candidates.length === 0) throw new ComityError('ERR_SDJWT_ISSUER_KEY_UNRESOLVED', 'no issuer key could be established');
  for (let i = 0; i < candidates.length && i < maxTries; i++) {
    const candidate = candidates[i] as IssuerKeyCandidate;
    try {
      if (await ctx.crypto.verify(alg, candidate.jwk, jws.signingInput, jws.signature)) return { header, payload, issuer: candidate.issuer };
    } catch (e) {
      if (!(e instanceof ComityError)) throw e;
      // A candidate of another key type cannot have made this signature: try the next.
    }
  }
  throw new ComityError('ERR_SDJWT_SIGNATURE_INVALID', 'issuer signature does not verify with the issuer key');
}

/**
 * Header parameters that carry or point to key material (and so the issuer identity an x5c
 * chain names) count only when signed (draft-ietf-oauth-sd-jwt-vc §2.5: x5c in the protected
 * header). An unprotected `kid` stays a hint for finding the key (RFC 9901 §8.3 example).
 */
const SIGNED_ONLY_KEY_PARAMETERS = new Set(['x5c', 'x5u', 'x5t', 'x5t#S256', 'jwk', 'jku']);

function keyHeaderOf(unprotected: JsonObject, header: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const name of Object.keys(unprotected)) if (!SIGNED_ONLY_KEY_PARAMETERS.has(name)) out[name] = unprotected[name] as JsonObject[string];
  return { ...out, ...header };
}

/** The first of several signatures over one payload that checks out; the first one's error when none does. */
async function checkAnyIssuerJwt(
  signed: readonly { readonly jwt: string; readonly unprotected: JsonObject }[],
  policy: SdJwtVcVerifyPolicy,
  vc: boolean,
  ctx: ComityContext,
): Promise<Awaited<ReturnType<typeof checkIssuerJwt>>> {
  let firstError: unknown;
  const maxTries = Math.max(8, Math.floor(MAX_KEY_TRIES / signed.length));
  for (const { jwt, unprotected } of signed) {
    try {
      return await checkIssuerJwt(jwt, unprotected, policy, vc, ctx, maxTries);
    } catch (e) {
      firstError ??= e;
    }
  }
  throw firstError;
}

function sdAlgOf(payload: JsonObject, allowed: readonly HashAlgorithm[]): HashAlgorithm {
  // Absent means sha-256; present with another type (null too) is an error, not "absent".
  const value = payload._sd_alg === undefined ? 'sha-256' : payload._sd_alg;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new ComityError('ERR_SDJWT_SD_ALG_UNSUPPORTED', '"_sd_alg" is not an accepted hash algorithm', {
      details: { sdAlg: typeof value === 'string' ? value.slice(0, 20) : typeof value },
    });
  }
  return value as HashAlgorithm;
}

function numericDate(claims: Record<string, unknown>, name: string): number | undefined {
  const v = claims[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw new ComityError('ERR_SDJWT_CLAIM_TYPE', `"${name}" is not a NumericDate`, { details: { path: [name] } });
  return v;
}

function checkValidity(claims: Record<string, unknown>, now: number, skew: number, requireExp: boolean): void {
  const exp = numericDate(claims, 'exp');
  const nbf = numericDate(claims, 'nbf');
  numericDate(claims, 'iat');
  if (exp === undefined && requireExp) throw new ComityError('ERR_SDJWT_EXP_MISSING', 'the credential has no "exp"');
  if (exp !== undefined && now > exp + skew) throw new ComityError('ERR_SDJWT_EXPIRED', 'the credential has expired');
  if (nbf !== undefined && now + skew < nbf) throw new ComityError('ERR_SDJWT_NOT_YET_VALID', 'the credential is not yet valid');
}

/**
 * SD-JWT VC §3.2.2: none of {@link NEVER_DISCLOSABLE_VC_CLAIMS}, nor anything inside one, may
 * come from a disclosure. `disclosedPaths` are the paths of the claims disclosures placed.
 *
 * @throws ComityError `ERR_SDJWT_VC_CLAIM_NOT_DISCLOSABLE`
 */
export function checkNeverDisclosed(disclosedPaths: readonly ClaimPath[]): void {
  for (const path of disclosedPaths) {
    if (typeof path[0] === 'string' && NEVER_DISCLOSABLE_VC_CLAIMS.includes(path[0])) {
      throw new ComityError('ERR_SDJWT_VC_CLAIM_NOT_DISCLOSABLE', 'a claim that must not be selectively disclosed arrived in a disclosure', {
        details: { path },
      });
    }
  }
}

function checkVcClaims(claims: Record<string, unknown>, disclosedPaths: readonly ClaimPath[], vctValues: readonly string[] | undefined): void {
  checkNeverDisclosed(disclosedPaths);
  if (typeof claims.vct !== 'string' || claims.vct === '') throw new ComityError('ERR_SDJWT_VC_VCT_MISSING', 'the credential lacks a string "vct"');
  if (claims.iss !== undefined && typeof claims.iss !== 'string')
    throw new ComityError('ERR_SDJWT_CLAIM_TYPE', '"iss" is not a string', { details: { path: ['iss'] } });
  if (claims['vct#integrity'] !== undefined && typeof claims['vct#integrity'] !== 'string') {
    throw new ComityError('ERR_SDJWT_CLAIM_TYPE', '"vct#integrity" is not a string', { details: { path: ['vct#integrity'] } });
  }
  if (claims.status !== undefined && !isPlainObject(claims.status))
    throw new ComityError('ERR_SDJWT_CLAIM_TYPE', '"status" is not an object', { details: { path: ['status'] } });
  const aka = claims.aka_vcts;
  // SD-JWT VC §2.2.2.2: a non-empty array of strings that does not repeat vct.
  if (aka !== undefined && (!Array.isArray(aka) || aka.length === 0 || !aka.every((v) => typeof v === 'string' && v !== '' && v !== claims.vct))) {
    throw new ComityError('ERR_SDJWT_CLAIM_TYPE', '"aka_vcts" is not a non-empty array of other type strings', { details: { path: ['aka_vcts'] } });
  }
  if (vctValues !== undefined) {
    const types = [claims.vct, ...((aka as string[] | undefined) ?? [])];
    if (!types.some((t) => vctValues.includes(t)))
      throw new ComityError('ERR_SDJWT_VC_VCT_NOT_ACCEPTED', 'the credential type is not one the verifier accepts');
  }
}

// Wallets present the same holder key again and again: checked, frozen keys are kept by
// their first public coordinate (`x`, or `n` for RSA) and reused only when every member
// parsePublicJwk keeps matches, the usage restrictions (`alg`, `use`, `key_ops`) included:
// one credential's cnf must never decide how another one's key may be used. No cache key
// string is built per verification.
const checkedHolderKeys = new Map<string, Jwk>();
const KEPT_MEMBERS = ['kty', 'crv', 'x', 'y', 'n', 'e', 'kid', 'alg', 'use'] as const;
/** The members parsePublicJwk refuses as private key material: such a cnf is never taken from the cache. */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth'] as const;

function sameHolderKey(known: Jwk, jwk: Record<string, unknown>): boolean {
  for (const m of KEPT_MEMBERS) if (known[m] !== jwk[m]) return false;
  // A key_ops list is rare in a cnf: such keys are parsed again rather than compared.
  return known.key_ops === undefined && jwk.key_ops === undefined;
}

function hasPrivateMember(jwk: Record<string, unknown>): boolean {
  for (const m of PRIVATE_MEMBERS) if (m in jwk) return true;
  return false;
}

function cnfKeyOf(claims: Record<string, unknown>): Jwk {
  const cnf = claims.cnf;
  if (cnf === undefined) throw new ComityError('ERR_SDJWT_CNF_MISSING', 'key binding is required but the credential has no "cnf"');
  if (!isPlainObject(cnf)) throw new ComityError('ERR_SDJWT_CLAIM_TYPE', '"cnf" is not an object', { details: { path: ['cnf'] } });
  if (cnf.jwk === undefined) {
    // Remote key references (jku, x5u, kid URLs) would make the verifier fetch attacker-chosen URLs.
    throw new ComityError('ERR_SDJWT_CNF_UNSUPPORTED', '"cnf" does not carry an embedded "jwk"', { details: { path: ['cnf'] } });
  }
  const jwk = cnf.jwk;
  const id = isPlainObject(jwk) && !hasPrivateMember(jwk) ? (jwk.x ?? jwk.n) : undefined;
  const known = typeof id === 'string' ? checkedHolderKeys.get(id) : undefined;
  if (known !== undefined && sameHolderKey(known, jwk as Record<string, unknown>)) return known;
  try {
    const parsed = parsePublicJwk(jwk, 'cnf.jwk');
    if (typeof id === 'string') {
      if (checkedHolderKeys.size >= 1024) checkedHolderKeys.clear();
      checkedHolderKeys.set(id, parsed);
    }
    return parsed;
  } catch (cause) {
    throw new ComityError('ERR_SDJWT_CNF_INVALID', '"cnf.jwk" is not a valid public key', { cause, details: { path: ['cnf', 'jwk'] } });
  }
}
