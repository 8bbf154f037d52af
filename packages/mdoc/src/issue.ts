/**
 * Issuing an mdoc: IssuerSigned with salted, tag-24 wrapped items, random digestIDs and an
 * MSO signed as COSE_Sign1 with the document signer's x5chain.
 *
 * @module
 */
import { type Certificate, type ComityContext, ComityUsageError, type HashAlgorithm, type Jwk, parsePublicJwk, type Signer } from '@comity/core';
import { signCoseSign1 } from './cose.js';
import { type DataItem, encodeCbor, RawCbor, Tag, toDataItem, wrapTag24 } from './internal/cbor.js';
import { jwkToCoseKey } from './internal/cose-key.js';
import { toEncodable } from './internal/encode-values.js';
import { formatTdate } from './values.js';

/** Digest algorithms an MSO may name. */
export type MsoDigestAlgorithm = 'SHA-256' | 'SHA-384' | 'SHA-512';

/** What {@link issueMdoc} needs. */
export interface IssueMdocInput {
  /** e.g. `org.iso.18013.5.1.mDL`, `eu.europa.ec.eudi.pid.1`. */
  readonly docType: string;
  /**
   * Elements by namespace. Values: text, numbers, booleans, null, `Uint8Array` (bstr), `Date`
   * (tdate), {@link FullDate} (full-date), arrays, plain objects or Maps (CBOR maps).
   */
  readonly nameSpaces: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** The holder's device public key (JWK). */
  readonly deviceKey: Jwk;
  /** Signs the MSO with the document signer's key. */
  readonly signer: Signer;
  /**
   * Document signer first, never the IACA root. ISO 18013-5 has no intermediates between IACA and
   * document signer, and comity's verifier refuses them (`ERR_MDOC_CHAIN_PROFILE`).
   */
  readonly certificateChain: readonly Certificate[];
  readonly validity: { readonly signed: Date; readonly validFrom: Date; readonly validUntil: Date; readonly expectedUpdate?: Date };
  readonly digestAlgorithm?: MsoDigestAlgorithm;
  /** Elements the device may sign itself. */
  readonly keyAuthorizations?: { readonly nameSpaces?: readonly string[]; readonly dataElements?: Readonly<Record<string, readonly string[]>> };
  /** MSO `status` reference, e.g. `{ status_list: { idx: 12, uri: 'https://...' } }`. */
  readonly status?: Readonly<Record<string, unknown>>;
  readonly ctx: ComityContext;
}

const HASH: Record<MsoDigestAlgorithm, HashAlgorithm> = { 'SHA-256': 'sha-256', 'SHA-384': 'sha-384', 'SHA-512': 'sha-512' };

function randomDigestIds(ctx: ComityContext, count: number): number[] {
  const ids = new Set<number>();
  while (ids.size < count) {
    const b = ctx.crypto.randomBytes(4);
    ids.add((((b[0] as number) << 24) | ((b[1] as number) << 16) | ((b[2] as number) << 8) | (b[3] as number)) & 0x7fffffff);
  }
  return [...ids];
}

/**
 * Issues an mdoc and returns its IssuerSigned CBOR: items with 32-byte random salts and random
 * digestIDs, tdates without fractions, full-dates as tag 1004, and issuerAuth with x5chain
 * (label 33: a bstr for one certificate, an array for more).
 *
 * @example
 * ```ts
 * const issuerSigned = await issueMdoc({
 *   docType: 'org.iso.18013.5.1.mDL',
 *   nameSpaces: { 'org.iso.18013.5.1': { family_name: 'Doe', birth_date: new FullDate('1990-01-31') } },
 *   deviceKey: holderPublicJwk, signer, certificateChain: [dsCert],
 *   validity: { signed: now, validFrom: now, validUntil: inOneYear }, ctx,
 * });
 * ```
 * @throws ComityUsageError `ERR_USAGE_MDOC_ISSUE`, `ERR_USAGE_ELEMENT_VALUE`, `ERR_USAGE_DATE`
 * @see ISO/IEC 18013-5:2021 §9.1.2.4 (MSO), §8.3.2.1.2.2 (IssuerSigned)
 */
