/**
 * COSE_Sign1 and COSE_Mac0 (RFC 9052) as mdoc uses them: untagged or tagged structures, the
 * protected header kept as received, `x5chain` (RFC 9360, label 33) in either header, and raw
 * `r || s` ECDSA signatures (high-S accepted).
 *
 * @module
 */
import {
  COSE_ALGORITHM_IDS,
  COSE_ALGORITHMS,
  type ComityContext,
  ComityError,
  type CryptoProvider,
  concatBytes,
  DEFAULT_SIGNATURE_ALGORITHMS,
  type Jwk,
  type SignatureAlgorithm,
  type Signer,
} from '@comity/core';
import { type CborMap, type CborValue, type DecodeNotes, decodeCbor, encodeCbor, head, Tagged } from './internal/cbor.js';

/** COSE header label of `alg`. */
export const COSE_HEADER_ALG = 1;
/** COSE header label of `x5chain` (RFC 9360). */
export const COSE_HEADER_X5CHAIN = 33;

/** A decoded COSE_Sign1. */
export interface CoseSign1 {
  /** The protected header bstr content exactly as received (used in Sig_structure). */
  readonly protectedBytes: Uint8Array;
  readonly protectedHeader: CborMap;
  readonly unprotectedHeader: CborMap;
  /** Payload bytes, or null when detached. */
  readonly payload: Uint8Array | null;
  readonly signature: Uint8Array;
  /** The signature algorithm from the protected header; undefined when absent or unknown. */
  readonly alg: SignatureAlgorithm | undefined;
  /** The COSE `alg` value as received (for diagnostics). */
  readonly coseAlg: CborValue;
  /** DER certificates of `x5chain` (leaf first); undefined when the header is absent. */
  readonly x5chain: readonly Uint8Array[] | undefined;
  /** True when `x5chain` was a one-element array (RFC 9360 wants a bare bstr then). */
  readonly x5chainSingleArray: boolean;
}

/** A decoded COSE_Mac0. */
export interface CoseMac0 {
  readonly protectedBytes: Uint8Array;
  readonly protectedHeader: CborMap;
  readonly unprotectedHeader: CborMap;
  readonly payload: Uint8Array | null;
  readonly tag: Uint8Array;
  /** COSE MAC algorithm value from the protected header (5 = HMAC 256/256). */
  readonly coseAlg: CborValue;
}

function structureError(what: string, message: string): ComityError {
  return new ComityError('ERR_MDOC_COSE_INVALID', `${what} ${message}`);
}

const HEADER_LIMITS = { maxDepth: 8 };

function decodeHeaders(
  value: CborValue[],
  what: string,
  notes?: DecodeNotes,
): { protectedBytes: Uint8Array; protectedHeader: CborMap; unprotectedHeader: CborMap } {
  const [p, u] = value;
  if (!(p instanceof Uint8Array)) throw structureError(what, 'has no protected header byte string');
  if (!(u instanceof Map)) throw structureError(what, 'has no unprotected header map');
  let protectedHeader: CborMap;
  if (p.length === 0) protectedHeader = new Map();
  else {
    const decoded = decodeCbor(p, HEADER_LIMITS, notes);
    if (!(decoded instanceof Map)) throw structureError(what, 'protected header is not a map');
    protectedHeader = decoded;
  }
  for (const key of protectedHeader.keys()) {
    if (u.has(key)) throw structureError(what, 'has a header label in both protected and unprotected headers');
  }
  return { protectedBytes: p, protectedHeader, unprotectedHeader: u };
}

function toStructure(input: Uint8Array | CborValue, tag: number, what: string): CborValue[] {
  let value: CborValue = input instanceof Uint8Array ? decodeCbor(input) : input;
  if (value instanceof Tagged) {
    if (value.tag !== tag) throw structureError(what, 'has an unexpected CBOR tag');
    value = value.value;
  }
  if (!Array.isArray(value) || value.length !== 4) throw structureError(what, 'is not a 4-element array');
  return value;
}

