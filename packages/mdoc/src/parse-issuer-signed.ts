/**
 * Parsing of IssuerSigned and the Mobile Security Object, keeping every received byte string
 * (IssuerSignedItemBytes, the protected header, the MSO bytes) for digest and signature checks.
 *
 * @module
 */
import type { HashAlgorithm, Issue, Jwk } from '@comity/core';
import { type CoseSign1, decodeCoseSign1 } from './cose.js';
import { type CborMap, type CborValue, DataItem, type DecodeNotes, decodeCbor } from './internal/cbor.js';
import { coseKeyToJwk } from './internal/cose-key.js';
import { asArray, asBytes, asMap, asText, asUint, fail, required } from './internal/read.js';
import { type ParsedTdate, readTdate } from './values.js';

/** One IssuerSignedItem with its received bytes. */
export interface IssuerSignedItem {
  readonly nameSpace: string;
  readonly digestID: number;
  readonly random: Uint8Array;
  readonly elementIdentifier: string;
  readonly elementValue: CborValue;
  /** `#6.24(bstr .cbor IssuerSignedItem)` exactly as received: the digest input. */
  readonly bytes: DataItem;
  /** True when the item's keys are not in the CDDL order (digestID, random, elementIdentifier, elementValue). */
  readonly keyOrderDeviates: boolean;
}

/** Parsed MobileSecurityObject. */
export interface MobileSecurityObject {
  readonly version: string;
  readonly digestAlgorithm: string;
  /** The digest algorithm when supported (SHA-256/384/512). */
  readonly hash: HashAlgorithm | undefined;
  readonly valueDigests: ReadonlyMap<string, ReadonlyMap<number, Uint8Array>>;
  readonly deviceKey: Jwk;
  readonly keyAuthorizations: { readonly nameSpaces: readonly string[]; readonly dataElements: ReadonlyMap<string, readonly string[]> } | undefined;
  readonly docType: string;
  readonly validityInfo: {
    readonly signed: ParsedTdate;
    readonly validFrom: ParsedTdate;
    readonly validUntil: ParsedTdate;
    readonly expectedUpdate?: ParsedTdate;
  };
  /** The `status` member as decoded (token status list / identifier list reference). */
  readonly status: CborValue;
}

/** A parsed IssuerSigned structure. */
export interface IssuerSigned {
  readonly nameSpaces: ReadonlyMap<string, readonly IssuerSignedItem[]>;
  readonly issuerAuth: CoseSign1;
  /** The MSO bytes (`#6.24` content) that the issuer signed. */
  readonly msoBytes: DataItem;
  readonly mso: MobileSecurityObject;
  /** Tolerated deviations found while parsing. */
  readonly warnings: readonly Issue[];
}

const ITEM_KEY_ORDER = ['digestID', 'random', 'elementIdentifier', 'elementValue'];

const HASHES: Record<string, HashAlgorithm> = { 'SHA-256': 'sha-256', 'SHA-384': 'sha-384', 'SHA-512': 'sha-512' };

function parseItem(nameSpace: string, value: CborValue, index: number, notes: DecodeNotes): IssuerSignedItem {
  const path = ['nameSpaces', nameSpace, index];
  if (!(value instanceof DataItem)) fail('ERR_MDOC_STRUCTURE', 'IssuerSignedItemBytes is not tag-24 wrapped', path);
  const map = asMap(decodeCbor(value.content, {}, notes), 'IssuerSignedItem', path);
  const digestID = asUint(required(map, 'digestID', 'digestID', path), 'digestID', path);
  const random = asBytes(required(map, 'random', 'random', path), 'random', path);
  const elementIdentifier = asText(required(map, 'elementIdentifier', 'elementIdentifier', path), 'elementIdentifier', path);
  const elementValue = required(map, 'elementValue', 'elementValue', path);
  let keyOrderDeviates = map.size !== 4;
  if (!keyOrderDeviates) {
    let i = 0;
    for (const k of map.keys()) if (k !== ITEM_KEY_ORDER[i++]) keyOrderDeviates = true;
  }
  return { nameSpace, digestID, random, elementIdentifier, elementValue, bytes: value, keyOrderDeviates };
}

