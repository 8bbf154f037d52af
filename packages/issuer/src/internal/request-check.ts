/**
 * Checks of the issuer role's options and requests, run before anything is signed. Requests
 * carry data from other systems: each check names the member it refuses, never its value,
 * and returns copies so that what was checked is what gets signed.
 *
 * @module
 */
import {
  algorithmInfo,
  type Certificate,
  type ClaimPath,
  type ComityContext,
  ComityError,
  ComityUsageError,
  isComityContext,
  isPlainObject,
  isSignatureAlgorithm,
  type Jwk,
  parsePublicJwk,
  type Signer,
  Tagged,
} from '@comity/core';
import { FullDate, type MsoDigestAlgorithm } from '@comity/mdoc';
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
  readonly ctx: ComityContext | undefined;
  readonly signerTimeoutMs: number;
}

/** How long `issue` waits for one signature by default (an HSM or KMS round trip is far shorter). */
export const DEFAULT_SIGNER_TIMEOUT_MS = 60_000;

/**
 * The options, checked and captured: the signer's `alg` and `sign` are read once, and each
 * certificate is a frozen copy, so that changing the options later changes no credential.
 */
export function checkOptions(options: unknown): CheckedOptions {
  if (!isPlainObject(options)) throw new ComityUsageError('ERR_USAGE_ISSUER_OPTIONS', 'createIssuer needs an options object');
  const { signer, issuerId, kid, certificateChain, ctx, signerTimeoutMs } = options;
  if (typeof signer !== 'object' || signer === null) throw new ComityUsageError('ERR_USAGE_SIGNER', 'createIssuer needs a Signer');
  const { alg, sign } = signer as Signer;
  if (typeof sign !== 'function' || typeof alg !== 'string') throw new ComityUsageError('ERR_USAGE_SIGNER', 'createIssuer needs a Signer');
  // The JWS and COSE alg is the signer's: one comity cannot name (none, HS256, es256) gives a credential no verifier accepts.
  if (!isSignatureAlgorithm(alg)) throw new ComityUsageError('ERR_USAGE_SIGNER', 'signer.alg is not a supported signature algorithm');
  for (const [name, value] of [
    ['issuerId', issuerId],
    ['kid', kid],
  ] as const) {
    if (value !== undefined && (typeof value !== 'string' || value.length === 0))
      throw new ComityUsageError('ERR_USAGE_ISSUER_OPTIONS', `${name} must be a non-empty string`);
  }
  if (ctx !== undefined && !isComityContext(ctx)) throw new ComityUsageError('ERR_USAGE_ISSUER_OPTIONS', 'ctx must be a ComityContext');
  if (
    signerTimeoutMs !== undefined &&
    !(Number.isSafeInteger(signerTimeoutMs) && (signerTimeoutMs as number) > 0 && (signerTimeoutMs as number) <= 2_147_483_647)
  )
    throw new ComityUsageError('ERR_USAGE_ISSUER_OPTIONS', 'signerTimeoutMs must be a positive whole number of milliseconds');
  if (certificateChain !== undefined && !Array.isArray(certificateChain))
    throw new ComityUsageError('ERR_USAGE_CERTIFICATE_CHAIN', 'certificateChain must be an array of Certificates');
  const chain = ((certificateChain as unknown[] | undefined) ?? []).map((c) => {
    const der = typeof c === 'object' && c !== null ? (c as Certificate).der : undefined;
    if (!(der instanceof Uint8Array) || der.length === 0)
      throw new ComityUsageError('ERR_USAGE_CERTIFICATE_CHAIN', 'certificateChain holds an entry that is not a Certificate');
    return Object.freeze({ ...(c as Certificate), der: new Uint8Array(der) });
  });
  return {
    signer: { alg, sign, ...((signer as Signer).publicJwk === undefined ? {} : { publicJwk: (signer as Signer).publicJwk as Jwk }) },
    issuerId: issuerId as string | undefined,
    kid: kid as string | undefined,
    certificateChain: chain,
    ctx: ctx as ComityContext | undefined,
    signerTimeoutMs: (signerTimeoutMs as number | undefined) ?? DEFAULT_SIGNER_TIMEOUT_MS,
  };
}

// An RSA signature is as long as the modulus: 2048 bits at least (the holder key rule), 16384 at most.
const RSA_SIGNATURE_BYTES = { min: 256, max: 2048 } as const;

/**
 * The signer as the formats call it: `sign` bound to the captured function, its failure (any
 * thrown value, or no answer within `timeoutMs`) an `ERR_ISSUER_SIGNER_FAILED` with the value
 * as `cause`, and its answer refused unless it is a byte array of the algorithm's length
 * (`ERR_ISSUER_SIGNATURE_MALFORMED`: a DER ECDSA signature or one of another algorithm).
 */
