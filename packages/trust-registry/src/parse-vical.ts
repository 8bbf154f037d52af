/**
 * ISO/IEC 18013-5 VICAL: a COSE_Sign1 over a CBOR list of IACA certificates with their
 * docTypes. Read with core's strict CBOR decoder (no process-global tag handlers, duplicate
 * keys and deep nesting refused, floats never taken for integers) and checked against the
 * Annex C CDDL; the signature is checked over the Sig_structure built from the protected
 * header bytes as received.
 *
 * @module
 */

import {
  type CborMap,
  type CborValue,
  type Certificate,
  ComityError,
  type CoseSign1,
  coseToBeSigned,
  DEFAULT_SIGNATURE_ALGORITHMS,
  decodeCbor,
  decodeCoseSign1 as decodeCose,
  parseCertificate,
  Tagged,
} from '@comity/core';
import { checkSequence, cryptoOf, MAX_LIST_BYTES, pinnedSigner, type SourceOptions } from './internal/source-common.js';
import { sha256Hex } from './internal/util.js';
import type { TrustAnchor, TrustSource } from './types.js';

const TDATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

function bad(what: string, cause?: unknown): never {
  throw new ComityError('ERR_TRUST_VICAL_MALFORMED', `VICAL ${what} is missing or malformed`, {
    details: { field: what },
    ...(cause === undefined ? {} : { cause }),
  });
}

function decode(bytes: Uint8Array, what: string, maxDepth: number): CborValue {
  try {
    return decodeCbor(bytes, { maxBytes: MAX_LIST_BYTES, maxDepth });
  } catch (cause) {
    return bad(what, cause);
  }
}

const isBytes = (v: unknown): v is Uint8Array => v instanceof Uint8Array;

/** A `tdate` (`#6.0(tstr)`, RFC 3339) or nothing when absent; anything else is malformed. */
function tdate(map: CborMap, key: string): Date | undefined {
  if (!map.has(key)) return undefined;
  const v = map.get(key);
  if (!(v instanceof Tagged) || v.tag !== 0 || typeof v.value !== 'string' || !TDATE.test(v.value)) return bad(key);
  const d = new Date(v.value);
  return Number.isNaN(d.getTime()) ? bad(key) : d;
}

// Core's COSE_Sign1 rules (no label in both headers, no crit); any failure is a malformed VICAL.
function decodeCoseSign1(bytes: Uint8Array): CoseSign1 {
  if (!isBytes(bytes)) bad('input');
  try {
    return decodeCose(bytes, { what: 'VICAL COSE_Sign1', code: 'ERR_TRUST_VICAL_MALFORMED', cbor: { maxBytes: MAX_LIST_BYTES, maxDepth: 8 } });
  } catch (cause) {
    if (cause instanceof ComityError && cause.code.startsWith('ERR_CBOR_')) bad('COSE_Sign1', cause);
    throw cause;
  }
}

/**
 * Verifies and loads a VICAL: the COSE_Sign1 signer must be a pinned certificate, the
 * algorithm one of ES256/ES384/ES512/EdDSA. Each CertificateInfo becomes an anchor (category
 * `mdl` unless `options.category` says otherwise) limited to its docTypes.
 *
 * @example
 * ```ts
 * const vical = await loadVical(bytes, [vicalSignerCert]);
 * ```
 * @throws ComityError `ERR_TRUST_VICAL_MALFORMED`, `ERR_TRUST_LIST_SIGNATURE`, `ERR_TRUST_SIGNER_NOT_PINNED`, `ERR_TRUST_SEQUENCE_REGRESSION`
 * @see ISO/IEC 18013-5:2021 Annex C (VICAL); RFC 9052 §4.4 (Sig_structure)
 */
export async function loadVical(bytes: Uint8Array, signerCertificates: readonly Certificate[], options: SourceOptions = {}): Promise<TrustSource> {
  const cose = decodeCoseSign1(bytes);
  const payload = cose.payload ?? bad('payload');
  const leaf = cose.x5chain?.[0];
  const presented = leaf === undefined ? undefined : (await parseCertificate(leaf)).sha256;
  const signer = pinnedSigner(signerCertificates, presented, 'VICAL');
  const alg = cose.alg;
  if (alg === undefined || !DEFAULT_SIGNATURE_ALGORITHMS.includes(alg))
    throw new ComityError('ERR_TRUST_VICAL_MALFORMED', 'VICAL signature algorithm is not supported');
  const crypto = cryptoOf(options);
  const ok = await crypto.verify(alg, signer.publicJwk, coseToBeSigned('Signature1', cose.protectedBytes, payload), cose.signature).catch(() => false);
  if (!ok) throw new ComityError('ERR_TRUST_LIST_SIGNATURE', 'VICAL signature is invalid');
  const source = await readVicalPayload(payload, { ...options }, await sha256Hex(crypto, bytes));
  return { ...source, signerSha256: signer.sha256 };
}

