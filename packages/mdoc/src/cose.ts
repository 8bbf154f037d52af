/**
 * COSE_Sign1 and COSE_Mac0 (RFC 9052) as mdoc uses them: untagged or tagged structures, the
 * protected header kept as received, `x5chain` (RFC 9360, label 33) in either header, and raw
 * `r || s` ECDSA signatures (high-S accepted).
 *
 * @module
 */
import {
  type CborValue,
  COSE_ALGORITHM_IDS,
  COSE_HEADER,
  type ComityContext,
  ComityError,
  type CoseMac0,
  type CoseSign1,
  type CryptoProvider,
  decodeCoseMac0 as coreDecodeCoseMac0,
  decodeCoseSign1 as coreDecodeCoseSign1,
  coseToBeSigned,
  DEFAULT_SIGNATURE_ALGORITHMS,
  type DecodeNotes,
  type Jwk,
  type SignatureAlgorithm,
  type Signer,
} from '@comity/core';
import { type CborMap, encodeCbor, MDOC_CBOR_LIMITS } from './internal/cbor.js';

// The structure, its header rules and the Sig_structure are core's (one COSE for every format).
export { type CoseMac0, type CoseSign1, coseToBeSigned };

/** COSE header label of `alg`. */
export const COSE_HEADER_ALG = COSE_HEADER.alg;
/** COSE header label of `x5chain` (RFC 9360). */
export const COSE_HEADER_X5CHAIN = COSE_HEADER.x5chain;

const MDOC_COSE = { code: 'ERR_MDOC_COSE_INVALID', critCode: 'ERR_MDOC_COSE_CRIT_UNSUPPORTED', cbor: MDOC_CBOR_LIMITS } as const;

/**
 * Decodes a COSE_Sign1 (tagged 18 or untagged) from bytes or an already decoded value, with
 * core's header rules (no label in both headers, no critical parameters). Nothing is verified
 * here; see {@link verifyCoseSign1}.
 *
 * @example
 * ```ts
 * const sign1 = decodeCoseSign1(vicalBytes);
 * const signerDer = sign1.x5chain?.[0];
 * ```
 * @throws ComityError `ERR_MDOC_COSE_INVALID`, `ERR_MDOC_COSE_CRIT_UNSUPPORTED`, `ERR_MDOC_CBOR_*`
 * @see RFC 9052 §3, §4.2, RFC 9360 §2
 */
export function decodeCoseSign1(input: Uint8Array | CborValue, what = 'COSE_Sign1', notes?: DecodeNotes): CoseSign1 {
  return coreDecodeCoseSign1(input, { ...MDOC_COSE, what, ...(notes === undefined ? {} : { notes }) });
}

/**
 * Decodes a COSE_Mac0 (tagged 17 or untagged); nothing is verified.
 *
 * @example
 * ```ts
 * const mac0 = decodeCoseMac0(deviceMacValue);
 * if (mac0.coseAlg !== 5) throw new Error('not HMAC 256/256');
 * ```
 * @throws ComityError `ERR_MDOC_COSE_INVALID`, `ERR_MDOC_COSE_CRIT_UNSUPPORTED`, `ERR_MDOC_CBOR_*`
 * @see RFC 9052 §6.2
 */
export function decodeCoseMac0(input: Uint8Array | CborValue, what = 'COSE_Mac0'): CoseMac0 {
  return coreDecodeCoseMac0(input, { ...MDOC_COSE, what });
}

/** Options of {@link verifyCoseSign1}. */
export interface VerifyCoseSign1Options {
  /** The signer's public key (e.g. the x5chain leaf's `publicJwk`). */
  readonly publicJwk: Jwk;
  readonly crypto: CryptoProvider;
  /** Accepted algorithms (default {@link DEFAULT_SIGNATURE_ALGORITHMS}). */
  readonly algorithms?: readonly SignatureAlgorithm[];
  /** The payload when the COSE_Sign1 carries none (detached). */
  readonly detachedPayload?: Uint8Array;
  readonly externalAad?: Uint8Array;
}

/**
 * Verifies a COSE_Sign1 signature over its protected header bytes as received. The algorithm
 * comes from the protected header and must be in the allow-list. High-S ECDSA is accepted.
 *
 * @example
 * ```ts
 * const sign1 = decodeCoseSign1(vical);
 * const signer = await parseCertificate(sign1.x5chain![0]!);
 * await verifyCoseSign1(sign1, { publicJwk: signer.publicJwk, crypto: ctx.crypto });
 * ```
 * @throws ComityError `ERR_MDOC_COSE_ALG_MISSING`, `ERR_MDOC_COSE_ALG_NOT_ALLOWED`, `ERR_MDOC_COSE_PAYLOAD`,
 *   `ERR_MDOC_COSE_SIGNATURE_INVALID`
 * @see RFC 9052 §4.4
 */
