/**
 * Verification of a DeviceResponse (and of a bare IssuerSigned): issuer signature and chain
 * with the ISO profile, value digests over the received bytes, docType, validity, device
 * authentication over DeviceAuthentication built from the verifier's SessionTranscript, and
 * keyAuthorizations for device-signed elements.
 *
 * @module
 */
import {
  bytesEqual,
  type Certificate,
  type ComityContext,
  ComityError,
  ComityUsageError,
  DEFAULT_SIGNATURE_ALGORITHMS,
  type Issue,
  type IssuerInfo,
  type Jwk,
  parseCertificate,
  type SignatureAlgorithm,
  toIssue,
  utf8Encode,
  type VerificationResult,
} from '@comity/core';
import { checkSign1Alg, computeMac0Tag, decodeCoseMac0, decodeCoseSign1, verifyCoseSign1 } from './cose.js';
import { checkDocumentSignerChain, snapshotAnchors } from './document-signer.js';
import { type CborMap, type CborValue, DataItem, type DecodeNotes, decodeCbor, wrapTag24 } from './internal/cbor.js';
import { asArray, asMap, asText, asUint, fail, required } from './internal/read.js';
import { MAX_DOCUMENT_ERRORS, MAX_ELEMENT_ERRORS, MAX_NAME_LENGTH } from './internal/response-errors.js';
import { type IssuerSigned, type IssuerSignedItem, parseIssuerSigned } from './parse-issuer-signed.js';
import { deviceAuthenticationBytes, normalizeSessionTranscript } from './session-transcript.js';
import { toJsonValue } from './values.js';

/** Claims of an mdoc: `{ namespace: { elementIdentifier: value } }` with JSON-friendly values (see {@link toJsonValue}). */
export type MdocClaims = Record<string, Record<string, unknown>>;

/**
 * One entry of a DeviceResponse's `documentErrors`: a docType the wallet did not return, and
 * its ErrorCode (0: data not returned; other values are not defined by ISO 18013-5).
 */
export interface MdocDocumentError {
  readonly docType: string;
  readonly code: number;
}

/**
 * One entry of a Document's `errors`: a requested data element the wallet did not return, and
 * its ErrorCode (0: data not returned).
 */
export interface MdocElementError {
  readonly namespace: string;
  readonly element: string;
  readonly code: number;
}

/** The result for one mdoc document. */
export interface MdocVerificationResult extends VerificationResult<MdocClaims> {
  readonly format: 'mso_mdoc';
  /** The document's docType (undefined when unreadable). */
  readonly docType: string | undefined;
  /** Elements the device signed (DeviceNameSpaces), only when the document is valid. */
  readonly deviceClaims: MdocClaims;
  /** MSO validity (RFC 3339 text as received). */
  readonly validityInfo?: { readonly signed: string; readonly validFrom: string; readonly validUntil: string; readonly expectedUpdate?: string } | undefined;
  /** The MSO `status` reference (status list / identifier list), JSON-friendly, for the caller's revocation check. */
  readonly status?: unknown;
  /** The device key from the MSO. */
  readonly deviceKey?: Jwk | undefined;
  /**
   * The response's `documentErrors`, in order: what the wallet reports it did not return.
   * Response-level, so the same on every result of one DeviceResponse; absent when the response
   * carried none (and from {@link verifyIssuerSigned}).
   */
  readonly documentErrors?: readonly MdocDocumentError[] | undefined;
  /**
   * This document's `errors`, in order: requested elements the wallet did not return, and why.
   * Absent when the document carried none. Like `documentErrors`, the wallet's unsigned say-so.
   */
  readonly elementErrors?: readonly MdocElementError[] | undefined;
  /**
   * The response's `status` when it is not 0 (10 general error, 11 CBOR decoding error, 12 CBOR
   * validation error), reported with `ERR_MDOC_RESPONSE_STATUS`; absent when 0 or unreadable.
   */
  readonly responseStatus?: number | undefined;
}

/** Options of {@link verifyIssuerSigned}. */
export interface VerifyIssuerSignedOptions {
  /** Trusted certificates: IACA roots, or pinned document-signer certificates. */
  readonly trustAnchors: readonly Certificate[];
  /**
   * `deferred`: check the document signer (signature, ISO profile, validity) but leave the
   * anchor to a later trust decision (a trust registry); `trustAnchors` is then ignored, the
   * result's `issuer.anchor` is absent and {@link x5chainCertificatesOf} gives the chain.
   */
  readonly anchoring?: 'deferred';
  readonly ctx: ComityContext;
  /** Expected docType. */
  readonly docType?: string;
  /** Accepted issuer and device signature algorithms (default ES256/384/512, EdDSA, Ed25519). */
  readonly allowedAlgorithms?: readonly SignatureAlgorithm[];
  /** Accepted document-signer EKUs (default the mDL DS EKU `1.0.18013.5.1.2`). */
  readonly documentSignerEkus?: readonly string[];
  /** Tolerance for validityInfo against the clock, in seconds (default 0; a finite non-negative number, else `ERR_USAGE_CLOCK_TOLERANCE`). */
  readonly clockToleranceSeconds?: number;
  /**
   * More namespaces whose `issuing_country` names the issuing State, so that it must equal the
   * document signer's `C` (`ERR_MDOC_COUNTRY_MISMATCH`). Added to the two that always are: the
   * mDL namespace `org.iso.18013.5.1` (ISO 18013-5 §9.3.1) and the EU PID namespace
   * `eu.europa.ec.eudi.pid.1` (PID Rulebook: the PID Provider's Member State). Elsewhere an
   * `issuing_country` is the namespace's own data and is not compared. A list of non-empty
   * namespace names, else `ERR_USAGE_MDOC_VERIFY_OPTION`.
   */
  readonly issuingCountryNameSpaces?: readonly string[];
}