/**
 * Reads a VICAL payload without checking any signature (inspection).
 *
 * @example
 * ```ts
 * const src = await parseVical(bytes);
 * ```
 * @throws ComityError `ERR_TRUST_VICAL_MALFORMED`
 * @see ISO/IEC 18013-5:2021 Annex C
 */
export async function parseVical(bytes: Uint8Array, options: SourceOptions = {}): Promise<TrustSource> {
  const cose = decodeCoseSign1(bytes);
  return readVicalPayload(cose.payload ?? bad('payload'), options, await sha256Hex(cryptoOf(options), bytes));
}

async function readVicalPayload(payload: Uint8Array, options: SourceOptions, digest: string): Promise<TrustSource> {
  const v = decode(payload, 'payload', 16);
  if (!(v instanceof Map)) bad('payload');
  const version = v.get('version');
  if (typeof version !== 'string') bad('version');
  const provider = v.get('vicalProvider');
  if (typeof provider !== 'string') bad('vicalProvider');
  const issued = tdate(v, 'date') ?? bad('date');
  const nextUpdate = tdate(v, 'nextUpdate');
  let sequence: number | undefined;
  if (v.has('vicalIssueID')) {
    const issueId = v.get('vicalIssueID');
    sequence = typeof issueId === 'number' && Number.isSafeInteger(issueId) && issueId >= 0 ? issueId : bad('vicalIssueID');
  }
  checkSequence(sequence, options.minSequence, 'VICAL');
  const infos = v.get('certificateInfos');
  if (!Array.isArray(infos)) bad('certificateInfos');
  const id = options.id ?? `vical:${provider}`;
  const anchors: TrustAnchor[] = [];
  const seen = new Map<string, TrustAnchor>();
  for (const info of infos) {
    if (!(info instanceof Map)) bad('certificateInfos[]');
    const der = info.get('certificate');
    const docTypes = info.get('docType');
    const serial = info.get('serialNumber');
    const country = info.get('issuingCountry');
    // CertificateInfo (Annex C): certificate bstr, serialNumber biguint, ski bstr, docType [+ tstr].
    if (!isBytes(der)) bad('certificate');
    if (!(serial instanceof Tagged) || serial.tag !== 2 || !isBytes(serial.value)) bad('serialNumber');
    if (!isBytes(info.get('ski'))) bad('ski');
    if (!Array.isArray(docTypes) || docTypes.length === 0 || !docTypes.every((d) => typeof d === 'string')) bad('docType');
    if (info.has('issuingCountry') && typeof country !== 'string') bad('issuingCountry');
    const certificate = await parseCertificate(der);
    const jurisdiction = typeof country === 'string' ? country.toUpperCase() : (options.jurisdiction ?? certificate.subjectAttributes.C?.[0]?.toUpperCase());
    // The registry answers with one anchor per certificate: an IACA listed again (for other
    // docTypes) is merged into its first entry, else the docTypes of the later entry are lost.
    const held = seen.get(certificate.sha256);
    if (held !== undefined) {
      if (held.jurisdiction !== jurisdiction) bad('issuingCountry');
      const merged = held.docTypes as string[];
      for (const d of docTypes as string[]) if (!merged.includes(d)) merged.push(d);
      continue;
    }
    const anchor: TrustAnchor = {
      category: options.category ?? 'mdl',
      certificate,
      thumbprint: certificate.sha256,
      subjectKeyId: certificate.subjectKeyId,
      jurisdiction,
      entityName: certificate.subjectAttributes.CN?.[0],
      docTypes: [...(docTypes as string[])],
      loa: options.loa,
      statuses: [{ status: 'listed', active: true }],
      sourceId: id,
    };
    seen.set(certificate.sha256, anchor);
    anchors.push(anchor);
  }
  return { id, kind: 'vical', listType: 'ISO18013-5 VICAL', territory: undefined, sequence, issued, nextUpdate, digest, anchors };
}
