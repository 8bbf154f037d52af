/**
 * Checks of the issuer role's options and requests, run before anything is signed. Requests
 * carry data from other systems: each check names the member it refuses, never its value,
 * and returns copies so that what was checked is what gets signed.
 *
 * @module
 */
import { type Certificate, type ClaimPath, ComityError, ComityUsageError, isPlainObject, type Jwk, parsePublicJwk, type Signer } from '@comity/core';
import { copyJsonValue, isClaimPath, MAX_DECOYS } from '@comity/sd-jwt-vc';
import { parseStatusReference } from '@comity/status-list';

function refuse(message: string): never {
  throw new ComityUsageError('ERR_USAGE_CREDENTIAL_REQUEST', message);
}

/** The issuer options, checked once when the issuer is created. */
export interface CheckedOptions {
  readonly signer: Signer;
  readonly issuerId: string | undefined;
  readonly kid: string | undefined;
  readonly certificateChain: readonly Certificate[];
}

export function checkOptions(options: unknown): CheckedOptions {
  if (!isPlainObject(options)) throw new ComityUsageError('ERR_USAGE_ISSUER_OPTIONS', 'createIssuer needs an options object');
  const { signer, issuerId, kid, certificateChain } = options;
  if (typeof signer !== 'object' || signer === null || typeof (signer as Signer).sign !== 'function' || typeof (signer as Signer).alg !== 'string') {
    throw new ComityUsageError('ERR_USAGE_SIGNER', 'createIssuer needs a Signer');
  }
  for (const [name, value] of [
    ['issuerId', issuerId],
    ['kid', kid],
  ] as const) {
    if (value !== undefined && (typeof value !== 'string' || value.length === 0))
      throw new ComityUsageError('ERR_USAGE_ISSUER_OPTIONS', `${name} must be a non-empty string`);
  }
  if (certificateChain !== undefined && !Array.isArray(certificateChain))
    throw new ComityUsageError('ERR_USAGE_CERTIFICATE_CHAIN', 'certificateChain must be an array of Certificates');
  const chain: Certificate[] = [...((certificateChain as unknown[] | undefined) ?? [])] as Certificate[];
  for (const c of chain) {
    if (typeof c !== 'object' || c === null || !(c.der instanceof Uint8Array) || c.der.length === 0)
      throw new ComityUsageError('ERR_USAGE_CERTIFICATE_CHAIN', 'certificateChain holds an entry that is not a Certificate');
  }
  return { signer: signer as Signer, issuerId: issuerId as string | undefined, kid: kid as string | undefined, certificateChain: chain };
}

/** The wallet's key, the same rule for both formats: a supported public JWK. */
export function checkHolderKey(value: unknown): Jwk {
  try {
    return parsePublicJwk(value, 'holderKey');
  } catch (e) {
    if (e instanceof ComityError) refuse('holderKey is not a supported public JWK, or holds private key members');
    throw e;
  }
}

/** Latest instant both formats can write: an mdoc tdate has a four-digit year. */
const MAX_NUMERIC_DATE = 253_402_300_799; // 9999-12-31T23:59:59Z
const DEFAULT_EXPIRES_IN = 365 * 86_400;

/** A validity in whole seconds since the epoch. */
export interface CheckedValidity {
  readonly notBefore: number | undefined;
  readonly expiresAt: number;
}

/**
 * One rule for both formats: expiry = issuance time + `expiresInSeconds` (a positive whole
 * number), and `notBefore` (a whole NumericDate) before the expiry. Whole seconds because
 * the mdoc dates have no fractions and comity writes `iat` in whole seconds. `format`
 * adds ISO 18013-5 §9.1.2.4 for mdocs: validFrom is not before signed (an SD-JWT VC nbf may be in the past).
 */
export function checkValidity(value: unknown, now: number, format: 'dc+sd-jwt' | 'mso_mdoc'): CheckedValidity {
  if (value === undefined) return { notBefore: undefined, expiresAt: now + DEFAULT_EXPIRES_IN };
  if (!isPlainObject(value)) refuse('validity must be an object');
  const { expiresInSeconds, notBefore } = value;
  if (expiresInSeconds !== undefined && !(Number.isSafeInteger(expiresInSeconds) && (expiresInSeconds as number) > 0))
    refuse('validity.expiresInSeconds must be a positive whole number of seconds');
  const expiresAt = now + ((expiresInSeconds as number | undefined) ?? DEFAULT_EXPIRES_IN);
  if (expiresAt > MAX_NUMERIC_DATE) refuse('validity.expiresInSeconds ends after the year 9999');
  if (notBefore !== undefined) {
    if (!Number.isSafeInteger(notBefore) || (notBefore as number) < 0) refuse('validity.notBefore must be a whole, non-negative NumericDate');
    if ((notBefore as number) >= expiresAt) refuse('validity.notBefore must be before the expiry');
    if (format === 'mso_mdoc' && (notBefore as number) < now) refuse('validity.notBefore of an mdoc must not be before the issuance time');
  }
  return { notBefore: notBefore as number | undefined, expiresAt };
}

/** `{ status_list: { idx, uri } }` as the Token Status List defines it (§6.2, §6.3); other members are kept. */
export function checkStatus(value: unknown): Record<string, unknown> | undefined {
  if (value === undefined) return undefined;
  if (!isPlainObject(value)) refuse('status must be an object');
  try {
    // The verifiers' own reading of a reference: what the issuer writes, they can read.
    parseStatusReference(value);
  } catch (e) {
    if (e instanceof ComityError) refuse('status must be { status_list: { idx: a non-negative integer, uri: an absolute URI } }');
    throw e;
  }
  return { ...value, status_list: { ...(value.status_list as Record<string, unknown>) } };
}

