/**
 * The JWS JSON Serialization of SD-JWT (RFC 9901 §8): conversion from and to the compact
 * form, and extra issuer signatures for the General form. Verification accepts either form
 * (see `verifySdJwt`); holders convert to compact, present, and convert back.
 *
 * @module
 */
import {
  base64urlDecode,
  base64urlEncode,
  ComityError,
  ComityUsageError,
  decodeJsonSegment,
  isPlainObject,
  type JsonObject,
  parseJson,
  type Signer,
  utf8Encode,
} from '@comity/core';
import { MAX_DISCLOSURES, MAX_SD_JWT_LENGTH, splitSdJwt } from './parse.js';

/** Unprotected header of the (first) signature: the Disclosures, the KB-JWT, and optional other parameters. */
export interface SdJwtJsonHeader {
  readonly disclosures?: readonly string[];
  readonly kb_jwt?: string;
  readonly [parameter: string]: unknown;
}

/** One signature of the General JSON Serialization. */
export interface SdJwtJsonSignature {
  readonly protected: string;
  readonly header?: SdJwtJsonHeader;
  readonly signature: string;
}

/** Flattened JSON Serialization (RFC 9901 §8.2). */
export interface SdJwtJsonFlattened {
  readonly payload: string;
  readonly protected: string;
  readonly header: SdJwtJsonHeader;
  readonly signature: string;
}

/** General JSON Serialization (RFC 9901 §8.3): Disclosures and KB-JWT live in the first signature's header only. */
export interface SdJwtJsonGeneral {
  readonly payload: string;
  readonly signatures: readonly SdJwtJsonSignature[];
}

/** Either JSON form. */
export type SdJwtJson = SdJwtJsonFlattened | SdJwtJsonGeneral;

/** An SD-JWT in JSON form, checked and taken apart. */
export interface ParsedSdJwtJson {
  readonly form: 'flattened' | 'general';
  /** One compact issuer-signed JWT per signature (`protected.payload.signature`), in order, with its unprotected header. */
  readonly signed: readonly { readonly jwt: string; readonly unprotected: JsonObject }[];
  readonly disclosures: readonly string[];
  readonly kbJwt: string | undefined;
}

/** Most signatures accepted in a General JSON Serialization. */
export const MAX_JSON_SIGNATURES = 8;

const RESERVED = new Set(['disclosures', 'kb_jwt']);

/**
 * Converts a compact SD-JWT or SD-JWT+KB to the JSON Serialization. `header` adds
 * unprotected header parameters (such as a `kid`) to the (first) signature.
 *
 * @example
 * ```ts
 * const json = toJsonSerialization(presentation, { form: 'general' });
 * ```
 * @throws ComityError `ERR_SDJWT_MALFORMED` for a malformed SD-JWT; ComityUsageError `ERR_USAGE_JSON_SERIALIZATION`
 *   for reserved or protected names in `header`, or other signatures in the Flattened form
 * @see RFC 9901 §8
 */
export function toJsonSerialization(
  sdJwt: string,
  options: {
    form?: 'flattened' | 'general';
    header?: Record<string, unknown>;
    /** General form: further issuer signatures to carry over (a holder keeps those it received). */
    otherSignatures?: readonly SdJwtJsonSignature[];
  } = {},
): SdJwtJson {
  const parts = splitSdJwt(sdJwt);
  const segments = parts.jwt.split('.');
  if (segments.length !== 3) throw new ComityError('ERR_SDJWT_MALFORMED', 'issuer-signed JWT is not a compact JWS');
  const [protectedHeader, payload, signature] = segments as [string, string, string];
  const signedHeader = decodeJsonSegment(protectedHeader, 'JWS protected header');
  for (const name of Object.keys(options.header ?? {})) {
    if (RESERVED.has(name)) throw new ComityUsageError('ERR_USAGE_JSON_SERIALIZATION', 'extra header parameters may not be named "disclosures" or "kb_jwt"');
    if (Object.hasOwn(signedHeader, name)) throw new ComityUsageError('ERR_USAGE_JSON_SERIALIZATION', `"${name}" is already a protected header parameter`);
  }
  const header: SdJwtJsonHeader = {
    ...options.header,
    disclosures: [...parts.disclosures],
    ...(parts.kbJwt === undefined ? {} : { kb_jwt: parts.kbJwt }),
  };
  const others = options.otherSignatures ?? [];
  if (options.form === 'general') return { payload, signatures: [{ protected: protectedHeader, header, signature }, ...others] };
  if (others.length > 0) throw new ComityUsageError('ERR_USAGE_JSON_SERIALIZATION', 'the Flattened JSON Serialization has one signature only');
  return { payload, protected: protectedHeader, header, signature };
}

