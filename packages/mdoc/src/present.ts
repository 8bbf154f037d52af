/**
 * Presenting mdocs: a DeviceResponse that discloses only the requested elements, keeps the
 * IssuerSigned items and issuerAuth byte for byte, and authenticates with deviceSignature or
 * deviceMac over DeviceAuthentication.
 *
 * @module
 */
import { type ClaimPath, type ComityContext, ComityError, ComityUsageError, type Jwk, type Signer, utf8Encode } from '@comity/core';
import { computeMac0Tag, MAC0_HMAC256_PROTECTED, signCoseSign1 } from './cose.js';
import { type CborValue, type DataItem, type DecodeNotes, decodeCbor, encodeCbor, RawCbor, toDataItem, wrapTag24 } from './internal/cbor.js';
import { toEncodable } from './internal/encode-values.js';
import { asMap, fail, required } from './internal/read.js';
import { parseIssuerSigned } from './parse-issuer-signed.js';
import { deviceAuthenticationBytes, normalizeSessionTranscript } from './session-transcript.js';

/** How the device authenticates a document. */
export type DeviceAuthInput =
  | { readonly deviceSigner: Signer; readonly deviceMacKey?: undefined }
  | { readonly deviceMacKey: { readonly devicePrivateJwk: Jwk; readonly readerPublicJwk: Jwk }; readonly deviceSigner?: undefined };

/** One document to present. */
export type PresentDocumentInput = DeviceAuthInput & {
  /** IssuerSigned CBOR exactly as received from the issuer. */
  readonly issuerSigned: Uint8Array;
  /** Elements to disclose as `[namespace, elementIdentifier]` (DCQL claim paths). */
  readonly disclose: readonly ClaimPath[];
  /** Device-signed elements (must be covered by the MSO keyAuthorizations to be accepted). */
  readonly deviceNameSpaces?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
};

/** Options of {@link presentMdoc}: one document, or several in `documents`. */
export type PresentMdocInput = ((PresentDocumentInput & { readonly documents?: undefined }) | { readonly documents: readonly PresentDocumentInput[] }) & {
  /** The SessionTranscript (bare or tag-24 wrapped) from {@link buildSessionTranscript}. */
  readonly sessionTranscript: Uint8Array;
  readonly ctx: ComityContext;
};

function wanted(disclose: readonly ClaimPath[]): Map<string, Set<string>> {
  if (!Array.isArray(disclose)) throw new ComityUsageError('ERR_USAGE_CLAIM_PATH', 'disclose is a list of [namespace, elementIdentifier] paths');
  const out = new Map<string, Set<string>>();
  for (const path of disclose) {
    if (!Array.isArray(path)) throw new ComityUsageError('ERR_USAGE_CLAIM_PATH', 'mdoc claim paths are [namespace, elementIdentifier]');
    const [ns, el] = path;
    if (path.length !== 2 || typeof ns !== 'string' || typeof el !== 'string') {
      throw new ComityUsageError('ERR_USAGE_CLAIM_PATH', 'mdoc claim paths are [namespace, elementIdentifier]');
    }
    let set = out.get(ns);
    if (set === undefined) {
      set = new Set();
      out.set(ns, set);
    }
    set.add(el);
  }
  return out;
}

