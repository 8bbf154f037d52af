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
import { MAX_DOCUMENT_ERRORS, MAX_ELEMENT_ERRORS, MAX_NAME_LENGTH } from './internal/response-errors.js';
import { parseIssuerSigned } from './parse-issuer-signed.js';
import { deviceAuthenticationBytes, normalizeSessionTranscript } from './session-transcript.js';
import type { MdocDocumentError, MdocElementError } from './verify.js';

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
  /**
   * Requested elements this document does not return, and why (ErrorCode 0: data not returned),
   * sent as the Document's `errors` and reported by the verifier as `elementErrors`. An element
   * the document does return (disclosed or device-signed) cannot also be an error; at most 1024
   * entries, each (namespace, element) once. Grouped by namespace on the wire.
   */
  readonly elementErrors?: readonly MdocElementError[];
};

/** Options of {@link presentMdoc}: one document, or several in `documents`. */
export type PresentMdocInput = ((PresentDocumentInput & { readonly documents?: undefined }) | { readonly documents: readonly PresentDocumentInput[] }) & {
  /** The SessionTranscript (bare or tag-24 wrapped) from {@link buildSessionTranscript}. */
  readonly sessionTranscript: Uint8Array;
  readonly ctx: ComityContext;
  /**
   * Requested documents the wallet does not return, and why (ErrorCode 0: data not returned),
   * sent as the DeviceResponse's `documentErrors` and reported by the verifier on every result.
   * At most 64 entries, each docType once. With them, `documents` may be empty: the response
   * then holds only `documentErrors`.
   */
  readonly documentErrors?: readonly MdocDocumentError[];
};

function errorsMistake(message: string): never {
  throw new ComityUsageError('ERR_USAGE_MDOC_ERRORS', message);
}

/** An ErrorCode is a CBOR int (ISO 18013-5 §8.3.2.1.2.2); anything else is the caller's mistake. */
function errorCode(value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) errorsMistake('an ErrorCode must be an integer');
  return value;
}

function errorName(value: unknown, what: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_NAME_LENGTH)
    errorsMistake(`${what} must be a non-empty string of at most ${MAX_NAME_LENGTH} characters`);
  return value;
}

/** Copies and checks a list of error entries: an array of objects, at most `max` of them. */
function errorEntries(value: unknown, what: string, max: number): Record<string, unknown>[] {
  if (!Array.isArray(value)) errorsMistake(`${what} must be an array`);
  const list: unknown[] = Array.from(value);
  if (list.length > max) errorsMistake(`${what} has more than ${max} entries`);
  return list.map((entry) => {
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) errorsMistake(`${what} entries must be objects`);
    return entry as Record<string, unknown>;
  });
}

/** `documentErrors` as sent: one `{ DocType => ErrorCode }` map per entry (the CDDL's DocumentError has exactly one). */
function documentErrorsOf(value: unknown): Map<string, number>[] {
  if (value === undefined) return [];
  const seen = new Set<string>();
  return errorEntries(value, 'documentErrors', MAX_DOCUMENT_ERRORS).map((entry) => {
    const docType = errorName(entry.docType, 'a documentErrors docType');
    const code = errorCode(entry.code);
    if (seen.has(docType)) errorsMistake('documentErrors names a docType twice');
    seen.add(docType);
    return new Map([[docType, code]]);
  });
}

/**
 * A Document's `errors` as sent: `{ + NameSpace => { + DataElementIdentifier => ErrorCode } }`,
 * namespaces in order of first appearance. `returned` holds what the document returns.
 */