/** Options of {@link verifyDeviceResponse}. */
export interface VerifyDeviceResponseOptions extends VerifyIssuerSignedOptions {
  /** The SessionTranscript the verifier built from its own request (bare or tag-24 wrapped). */
  readonly sessionTranscript: Uint8Array;
  /** The reader's ephemeral private key, needed to check a deviceMac. */
  readonly readerPrivateKey?: Jwk;
}

const FORMAT = 'mso_mdoc' as const;

const presentedChains = new WeakMap<IssuerInfo, readonly Certificate[]>();

/**
 * The document signer chain as presented in `x5chain` (leaf first), for the `issuer` object of
 * a result: what a trust registry anchors when verification ran with `anchoring: 'deferred'`.
 *
 * @example
 * ```ts
 * const [doc] = await verifyDeviceResponse(bytes, { trustAnchors: [], anchoring: 'deferred', sessionTranscript, ctx });
 * const chain = doc?.issuer === undefined ? undefined : x5chainCertificatesOf(doc.issuer);
 * ```
 */
export function x5chainCertificatesOf(issuer: IssuerInfo): readonly Certificate[] | undefined {
  return presentedChains.get(issuer);
}
/** The mDL namespace: its `issuing_country` and `issuing_jurisdiction` must match the DS `C` and `ST` (ISO 18013-5 §9.3.1). */
const MDL_NAMESPACE = 'org.iso.18013.5.1';
/** The EU PID namespace: its `issuing_country` is the PID Provider's Member State (ARF Annex 3.01 PID Rulebook). */
const PID_NAMESPACE = 'eu.europa.ec.eudi.pid.1';
/**
 * Namespaces whose `issuing_country` must equal the DS `C`, unless the caller names more.
 * `C` is an ISO 3166-1 alpha-2 code in every certificate, so the comparison means the same
 * wherever the element means the issuing State.
 */
const COUNTRY_NAMESPACES: ReadonlySet<string> = new Set([MDL_NAMESPACE, PID_NAMESPACE]);
/**
 * Namespaces whose `issuing_jurisdiction` must equal the DS `ST` when it has one: the mDL only.
 * Only the mDL document signer profile makes `ST` an ISO 3166-2 code; elsewhere it is free text
 * (the PID Rulebook ties `issuing_jurisdiction` to `issuing_country`, not to the certificate).
 */
const JURISDICTION_NAMESPACES: ReadonlySet<string> = new Set([MDL_NAMESPACE]);

/**
 * The clock tolerance in milliseconds. A NaN, infinite, negative or non-number tolerance would
 * silently turn the validity comparisons off (fail open), so it is the caller's mistake.
 */
function toleranceMs(options: VerifyIssuerSignedOptions): number {
  const seconds = options.clockToleranceSeconds;
  if (seconds === undefined) return 0;
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) {
    throw new ComityUsageError('ERR_USAGE_CLOCK_TOLERANCE', 'clockToleranceSeconds must be a finite non-negative number of seconds');
  }
  return seconds * 1000;
}

/**
 * The namespaces whose `issuing_country` is compared with the DS `C`: the built-in ones plus the
 * caller's. A malformed list is the caller's mistake, never a silently narrower check.
 */
function countryNameSpaces(options: VerifyIssuerSignedOptions): ReadonlySet<string> {
  const extra: unknown = options.issuingCountryNameSpaces;
  if (extra === undefined) return COUNTRY_NAMESPACES;
  // Copied before it is checked, so what is checked is what is used.
  const list: unknown[] = Array.isArray(extra) ? Array.from(extra) : [null];
  if (!list.every((ns) => typeof ns === 'string' && ns.length > 0 && ns.length <= MAX_NAME_LENGTH)) {
    throw new ComityUsageError('ERR_USAGE_MDOC_VERIFY_OPTION', 'issuingCountryNameSpaces must be a list of non-empty namespace names');
  }
  return new Set([...COUNTRY_NAMESPACES, ...(list as string[])]);
}

/**
 * Sets `key` as an own property: element identifiers and namespaces are issuer or holder data,
 * and plain assignment of `__proto__` would change the object's prototype instead.
 */