/**
 * Adds an issuer signature over the same payload to a General JSON Serialization
 * (RFC 7515 §7.2.1), for issuers that sign with several keys. The new signature's
 * unprotected header must not carry Disclosures or a KB-JWT (RFC 9901 §8.3).
 *
 * @throws ComityUsageError `ERR_USAGE_JSON_SERIALIZATION` for reserved or protected names in `header`
 */
export async function addJsonSignature(
  json: SdJwtJsonGeneral,
  input: { signer: Signer; protectedHeader: Record<string, unknown>; header?: Record<string, unknown> },
): Promise<SdJwtJsonGeneral> {
  for (const name of Object.keys(input.header ?? {})) {
    if (RESERVED.has(name)) throw new ComityUsageError('ERR_USAGE_JSON_SERIALIZATION', 'only the first signature may carry "disclosures" or "kb_jwt"');
    if (Object.hasOwn(input.protectedHeader, name) || name === 'alg')
      throw new ComityUsageError('ERR_USAGE_JSON_SERIALIZATION', `"${name}" cannot be both protected and unprotected`);
  }
  const protectedHeader = base64urlEncode(utf8Encode(JSON.stringify({ ...input.protectedHeader, alg: input.signer.alg })));
  const signature = base64urlEncode(await input.signer.sign(utf8Encode(`${protectedHeader}.${json.payload}`)));
  const added: SdJwtJsonSignature = { protected: protectedHeader, ...(input.header === undefined ? {} : { header: { ...input.header } }), signature };
  return { payload: json.payload, signatures: [...json.signatures, added] };
}

/**
 * Checks an SD-JWT in JSON form (an object, or its JSON text) and takes it apart. Strict:
 * only the members RFC 7515 §7.2 and RFC 9901 §8 define, string segments, Disclosures and
 * KB-JWT in the first signature's header only, protected and unprotected header
 * parameter names disjoint.
 *
 * @throws ComityError `ERR_SDJWT_MALFORMED`
 */
