/**
 * Verifier side: a Status List Token in CWT format (§5.2), read with core's strict CBOR decoder.
 *
 * @module
 */
import {
  base64urlEncode,
  CborFloat,
  type CborMap,
  type CborValue,
  COSE_HEADER,
  COSE_SIGN1_TAG,
  ComityError,
  type CoseSign1,
  checkAlgorithm,
  coseToBeSigned,
  DEFAULT_SIGNATURE_ALGORITHMS,
  decodeCbor,
  decodeCoseSign1,
  type JsonObject,
  Tagged,
} from '@comity/core';
import { type DecodedStatusList, readCborStatusList } from './decode.js';
import { statusError } from './errors.js';
import { CBOR_LIMITS } from './internal/cbor.js';
import { CWT_CLAIM } from './internal/cwt.js';
import { checkContext, snapshotOptions, type TokenClaims, verifiedToken, verifyWithKeys } from './internal/token-checks.js';
import { STATUS_LIST_CWT_TYP } from './sign-cwt.js';
import type { VerifiedStatusListToken, VerifyStatusListTokenOptions } from './verify-jwt.js';

const WHAT = 'status list token';
const PREFIX = 'ERR_STATUS_TOKEN';
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function malformed(message: string, cause?: unknown): never {
  throw statusError('ERR_STATUS_TOKEN_MALFORMED', message, undefined, cause);
}

function read(bytes: Uint8Array, what: string): CborValue {
  try {
    return decodeCbor(bytes, CBOR_LIMITS);
  } catch (cause) {
    if (cause instanceof ComityError) malformed(`the ${what} is not valid CBOR`, cause);
    throw cause;
  }
}

// Core's COSE_Sign1 rules under the token's codes; a CBOR failure inside is a malformed token.
function coseSign1(outer: Tagged): CoseSign1 {
  try {
    return decodeCoseSign1(outer, {
      what: 'the status list token',
      code: 'ERR_STATUS_TOKEN_MALFORMED',
      critCode: 'ERR_STATUS_TOKEN_CRIT_UNSUPPORTED',
      cbor: CBOR_LIMITS,
    });
  } catch (cause) {
    if (cause instanceof ComityError && cause.code.startsWith('ERR_CBOR_')) malformed('the protected header is not valid CBOR', cause);
    throw cause;
  }
}

/** @internal Verification with a pluggable list reader (the cache reuses decoded lists). */
export async function verifyStatusListCwtWith(
  token: Uint8Array,
  given: VerifyStatusListTokenOptions,
  decodeList: (statusList: unknown, maxBytes: number) => DecodedStatusList,
): Promise<VerifiedStatusListToken> {
  // Read once: what is checked below is what is used after the awaits.
  const options = snapshotOptions(given);
  checkContext(options);
  if (!(token instanceof Uint8Array)) malformed('the status list token is not a byte array');
  const allowed = options.allowedAlgorithms ?? DEFAULT_SIGNATURE_ALGORITHMS;

  // §5.2: COSE_Sign1_Tagged (18); MAC (17) is not supported; the CWT tag (61) must not be used.
  const outer = read(token, 'status list token');
  if (!(outer instanceof Tagged)) malformed('the status list token is not a tagged COSE_Sign1');
  if (outer.tag === 17) throw statusError('ERR_STATUS_TOKEN_ALG_NOT_ALLOWED', 'MAC-protected status list tokens are not accepted');
  if (outer.tag !== COSE_SIGN1_TAG) malformed('the status list token is not a COSE_Sign1_Tagged');
  const sign1 = coseSign1(outer);
  const { protectedHeader, unprotectedHeader: unprotected, payload: payloadBytes } = sign1;
  if (payloadBytes === null) malformed('the status list token has a detached payload');

  const typ = protectedHeader.get(COSE_HEADER.typ);
  if (typeof typ !== 'string' || typ.toLowerCase() !== STATUS_LIST_CWT_TYP) {
    throw statusError('ERR_STATUS_TOKEN_TYP', 'the token type is not application/statuslist+cwt');
  }
  if (sign1.coseAlg === undefined) malformed('the protected header has no alg');
  const alg = checkAlgorithm(sign1.alg, allowed, WHAT, PREFIX);

  const header: JsonObject = { alg, typ };
  const kidBytes = protectedHeader.get(COSE_HEADER.kid) ?? unprotected.get(COSE_HEADER.kid);
  let kid: string | undefined;
  if (kidBytes !== undefined) {
    if (!(kidBytes instanceof Uint8Array)) malformed('the kid header is not a byte string');
    try {
      kid = utf8.decode(kidBytes);
    } catch {
      kid = `b64:${base64urlEncode(kidBytes)}`;
    }
    header.kid = kid;
  }
  if (sign1.x5chain !== undefined) header.x5c = sign1.x5chain.map(toBase64);

  const toBeSigned = coseToBeSigned('Signature1', sign1.protectedBytes, payloadBytes);
  const signature = sign1.signature;
  const key = await verifyWithKeys(header, kid, alg, options, (candidate) => options.ctx.crypto.verify(alg, candidate, toBeSigned, signature));

  const claimsMap = read(payloadBytes, 'claims set');
  if (!(claimsMap instanceof Map)) malformed('the claims set is not a map');
  const claims = readClaims(claimsMap);
  return verifiedToken(claims, options, decodeList, key, alg);
}

