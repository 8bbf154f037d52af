/**
 * COSE_Sign1 (RFC 9052) structure for every COSE user (mdoc issuerAuth and deviceSignature,
 * CWT status lists, VICALs): decoding with the protected header kept as received, the
 * header rules of §3, `x5chain` (RFC 9360) and the `Sig_structure` that is signed. Which key
 * verifies, and with which codes, stays with each format.
 *
 * @module
 */
import { type CborMap, type CborValue, cborHead, type DecodeLimits, type DecodeNotes, decodeCbor, Tagged } from './cbor.js';
import { COSE_ALGORITHMS } from './crypto/cose-algorithms.js';
import type { SignatureAlgorithm } from './crypto/types.js';
import { concatBytes, utf8Encode } from './encoding.js';
import { ComityError } from './errors.js';

/** COSE header labels comity reads (RFC 9052 §3.1, RFC 9360 §2). */
export const COSE_HEADER = { alg: 1, crit: 2, contentType: 3, kid: 4, typ: 16, x5chain: 33 } as const;

/** CBOR tag of a COSE_Sign1 (RFC 9052 §4.2). */
export const COSE_SIGN1_TAG = 18;

/** A decoded COSE_Sign1; nothing in it is verified. */
export interface CoseSign1 {
  /** The protected header bstr content exactly as received (what the Sig_structure covers). */
  readonly protectedBytes: Uint8Array;
  readonly protectedHeader: CborMap;
  readonly unprotectedHeader: CborMap;
  /** Payload bytes, or null when detached. */
  readonly payload: Uint8Array | null;
  readonly signature: Uint8Array;
  /** The signature algorithm of the protected `alg`; undefined when absent, not an integer, or unknown. */
  readonly alg: SignatureAlgorithm | undefined;
  /** The protected `alg` value as received (for diagnostics). */
  readonly coseAlg: CborValue;
  /** DER certificates of `x5chain` from either header (leaf first); undefined when absent. */
  readonly x5chain: readonly Uint8Array[] | undefined;
  /** True when `x5chain` was a one-element array (RFC 9360 wants a bare bstr then). */
  readonly x5chainSingleArray: boolean;
}

/** Options of {@link decodeCoseSign1} and {@link decodeCoseMac0}. */
export interface DecodeCoseOptions {
  /** Names the structure in messages (default `COSE_Sign1`). */
  readonly what?: string;
  /** Code for a structure that is not a COSE_Sign1 (default `ERR_COSE_INVALID`). */
  readonly code?: string;
  /** Code for critical header parameters, which comity never processes (default: `code`). */
  readonly critCode?: string;
  /** Limits and code family of the CBOR decoding (the protected header nests to 8 at most). */
  readonly cbor?: DecodeLimits;
  /** Collects preferred-serialization observations. */
  readonly notes?: DecodeNotes;
}

/** A decoded COSE_Mac0; nothing in it is verified. */
export interface CoseMac0 {
  readonly protectedBytes: Uint8Array;
  readonly protectedHeader: CborMap;
  readonly unprotectedHeader: CborMap;
  readonly payload: Uint8Array | null;
  readonly tag: Uint8Array;
  /** The protected `alg` value as received (5 = HMAC 256/256). */
  readonly coseAlg: CborValue;
}

/** CBOR tag of a COSE_Mac0 (RFC 9052 §6.2). */
export const COSE_MAC0_TAG = 17;

/**
 * Decodes a COSE_Sign1, tagged (18) or untagged, from bytes or an already decoded value:
 * four members of the right types; the protected header a map (or empty); no label in both
 * headers (§3); no `crit` (comity understands no critical parameters); `x5chain` a bstr or a
 * non-empty array of bstr. Nothing is verified; sign with {@link coseToBeSigned}.
 *
 * @example
 * ```ts
 * const sign1 = decodeCoseSign1(bytes, { what: 'issuerAuth' });
 * const ok = await ctx.crypto.verify(sign1.alg!, key, coseToBeSigned('Signature1', sign1.protectedBytes, sign1.payload!), sign1.signature);
 * ```
 * @throws ComityError `ERR_COSE_INVALID` (or `options.code`, `options.critCode`), and the CBOR codes of {@link decodeCbor}
 * @see RFC 9052 §3, §4.2; RFC 9360 §2
 */
export function decodeCoseSign1(input: Uint8Array | CborValue, options: DecodeCoseOptions = {}): CoseSign1 {
  const what = options.what ?? 'COSE_Sign1';
  const { protectedBytes, protectedHeader, unprotectedHeader, payload, last: signature } = decodeCoseParts(input, COSE_SIGN1_TAG, what, options);
  if (!(signature instanceof Uint8Array)) throw invalid(options.code, what, 'signature is not a byte string');
  const coseAlg = protectedHeader.get(COSE_HEADER.alg);
  const alg = typeof coseAlg === 'number' ? COSE_ALGORITHMS.get(coseAlg) : undefined;
  const x5 = protectedHeader.get(COSE_HEADER.x5chain) ?? unprotectedHeader.get(COSE_HEADER.x5chain);
  let x5chain: Uint8Array[] | undefined;
  let x5chainSingleArray = false;
  if (x5 instanceof Uint8Array) x5chain = [x5];
  else if (Array.isArray(x5)) {
    if (x5.length === 0 || !x5.every((c): c is Uint8Array => c instanceof Uint8Array))
      throw invalid(options.code, what, 'x5chain is not a list of certificates');
    x5chain = x5;
    x5chainSingleArray = x5.length === 1;
  } else if (x5 !== undefined) throw invalid(options.code, what, 'x5chain is neither a byte string nor an array');
  return { protectedBytes, protectedHeader, unprotectedHeader, payload, signature, alg, coseAlg, x5chain, x5chainSingleArray };
}