export function parseSdJwtJson(value: unknown): ParsedSdJwtJson {
  let json = value;
  if (typeof value === 'string') {
    try {
      json = parseJson(value, 'SD-JWT JSON serialization', MAX_SD_JWT_LENGTH);
    } catch (cause) {
      throw new ComityError('ERR_SDJWT_MALFORMED', 'SD-JWT JSON serialization is not valid JSON', { cause });
    }
  }
  if (!isPlainObject(json)) throw new ComityError('ERR_SDJWT_MALFORMED', 'SD-JWT JSON serialization is not an object');
  const payload = json.payload;
  if (!isSegment(payload)) throw malformed('"payload" is not a base64url string');
  const general = Object.hasOwn(json, 'signatures');
  const signatures = general ? json.signatures : undefined;
  const entries: unknown[] = general ? (Array.isArray(signatures) ? signatures : []) : [json];
  const allowed = general ? ['payload', 'signatures'] : ['payload', 'protected', 'header', 'signature'];
  if (Object.keys(json).some((k) => !allowed.includes(k))) throw malformed('unexpected members for its form');
  if (entries.length === 0 || entries.length > MAX_JSON_SIGNATURES) throw malformed('"signatures" is not an array of 1 to 8 signatures');

  const signed: { jwt: string; unprotected: JsonObject }[] = [];
  let disclosures: readonly string[] = [];
  let kbJwt: string | undefined;
  entries.forEach((entry, index) => {
    if (!isPlainObject(entry)) throw malformed('a signature is not an object');
    if (general && Object.keys(entry).some((k) => k !== 'protected' && k !== 'header' && k !== 'signature'))
      throw malformed('unexpected members in a signature');
    const { protected: protectedHeader, signature } = entry;
    // Every signature's segments must be base64url, not only the one that verifies: the first
    // one's make up the compact form that sd_hash covers.
    if (!isSegment(protectedHeader)) throw malformed('"protected" is not a base64url string');
    if (!isSegment(signature)) throw malformed('"signature" is not a base64url string');
    const header = entry.header ?? {};
    if (!isPlainObject(header)) throw malformed('"header" is not an object');
    const unprotected: JsonObject = {};
    // A "__proto__" member (own property of a caller's JSON.parse result) is refused, as parseJson refuses it in text.
    if (Object.hasOwn(header, '__proto__')) throw malformed('a header has a "__proto__" member');
    // Each member is read once: what was checked is what is used.
    for (const [name, v] of Object.entries(header)) {
      if (name === 'disclosures' || name === 'kb_jwt') {
        if (index > 0) throw malformed('only the first signature may carry "disclosures" or "kb_jwt"');
        if (name === 'disclosures') disclosures = disclosuresOf(v);
        // A "~" would move the KB-JWT's text into the Disclosures of the compact form.
        else if (v !== undefined && (typeof v !== 'string' || v === '' || v.includes('~'))) throw malformed('"kb_jwt" is not a non-empty string without "~"');
        else kbJwt = v;
      } else if (name === 'crit') {
        // RFC 7515 §4.1.11: "crit" must be integrity protected.
        throw malformed('"crit" is in the unprotected header');
      } else {
        unprotected[name] = v as JsonObject[string];
      }
    }
    if (Object.keys(header).length > 0) {
      let signedHeader: JsonObject;
      try {
        signedHeader = decodeJsonSegment(protectedHeader, 'JWS protected header');
      } catch (cause) {
        throw new ComityError('ERR_SDJWT_MALFORMED', 'SD-JWT JSON serialization has a malformed protected header', { cause });
      }
      // RFC 7515 §7.2.1: the protected and unprotected parameter names must be disjoint,
      // "disclosures" and "kb_jwt" included.
      for (const name of Object.keys(header)) if (Object.hasOwn(signedHeader, name)) throw malformed('a header parameter is both protected and unprotected');
    }
    signed.push({ jwt: `${protectedHeader}.${payload}.${signature}`, unprotected });
  });
  return { form: general ? 'general' : 'flattened', signed, disclosures, kbJwt };
}

/**
 * The compact SD-JWT(+KB) of a JSON serialized one, built with its first signature: the
 * form a holder presents from and over which `sd_hash` is computed (RFC 9901 §8.1).
 *
 * @example
 * ```ts
 * const compact = compactOfSdJwtJson(received);
 * const presentation = toJsonSerialization(await presentSdJwt(compact, request, ctx));
 * ```
 * @throws ComityError `ERR_SDJWT_MALFORMED`
 */
export function compactOfSdJwtJson(value: unknown): string {
  const parsed = parseSdJwtJson(value);
  return `${(parsed.signed[0] as { jwt: string }).jwt}~${parsed.disclosures.map((d) => `${d}~`).join('')}${parsed.kbJwt ?? ''}`;
}

function isSegment(value: unknown): value is string {
  if (typeof value !== 'string' || value === '') return false;
  try {
    base64urlDecode(value, 'JWS segment');
    return true;
  } catch {
    return false;
  }
}

function disclosuresOf(value: unknown): readonly string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.length > MAX_DISCLOSURES) throw malformed('"disclosures" is not an array of at most 1000 strings');
  // Copied, then checked: the copy is what verification uses.
  const copy: unknown[] = [...value];
  for (const d of copy) if (typeof d !== 'string' || d === '' || d.includes('~')) throw malformed('a Disclosure is not a non-empty string');
  return copy as string[];
}

function malformed(reason: string): ComityError {
  return new ComityError('ERR_SDJWT_MALFORMED', `SD-JWT JSON serialization: ${reason}`);
}
