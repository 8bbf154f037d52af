/**
 * Decoding an SD-JWT without verifying it, for inspection and for the holder's own view
 * of a credential it received.
 *
 * @module
 */
import { type ClaimPath, type ComityContext, ComityError, decodeCompactJws, type HashAlgorithm, type JsonObject } from '@comity/core';
import { parseDisclosures, SD_HASH_ALGORITHMS } from './internal/disclosure.js';
import { processClaims } from './internal/process.js';
import { splitSdJwt } from './parse.js';

/** One disclosure with where it lands in the claims. Salts are not exposed. */
export interface DecodedDisclosure {
  readonly disclosure: string;
  readonly digest: string;
  /** Claim path of the disclosed value. */
  readonly path: ClaimPath;
  /** Claim name (object property disclosures only). */
  readonly name?: string;
  readonly value: unknown;
  /** Index (in `disclosures`) of the disclosure this one is nested in. */
  readonly parent?: number;
}

/** An SD-JWT decoded but NOT verified. */
export interface DecodedSdJwt {
  readonly header: JsonObject;
  /** The signed payload as issued (with `_sd` digests). */
  readonly payload: JsonObject;
  /** The claims with every presented disclosure applied. */
  readonly claims: Record<string, unknown>;
  readonly hashAlg: HashAlgorithm;
  readonly disclosures: readonly DecodedDisclosure[];
  readonly keyBindingJwt?: { readonly header: JsonObject; readonly payload: JsonObject };
}

/**
 * Decodes an SD-JWT (or SD-JWT+KB) and applies its disclosures, with every structural
 * rule of RFC 9901 §7.1 but without any signature check. Never use the result as verified.
 *
 * @example
 * ```ts
 * const { claims, disclosures } = await decodeSdJwt(token, ctx);
 * ```
 * @throws ComityError `ERR_SDJWT_MALFORMED`, `ERR_SDJWT_DISCLOSURE_*`, `ERR_SDJWT_DIGEST_DUPLICATE`, `ERR_SDJWT_SD_ALG_UNSUPPORTED`
 */
export async function decodeSdJwt(token: string, ctx: ComityContext): Promise<DecodedSdJwt> {
  const parts = splitSdJwt(token);
  const jws = decodeCompactJws(parts.jwt, 'issuer-signed JWT', 'ERR_SDJWT');
  const sdAlg = jws.payload._sd_alg === undefined ? 'sha-256' : jws.payload._sd_alg;
  if (typeof sdAlg !== 'string' || !(SD_HASH_ALGORITHMS as readonly string[]).includes(sdAlg)) {
    throw new ComityError('ERR_SDJWT_SD_ALG_UNSUPPORTED', '"_sd_alg" is not a supported hash algorithm');
  }
  const hashAlg = sdAlg as HashAlgorithm;
  const parsed = await parseDisclosures(parts.disclosures, hashAlg, ctx.crypto);
  const processed = processClaims(jws.payload, parsed);
  const placement = new Map(processed.placed.map((p) => [p.index, p]));
  const disclosures = parsed.map((d, i): DecodedDisclosure => {
    const at = placement.get(i);
    const out: DecodedDisclosure = { disclosure: d.encoded, digest: d.digest, path: at?.path ?? [], value: d.value };
    return {
      ...out,
      ...(d.name === undefined ? {} : { name: d.name }),
      ...(at?.parent === undefined ? {} : { parent: at.parent }),
    };
  });
  let keyBindingJwt: DecodedSdJwt['keyBindingJwt'];
  if (parts.kbJwt !== undefined) {
    const kb = decodeCompactJws(parts.kbJwt, 'Key Binding JWT', 'ERR_SDJWT_KB');
    keyBindingJwt = { header: kb.header, payload: kb.payload };
  }
  return {
    header: jws.header,
    payload: jws.payload,
    claims: processed.claims,
    hashAlg,
    disclosures,
    ...(keyBindingJwt === undefined ? {} : { keyBindingJwt }),
  };
}