/**
 * Decodes a COSE_Sign1 (tagged 18 or untagged) from bytes or an already decoded value.
 * Nothing is verified here; see {@link verifyCoseSign1}.
 *
 * @example
 * ```ts
 * const sign1 = decodeCoseSign1(vicalBytes);
 * const signerDer = sign1.x5chain?.[0];
 * ```
 * @throws ComityError `ERR_MDOC_COSE_INVALID`, `ERR_MDOC_CBOR_*`
 * @see RFC 9052 §4.2, RFC 9360 §2
 */
export function decodeCoseSign1(input: Uint8Array | CborValue, what = 'COSE_Sign1', notes?: DecodeNotes): CoseSign1 {
  const value = toStructure(input, 18, what);
  const headers = decodeHeaders(value, what, notes);
  const payload = value[2];
  const signature = value[3];
  if (!(payload instanceof Uint8Array) && payload !== null) throw structureError(what, 'payload is neither a byte string nor null');
  if (!(signature instanceof Uint8Array)) throw structureError(what, 'signature is not a byte string');
  const coseAlg = headers.protectedHeader.get(COSE_HEADER_ALG);
  const alg = typeof coseAlg === 'number' ? COSE_ALGORITHMS.get(coseAlg) : undefined;
  const x5 = headers.protectedHeader.get(COSE_HEADER_X5CHAIN) ?? headers.unprotectedHeader.get(COSE_HEADER_X5CHAIN);
  let x5chain: Uint8Array[] | undefined;
  let x5chainSingleArray = false;
  if (x5 instanceof Uint8Array) x5chain = [x5];
  else if (Array.isArray(x5)) {
    if (x5.length === 0 || !x5.every((c): c is Uint8Array => c instanceof Uint8Array)) throw structureError(what, 'x5chain is not a list of certificates');
    x5chain = x5;
    x5chainSingleArray = x5.length === 1;
  } else if (x5 !== undefined) throw structureError(what, 'x5chain is neither a byte string nor an array');
  return {
    protectedBytes: headers.protectedBytes,
    protectedHeader: headers.protectedHeader,
    unprotectedHeader: headers.unprotectedHeader,
    payload,
    signature,
    alg,
    coseAlg,
    x5chain,
    x5chainSingleArray,
  };
}

/**
 * Decodes a COSE_Mac0 (tagged 17 or untagged); nothing is verified.
 *
 * @example
 * ```ts
 * const mac0 = decodeCoseMac0(deviceMacValue);
 * if (mac0.coseAlg !== 5) throw new Error('not HMAC 256/256');
 * ```
 * @throws ComityError `ERR_MDOC_COSE_INVALID`, `ERR_MDOC_CBOR_*`
 * @see RFC 9052 §6.2
 */
export function decodeCoseMac0(input: Uint8Array | CborValue, what = 'COSE_Mac0'): CoseMac0 {
  const value = toStructure(input, 17, what);
  const headers = decodeHeaders(value, what);
  const payload = value[2];
  const tag = value[3];
  if (!(payload instanceof Uint8Array) && payload !== null) throw structureError(what, 'payload is neither a byte string nor null');
  if (!(tag instanceof Uint8Array)) throw structureError(what, 'tag is not a byte string');
  return { ...headers, payload, tag, coseAlg: headers.protectedHeader.get(COSE_HEADER_ALG) };
}

/** Sig_structure / MAC_structure bytes: `[context, protected, external_aad, payload]`. */
export function coseToBeSigned(
  context: 'Signature1' | 'MAC0',
  protectedBytes: Uint8Array,
  payload: Uint8Array,
  externalAad: Uint8Array = new Uint8Array(0),
): Uint8Array {
  // One allocation: prefix, then each byte string's head and content.
  const prefix = CONTEXT_PREFIX[context];
  const parts = [prefix, head(2, protectedBytes.length), protectedBytes, head(2, externalAad.length), externalAad, head(2, payload.length), payload];
  return concatBytes(parts);
}

const CONTEXT_PREFIX = {
  Signature1: Uint8Array.of(0x84, ...encodeCbor('Signature1')),
  MAC0: Uint8Array.of(0x84, ...encodeCbor('MAC0')),
};

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