/**
 * Decodes a COSE_Mac0, tagged (17) or untagged, with the header rules of
 * {@link decodeCoseSign1}; nothing is verified.
 *
 * @example
 * ```ts
 * const mac0 = decodeCoseMac0(deviceMac, { what: 'deviceMac' });
 * if (mac0.coseAlg !== 5) throw new Error('not HMAC 256/256');
 * ```
 * @throws ComityError `ERR_COSE_INVALID` (or `options.code`, `options.critCode`), and the CBOR codes of {@link decodeCbor}
 * @see RFC 9052 §6.2
 */
export function decodeCoseMac0(input: Uint8Array | CborValue, options: DecodeCoseOptions = {}): CoseMac0 {
  const what = options.what ?? 'COSE_Mac0';
  const { protectedBytes, protectedHeader, unprotectedHeader, payload, last: tag } = decodeCoseParts(input, COSE_MAC0_TAG, what, options);
  if (!(tag instanceof Uint8Array)) throw invalid(options.code, what, 'tag is not a byte string');
  return { protectedBytes, protectedHeader, unprotectedHeader, payload, tag, coseAlg: protectedHeader.get(COSE_HEADER.alg) };
}

function invalid(code: string | undefined, what: string, message: string): ComityError {
  return new ComityError(code ?? 'ERR_COSE_INVALID', `${what} ${message}`);
}

// The members and header rules COSE_Sign1 and COSE_Mac0 share (RFC 9052 §3, §4.2, §6.2).
function decodeCoseParts(input: Uint8Array | CborValue, tag: number, what: string, options: DecodeCoseOptions) {
  let value: CborValue = input instanceof Uint8Array ? decodeCbor(input, options.cbor, options.notes) : input;
  if (value instanceof Tagged) {
    if (value.tag !== tag) throw invalid(options.code, what, 'has an unexpected CBOR tag');
    value = value.value;
  }
  if (!Array.isArray(value) || value.length !== 4) throw invalid(options.code, what, 'is not a 4-element array');
  const [protectedBytes, unprotectedHeader, payload, last] = value;
  if (!(protectedBytes instanceof Uint8Array)) throw invalid(options.code, what, 'has no protected header byte string');
  if (!(unprotectedHeader instanceof Map)) throw invalid(options.code, what, 'has no unprotected header map');
  if (!(payload instanceof Uint8Array) && payload !== null) throw invalid(options.code, what, 'payload is neither a byte string nor null');
  let protectedHeader: CborMap = new Map();
  if (protectedBytes.length > 0) {
    const decoded = decodeCbor(protectedBytes, { ...options.cbor, maxDepth: Math.min(8, options.cbor?.maxDepth ?? 8) }, options.notes);
    if (!(decoded instanceof Map)) throw invalid(options.code, what, 'protected header is not a map');
    protectedHeader = decoded;
  }
  for (const label of protectedHeader.keys()) {
    if (unprotectedHeader.has(label)) throw invalid(options.code, what, 'has a header label in both protected and unprotected headers');
  }
  if (protectedHeader.has(COSE_HEADER.crit) || unprotectedHeader.has(COSE_HEADER.crit)) {
    throw invalid(options.critCode ?? options.code, what, 'has critical header parameters');
  }
  return { protectedBytes, protectedHeader, unprotectedHeader, payload, last };
}

const CONTEXT_PREFIX = {
  Signature1: concatBytes([Uint8Array.of(0x84), cborHead(3, 10), utf8Encode('Signature1')]),
  MAC0: concatBytes([Uint8Array.of(0x84), cborHead(3, 4), utf8Encode('MAC0')]),
};

/**
 * The bytes a COSE_Sign1 signs (`Sig_structure`) or a COSE_Mac0 authenticates
 * (`MAC_structure`): `[context, protected, external_aad, payload]` over the protected header
 * bytes as received, never a re-encoding.
 *
 * @example
 * ```ts
 * const toBeSigned = coseToBeSigned('Signature1', protectedBytes, payload);
 * const signature = await signer.sign(toBeSigned);
 * ```
 * @see RFC 9052 §4.4, §6.3
 */
export function coseToBeSigned(
  context: 'Signature1' | 'MAC0',
  protectedBytes: Uint8Array,
  payload: Uint8Array,
  externalAad: Uint8Array = new Uint8Array(0),
): Uint8Array {
  return concatBytes([
    CONTEXT_PREFIX[context],
    cborHead(2, protectedBytes.length),
    protectedBytes,
    cborHead(2, externalAad.length),
    externalAad,
    cborHead(2, payload.length),
    payload,
  ]);
}