/**
 * Verifies a Status List Token in CWT format (a COSE_Sign1_Tagged): the protected `typ`
 * (16) is `application/statuslist+cwt`, the algorithm is allowed, the signature verifies
 * with one of the status issuer's keys, then the same claim rules as the JWT form
 * (sub/2 equals `uri`, exp/4, iat/6, nbf/5, ttl/65534) and the status list (65533) decodes.
 *
 * @example
 * ```ts
 * const { list } = await verifyStatusListCwt(cwtBytes, { ctx, keys: [statusIssuerJwk], uri });
 * ```
 * @throws ComityError the codes of {@link verifyStatusListJwt}
 * @see draft-ietf-oauth-status-list-20 §5.2, §8.3
 */
export async function verifyStatusListCwt(token: Uint8Array, options: VerifyStatusListTokenOptions): Promise<VerifiedStatusListToken> {
  return verifyStatusListCwtWith(token, options, (statusList, maxBytes) => readCborStatusList(statusList, maxBytes));
}

/** Standard base64 with padding, as JOSE `x5c` carries certificates. */
function toBase64(bytes: Uint8Array): string {
  const b64 = base64urlEncode(bytes).replace(/-/g, '+').replace(/_/g, '/');
  return b64 + '='.repeat((4 - (b64.length % 4)) % 4);
}

interface Claims extends TokenClaims {
  readonly statusList: unknown;
}

function numericDate(claims: CborMap, key: number, name: string, required: boolean): number | undefined {
  // Absent is not the same as present with the value `undefined` (f7): only absent may pass.
  if (!claims.has(key) && !required) return undefined;
  const raw = claims.get(key);
  const v = raw instanceof CborFloat ? raw.value : raw;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
    throw statusError('ERR_STATUS_TOKEN_CLAIM_INVALID', `the token "${name}" claim is missing or not a NumericDate`, { path: [key] });
  }
  return v;
}

function readClaims(claims: CborMap): Claims {
  const sub = claims.get(CWT_CLAIM.sub);
  if (typeof sub !== 'string') throw statusError('ERR_STATUS_TOKEN_CLAIM_INVALID', 'the token subject (2) is missing or not text', { path: [CWT_CLAIM.sub] });
  const iat = numericDate(claims, CWT_CLAIM.iat, 'iat', true) as number;
  const exp = numericDate(claims, CWT_CLAIM.exp, 'exp', false);
  const nbf = numericDate(claims, CWT_CLAIM.nbf, 'nbf', false);
  let ttl: number | undefined;
  if (claims.has(CWT_CLAIM.ttl)) {
    const raw = claims.get(CWT_CLAIM.ttl);
    if (typeof raw !== 'number' || !Number.isSafeInteger(raw) || raw <= 0) {
      throw statusError('ERR_STATUS_TOKEN_CLAIM_INVALID', 'the token ttl (65534) is not a positive unsigned integer', { path: [CWT_CLAIM.ttl] });
    }
    ttl = raw;
  }
  const statusList = claims.get(CWT_CLAIM.statusList);
  if (!(statusList instanceof Map)) {
    throw statusError('ERR_STATUS_TOKEN_CLAIM_INVALID', 'the token status list (65533) is missing or not a map', { path: [CWT_CLAIM.statusList] });
  }
  return {
    sub,
    iat,
    statusList,
    ...(exp === undefined ? {} : { exp }),
    ...(nbf === undefined ? {} : { nbf }),
    ...(ttl === undefined ? {} : { ttl }),
  };
}