function tdate(map: CborMap, key: string, path: (string | number)[], optional: boolean): ParsedTdate | undefined {
  const v = map.get(key);
  if (v === undefined && optional) return undefined;
  const parsed = readTdate(v);
  if (parsed === undefined) fail('ERR_MDOC_TDATE_INVALID', `validityInfo.${key} is not a tdate`, [...path, key]);
  return parsed;
}

/**
 * Parses a MobileSecurityObject from its (tag-24 content) bytes. Nothing is verified.
 *
 * @example
 * ```ts
 * const mso = parseMso(issuerSigned.msoBytes.content);
 * console.log(mso.digestAlgorithm, mso.validityInfo.validUntil.text);
 * ```
 * @see ISO/IEC 18013-5:2021 §9.1.2.4
 *
 * @throws ComityError `ERR_MDOC_STRUCTURE`, `ERR_MDOC_TDATE_INVALID`, `ERR_MDOC_COSE_KEY_INVALID`, `ERR_MDOC_CBOR_*`
 */
export function parseMso(content: Uint8Array, notes?: DecodeNotes): MobileSecurityObject {
  const m = asMap(decodeCbor(content, {}, notes), 'MobileSecurityObject', ['mso']);
  const version = asText(required(m, 'version', 'MSO version', ['mso', 'version']), 'MSO version', ['mso', 'version']);
  const digestAlgorithm = asText(required(m, 'digestAlgorithm', 'digestAlgorithm', ['mso', 'digestAlgorithm']), 'digestAlgorithm', ['mso', 'digestAlgorithm']);
  const vd = asMap(required(m, 'valueDigests', 'valueDigests', ['mso', 'valueDigests']), 'valueDigests', ['mso', 'valueDigests']);
  const valueDigests = new Map<string, Map<number, Uint8Array>>();
  for (const [ns, digests] of vd) {
    const path = ['mso', 'valueDigests', String(ns)];
    const nsName = asText(ns, 'valueDigests namespace', path);
    const out = new Map<number, Uint8Array>();
    for (const [id, d] of asMap(digests, 'valueDigests entry', path)) out.set(asUint(id, 'digestID', path), asBytes(d, 'digest', path));
    valueDigests.set(nsName, out);
  }
  const dki = asMap(required(m, 'deviceKeyInfo', 'deviceKeyInfo', ['mso', 'deviceKeyInfo']), 'deviceKeyInfo', ['mso', 'deviceKeyInfo']);
  const deviceKey = coseKeyToJwk(required(dki, 'deviceKey', 'deviceKey', ['mso', 'deviceKeyInfo', 'deviceKey']), 'deviceKey');
  let keyAuthorizations: MobileSecurityObject['keyAuthorizations'];
  const ka = dki.get('keyAuthorizations');
  if (ka !== undefined) {
    const path = ['mso', 'deviceKeyInfo', 'keyAuthorizations'];
    const kam = asMap(ka, 'keyAuthorizations', path);
    const nss = kam.get('nameSpaces');
    const des = kam.get('dataElements');
    const dataElements = new Map<string, string[]>();
    if (des !== undefined) {
      for (const [ns, list] of asMap(des, 'keyAuthorizations.dataElements', path)) {
        dataElements.set(
          asText(ns, 'namespace', path),
          asArray(list, 'data elements', path).map((e) => asText(e, 'data element', path)),
        );
      }
    }
    keyAuthorizations = {
      nameSpaces: nss === undefined ? [] : asArray(nss, 'keyAuthorizations.nameSpaces', path).map((e) => asText(e, 'namespace', path)),
      dataElements,
    };
  }
  const docType = asText(required(m, 'docType', 'docType', ['mso', 'docType']), 'docType', ['mso', 'docType']);
  const vi = asMap(required(m, 'validityInfo', 'validityInfo', ['mso', 'validityInfo']), 'validityInfo', ['mso', 'validityInfo']);
  const vpath = ['mso', 'validityInfo'];
  const signed = tdate(vi, 'signed', vpath, false) as ParsedTdate;
  const validFrom = tdate(vi, 'validFrom', vpath, false) as ParsedTdate;
  const validUntil = tdate(vi, 'validUntil', vpath, false) as ParsedTdate;
  const expectedUpdate = tdate(vi, 'expectedUpdate', vpath, true);
  return {
    version,
    digestAlgorithm,
    // An own name only: `constructor` or `__proto__` must not find Object.prototype members.
    hash: Object.hasOwn(HASHES, digestAlgorithm) ? HASHES[digestAlgorithm] : undefined,
    valueDigests,
    deviceKey,
    keyAuthorizations,
    docType,
    validityInfo: expectedUpdate === undefined ? { signed, validFrom, validUntil } : { signed, validFrom, validUntil, expectedUpdate },
    // A status reference is a map when present (the status list reads its members); null is not "absent".
    status: m.has('status') ? asMap(m.get('status'), 'status', ['mso', 'status']) : undefined,
  };
}