function elementErrorsOf(value: unknown, returned: ReadonlyMap<string, ReadonlySet<string>>): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  if (value === undefined) return out;
  for (const entry of errorEntries(value, 'elementErrors', MAX_ELEMENT_ERRORS)) {
    const namespace = errorName(entry.namespace, 'an elementErrors namespace');
    const element = errorName(entry.element, 'an elementErrors element');
    const code = errorCode(entry.code);
    // §8.3.2.1.2.2: errors are for elements not returned; saying both is a contradiction.
    if (returned.get(namespace)?.has(element) === true) errorsMistake('elementErrors names an element the document returns');
    let items = out.get(namespace);
    if (items === undefined) {
      items = new Map();
      out.set(namespace, items);
    }
    if (items.has(element)) errorsMistake('elementErrors names an element twice');
    items.set(element, code);
  }
  return out;
}

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
  // What the document returns, issuer- or device-signed: none of it may be reported as an error.
  const returned = new Map<string, Set<string>>();
  for (const [ns, items] of parsed.nameSpaces) {
    const set = want.get(ns);
    if (set === undefined) continue;
    const chosen = items.filter((i) => set.has(i.elementIdentifier));
    if (chosen.length === 0) continue;
    nameSpaces.set(
      ns,
      chosen.map((i) => i.bytes),
    );
    returned.set(ns, new Set(chosen.map((i) => i.elementIdentifier)));
  }
  const issuerSigned = new Map<string, unknown>();
  if (nameSpaces.size > 0) issuerSigned.set('nameSpaces', nameSpaces);
  issuerSigned.set('issuerAuth', new RawCbor(issuerAuthRaw));

  const deviceNs = new Map<string, unknown>();
  for (const [ns, els] of Object.entries(doc.deviceNameSpaces ?? {})) deviceNs.set(ns, toEncodable(els));
  for (const [ns, els] of deviceNs) {
    if (!(els instanceof Map)) continue;
    const set = returned.get(ns) ?? new Set<string>();
    for (const el of els.keys()) set.add(String(el));
    returned.set(ns, set);
  }
  // Checked before anything is signed.
  const errors = elementErrorsOf(doc.elementErrors, returned);
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
  const document = new Map<string, unknown>([
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
  if (errors.size > 0) document.set('errors', toEncodable(errors));
  return document;
}

/**
 * Builds a DeviceResponse (version "1.0", status 0) disclosing only the requested elements.
 * IssuerSignedItemBytes and issuerAuth are copied byte for byte from what the issuer sent.
 * Requested elements the credential does not hold are left out (the verifier's DCQL check decides).
 * What the wallet does not return it can say so honestly: `documentErrors` for requested
 * documents, a document's `elementErrors` for requested elements (ErrorCode 0: data not returned).
 *
 * @example
 * ```ts
 * const transcript = await buildSessionTranscript({ type: 'openid4vp-dcapi', origin, nonce }, ctx);
 * const deviceResponse = await presentMdoc({ issuerSigned, disclose: [['org.iso.18013.5.1', 'age_over_18']],
 *   deviceSigner: localSigner(devicePrivateJwk, 'ES256', ctx.crypto), sessionTranscript: transcript, ctx });
 * // Saying what is not returned: a requested element the citizen withheld, a requested PID the wallet lacks.
 * const honest = await presentMdoc({ issuerSigned, disclose: [['org.iso.18013.5.1', 'age_over_18']],
 *   elementErrors: [{ namespace: 'org.iso.18013.5.1', element: 'portrait', code: 0 }],
 *   documentErrors: [{ docType: 'eu.europa.ec.eudi.pid.1', code: 0 }],
 *   deviceSigner: localSigner(devicePrivateJwk, 'ES256', ctx.crypto), sessionTranscript: transcript, ctx });
 * ```
 * @throws ComityError `ERR_MDOC_STRUCTURE` and parse codes for a stored credential that cannot be read;
 *   ComityUsageError `ERR_USAGE_CLAIM_PATH`, `ERR_USAGE_DEVICE_AUTH`, `ERR_USAGE_MDOC_PRESENT` (nothing to present),
 *   `ERR_USAGE_MDOC_ERRORS` (malformed `documentErrors` / `elementErrors`: not a list of objects, too many,
 *   a non-integer ErrorCode, an empty or over-long name, a repeat, or an element the document returns)
 * @see ISO/IEC 18013-5:2021 §8.3.2.1.2.2, §9.1.3
 */
export async function presentMdoc(input: PresentMdocInput): Promise<Uint8Array> {
  const transcript = normalizeSessionTranscript(input.sessionTranscript);
  const docs: readonly PresentDocumentInput[] = input.documents !== undefined ? input.documents : [input as PresentDocumentInput];
  const documentErrors = documentErrorsOf(input.documentErrors);
  // A response may hold only documentErrors (nothing requested is returned), never nothing at all.
  if (docs.length === 0 && documentErrors.length === 0) throw new ComityUsageError('ERR_USAGE_MDOC_PRESENT', 'no document to present');
  const documents = [];
  for (const doc of docs) documents.push(await presentOne(doc, transcript, input.ctx));
  const response = new Map<string, unknown>([['version', '1.0']]);
  // `documents` and `documentErrors` are `[+ ...]`: present only when non-empty.
  if (documents.length > 0) response.set('documents', documents);
  if (documentErrors.length > 0) response.set('documentErrors', toEncodable(documentErrors));
  response.set('status', 0);
  return encodeCbor(response);
}