export function guardSigner(captured: Signer, original: object, timeoutMs: number): Signer {
  const { alg, sign } = captured;
  const expected = algorithmInfo(alg).sigLength;
  return Object.freeze({
    alg,
    ...(captured.publicJwk === undefined ? {} : { publicJwk: captured.publicJwk }),
    async sign(data: Uint8Array): Promise<Uint8Array> {
      let timer: ReturnType<typeof setTimeout> | undefined;
      let signature: unknown;
      try {
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new ComityError('ERR_ISSUER_SIGNER_TIMEOUT', `the signer gave no signature within ${timeoutMs} ms`)), timeoutMs);
        });
        signature = await Promise.race([(async () => sign.call(original, data))(), timeout]);
      } catch (cause) {
        if (cause instanceof ComityError && cause.code === 'ERR_ISSUER_SIGNER_TIMEOUT') throw cause;
        throw new ComityError('ERR_ISSUER_SIGNER_FAILED', 'the signer failed', { cause });
      } finally {
        clearTimeout(timer);
      }
      if (!(signature instanceof Uint8Array)) throw new ComityError('ERR_ISSUER_SIGNATURE_MALFORMED', 'the signer did not return a byte array');
      const n = signature.length;
      if (expected > 0 ? n !== expected : n < RSA_SIGNATURE_BYTES.min || n > RSA_SIGNATURE_BYTES.max)
        throw new ComityError('ERR_ISSUER_SIGNATURE_MALFORMED', `the signer returned ${n} bytes, not a raw ${alg} signature`, { details: { alg, length: n } });
      return new Uint8Array(signature);
    },
  });
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
  // Copied (JSON values only) before it is checked: what is checked is what is signed.
  const copy = copyJson(value, ['status']) as Record<string, unknown>;
  try {
    // The verifiers' own reading of a reference: what the issuer writes, they can read.
    parseStatusReference(copy);
  } catch (e) {
    if (e instanceof ComityError) refuse('status must be { status_list: { idx: a non-negative integer, uri: an absolute URI } }');
    throw e;
  }
  return copy;
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
    const copy: Record<string, unknown> = {};
    for (const [id, v] of Object.entries(elements)) define(copy, id, copyElementValue(v, 0));
    define(out, ns, copy);
  }
  return out;
}

function define(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

// The nesting issueMdoc encodes (depth 0 is the element value itself).
const MAX_ELEMENT_DEPTH = 32;

/**
 * A deep copy of an mdoc element value, made before anything is awaited: issueMdoc encodes
 * each element after the digest of the one before, so a value changed meanwhile would be
 * signed. Containers and byte strings are copied; values it cannot encode are passed on for
 * issueMdoc to refuse with its own code.
 */
function copyElementValue(value: unknown, depth: number): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (depth > MAX_ELEMENT_DEPTH) throw new ComityUsageError('ERR_USAGE_ELEMENT_VALUE', 'element value is nested too deeply');
  if (value instanceof Uint8Array) return new Uint8Array(value);
  if (value instanceof Date) return new Date(value.getTime());
  if (value instanceof FullDate) return new FullDate(value.value);
  if (value instanceof Tagged) return new Tagged(value.tag, copyElementValue(value.value, depth + 1) as Tagged['value']);
  if (Array.isArray(value)) {
    const out: unknown[] = new Array(value.length);
    // Holes stay holes (issueMdoc refuses them like undefined).
    for (let i = 0; i < value.length; i++) if (i in value) out[i] = copyElementValue(value[i], depth + 1);
    return out;
  }
  if (value instanceof Map) return new Map([...value].map(([k, v]) => [k, copyElementValue(v, depth + 1)]));
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) define(out, k, copyElementValue(v, depth + 1));
    return out;
  }
  return value;
}

/** The MSO digest algorithm: one of the three names (a non-string would reach the MSO as it is). */
export function checkDigestAlgorithm(value: unknown): MsoDigestAlgorithm | undefined {
  if (value === undefined) return undefined;
  if (value !== 'SHA-256' && value !== 'SHA-384' && value !== 'SHA-512') throw new ComityUsageError('ERR_USAGE_MDOC_ISSUE', 'unsupported digest algorithm');
  return value;
}

type KeyAuthorizations = { nameSpaces?: string[]; dataElements?: Record<string, string[]> };

export function copyKeyAuthorizations(value: unknown): KeyAuthorizations | undefined {
  if (value === undefined) return undefined;
  if (!isPlainObject(value)) refuse('keyAuthorizations must be an object');
  // Each member read once and copied before it is checked.
  const strings = (v: unknown): string[] | undefined => {
    const copy: unknown = Array.isArray(v) ? [...v] : v;
    return Array.isArray(copy) && copy.every((s) => typeof s === 'string') ? copy : undefined;
  };
  const { nameSpaces, dataElements } = value;
  const out: KeyAuthorizations = {};
  if (nameSpaces !== undefined) {
    const copy = strings(nameSpaces);
    if (copy === undefined) refuse('keyAuthorizations.nameSpaces must be an array of strings');
    out.nameSpaces = copy;
  }
  if (dataElements !== undefined) {
    if (!isPlainObject(dataElements)) refuse('keyAuthorizations.dataElements must be an object');
    const copy: Record<string, string[]> = {};
    for (const [ns, els] of Object.entries(dataElements)) {
      const list = strings(els);
      if (list === undefined) refuse('keyAuthorizations.dataElements must map namespaces to arrays of strings');
      define(copy, ns, list);
    }
    out.dataElements = copy;
  }
  return out;
}
