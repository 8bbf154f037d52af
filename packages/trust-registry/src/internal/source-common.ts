import { base64Decode, type Certificate, ComityError, type CryptoProvider, defaultCrypto, parseCertificate, utf8Decode } from '@comity/core';
import type { LevelOfAssurance, ServiceStatusEntry, TrustAnchor, TrustCategory } from '../types.js';
import { certIndexInfo } from './der.js';
import { sha256Hex } from './util.js';

/** Options shared by every source parser/loader. */
export interface SourceOptions {
  /** Source id in the registry (default: derived from the list). */
  readonly id?: string | undefined;
  /** Category for anchors whose list/service type does not name one (non-EU profiles, bundles). */
  readonly category?: TrustCategory | undefined;
  /** Jurisdiction for anchors whose entry does not name one. */
  readonly jurisdiction?: string | undefined;
  /** Level of assurance the operator assigns to credentials anchored by this source. */
  readonly loa?: LevelOfAssurance | undefined;
  /** Refuse a list whose sequence number is lower than this (pinned from the previous snapshot). */
  readonly minSequence?: number | undefined;
  readonly crypto?: CryptoProvider | undefined;
}

export const MAX_LIST_BYTES = 16 * 1024 * 1024;

export function cryptoOf(options: { crypto?: CryptoProvider | undefined } | undefined): CryptoProvider {
  return options?.crypto ?? defaultCrypto;
}

export function textOf(input: string | Uint8Array, what: string): string {
  if (typeof input === 'string') {
    if (input.length > MAX_LIST_BYTES) throw new ComityError('ERR_TRUST_LIST_TOO_LARGE', `${what} is too large`);
    return input;
  }
  if (!(input instanceof Uint8Array)) throw new ComityError('ERR_TRUST_LIST_MALFORMED', `${what} is not text or bytes`);
  if (input.length > MAX_LIST_BYTES) throw new ComityError('ERR_TRUST_LIST_TOO_LARGE', `${what} is too large`);
  return utf8Decode(input, what);
}

const WHITESPACE = /\s/;

/** Strict standard base64 (as in ETSI lists and x5c) to bytes; whitespace allowed (XML). */
export function base64Std(text: string, what: string): Uint8Array {
  // XML lists wrap base64 in whitespace; JSON lists do not, and most certificates pass untouched.
  const clean = WHITESPACE.test(text) ? text.replace(/\s+/g, '') : text;
  try {
    if (clean.length === 0) throw new Error('empty');
    return base64Decode(clean, what);
  } catch (cause) {
    throw new ComityError('ERR_TRUST_LIST_MALFORMED', `${what} is not base64`, { cause });
  }
}

/** What a list says about an entity, beside its certificate. */
export type ListedEntity = Omit<TrustAnchor, 'certificate' | 'certificateDer' | 'subjectKey' | 'jwk' | 'thumbprint' | 'subjectKeyId'>;

/**
 * An anchor for a certificate listed in base64 (LoTE JSON and XML). Its index fields come from a
 * minimal DER walk; the full X.509 parse happens on first use, so large lists load quickly.
 * The entity's jurisdiction, when the list gives none, is the certificate's country.
 */
export async function listedCertificateAnchor(base64: string, what: string, crypto: CryptoProvider, entity: ListedEntity): Promise<TrustAnchor> {
  const der = base64Std(base64, what);
  const info = certIndexInfo(der);
  return {
    ...entity,
    certificateDer: der,
    thumbprint: await sha256Hex(crypto, der),
    subjectKeyId: info.subjectKeyId,
    subjectKey: info.subjectKey,
    jurisdiction: entity.jurisdiction ?? info.country,
  };
}

export async function certFromBase64(text: string, what: string): Promise<Certificate> {
  try {
    return await parseCertificate(base64Std(text, what));
  } catch (cause) {
    throw new ComityError('ERR_TRUST_LIST_MALFORMED', `${what} is not a certificate`, { cause });
  }
}

const ACTIVE_SUFFIXES = [
  '/granted',
  '/notified',
  '/recognisedatnationallevel',
  '/undersupervision',
  '/accredited',
  '/setbynationallaw',
  '/supervisionincessation',
];

export function statusEntry(status: string | undefined, start: Date | undefined): ServiceStatusEntry {
  if (status === undefined) return { status: 'notified', start, active: true };
  const lower = status.toLowerCase();
  const active = ACTIVE_SUFFIXES.some((s) => lower.endsWith(s));
  return { status, start, active };
}

/**
 * Status at time `at`: the newest entry that started at or before it. A current status (the
 * first entry) without a starting time began after every history entry: from the newest
 * history entry's start on, it may already apply, so an inactive current status wins there.
 */
export function statusAt(statuses: readonly ServiceStatusEntry[], at: Date): ServiceStatusEntry | undefined {
  let best: ServiceStatusEntry | undefined;
  let newest = Number.NEGATIVE_INFINITY;
  for (const s of statuses) {
    if (s.start === undefined) {
      if (best === undefined) best = s;
      continue;
    }
    newest = Math.max(newest, s.start.getTime());
    if (s.start.getTime() <= at.getTime() && (best === undefined || best.start === undefined || s.start > best.start)) best = s;
  }
  const current = statuses[0];
  if (current !== undefined && current.start === undefined && !current.active && best?.start !== undefined && best.start.getTime() === newest) return current;
  return best;
}

export function checkSequence(sequence: number | undefined, minSequence: number | undefined, what: string): void {
  if (minSequence !== undefined && (sequence === undefined || sequence < minSequence)) {
    throw new ComityError('ERR_TRUST_SEQUENCE_REGRESSION', `${what} sequence number went back`, { details: { sequence: sequence ?? -1, minSequence } });
  }
}

/** Picks the pinned certificate matching the presented one, or the only pinned one. */
export function pinnedSigner(pinned: readonly Certificate[], presentedSha256: string | undefined, what: string): Certificate {
  if (pinned.length === 0) throw new ComityError('ERR_TRUST_SIGNER_NOT_PINNED', `no signer certificate is pinned for ${what}`);
  if (presentedSha256 !== undefined) {
    const match = pinned.find((c) => c.sha256 === presentedSha256);
    if (match === undefined)
      throw new ComityError('ERR_TRUST_SIGNER_NOT_PINNED', `${what} is signed by a certificate that is not pinned`, { details: { signer: presentedSha256 } });
    return match;
  }
  if (pinned.length > 1) throw new ComityError('ERR_TRUST_SIGNER_NOT_PINNED', `${what} does not say which pinned certificate signed it`);
  return pinned[0] as Certificate;
}
