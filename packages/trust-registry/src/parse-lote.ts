/**
 * ETSI TS 119 602 Lists of Trusted Entities, JSON binding, plain or inside a compact JWS
 * (JAdES-B-B). `parseLoTE` reads a list without trusting it; `loadLoTE` verifies the JWS
 * with a pinned signer certificate first and refuses unsigned lists.
 *
 * @module
 */
import {
  base64urlDecode,
  type Certificate,
  ComityError,
  defaultCrypto,
  isPlainObject,
  jwkThumbprint,
  parseJsonObject,
  parsePublicJwk,
  type SignatureAlgorithm,
  SUPPORTED_SIGNATURE_ALGORITHMS,
  toHex,
  verifyJwsSignature,
} from '@comity/core';
import { decodeListJws } from './internal/jws-large.js';
import {
  base64Std,
  certFromBase64,
  checkSequence,
  cryptoOf,
  type ListedEntity,
  listedCertificateAnchor,
  pinnedSigner,
  type SourceOptions,
  statusEntry,
  textOf,
} from './internal/source-common.js';
import { parseDate, sha256Hex } from './internal/util.js';
import type { ServiceStatusEntry, TrustAnchor, TrustCategory, TrustListPointer, TrustSource } from './types.js';

export type { SourceOptions } from './internal/source-common.js';

/**
 * Algorithms accepted for list signatures: every algorithm comity supports (RSA is common for trust lists).
 *
 * @example
 * ```ts
 * LIST_SIGNATURE_ALGORITHMS.includes('ES256'); // true
 * ```
 */
export const LIST_SIGNATURE_ALGORITHMS: readonly SignatureAlgorithm[] = SUPPORTED_SIGNATURE_ALGORITHMS;

const LOTE_TYPE_CATEGORY: Record<string, TrustCategory> = {
  EUPIDProvidersList: 'pid',
  EUWalletProvidersList: 'wallet-provider',
  EUWRPACProvidersList: 'access-ca',
  EUWRPRCProvidersList: 'registration-provider',
  EUPubEAAProvidersList: 'pub-eaa',
};
const SVC_TYPE_CATEGORY: Record<string, TrustCategory> = {
  PID: 'pid',
  WalletSolution: 'wallet-provider',
  WRPAC: 'access-ca',
  WRPRC: 'registration-provider',
  PubEAA: 'pub-eaa',
};

/**
 * Category of a TS 119 602 LoTEType URI (EU profiles), if any.
 *
 * @example
 * ```ts
 * categoryOfLoteType('http://uri.etsi.org/19602/LoTEType/EUPIDProvidersList'); // 'pid'
 * ```
 * @see ETSI TS 119 602 V1.1.1 Annexes D–H
 */
export function categoryOfLoteType(uri: string | undefined): TrustCategory | undefined {
  const m = uri === undefined ? null : /\/19602\/LoTEType\/([A-Za-z]+)$/.exec(uri);
  return m === null ? undefined : LOTE_TYPE_CATEGORY[m[1] as string];
}

/**
 * Category of a TS 119 602 service type URI: `…/SvcType/<X>/Issuance` anchors issuers of X;
 * `…/Revocation` services (status-list signers) anchor nothing here and yield `null`.
 *
 * @example
 * ```ts
 * categoryOfServiceType('http://uri.etsi.org/19602/SvcType/WRPAC/Issuance'); // 'access-ca'
 * ```
 * @see ETSI TS 119 602 V1.1.1 Annexes D–H
 */