export async function issueMdoc(input: IssueMdocInput): Promise<Uint8Array> {
  const { ctx } = input;
  if (typeof input.docType !== 'string' || input.docType.length === 0) throw new ComityUsageError('ERR_USAGE_MDOC_ISSUE', 'docType is required');
  const chain = input.certificateChain;
  if (!Array.isArray(chain) || chain.length === 0) throw new ComityUsageError('ERR_USAGE_MDOC_ISSUE', 'certificateChain needs the document signer certificate');
  const last = chain[chain.length - 1] as Certificate;
  if (chain.length > 1 && last.subject === last.issuer) throw new ComityUsageError('ERR_USAGE_MDOC_ISSUE', 'certificateChain must not contain the root (IACA)');
  const { signed, validFrom, validUntil, expectedUpdate } = input.validity;
  // Compared as encoded: tdates carry whole seconds, so validFrom and validUntil in one second would be equal.
  const seconds = (d: Date) => (d instanceof Date ? Math.floor(d.getTime() / 1000) : Number.NaN);
  if (!(seconds(validUntil) > seconds(validFrom)) || !(seconds(validFrom) >= seconds(signed))) {
    throw new ComityUsageError('ERR_USAGE_MDOC_ISSUE', 'validity must satisfy signed <= validFrom < validUntil (in whole seconds)');
  }
  const digestAlgorithm = input.digestAlgorithm ?? 'SHA-256';
  const hash = Object.hasOwn(HASH, digestAlgorithm) ? HASH[digestAlgorithm] : undefined;
  if (hash === undefined) throw new ComityUsageError('ERR_USAGE_MDOC_ISSUE', 'unsupported digest algorithm');
  const deviceKey = parsePublicJwk(input.deviceKey, 'deviceKey');

  // IssuerNameSpaces and ValueDigests are `{ + NameSpace => [ + item ] }`: peers with non-empty
  // types (isomdl) refuse an MSO with no namespace or an empty one.
  const namespaceEntries = input.nameSpaces !== null && typeof input.nameSpaces === 'object' ? Object.entries(input.nameSpaces) : [];
  if (namespaceEntries.length === 0) throw new ComityUsageError('ERR_USAGE_MDOC_ISSUE', 'nameSpaces needs at least one namespace');
  const nameSpaces = new Map<string, DataItem[]>();
  const valueDigests = new Map<string, Map<number, Uint8Array>>();
  for (const [ns, elements] of namespaceEntries) {
    const entries = elements !== null && typeof elements === 'object' ? Object.entries(elements) : [];
    if (entries.length === 0) throw new ComityUsageError('ERR_USAGE_MDOC_ISSUE', 'every namespace needs at least one element');
    const ids = randomDigestIds(ctx, entries.length);
    const items: DataItem[] = [];
    const digests = new Map<number, Uint8Array>();
    for (let i = 0; i < entries.length; i++) {
      const [elementIdentifier, value] = entries[i] as [string, unknown];
      const digestID = ids[i] as number;
      const item = toDataItem(
        new Map<string, unknown>([
          ['digestID', digestID],
          ['random', ctx.crypto.randomBytes(32)],
          ['elementIdentifier', elementIdentifier],
          ['elementValue', toEncodable(value)],
        ]),
      );
      items.push(item);
      digests.set(digestID, await ctx.crypto.digest(hash, item.raw));
    }
    nameSpaces.set(ns, items);
    valueDigests.set(ns, new Map([...digests].sort((a, b) => a[0] - b[0])));
  }

  const deviceKeyInfo = new Map<string, unknown>([['deviceKey', jwkToCoseKey(deviceKey)]]);
  if (input.keyAuthorizations !== undefined) {
    const ka = new Map<string, unknown>();
    if (input.keyAuthorizations.nameSpaces !== undefined) ka.set('nameSpaces', [...input.keyAuthorizations.nameSpaces]);
    if (input.keyAuthorizations.dataElements !== undefined) {
      ka.set('dataElements', new Map(Object.entries(input.keyAuthorizations.dataElements).map(([ns, els]) => [ns, [...els]])));
    }
    deviceKeyInfo.set('keyAuthorizations', ka);
  }
  const validityInfo = new Map<string, unknown>([
    ['signed', new Tag(formatTdate(signed), 0)],
    ['validFrom', new Tag(formatTdate(validFrom), 0)],
    ['validUntil', new Tag(formatTdate(validUntil), 0)],
  ]);
  if (expectedUpdate !== undefined) validityInfo.set('expectedUpdate', new Tag(formatTdate(expectedUpdate), 0));
  const mso = new Map<string, unknown>([
    ['version', '1.0'],
    ['digestAlgorithm', digestAlgorithm],
    ['valueDigests', valueDigests],
    ['deviceKeyInfo', deviceKeyInfo],
    ['docType', input.docType],
    ['validityInfo', validityInfo],
  ]);
  if (input.status !== undefined) mso.set('status', toEncodable(input.status));

  const payload = wrapTag24(encodeCbor(mso));
  const x5chain = chain.length === 1 ? (chain[0] as Certificate).der : chain.map((c) => c.der);
  const issuerAuth = await signCoseSign1({ signer: input.signer, payload, unprotected: new Map([[33, x5chain]]) });
  return encodeCbor(
    new Map<string, unknown>([
      ['nameSpaces', nameSpaces],
      ['issuerAuth', new RawCbor(issuerAuth)],
    ]),
  );
}