async function presentOne(doc: PresentDocumentInput, transcript: Uint8Array, ctx: ComityContext): Promise<Map<string, unknown>> {
  const spans = new WeakMap<object, Uint8Array>();
  const notes: DecodeNotes = { notPreferred: false, spans };
  let decoded: CborValue;
  try {
    decoded = decodeCbor(doc.issuerSigned, {}, notes);
  } catch (cause) {
    throw new ComityError('ERR_MDOC_STRUCTURE', 'issuerSigned could not be decoded', { cause });
  }
  const parsed = parseIssuerSigned(decoded);
  const issuerAuthValue = required(asMap(decoded, 'IssuerSigned'), 'issuerAuth', 'issuerAuth');
  const issuerAuthRaw = issuerAuthValue !== null && typeof issuerAuthValue === 'object' ? spans.get(issuerAuthValue) : undefined;
  if (issuerAuthRaw === undefined) fail('ERR_MDOC_STRUCTURE', 'issuerAuth is not a COSE_Sign1 array');
  const docType = parsed.mso.docType;

  const want = wanted(doc.disclose);
  const nameSpaces = new Map<string, DataItem[]>();
  for (const [ns, items] of parsed.nameSpaces) {
    const set = want.get(ns);
    if (set === undefined) continue;
    const chosen = items.filter((i) => set.has(i.elementIdentifier)).map((i) => i.bytes);
    if (chosen.length > 0) nameSpaces.set(ns, chosen);
  }
  const issuerSigned = new Map<string, unknown>();
  if (nameSpaces.size > 0) issuerSigned.set('nameSpaces', nameSpaces);
  issuerSigned.set('issuerAuth', new RawCbor(issuerAuthRaw));

  const deviceNs = new Map<string, unknown>();
  for (const [ns, els] of Object.entries(doc.deviceNameSpaces ?? {})) deviceNs.set(ns, toEncodable(els));
  const deviceNameSpacesBytes = toDataItem(deviceNs);
  const da = deviceAuthenticationBytes(transcript, docType, deviceNameSpacesBytes);
  let deviceAuth: Map<string, unknown>;
  if (doc.deviceSigner !== undefined) {
    const sig = await signCoseSign1({ signer: doc.deviceSigner, payload: da, detached: true });
    deviceAuth = new Map([['deviceSignature', new RawCbor(sig)]]);
  } else if (doc.deviceMacKey !== undefined) {
    const shared = await ctx.crypto.ecdh(doc.deviceMacKey.devicePrivateJwk, doc.deviceMacKey.readerPublicJwk);
    const salt = await ctx.crypto.digest('sha-256', wrapTag24(transcript));
    const key = await ctx.crypto.hkdf('sha-256', shared, salt, utf8Encode('EMacKey'), 32);
    const tag = await computeMac0Tag(ctx, key, MAC0_HMAC256_PROTECTED, da);
    deviceAuth = new Map([['deviceMac', [MAC0_HMAC256_PROTECTED, new Map(), null, tag]]]);
  } else {
    throw new ComityUsageError('ERR_USAGE_DEVICE_AUTH', 'give deviceSigner or deviceMacKey');
  }
  return new Map<string, unknown>([
    ['docType', docType],
    ['issuerSigned', issuerSigned],
    [
      'deviceSigned',
      new Map<string, unknown>([
        ['nameSpaces', deviceNameSpacesBytes],
        ['deviceAuth', deviceAuth],
      ]),
    ],
  ]);
}

/**
 * Builds a DeviceResponse (version "1.0", status 0) disclosing only the requested elements.
 * IssuerSignedItemBytes and issuerAuth are copied byte for byte from what the issuer sent.
 * Requested elements the credential does not hold are left out (the verifier's DCQL check decides).
 *
 * @example
 * ```ts
 * const transcript = await buildSessionTranscript({ type: 'openid4vp-dcapi', origin, nonce }, ctx);
 * const deviceResponse = await presentMdoc({ issuerSigned, disclose: [['org.iso.18013.5.1', 'age_over_18']],
 *   deviceSigner: localSigner(devicePrivateJwk, 'ES256', ctx.crypto), sessionTranscript: transcript, ctx });
 * ```
 * @throws ComityError `ERR_MDOC_STRUCTURE` and parse codes for a stored credential that cannot be read;
 *   ComityUsageError `ERR_USAGE_CLAIM_PATH`, `ERR_USAGE_DEVICE_AUTH`
 * @see ISO/IEC 18013-5:2021 §8.3.2.1.2.2, §9.1.3
 */
export async function presentMdoc(input: PresentMdocInput): Promise<Uint8Array> {
  const transcript = normalizeSessionTranscript(input.sessionTranscript);
  const docs: readonly PresentDocumentInput[] = input.documents !== undefined ? input.documents : [input as PresentDocumentInput];
  if (docs.length === 0) throw new ComityUsageError('ERR_USAGE_MDOC_PRESENT', 'no document to present');
  const documents = [];
  for (const doc of docs) documents.push(await presentOne(doc, transcript, input.ctx));
  return encodeCbor(
    new Map<string, unknown>([
      ['version', '1.0'],
      ['documents', documents],
      ['status', 0],
    ]),
  );
}