export async function verifyCoseSign1(sign1: CoseSign1, options: VerifyCoseSign1Options): Promise<void> {
  const alg = checkSign1Alg(sign1, options.algorithms ?? DEFAULT_SIGNATURE_ALGORITHMS);
  let payload: Uint8Array;
  if (sign1.payload === null) {
    if (options.detachedPayload === undefined) throw new ComityError('ERR_MDOC_COSE_PAYLOAD', 'COSE_Sign1 payload is detached and none was given');
    payload = options.detachedPayload;
  } else {
    if (options.detachedPayload !== undefined) throw new ComityError('ERR_MDOC_COSE_PAYLOAD', 'COSE_Sign1 payload must be detached');
    payload = sign1.payload;
  }
  const toBeSigned = coseToBeSigned('Signature1', sign1.protectedBytes, payload, options.externalAad);
  let ok = false;
  try {
    ok = await options.crypto.verify(alg, options.publicJwk, toBeSigned, sign1.signature);
  } catch (cause) {
    throw new ComityError('ERR_MDOC_COSE_SIGNATURE_INVALID', 'COSE_Sign1 signature could not be checked with the key', { cause });
  }
  if (!ok) throw new ComityError('ERR_MDOC_COSE_SIGNATURE_INVALID', 'COSE_Sign1 signature is invalid');
}

/** Returns the checked algorithm of a COSE_Sign1. @throws ComityError `ERR_MDOC_COSE_ALG_MISSING`, `ERR_MDOC_COSE_ALG_NOT_ALLOWED` */
export function checkSign1Alg(sign1: CoseSign1, algorithms: readonly SignatureAlgorithm[]): SignatureAlgorithm {
  if (sign1.coseAlg === undefined) {
    const where = sign1.unprotectedHeader.has(COSE_HEADER_ALG) ? 'only in the unprotected header' : 'absent';
    throw new ComityError('ERR_MDOC_COSE_ALG_MISSING', `COSE_Sign1 alg is ${where}`);
  }
  const alg = sign1.alg;
  if (alg === undefined || !algorithms.includes(alg)) {
    throw new ComityError('ERR_MDOC_COSE_ALG_NOT_ALLOWED', 'COSE_Sign1 alg is not allowed', {
      details: { alg: typeof sign1.coseAlg === 'number' || typeof sign1.coseAlg === 'string' ? sign1.coseAlg : 'unknown' },
    });
  }
  return alg;
}

/** What {@link signCoseSign1} puts into a COSE_Sign1. */
export interface SignCoseSign1Input {
  readonly signer: Signer;
  /** The payload; embedded unless `detached`. */
  readonly payload: Uint8Array;
  readonly detached?: boolean;
  /** Unprotected header entries (e.g. `33` x5chain). */
  readonly unprotected?: CborMap;
  readonly externalAad?: Uint8Array;
}

/**
 * Creates an untagged COSE_Sign1 with `{1: alg}` as the protected header.
 *
 * @example
 * ```ts
 * const bytes = await signCoseSign1({ signer, payload, unprotected: new Map([[33, dsCert.der]]) });
 * ```
 * @throws ComityUsageError for an unsupported signer algorithm
 * @see RFC 9052 §4.2
 */
export async function signCoseSign1(input: SignCoseSign1Input): Promise<Uint8Array> {
  const coseAlg = COSE_ALGORITHM_IDS[input.signer.alg];
  const protectedBytes = encodeCbor(new Map([[COSE_HEADER_ALG, coseAlg]]));
  const signature = await input.signer.sign(coseToBeSigned('Signature1', protectedBytes, input.payload, input.externalAad));
  return encodeCbor([protectedBytes, input.unprotected ?? new Map(), input.detached === true ? null : input.payload, signature]);
}

/** `h'a10105'`: the protected header of an HMAC 256/256 COSE_Mac0. */
export const MAC0_HMAC256_PROTECTED = Uint8Array.of(0xa1, 0x01, 0x05);

/** Computes the 32-byte HMAC-SHA256 tag of a COSE_Mac0 (alg 5). */
export async function computeMac0Tag(
  ctx: Pick<ComityContext, 'crypto'>,
  key: Uint8Array,
  protectedBytes: Uint8Array,
  payload: Uint8Array,
): Promise<Uint8Array> {
  return ctx.crypto.hmac('sha-256', key, coseToBeSigned('MAC0', protectedBytes, payload));
}

/** Encodes an untagged COSE_Mac0 with a detached payload. */
export function encodeMac0Detached(protectedBytes: Uint8Array, tag: Uint8Array): Uint8Array {
  return encodeCbor([protectedBytes, new Map(), null, tag]);
}
