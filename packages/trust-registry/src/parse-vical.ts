/**
 * ISO/IEC 18013-5 VICAL: a COSE_Sign1 over a CBOR list of IACA certificates with their
 * docTypes. Decoded with cbor-x (maps kept as Maps so integer COSE labels survive); the
 * signature is checked over the Sig_structure built from the protected header bytes as received.
 *
 * @module
 */

import { type Certificate, COSE_ALGORITHMS, ComityError, DEFAULT_SIGNATURE_ALGORITHMS, parseCertificate } from '@comity/core';
import { Decoder, Encoder } from 'cbor-x';
import { checkSequence, cryptoOf, pinnedSigner, type SourceOptions } from './internal/source-common.js';
import { sha256Hex } from './internal/util.js';
import type { TrustAnchor, TrustSource } from './types.js';

const decoder = new Decoder({ mapsAsObjects: false, useRecords: false } as ConstructorParameters<typeof Decoder>[0]);
const encoder = new Encoder({ useRecords: false, mapsAsObjects: false, tagUint8Array: false } as ConstructorParameters<typeof Encoder>[0]);

function bad(what: string): never {
  throw new ComityError('ERR_TRUST_VICAL_MALFORMED', `VICAL ${what} is missing or malformed`, { details: { field: what } });
}

function decode(bytes: Uint8Array, what: string): unknown {
  if (bytes.length > 16 * 1024 * 1024) bad(what);
  try {
    return decoder.decode(bytes);
  } catch (cause) {
    throw new ComityError('ERR_TRUST_VICAL_MALFORMED', `VICAL ${what} is not valid CBOR`, { cause });
  }
}

const isBytes = (v: unknown): v is Uint8Array => v instanceof Uint8Array;

function toDate(v: unknown, what: string): Date | undefined {
  if (v === undefined) return undefined;
  const inner = typeof v === 'object' && v !== null && 'value' in v ? (v as { value: unknown }).value : v;
  const d = inner instanceof Date ? inner : typeof inner === 'string' ? new Date(inner) : undefined;
  if (d === undefined || Number.isNaN(d.getTime())) bad(what);
  return d;
}

/** The parts of a COSE_Sign1 as received. */
interface CoseSign1 {
  readonly protectedBytes: Uint8Array;
  readonly protectedHeader: Map<unknown, unknown>;
  readonly unprotected: Map<unknown, unknown>;
  readonly payload: Uint8Array;
  readonly signature: Uint8Array;
}

function decodeCoseSign1(bytes: Uint8Array): CoseSign1 {
  let top = decode(bytes, 'COSE_Sign1');
  if (typeof top === 'object' && top !== null && 'tag' in top && (top as { tag: unknown }).tag === 18) top = (top as unknown as { value: unknown }).value;
  if (!Array.isArray(top) || top.length !== 4) bad('COSE_Sign1');
  const [p, u, payload, signature] = top as unknown[];
  if (!isBytes(p) || !(u instanceof Map) || !isBytes(payload) || !isBytes(signature)) bad('COSE_Sign1');
  const ph = p.length === 0 ? new Map() : decode(p, 'protected header');
  if (!(ph instanceof Map)) bad('protected header');
  return { protectedBytes: p, protectedHeader: ph, unprotected: u, payload, signature };
}

function x5chainLeaf(h: CoseSign1): Uint8Array | undefined {
  const v = h.protectedHeader.get(33) ?? h.unprotected.get(33);
  if (v === undefined) return undefined;
  if (isBytes(v)) return v;
  if (Array.isArray(v) && isBytes(v[0])) return v[0];
  return bad('x5chain');
}

/**
 * Builds the COSE Sig_structure for Signature1 from the protected header bytes as received.
 *
 * @example
 * ```ts
 * const toBeSigned = coseSign1SigStructure(protectedBytes, payload);
 * ```
 * @see RFC 9052 §4.4
 */
export function coseSign1SigStructure(protectedBytes: Uint8Array, payload: Uint8Array): Uint8Array {
  // cbor-x returns a view of its reusable buffer: copy before anyone else encodes.
  return Uint8Array.from(encoder.encode(['Signature1', protectedBytes, new Uint8Array(0), payload]));
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
  if (!(bytes instanceof Uint8Array)) bad('input');
  const cose = decodeCoseSign1(bytes);
  const leaf = x5chainLeaf(cose);
  const presented = leaf === undefined ? undefined : (await parseCertificate(leaf)).sha256;
  const signer = pinnedSigner(signerCertificates, presented, 'VICAL');
  const alg = COSE_ALGORITHMS.get(cose.protectedHeader.get(1) as number);
  if (alg === undefined || !DEFAULT_SIGNATURE_ALGORITHMS.includes(alg))
    throw new ComityError('ERR_TRUST_VICAL_MALFORMED', 'VICAL signature algorithm is not supported');
  const crypto = cryptoOf(options);
  const ok = await crypto.verify(alg, signer.publicJwk, coseSign1SigStructure(cose.protectedBytes, cose.payload), cose.signature).catch(() => false);
  if (!ok) throw new ComityError('ERR_TRUST_LIST_SIGNATURE', 'VICAL signature is invalid');
  const source = await readVicalPayload(cose.payload, { ...options }, await sha256Hex(crypto, bytes));
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
  return readVicalPayload(cose.payload, options, await sha256Hex(cryptoOf(options), bytes));
}

async function readVicalPayload(payload: Uint8Array, options: SourceOptions, digest: string): Promise<TrustSource> {
  const v = decode(payload, 'payload');
  if (!(v instanceof Map)) bad('payload');
  const provider = v.get('vicalProvider');
  if (typeof provider !== 'string') bad('vicalProvider');
  const issued = toDate(v.get('date'), 'date') ?? bad('date');
  const nextUpdate = toDate(v.get('nextUpdate'), 'nextUpdate');
  const issueId = v.get('vicalIssueID');
  const sequence = issueId === undefined ? undefined : Number.isInteger(issueId) && (issueId as number) >= 0 ? (issueId as number) : bad('vicalIssueID');
  checkSequence(sequence, options.minSequence, 'VICAL');
  const infos = v.get('certificateInfos');
  if (!Array.isArray(infos)) bad('certificateInfos');
  const id = options.id ?? `vical:${provider}`;
  const anchors: TrustAnchor[] = [];
  for (const info of infos) {
    if (!(info instanceof Map)) bad('certificateInfos[]');
    const der = info.get('certificate');
    const docTypes = info.get('docType');
    if (!isBytes(der) || !Array.isArray(docTypes) || !docTypes.every((d) => typeof d === 'string')) bad('CertificateInfo');
    const certificate = await parseCertificate(der);
    const country = info.get('issuingCountry');
    anchors.push({
      category: options.category ?? 'mdl',
      certificate,
      thumbprint: certificate.sha256,
      subjectKeyId: certificate.subjectKeyId,
      jurisdiction: typeof country === 'string' ? country.toUpperCase() : (options.jurisdiction ?? certificate.subjectAttributes.C?.[0]?.toUpperCase()),
      entityName: certificate.subjectAttributes.CN?.[0],
      docTypes: docTypes as string[],
      loa: options.loa,
      statuses: [{ status: 'listed', active: true }],
      sourceId: id,
    });
  }
  return { id, kind: 'vical', listType: 'ISO18013-5 VICAL', territory: undefined, sequence, issued, nextUpdate, digest, anchors };
}