/**
 * Parses IssuerSigned (bytes or a decoded value) without verifying anything: the items keep
 * their received tag-24 bytes, the issuerAuth its protected header bytes.
 *
 * @example
 * ```ts
 * const issuerSigned = parseIssuerSigned(bytes);
 * console.log(issuerSigned.mso.docType, [...issuerSigned.nameSpaces.keys()]);
 * ```
 * @throws ComityError `ERR_MDOC_STRUCTURE`, `ERR_MDOC_COSE_INVALID`, `ERR_MDOC_TDATE_INVALID`, `ERR_MDOC_COSE_KEY_INVALID`, `ERR_MDOC_CBOR_*`
 * @see ISO/IEC 18013-5 §8.3.2.1.2.2, §9.1.2.4
 */
export function parseIssuerSigned(input: Uint8Array | CborValue): IssuerSigned {
  const notes: DecodeNotes = { notPreferred: false };
  const value = input instanceof Uint8Array ? decodeCbor(input, {}, notes) : input;
  const map = asMap(value, 'IssuerSigned', []);
  const warnings: Issue[] = [];
  const nameSpaces = new Map<string, IssuerSignedItem[]>();
  const ns = map.get('nameSpaces');
  if (ns !== undefined) {
    for (const [name, items] of asMap(ns, 'nameSpaces', ['nameSpaces'])) {
      const nsName = asText(name, 'namespace', ['nameSpaces']);
      const list = asArray(items, 'namespace items', ['nameSpaces', nsName]).map((item, i) => parseItem(nsName, item, i, notes));
      nameSpaces.set(nsName, list);
      if (list.some((i) => i.keyOrderDeviates)) {
        warnings.push({ code: 'WARN_MDOC_ITEM_KEY_ORDER', message: 'IssuerSignedItem keys are not in the CDDL order', path: ['nameSpaces', nsName] });
      }
    }
  }
  const issuerAuth = decodeCoseSign1(required(map, 'issuerAuth', 'issuerAuth', ['issuerAuth']), 'issuerAuth', notes);
  if (issuerAuth.payload === null) fail('ERR_MDOC_STRUCTURE', 'issuerAuth has no payload', ['issuerAuth']);
  const payload = decodeCbor(issuerAuth.payload, {}, notes);
  if (!(payload instanceof DataItem)) fail('ERR_MDOC_MSO_NOT_TAG24', 'issuerAuth payload is not a tag-24 MobileSecurityObjectBytes', ['issuerAuth']);
  const mso = parseMso(payload.content, notes);
  for (const [key, t] of Object.entries(mso.validityInfo)) {
    if (t.deviates)
      warnings.push({
        code: 'WARN_MDOC_TDATE_FORMAT',
        message: `validityInfo.${key} has fractional seconds or a non-Z offset`,
        path: ['mso', 'validityInfo', key],
      });
  }
  if (notes.notPreferred) warnings.push({ code: 'WARN_MDOC_CBOR_NOT_PREFERRED', message: 'CBOR is not in preferred (shortest) serialization' });
  return { nameSpaces, issuerAuth, msoBytes: payload, mso, warnings };
}