// SRI hash expressions comity can check, with their digest lengths in base64 characters (no padding).
const SRI_DIGEST_CHARS: Readonly<Record<string, number>> = { sha256: 43, sha384: 64, sha512: 86 };

/**
 * `vct#integrity`: W3C SRI integrity metadata, one or more `sha256-`, `sha384-` or `sha512-`
 * expressions separated by single spaces, each a base64 digest of its algorithm's length.
 */
export function checkVctIntegrity(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0 || value.length > 4096) refuse('vctIntegrity must be SRI integrity metadata');
  for (const expression of value.split(' ')) {
    const m = /^(sha256|sha384|sha512)-([A-Za-z0-9+/]+)(=*)$/.exec(expression);
    const chars = m === null ? undefined : SRI_DIGEST_CHARS[m[1] as string];
    const [digest, padding] = [m?.[2] ?? '', m?.[3] ?? ''];
    if (chars === undefined || digest.length !== chars || (padding !== '' && (digest.length + padding.length) % 4 !== 0))
      refuse('vctIntegrity must be SRI integrity metadata: sha256-, sha384- or sha512- and a base64 digest');
  }
  return value;
}

/** Claim names the role sets itself (RFC 7519 and draft-ietf-oauth-sd-jwt-vc §3.2.2): never taken from `claims`. */
export const ROLE_CLAIMS: readonly string[] = ['iss', 'iat', 'nbf', 'exp', 'cnf', 'vct', 'vct#integrity', 'status'];

const MAX_DEPTH = 32;

/** A copy of the SD-JWT VC `claims`: plain JSON only, so nothing changes on the way into the payload. */
export function copyClaims(value: unknown): Record<string, unknown> {
  if (!isPlainObject(value)) refuse('an SD-JWT VC request needs a claims object');
  for (const name of ROLE_CLAIMS) {
    if (Object.hasOwn(value, name)) throw new ComityUsageError('ERR_USAGE_CLAIM_CONFLICT', `claims must not hold "${name}": the issuer sets it`);
  }
  return copyJson(value, ['claims']) as Record<string, unknown>;
}

/** A copy of a JSON member of the request (`status` of an SD-JWT VC), checked as `claims` are. */
export function copyJsonMember<T>(value: T, name: string): T {
  return copyJson(value, [name]) as T;
}

function copyJson(value: unknown, path: ClaimPath): unknown {
  // Depth 0 is the member itself: at most MAX_DEPTH levels of containers, counting it.
  return copyJsonValue(value, path, { maxDepth: MAX_DEPTH - 1, refuse: (at, why) => refuse(`${pathText(at)} ${why}`) });
}

function pathText(path: ClaimPath): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join('');
}

/** `disclosable` copied; each entry must be a claim path (their targets are checked by issueSdJwt). */
export function copyDisclosable(value: unknown): ClaimPath[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) refuse('disclosable must be an array of claim paths');
  return value.map((p: unknown) => {
    if (!isClaimPath(p)) throw new ComityUsageError('ERR_USAGE_SD_PATH', 'a disclosable path is not a valid claim path');
    return [...p];
  });
}

/** Top-level decoy digests: a whole number from 0 to the format's bound. */
export function checkDecoys(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isSafeInteger(value) || (value as number) < 0 || (value as number) > MAX_DECOYS) refuse(`decoys must be a whole number from 0 to ${MAX_DECOYS}`);
  return value as number;
}

/** A non-empty string member (`vct`). */
export function checkText(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.length === 0) refuse(`${name} must be a non-empty string`);
  return value;
}

/** mdoc elements by namespace: an object of non-empty objects (ISO 18013-5 IssuerNameSpaces: one or more of each). */
export function copyNameSpaces(value: unknown): Record<string, Record<string, unknown>> {
  if (!isPlainObject(value) || Object.keys(value).length === 0) refuse('nameSpaces must be an object with at least one namespace');
  const out: Record<string, Record<string, unknown>> = {};
  for (const ns of Object.keys(value)) {
    const elements = value[ns];
    if (!isPlainObject(elements) || Object.keys(elements).length === 0) refuse('each namespace in nameSpaces must be an object with at least one element');
    Object.defineProperty(out, ns, { value: { ...elements }, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

type KeyAuthorizations = { nameSpaces?: string[]; dataElements?: Record<string, string[]> };

export function copyKeyAuthorizations(value: unknown): KeyAuthorizations | undefined {
  if (value === undefined) return undefined;
  if (!isPlainObject(value)) refuse('keyAuthorizations must be an object');
  const strings = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');
  const out: KeyAuthorizations = {};
  if (value.nameSpaces !== undefined) {
    if (!strings(value.nameSpaces)) refuse('keyAuthorizations.nameSpaces must be an array of strings');
    out.nameSpaces = [...value.nameSpaces];
  }
  if (value.dataElements !== undefined) {
    const de = value.dataElements;
    if (!isPlainObject(de)) refuse('keyAuthorizations.dataElements must be an object');
    const copy: Record<string, string[]> = {};
    for (const ns of Object.keys(de)) {
      const els = de[ns];
      if (!strings(els)) refuse('keyAuthorizations.dataElements must map namespaces to arrays of strings');
      Object.defineProperty(copy, ns, { value: [...els], enumerable: true, writable: true, configurable: true });
    }
    out.dataElements = copy;
  }
  return out;
}