export function categoryOfServiceType(uri: string | undefined): TrustCategory | null | undefined {
  const m = uri === undefined ? null : /\/19602\/SvcType\/([A-Za-z]+)\/([A-Za-z]+)$/.exec(uri);
  if (m === null) return undefined;
  if (m[2] !== 'Issuance') return null;
  return SVC_TYPE_CATEGORY[m[1] as string];
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | undefined => (isPlainObject(v) ? (v as Obj) : undefined);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const firstText = (v: unknown): string | undefined => {
  for (const item of arr(v)) {
    const o = obj(item);
    const s = str(o?.value) ?? str(o?.uriValue);
    if (s !== undefined) return s;
  }
  return undefined;
};

function malformed(what: string): never {
  throw new ComityError('ERR_TRUST_LIST_MALFORMED', `LoTE ${what} is missing or malformed`, { details: { field: what } });
}

function jurisdictionOfEntity(info: Obj | undefined): string | undefined {
  for (const u of arr(info?.TEInformationURI)) {
    const v = str(obj(u)?.uriValue);
    const m = v === undefined ? null : /\/ListOfTrustedEntities\/[A-Za-z]+\/([A-Z]{2})$/.exec(v);
    if (m !== null) return m[1];
  }
  const postal = obj(obj(info?.TEAddress)?.TEPostalAddress) ?? obj(arr(obj(info?.TEAddress)?.TEPostalAddress)[0]);
  const c = str(postal?.Country);
  return c !== undefined && /^[A-Z]{2}$/.test(c.toUpperCase()) ? c.toUpperCase() : undefined;
}

/**
 * Parses a TS 119 602 LoTE in the JSON binding (`{"LoTE":{…}}` or the bare object) WITHOUT
 * any signature check: for inspection and tests. Use {@link loadLoTE} to trust a list.
 *
 * @example
 * ```ts
 * const source = await parseLoTE(jsonText);
 * source.anchors.filter((a) => a.category === 'pid');
 * ```
 * @throws ComityError `ERR_TRUST_LIST_MALFORMED`, `ERR_TRUST_LIST_TOO_LARGE`, `ERR_ENCODING_*`
 * @see ETSI TS 119 602 V1.1.1 §6 (data model) and Annex A (JSON binding), Annexes D–H (EU profiles)
 */
export async function parseLoTE(
  input: string | Uint8Array | Record<string, unknown>,
  options: SourceOptions & { signerSha256?: string; digest?: string } = {},
): Promise<TrustSource> {
  const crypto = cryptoOf(options);
  let root: Obj;
  let digest: string;
  if (typeof input === 'string' || input instanceof Uint8Array) {
    const text = textOf(input, 'LoTE');
    root = parseJsonObject(text, 'LoTE', 16 * 1024 * 1024);
    digest = await sha256Hex(crypto, typeof input === 'string' ? new TextEncoder().encode(input) : input);
  } else {
    if (!isPlainObject(input)) malformed('root');
    root = input;
    digest = options.digest ?? (await sha256Hex(crypto, new TextEncoder().encode(JSON.stringify(input))));
  }
  const lote = obj(root.LoTE) ?? root;
  const info = obj(lote.ListAndSchemeInformation) ?? malformed('ListAndSchemeInformation');
  const sequence = info.LoTESequenceNumber;
  // Safe integers only: 1e300 or 2**53 + 1 would compare wrongly against minSequence and pin every later list out.
  if (typeof sequence !== 'number' || !Number.isSafeInteger(sequence) || sequence < 1) malformed('LoTESequenceNumber');
  checkSequence(sequence, options.minSequence, 'LoTE');
  const issued = parseDate(info.ListIssueDateTime, 'ListIssueDateTime', 'ERR_TRUST_LIST_MALFORMED');
  const nextUpdate =
    info.NextUpdate === undefined || info.NextUpdate === null ? undefined : parseDate(info.NextUpdate, 'NextUpdate', 'ERR_TRUST_LIST_MALFORMED');
  const listType = str(info.LoTEType);
  const territory = str(info.SchemeTerritory);
  const listCategory = categoryOfLoteType(listType);
  // The category the list is for: its EU LoTEType, else the configured one.
  const listScope = listCategory ?? options.category;
  const id = options.id ?? `lote:${territory ?? 'xx'}:${listType?.split('/').pop() ?? 'list'}`;

  const anchors: TrustAnchor[] = [];
  const entities =
    lote.TrustedEntitiesList === undefined ? [] : Array.isArray(lote.TrustedEntitiesList) ? lote.TrustedEntitiesList : malformed('TrustedEntitiesList');
  for (const [ei, entity] of entities.entries()) {
    const te = obj(entity) ?? malformed(`TrustedEntitiesList[${ei}]`);
    const teInfo = obj(te.TrustedEntityInformation) ?? malformed(`TrustedEntitiesList[${ei}].TrustedEntityInformation`);
    const entityName = firstText(teInfo.TEName);
    const jurisdiction = jurisdictionOfEntity(teInfo) ?? options.jurisdiction;
    for (const [si, service] of arr(te.TrustedEntityServices).entries()) {
      const svc = obj(obj(service)?.ServiceInformation) ?? malformed(`TrustedEntitiesList[${ei}].TrustedEntityServices[${si}]`);
      const serviceType = str(svc.ServiceTypeIdentifier);
      const fromService = categoryOfServiceType(serviceType);
      if (fromService === null) continue; // revocation / status-list signers: not issuer anchors
      const category = fromService ?? listCategory ?? options.category;
      // A list anchors only the category it is for: a service typed for another category (a PID
      // issuance service in a WRPAC list, or in a list configured as `eaa`) anchors nothing.
      if (fromService !== undefined && listScope !== undefined && fromService !== listScope) continue;
      if (category === undefined) continue;
      const statuses: ServiceStatusEntry[] = [
        statusEntry(
          str(svc.ServiceStatus),
          svc.StatusStartingTime === undefined ? undefined : parseDate(svc.StatusStartingTime, 'StatusStartingTime', 'ERR_TRUST_LIST_MALFORMED'),
        ),
      ];
      for (const h of arr(obj(service)?.ServiceHistory)) {
        const ho = obj(h);
        if (ho === undefined) malformed('ServiceHistory');
        statuses.push(
          statusEntry(
            str(ho.ServiceStatus) ?? malformed('ServiceHistory.ServiceStatus'),
            parseDate(ho.StatusStartingTime, 'StatusStartingTime', 'ERR_TRUST_LIST_MALFORMED'),
          ),
        );
      }
      const sdi = obj(svc.ServiceDigitalIdentity) ?? malformed('ServiceDigitalIdentity');
      const entity: ListedEntity = { category, jurisdiction, entityName, serviceType, loa: options.loa, statuses, sourceId: id };
      for (const c of arr(sdi.X509Certificates)) {
        const val = str(obj(c)?.val) ?? malformed('X509Certificates.val');
        anchors.push(await listedCertificateAnchor(val, 'LoTE X509Certificates', crypto, entity));
      }
      for (const k of arr(sdi.PublicKeyValues)) {
        const jwk = parsePublicJwk(k, 'LoTE PublicKeyValue');
        anchors.push({ ...entity, jwk, thumbprint: await jwkThumbprint(jwk, crypto) });
      }
    }
  }
  const pointers: TrustListPointer[] = [];
  for (const p of arr(info.PointersToOtherLoTE)) {
    const po = obj(p) ?? malformed('PointersToOtherLoTE');
    const certs: Certificate[] = [];
    for (const sdi of arr(po.ServiceDigitalIdentities))
      for (const c of arr(obj(sdi)?.X509Certificates))
        certs.push(await certFromBase64(str(obj(c)?.val) ?? malformed('pointer certificate'), 'pointer certificate'));
    const q = obj(arr(po.LoTEQualifiers)[0]);
    pointers.push({
      location: str(po.LoTELocation) ?? malformed('LoTELocation'),
      territory: str(q?.SchemeTerritory),
      listType: str(q?.LoTEType),
      mimeType: str(q?.MimeType),
      signerCertificates: certs,
    });
  }
  const closed = nextUpdate === undefined;
  return { id, kind: 'lote', listType, territory, sequence, issued, nextUpdate, closed, digest, signerSha256: options.signerSha256, anchors, pointers };
}

/**
 * Loads a LoTE distributed as a compact JWS (JAdES-B-B): the signer must be one of the pinned
 * certificates (matched by the `x5c` leaf, or the only pinned one when there is no `x5c`) and the
 * signature must verify with the pinned key. A plain JSON list is refused as unsigned.
 *
 * @example
 * ```ts
 * const source = await loadLoTE(jwsText, [commissionSealCert], { id: 'eu-pid' });
 * ```
 * @throws ComityError `ERR_TRUST_LIST_UNSIGNED`, `ERR_TRUST_LIST_SIGNATURE`, `ERR_TRUST_SIGNER_NOT_PINNED`,
 *   `ERR_TRUST_LIST_MALFORMED`, `ERR_TRUST_SEQUENCE_REGRESSION`
 * @see ETSI TS 119 602 V1.1.1 Annex A; ETSI TS 119 182-1 (JAdES)
 */
export async function loadLoTE(input: string | Uint8Array, signerCertificates: readonly Certificate[], options: SourceOptions = {}): Promise<TrustSource> {
  const text = textOf(input, 'LoTE').trim();
  if (text.startsWith('{')) throw new ComityError('ERR_TRUST_LIST_UNSIGNED', 'LoTE is not signed (plain JSON); a JAdES compact JWS is required');
  const jws = decodeListJws(text, 'LoTE JWS', 'ERR_TRUST_LIST');
  const signer = await jwsSigner(jws.header, signerCertificates, 'LoTE');
  try {
    await verifyJwsSignature(jws, signer.publicJwk, {
      algorithms: LIST_SIGNATURE_ALGORITHMS,
      crypto: cryptoOf(options),
      what: 'LoTE JWS',
      codePrefix: 'ERR_TRUST_LIST',
    });
  } catch (cause) {
    if (cause instanceof ComityError && cause.code === 'ERR_TRUST_LIST_SIGNATURE_INVALID')
      throw new ComityError('ERR_TRUST_LIST_SIGNATURE', 'LoTE signature is invalid', { cause });
    throw cause;
  }
  return parseLoTE(jws.payload, { ...options, signerSha256: signer.sha256, digest: await sha256Hex(cryptoOf(options), new TextEncoder().encode(text)) });
}

/**
 * The pinned certificate a JWS header names through `x5c` (leaf), or the only pinned one.
 *
 * @example
 * ```ts
 * const signer = await jwsSigner(decoded.header, pinnedCerts, 'LoTE');
 * ```
 * @throws ComityError `ERR_TRUST_SIGNER_NOT_PINNED`, `ERR_TRUST_LIST_MALFORMED`
 */
export async function jwsSigner(header: Record<string, unknown>, pinned: readonly Certificate[], what: string): Promise<Certificate> {
  let presented: string | undefined;
  if (header.x5c !== undefined) {
    const first = Array.isArray(header.x5c) ? header.x5c[0] : undefined;
    if (typeof first !== 'string') throw new ComityError('ERR_TRUST_LIST_MALFORMED', `${what} x5c header is malformed`);
    // Only the thumbprint is needed to pick the pinned certificate: no full parse.
    presented = toHex(await defaultCrypto.digest('sha-256', base64Std(first, `${what} x5c`)));
  } else if (typeof header['x5t#S256'] === 'string') {
    const raw = base64urlDecode(header['x5t#S256'] as string, 'x5t#S256');
    presented = Array.from(raw, (b) => b.toString(16).padStart(2, '0')).join('');
  }
  return pinnedSigner(pinned, presented, what);
}