function setClaim(target: Record<string, unknown>, key: string, value: unknown): void {
  // Plain assignment otherwise: it keeps the claims objects fast on the verification path.
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/**
 * The options as they are when the call starts: each member read once and the lists copied, so
 * a caller editing its arrays (a trust list refresh) while verification awaits changes nothing
 * in that call. A non-list is left as it is, for the checks that refuse it.
 */
function snapshotOptions<T extends VerifyIssuerSignedOptions>(options: T): T {
  const { trustAnchors, allowedAlgorithms, documentSignerEkus } = options;
  return {
    ...options,
    trustAnchors: Array.isArray(trustAnchors) ? snapshotAnchors(trustAnchors) : trustAnchors,
    allowedAlgorithms: Array.isArray(allowedAlgorithms) ? Object.freeze([...allowedAlgorithms]) : allowedAlgorithms,
    documentSignerEkus: Array.isArray(documentSignerEkus) ? Object.freeze([...documentSignerEkus]) : documentSignerEkus,
  };
}

function invalid(errors: Issue[], warnings: Issue[] = [], docType?: string): MdocVerificationResult {
  return { valid: false, format: FORMAT, claims: {}, deviceClaims: {}, errors, warnings, docType };
}

interface IssuerPart {
  errors: Issue[];
  warnings: Issue[];
  claims: MdocClaims;
  issuer: IssuerInfo | undefined;
  issuerSigned: IssuerSigned | undefined;
}

async function checkIssuerSigned(
  value: CborValue,
  docType: string | undefined,
  options: VerifyIssuerSignedOptions,
  now: Date,
  tolerance: number,
  countryScope: ReadonlySet<string>,
): Promise<IssuerPart> {
  const errors: Issue[] = [];
  const warnings: Issue[] = [];
  const claims: MdocClaims = {};
  let issuerSigned: IssuerSigned;
  try {
    issuerSigned = parseIssuerSigned(value);
  } catch (e) {
    return { errors: [toIssue(e)], warnings, claims, issuer: undefined, issuerSigned: undefined };
  }
  warnings.push(...issuerSigned.warnings);
  const { mso, issuerAuth } = issuerSigned;
  const crypto = options.ctx.crypto;
  const algorithms = options.allowedAlgorithms ?? DEFAULT_SIGNATURE_ALGORITHMS;

  if (mso.version !== '1.0') errors.push({ code: 'ERR_MDOC_VERSION_UNSUPPORTED', message: 'MSO version is not 1.0', path: ['mso', 'version'] });
  if (docType !== undefined && mso.docType !== docType)
    errors.push({ code: 'ERR_MDOC_DOCTYPE_MISMATCH', message: 'MSO docType differs from the document docType', path: ['mso', 'docType'] });
  if (options.docType !== undefined && mso.docType !== options.docType)
    errors.push({ code: 'ERR_MDOC_DOCTYPE_MISMATCH', message: 'docType is not the expected one', path: ['docType'] });

  // Issuer signature and chain.
  let issuer: IssuerInfo | undefined;
  let dsCountry: string | undefined;
  let dsState: string | undefined;
  if (issuerAuth.x5chain === undefined) {
    errors.push({ code: 'ERR_MDOC_X5CHAIN_MISSING', message: 'issuerAuth carries no x5chain', path: ['issuerAuth'] });
  } else if (issuerAuth.x5chainSingleArray) {
    errors.push({ code: 'ERR_MDOC_X5CHAIN_INVALID', message: 'x5chain with one certificate must be a byte string, not an array', path: ['issuerAuth'] });
  } else {
    try {
      const chain = await Promise.all(issuerAuth.x5chain.map((der) => parseCertificate(der)));
      const ds = chain[0] as Certificate;
      try {
        checkSign1Alg(issuerAuth, algorithms);
        await verifyCoseSign1(issuerAuth, { publicJwk: ds.publicJwk, crypto, algorithms });
      } catch (e) {
        const issue = toIssue(e);
        errors.push(
          issue.code === 'ERR_MDOC_COSE_SIGNATURE_INVALID'
            ? { code: 'ERR_MDOC_ISSUER_SIGNATURE_INVALID', message: 'issuerAuth signature is invalid', path: ['issuerAuth'] }
            : issue,
        );
      }
      let chainShas = chain.map((c) => c.sha256);
      let anchor: IssuerInfo['anchor'];
      try {
        const deferred = options.anchoring === 'deferred';
        const checked = await checkDocumentSignerChain(deferred ? [ds] : chain, {
          // Deferred: pinning the document signer itself runs every profile and validity check but anchors nothing.
          trustAnchors: deferred ? [ds] : options.trustAnchors,
          now,
          signedAt: mso.validityInfo.signed.date,
          ...(options.documentSignerEkus === undefined ? {} : { documentSignerEkus: options.documentSignerEkus }),
        });
        warnings.push(...checked.warnings);
        if (!deferred) {
          chainShas = checked.path.map((c) => c.sha256);
          anchor = { sha256: checked.anchor.sha256, subject: checked.anchor.subject };
        }
      } catch (e) {
        errors.push(toIssue(e));
      }
      dsCountry = ds.subjectAttributes.C?.[0];
      dsState = ds.subjectAttributes.ST?.[0];
      issuer = { id: ds.subject, keyMethod: 'x5chain', jwk: ds.publicJwk, certificateChain: chainShas, anchor, country: dsCountry };
      presentedChains.set(issuer, chain);
    } catch (e) {
      errors.push(toIssue(e));
    }
  }

  // Validity against the clock.
  const t = now.getTime();
  if (t + tolerance < mso.validityInfo.validFrom.date.getTime())
    errors.push({ code: 'ERR_MDOC_NOT_YET_VALID', message: 'the MSO is not yet valid', path: ['mso', 'validityInfo', 'validFrom'] });
  if (t - tolerance > mso.validityInfo.validUntil.date.getTime())
    errors.push({ code: 'ERR_MDOC_EXPIRED', message: 'the MSO has expired', path: ['mso', 'validityInfo', 'validUntil'] });
  // A window in itself, whatever the clock: a tolerance must not open an inverted or empty one.
  const until = mso.validityInfo.validUntil.date.getTime();
  if (until <= mso.validityInfo.validFrom.date.getTime() || mso.validityInfo.signed.date.getTime() > until)
    errors.push({
      code: 'ERR_MDOC_VALIDITY_INVALID',
      message: 'MSO validUntil is not after validFrom, or the MSO was signed after its validUntil',
      path: ['mso', 'validityInfo'],
    });

  // Value digests over the received IssuerSignedItemBytes.
  const hash = mso.hash;
  if (hash === undefined) {
    errors.push({ code: 'ERR_MDOC_DIGEST_ALG_UNSUPPORTED', message: 'MSO digestAlgorithm is not supported', path: ['mso', 'digestAlgorithm'] });
  } else {
    for (const [ns, items] of issuerSigned.nameSpaces) {
      const digests = mso.valueDigests.get(ns);
      const seenIds = new Set<number>();
      const seenElements = new Set<string>();
      const out: Record<string, unknown> = {};
      const computed = await Promise.all(items.map((item) => crypto.digest(hash, item.bytes.raw)));
      for (let i = 0; i < items.length; i++) {
        const item = items[i] as IssuerSignedItem;
        const issue = itemIssue(item, seenIds, seenElements, digests?.get(item.digestID), computed[i] as Uint8Array);
        if (issue !== undefined) {
          errors.push({ ...issue, path: [ns, item.elementIdentifier] });
          continue;
        }
        setClaim(out, item.elementIdentifier, toJsonValue(item.elementValue));
        // Both rules are scoped by namespace: a same-named element elsewhere may mean something else.
        // A non-text value never matches.
        if (item.elementIdentifier === 'issuing_country' && countryScope.has(ns) && dsCountry !== undefined && item.elementValue !== dsCountry) {
          errors.push({
            code: 'ERR_MDOC_COUNTRY_MISMATCH',
            message: 'issuing_country differs from the document signer country',
            path: [ns, item.elementIdentifier],
          });
        }
        // Only required when the DS names a stateOrProvinceName.
        if (item.elementIdentifier === 'issuing_jurisdiction' && JURISDICTION_NAMESPACES.has(ns) && dsState !== undefined && item.elementValue !== dsState) {
          errors.push({
            code: 'ERR_MDOC_ISSUING_JURISDICTION_MISMATCH',
            message: 'issuing_jurisdiction differs from the document signer stateOrProvinceName',
            path: [ns, item.elementIdentifier],
          });
        }
      }
      setClaim(claims, ns, out);
    }
  }
  return { errors, warnings, claims, issuer, issuerSigned };
}

/** The first rule one received IssuerSignedItem breaks (ISO 18013-5 §9.3.1), or undefined; records its digestID and identifier as seen. */
function itemIssue(
  item: IssuerSignedItem,
  seenIds: Set<number>,
  seenElements: Set<string>,
  expected: Uint8Array | undefined,
  computed: Uint8Array,
): Omit<Issue, 'path'> | undefined {
  if (seenIds.has(item.digestID)) return { code: 'ERR_MDOC_DIGEST_ID_DUPLICATE', message: 'digestID used twice in a namespace' };
  seenIds.add(item.digestID);
  if (seenElements.has(item.elementIdentifier)) return { code: 'ERR_MDOC_ELEMENT_DUPLICATE', message: 'element disclosed twice in a namespace' };
  seenElements.add(item.elementIdentifier);
  if (expected === undefined) return { code: 'ERR_MDOC_DIGEST_MISSING', message: 'no value digest for this digestID in its namespace' };
  if (!bytesEqual(expected, computed)) return { code: 'ERR_MDOC_DIGEST_MISMATCH', message: 'value digest does not match the received item' };
  if (item.random.length < 16) return { code: 'ERR_MDOC_RANDOM_TOO_SHORT', message: 'IssuerSignedItem random is shorter than 16 bytes' };
  return undefined;
}

function validityView(s: IssuerSigned | undefined): MdocVerificationResult['validityInfo'] {
  if (s === undefined) return undefined;
  const v = s.mso.validityInfo;
  return v.expectedUpdate === undefined
    ? { signed: v.signed.text, validFrom: v.validFrom.text, validUntil: v.validUntil.text }
    : { signed: v.signed.text, validFrom: v.validFrom.text, validUntil: v.validUntil.text, expectedUpdate: v.expectedUpdate.text };
}

function finish(part: IssuerPart, docType: string | undefined, extraErrors: Issue[], deviceClaims: MdocClaims): MdocVerificationResult {
  const errors = [...part.errors, ...extraErrors];
  const valid = errors.length === 0;
  const mso = part.issuerSigned?.mso;
  return {
    valid,
    format: FORMAT,
    claims: valid ? part.claims : {},
    deviceClaims: valid ? deviceClaims : {},
    issuer: part.issuer,
    errors,
    warnings: part.warnings.filter((w, i) => part.warnings.findIndex((o) => o.code === w.code && o.path === w.path) === i),
    docType: docType ?? mso?.docType,
    validityInfo: validityView(part.issuerSigned),
    status: mso?.status === undefined ? undefined : toJsonValue(mso.status),
    deviceKey: mso?.deviceKey,
  };
}

/**
 * Verifies an IssuerSigned on its own (no device authentication): what a holder checks on
 * receipt, or a verifier for issuer-only data.
 *
 * @example
 * ```ts
 * const result = await verifyIssuerSigned(issuerSignedBytes, { trustAnchors: [iaca], ctx });
 * if (!result.valid) console.log(result.errors.map((e) => e.code));
 * ```
 * @throws never for bad input (see `errors`); ComityUsageError for bad options (`ERR_USAGE_CLOCK_TOLERANCE`,
 *   `ERR_USAGE_MDOC_VERIFY_OPTION`)
 * @see ISO/IEC 18013-5:2021 §9.3.1
 */
export async function verifyIssuerSigned(bytes: Uint8Array, given: VerifyIssuerSignedOptions): Promise<MdocVerificationResult> {
  const options = snapshotOptions(given);
  const tolerance = toleranceMs(options);
  const countryScope = countryNameSpaces(options);
  const now = options.ctx.now();
  const notes: DecodeNotes = { notPreferred: false };
  let value: CborValue;
  try {
    value = decodeCbor(bytes, {}, notes);
  } catch (e) {
    return invalid([toIssue(e)]);
  }
  try {
    const part = await checkIssuerSigned(value, undefined, options, now, tolerance, countryScope);
    if (notes.notPreferred) part.warnings.push({ code: 'WARN_MDOC_CBOR_NOT_PREFERRED', message: 'CBOR is not in preferred (shortest) serialization' });
    return finish(part, undefined, [], {});
  } catch (e) {
    // Safety net: every expected failure is already an issue; anything else must still not escape.
    return invalid([toIssue(e)]);
  }
}

async function checkDeviceAuth(
  doc: CborMap,
  docType: string,
  issuerSigned: IssuerSigned,
  transcript: Uint8Array,
  options: VerifyDeviceResponseOptions,
  algorithms: readonly SignatureAlgorithm[],
): Promise<{ errors: Issue[]; warnings: Issue[]; deviceClaims: MdocClaims }> {
  const errors: Issue[] = [];
  const warnings: Issue[] = [];
  const deviceClaims: MdocClaims = {};
  const notes: DecodeNotes = { notPreferred: false };
  const ds = doc.get('deviceSigned');
  if (ds === undefined)
    return { errors: [{ code: 'ERR_MDOC_DEVICE_AUTH_MISSING', message: 'document has no deviceSigned', path: ['deviceSigned'] }], warnings, deviceClaims };
  try {
    const deviceSigned = asMap(ds, 'deviceSigned', ['deviceSigned']);
    const nsItem = required(deviceSigned, 'nameSpaces', 'deviceSigned.nameSpaces', ['deviceSigned', 'nameSpaces']);
    if (!(nsItem instanceof DataItem)) fail('ERR_MDOC_STRUCTURE', 'DeviceNameSpacesBytes is not tag-24 wrapped', ['deviceSigned', 'nameSpaces']);
    const deviceNameSpaces = asMap(decodeCbor(nsItem.content, {}, notes), 'DeviceNameSpaces', ['deviceSigned', 'nameSpaces']);
    const auth = asMap(required(deviceSigned, 'deviceAuth', 'deviceAuth', ['deviceSigned', 'deviceAuth']), 'deviceAuth', ['deviceSigned', 'deviceAuth']);
    const sig = auth.get('deviceSignature');
    const mac = auth.get('deviceMac');
    if ((sig === undefined) === (mac === undefined)) {
      fail('ERR_MDOC_DEVICE_AUTH_MISSING', 'deviceAuth must hold exactly one of deviceSignature and deviceMac', ['deviceSigned', 'deviceAuth']);
    }
    const daBytes = deviceAuthenticationBytes(transcript, docType, nsItem);
    const deviceKey = issuerSigned.mso.deviceKey;
    if (sig !== undefined) {
      const sign1 = decodeCoseSign1(sig, 'deviceSignature', notes);
      checkSign1Alg(sign1, algorithms);
      if (sign1.payload !== null) {
        if (!bytesEqual(sign1.payload, daBytes))
          fail('ERR_MDOC_DEVICE_AUTH_PAYLOAD', 'deviceSignature embeds a payload other than DeviceAuthenticationBytes', ['deviceSigned', 'deviceAuth']);
        warnings.push({ code: 'WARN_MDOC_DEVICE_PAYLOAD_EMBEDDED', message: 'deviceSignature payload should be detached (null)' });
      }
      try {
        await verifyCoseSign1(sign1.payload === null ? sign1 : { ...sign1, payload: null }, {
          publicJwk: deviceKey,
          crypto: options.ctx.crypto,
          algorithms,
          detachedPayload: daBytes,
        });
      } catch (e) {
        const issue = toIssue(e);
        fail(issue.code === 'ERR_MDOC_COSE_SIGNATURE_INVALID' ? 'ERR_MDOC_DEVICE_SIGNATURE_INVALID' : issue.code, 'deviceSignature is invalid', [
          'deviceSigned',
          'deviceAuth',
        ]);
      }
    } else {
      const mac0 = decodeCoseMac0(mac, 'deviceMac');
      if (mac0.coseAlg !== 5) fail('ERR_MDOC_DEVICE_MAC_ALG', 'deviceMac algorithm is not HMAC 256/256', ['deviceSigned', 'deviceAuth']);
      if (options.readerPrivateKey === undefined)
        fail('ERR_MDOC_DEVICE_MAC_NO_READER_KEY', 'deviceMac needs the reader ephemeral key', ['deviceSigned', 'deviceAuth']);
      if (mac0.payload !== null && !bytesEqual(mac0.payload, daBytes))
        fail('ERR_MDOC_DEVICE_AUTH_PAYLOAD', 'deviceMac embeds a payload other than DeviceAuthenticationBytes');
      const crypto = options.ctx.crypto;
      let expected: Uint8Array;
      try {
        const shared = await crypto.ecdh(options.readerPrivateKey, deviceKey);
        const salt = await crypto.digest('sha-256', wrapTag24(transcript));
        const key = await crypto.hkdf('sha-256', shared, salt, utf8Encode('EMacKey'), 32);
        expected = await computeMac0Tag(options.ctx, key, mac0.protectedBytes, daBytes);
      } catch (cause) {
        throw new ComityError('ERR_MDOC_DEVICE_MAC_INVALID', 'deviceMac key agreement failed', { cause, details: { path: ['deviceSigned', 'deviceAuth'] } });
      }
      if (!bytesEqual(expected, mac0.tag)) fail('ERR_MDOC_DEVICE_MAC_INVALID', 'deviceMac is invalid', ['deviceSigned', 'deviceAuth']);
    }
    // Device-signed elements need the issuer's keyAuthorizations.
    const ka = issuerSigned.mso.keyAuthorizations;
    for (const [nsKey, elements] of deviceNameSpaces) {
      const ns = asText(nsKey, 'device namespace', ['deviceSigned', 'nameSpaces']);
      const out: Record<string, unknown> = {};
      for (const [elKey, v] of asMap(elements, 'device namespace elements', ['deviceSigned', 'nameSpaces', ns])) {
        const el = asText(elKey, 'device element', ['deviceSigned', 'nameSpaces', ns]);
        const authorized = ka !== undefined && (ka.nameSpaces.includes(ns) || (ka.dataElements.get(ns)?.includes(el) ?? false));
        if (!authorized)
          errors.push({ code: 'ERR_MDOC_DEVICE_ELEMENT_UNAUTHORIZED', message: 'device-signed element is not covered by keyAuthorizations', path: [ns, el] });
        else setClaim(out, el, toJsonValue(v));
      }
      setClaim(deviceClaims, ns, out);
    }
  } catch (e) {
    errors.push(toIssue(e));
  }
  if (notes.notPreferred) warnings.push({ code: 'WARN_MDOC_CBOR_NOT_PREFERRED', message: 'CBOR is not in preferred (shortest) serialization' });
  return { errors, warnings, deviceClaims };
}

/**
 * Verifies a DeviceResponse, returning one result per document (in order). A response that
 * cannot be read at all, has a non-zero `status` (`ERR_MDOC_RESPONSE_STATUS`, with
 * `responseStatus`), or has no documents (`ERR_MDOC_NO_DOCUMENTS`), gives a single invalid result.
 * The response's `documentErrors` (docTypes the wallet did not return, and why) are on every
 * result, including that single invalid one.
 *
 * Claims hold only issuer-signed elements whose digests verified, and only when the whole
 * document is valid; byte strings are base64url text, full-dates and tdates their text.
 *
 * @example
 * ```ts
 * const transcript = await buildSessionTranscript({ type: 'openid4vp', clientId, nonce, responseUri }, ctx);
 * const [doc] = await verifyDeviceResponse(vpToken, { trustAnchors: [iaca], sessionTranscript: transcript, ctx });
 * if (doc?.valid) console.log(doc.claims['org.iso.18013.5.1']?.family_name);
 * ```
 * @throws never for bad response bytes: every failure is an error code in the results (`ERR_MDOC_*`, `ERR_X509_*`);
 *   ComityError `ERR_MDOC_SESSION_TRANSCRIPT` / ComityUsageError when the verifier's own `sessionTranscript` is not one;
 *   ComityUsageError `ERR_USAGE_CLOCK_TOLERANCE` for a `clockToleranceSeconds` that is not a finite non-negative number,
 *   `ERR_USAGE_MDOC_VERIFY_OPTION` for an `issuingCountryNameSpaces` that is not a list of namespace names
 * @see ISO/IEC 18013-5:2021 §9.1.2.4, §9.1.3, §9.3.1; OpenID4VP 1.0 Appendix B.2
 */
export async function verifyDeviceResponse(bytes: Uint8Array, given: VerifyDeviceResponseOptions): Promise<MdocVerificationResult[]> {
  const options = snapshotOptions(given);
  const tolerance = toleranceMs(options);
  const countryScope = countryNameSpaces(options);
  const now = options.ctx.now();
  const transcript = normalizeSessionTranscript(options.sessionTranscript);
  const algorithms = options.allowedAlgorithms ?? DEFAULT_SIGNATURE_ALGORITHMS;
  const notes: DecodeNotes = { notPreferred: false };
  let documents: CborValue[];
  const topWarnings: Issue[] = [];
  // Response-level facts, copied onto every result (also the invalid ones) once read.
  let response: { documentErrors?: MdocDocumentError[]; responseStatus?: number } = {};
  try {
    const top = asMap(decodeCbor(bytes, {}, notes), 'DeviceResponse', []);
    const version = asText(required(top, 'version', 'version', ['version']), 'version', ['version']);
    if (version !== '1.0') fail('ERR_MDOC_VERSION_UNSUPPORTED', 'DeviceResponse version is not 1.0', ['version']);
    const status = asUint(required(top, 'status', 'status', ['status']), 'status', ['status']);
    const docs = top.get('documents');
    documents = docs === undefined ? [] : asArray(docs, 'documents', ['documents']);
    // Read before status and documents are judged, so a refusal still says what the wallet reported.
    const errorsValue = top.get('documentErrors');
    if (errorsValue !== undefined || top.has('documentErrors')) response = { documentErrors: parseDocumentErrors(errorsValue) };
    if (status !== 0) {
      response = { ...response, responseStatus: status };
      fail('ERR_MDOC_RESPONSE_STATUS', 'DeviceResponse status is not OK', ['status']);
    }
    // Only documentErrors (the wallet returned nothing asked for) is "nothing presented" too.
    if (documents.length === 0) fail('ERR_MDOC_NO_DOCUMENTS', 'DeviceResponse holds no documents', ['documents']);
  } catch (e) {
    return [{ ...invalid([toIssue(e)]), ...response }];
  }
  if (notes.notPreferred) topWarnings.push({ code: 'WARN_MDOC_CBOR_NOT_PREFERRED', message: 'CBOR is not in preferred (shortest) serialization' });

  const results: MdocVerificationResult[] = [];
  const push = (result: MdocVerificationResult) => results.push(response.documentErrors === undefined ? result : { ...result, ...response });
  for (const docValue of documents) {
    let doc: CborMap;
    let docType: string;
    try {
      doc = asMap(docValue, 'Document', ['documents']);
      docType = asText(required(doc, 'docType', 'docType', ['docType']), 'docType', ['docType']);
    } catch (e) {
      push(invalid([toIssue(e)], [...topWarnings]));
      continue;
    }
    let elementErrors: MdocElementError[] | undefined;
    try {
      elementErrors = doc.has('errors') ? parseElementErrors(doc.get('errors') as CborValue) : undefined;
    } catch (e) {
      push(invalid([toIssue(e)], [...topWarnings], docType));
      continue;
    }
    // This document's own errors go on its result only.
    const pushDoc = (result: MdocVerificationResult) => push(elementErrors === undefined ? result : { ...result, elementErrors });
    const issuerSignedValue = doc.get('issuerSigned');
    if (issuerSignedValue === undefined) {
      pushDoc(invalid([{ code: 'ERR_MDOC_STRUCTURE', message: 'document has no issuerSigned', path: ['issuerSigned'] }], [...topWarnings], docType));
      continue;
    }
    try {
      const part = await checkIssuerSigned(issuerSignedValue, docType, options, now, tolerance, countryScope);
      part.warnings.unshift(...topWarnings);
      if (part.issuerSigned === undefined) {
        pushDoc(finish(part, docType, [], {}));
        continue;
      }
      const device = await checkDeviceAuth(doc, docType, part.issuerSigned, transcript, options, algorithms);
      part.warnings.push(...device.warnings);
      pushDoc(finish(part, docType, device.errors, device.deviceClaims));
    } catch (e) {
      // Safety net: every expected failure is already an issue; anything else must still not escape.
      pushDoc(invalid([toIssue(e)], [...topWarnings], docType));
    }
  }
  return results;
}

/**
 * Strict Document `errors`: `{ + NameSpace => { + DataElementIdentifier => ErrorCode(int) } }`
 * (ISO 18013-5 §8.3.2.1.2.2), bounded in count and name length; anything else is a malformed
 * document.
 */
function parseElementErrors(value: CborValue): MdocElementError[] {
  const path = ['errors'];
  const spaces = asMap(value, 'errors', path);
  if (spaces.size === 0) fail('ERR_MDOC_STRUCTURE', 'errors is empty', path);
  const out: MdocElementError[] = [];
  for (const [ns, items] of spaces) {
    const namespace = asText(ns, 'errors namespace', path);
    const elements = asMap(items, 'ErrorItems', path);
    if (elements.size === 0) fail('ERR_MDOC_STRUCTURE', 'ErrorItems is empty', path);
    for (const [id, code] of elements) {
      const element = asText(id, 'errors element identifier', path);
      if (namespace.length > MAX_NAME_LENGTH || element.length > MAX_NAME_LENGTH) fail('ERR_MDOC_STRUCTURE', 'errors names an over-long identifier', path);
      if (typeof code !== 'number' || !Number.isSafeInteger(code)) fail('ERR_MDOC_STRUCTURE', 'errors code is not an integer', path);
      if (out.length === MAX_ELEMENT_ERRORS) fail('ERR_MDOC_STRUCTURE', 'errors has too many entries', path);
      out.push({ namespace, element, code });
    }
  }
  return out;
}

/**
 * Strict `documentErrors`: `[+ { + DocType => ErrorCode(int) }]`, bounded in count and docType
 * length; anything else is a malformed response.
 */
function parseDocumentErrors(value: CborValue): MdocDocumentError[] {
  const list = asArray(value, 'documentErrors', ['documentErrors']);
  if (list.length === 0) fail('ERR_MDOC_STRUCTURE', 'documentErrors is empty', ['documentErrors']);
  if (list.length > MAX_DOCUMENT_ERRORS) fail('ERR_MDOC_STRUCTURE', 'documentErrors has too many entries', ['documentErrors']);
  const out: MdocDocumentError[] = [];
  list.forEach((entry, i) => {
    const map = asMap(entry, 'DocumentError', ['documentErrors', i]);
    if (map.size === 0) fail('ERR_MDOC_STRUCTURE', 'DocumentError is empty', ['documentErrors', i]);
    for (const [key, code] of map) {
      const docType = asText(key, 'DocumentError docType', ['documentErrors', i]);
      if (docType.length > MAX_NAME_LENGTH) fail('ERR_MDOC_STRUCTURE', 'DocumentError docType is too long', ['documentErrors', i]);
      // Floats decode as CborFloat and integers beyond 2^53 as bigint: neither is a usable ErrorCode.
      if (typeof code !== 'number' || !Number.isSafeInteger(code)) fail('ERR_MDOC_STRUCTURE', 'DocumentError code is not an integer', ['documentErrors', i]);
      if (out.length === MAX_DOCUMENT_ERRORS) fail('ERR_MDOC_STRUCTURE', 'documentErrors has too many entries', ['documentErrors']);
      out.push({ docType, code });
    }
  });
  return out;
}

/**
 * Throwing variant of {@link verifyDeviceResponse}: returns the results when every document is
 * valid, else throws the first error's code.
 *
 * @example
 * ```ts
 * const [mdl] = await verifyDeviceResponseOrThrow(bytes, { trustAnchors, sessionTranscript, ctx });
 * ```
 * @throws ComityError with the first failing rule's code; `details.codes` lists them all, and
 *   `details.documentErrors` holds the response's `documentErrors` when it had some
 */
export async function verifyDeviceResponseOrThrow(bytes: Uint8Array, options: VerifyDeviceResponseOptions): Promise<MdocVerificationResult[]> {
  const results = await verifyDeviceResponse(bytes, options);
  const errors = results.flatMap((r) => r.errors);
  const first = errors[0];
  if (first !== undefined) {
    const documentErrors = results[0]?.documentErrors;
    throw new ComityError(first.code, first.message, {
      details: {
        codes: errors.map((e) => e.code),
        ...(first.path === undefined ? {} : { path: first.path }),
        // What the wallet said it did not return: docTypes and ErrorCodes, never credential values.
        ...(documentErrors === undefined ? {} : { documentErrors }),
      },
    });
  }
  return results;
}
