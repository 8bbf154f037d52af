/**
 * ETSI TS 119 612 trusted lists and the EU list of the lists (XML, enveloped XAdES signature).
 * The XML-DSig work (canonicalisation, digests, signature) is done by xml-crypto; comity pins
 * the signer, refuses unsigned lists, requires the signed reference to cover the document
 * element, and reads the list from the signed bytes only (no signature wrapping).
 *
 * @module
 */
import { type Certificate, ComityError } from '@comity/core';
import type { Element } from '@xmldom/xmldom';
import { certFromBase64, checkSequence, cryptoOf, type SourceOptions, statusEntry, textOf } from './internal/source-common.js';
import { parseDate, sha256Hex } from './internal/util.js';
import { child, childText, elementChildren, parseXml } from './internal/xml.js';
import { verifyEnvelopedXml } from './internal/xmldsig.js';
import type { ServiceStatusEntry, TrustAnchor, TrustCategory, TrustListPointer, TrustSource } from './types.js';

const TSL_NS = 'http://uri.etsi.org/02231/v2#';
const LOTL_TYPE_SUFFIX = '/EUlistofthelists';

/**
 * Category of a TS 119 612 service type URI used for EUDI attestations, if any.
 *
 * @example
 * ```ts
 * categoryOfTlServiceType('http://uri.etsi.org/TrstSvc/Svctype/EAA/Q'); // 'qeaa'
 * ```
 * @see ETSI TS 119 612 V2.3.1 §5.5.1
 */
export function categoryOfTlServiceType(uri: string | undefined): TrustCategory | undefined {
  if (uri === undefined) return undefined;
  if (uri.endsWith('/Svctype/EAA/Q')) return 'qeaa';
  if (uri.endsWith('/Svctype/EAA/Pub-EAA')) return 'pub-eaa';
  if (uri.endsWith('/Svctype/EAA') || uri.endsWith('/Svctype/EAA/nonQ')) return 'eaa';
  return undefined;
}

function bad(what: string): never {
  throw new ComityError('ERR_TRUST_LIST_MALFORMED', `trusted list ${what} is missing or malformed`, { details: { field: what } });
}

/** A service as listed (for inspection), whether or not it anchors a category. */
export interface ListedService {
  readonly provider?: string | undefined;
  readonly name?: string | undefined;
  readonly serviceType?: string | undefined;
  readonly category?: TrustCategory | undefined;
  readonly statuses: readonly ServiceStatusEntry[];
  readonly certificates: readonly Certificate[];
}

/** A parsed trusted list: the source plus every listed service. */
export interface ParsedTrustedList extends TrustSource {
  readonly services: readonly ListedService[];
}

async function readList(root: Element, digest: string, signerSha256: string | undefined, options: SourceOptions): Promise<ParsedTrustedList> {
  if (root.localName !== 'TrustServiceStatusList' || root.namespaceURI !== TSL_NS) bad('root element');
  const info = child(root, 'SchemeInformation') ?? bad('SchemeInformation');
  const seqText = childText(info, 'TSLSequenceNumber');
  const sequence = seqText !== undefined && /^\d{1,9}$/.test(seqText) ? Number(seqText) : bad('TSLSequenceNumber');
  checkSequence(sequence, options.minSequence, 'trusted list');
  const listType = childText(info, 'TSLType');
  const territory = childText(info, 'SchemeTerritory');
  const issued = parseDate(childText(info, 'ListIssueDateTime'), 'ListIssueDateTime', 'ERR_TRUST_LIST_MALFORMED');
  const nu = childText(info, 'NextUpdate', 'dateTime');
  const nextUpdate = nu === undefined ? undefined : parseDate(nu, 'NextUpdate', 'ERR_TRUST_LIST_MALFORMED');
  const isLotl = listType?.endsWith(LOTL_TYPE_SUFFIX) === true;
  const id = options.id ?? `${isLotl ? 'lotl' : 'tl'}:${territory ?? 'xx'}`;

  const pointers: TrustListPointer[] = [];
  for (const p of elementChildren(child(info, 'PointersToOtherTSL') ?? info, 'OtherTSLPointer')) {
    const certs: Certificate[] = [];
    for (const sdi of elementChildren(child(p, 'ServiceDigitalIdentities') ?? p, 'ServiceDigitalIdentity')) {
      for (const d of elementChildren(sdi, 'DigitalId')) {
        const x = childText(d, 'X509Certificate');
        if (x !== undefined) certs.push(await certFromBase64(x, 'pointer certificate'));
      }
    }
    let pType: string | undefined;
    let pTerritory: string | undefined;
    let mime: string | undefined;
    for (const oi of elementChildren(child(p, 'AdditionalInformation') ?? p, 'OtherInformation')) {
      pType ??= childText(oi, 'TSLType');
      pTerritory ??= childText(oi, 'SchemeTerritory');
      mime ??= childText(oi, 'MimeType');
    }
    pointers.push({
      location: childText(p, 'TSLLocation') ?? bad('TSLLocation'),
      territory: pTerritory,
      listType: pType,
      mimeType: mime,
      signerCertificates: certs,
    });
  }

  const services: ListedService[] = [];
  const anchors: TrustAnchor[] = [];
  for (const tsp of elementChildren(child(root, 'TrustServiceProviderList') ?? root, 'TrustServiceProvider')) {
    const provider = childText(tsp, 'TSPInformation', 'TSPName', 'Name');
    for (const s of elementChildren(child(tsp, 'TSPServices') ?? tsp, 'TSPService')) {
      const si = child(s, 'ServiceInformation') ?? bad('ServiceInformation');
      const serviceType = childText(si, 'ServiceTypeIdentifier');
      const startText = childText(si, 'StatusStartingTime');
      const statuses: ServiceStatusEntry[] = [
        statusEntry(
          childText(si, 'ServiceStatus') ?? bad('ServiceStatus'),
          startText === undefined ? undefined : parseDate(startText, 'StatusStartingTime', 'ERR_TRUST_LIST_MALFORMED'),
        ),
      ];
      for (const h of elementChildren(child(s, 'ServiceHistory') ?? s, 'ServiceHistoryInstance')) {
        statuses.push(
          statusEntry(
            childText(h, 'ServiceStatus') ?? bad('ServiceHistory ServiceStatus'),
            parseDate(childText(h, 'StatusStartingTime'), 'StatusStartingTime', 'ERR_TRUST_LIST_MALFORMED'),
          ),
        );
      }
      const certificates: Certificate[] = [];
      for (const d of elementChildren(child(si, 'ServiceDigitalIdentity') ?? bad('ServiceDigitalIdentity'), 'DigitalId')) {
        const x = childText(d, 'X509Certificate');
        if (x !== undefined) certificates.push(await certFromBase64(x, 'service certificate'));
      }
      const category = categoryOfTlServiceType(serviceType);
      const name = childText(si, 'ServiceName', 'Name');
      services.push({ provider, name, serviceType, category, statuses, certificates });
      if (category === undefined) continue;
      for (const certificate of certificates) {
        anchors.push({
          category,
          certificate,
          thumbprint: certificate.sha256,
          subjectKeyId: certificate.subjectKeyId,
          jurisdiction: options.jurisdiction ?? territory?.slice(0, 2),
          entityName: provider,
          serviceType,
          loa: options.loa,
          statuses,
          sourceId: id,
        });
      }
    }
  }
  const closed = nextUpdate === undefined; // an empty NextUpdate: a closed list (§5.3.15)
  return {
    id,
    kind: isLotl ? 'lotl' : 'trusted-list',
    listType,
    territory,
    sequence,
    issued,
    nextUpdate,
    closed,
    digest,
    signerSha256,
    anchors,
    pointers,
    services,
  };
}

/**
 * Parses a TS 119 612 trusted list or list of the lists WITHOUT checking its signature: for
 * inspection only. Use {@link loadTrustedList} to trust a list.
 *
 * @example
 * ```ts
 * const tl = await parseTrustedList(xmlText);
 * console.log(tl.sequence, tl.services.length);
 * ```
 * @throws ComityError `ERR_TRUST_LIST_MALFORMED`, `ERR_TRUST_XML_DOCTYPE`
 * @see ETSI TS 119 612 V2.3.1 §5
 */
export async function parseTrustedList(input: string | Uint8Array, options: SourceOptions = {}): Promise<ParsedTrustedList> {
  const text = textOf(input, 'trusted list');
  const doc = parseXml(text, 'trusted list');
  const digest = await sha256Hex(cryptoOf(options), typeof input === 'string' ? new TextEncoder().encode(input) : input);
  return readList(doc.documentElement as Element, digest, undefined, options);
}

/**
 * Whether a LOTL pointer names a list to load: not the PDF rendering of a national list (the EU
 * LOTL points to each list twice, XML and PDF), and not a list of the lists (the EU LOTL points
 * to itself, to publish its own signer certificates). Otherwise every decision would meet a
 * "missing list" that no configuration can supply.
 */
function isNationalXmlList(p: TrustListPointer): boolean {
  if (p.mimeType !== undefined && !/(^|[/+])xml$/i.test(p.mimeType.trim())) return false;
  return p.listType === undefined || !p.listType.endsWith(LOTL_TYPE_SUFFIX);
}

/**
 * Verifies and loads a TS 119 612 trusted list (or LOTL) signed with an enveloped XAdES
 * signature by one of the pinned certificates. The signed reference must cover the document
 * element (URI "" or its Id) with the enveloped-signature transform; the list is then read
 * from the signed bytes xml-crypto returns, so content outside the signature is never read.
 *
 * @example
 * ```ts
 * const lotl = await loadTrustedList(xml, ojeuCertificates);
 * ```
 * @throws ComityError `ERR_TRUST_LIST_UNSIGNED`, `ERR_TRUST_LIST_SIGNATURE`, `ERR_TRUST_LIST_REFERENCE`,
 *   `ERR_TRUST_SIGNER_NOT_PINNED`, `ERR_TRUST_LIST_MALFORMED`, `ERR_TRUST_SEQUENCE_REGRESSION`, `ERR_TRUST_XML_DOCTYPE`
 * @see ETSI TS 119 612 V2.3.1 §5.7 (signature); W3C XML-DSig; ETSI EN 319 132 (XAdES)
 */
export async function loadTrustedList(
  input: string | Uint8Array,
  signerCertificates: readonly Certificate[],
  options: SourceOptions = {},
): Promise<ParsedTrustedList> {
  const text = textOf(input, 'trusted list');
  const { root, signerSha256, digest } = await verifyEnvelopedXml(text, signerCertificates, 'trusted list', cryptoOf(options));
  return readList(root, digest, signerSha256, options);
}

/** Result of following a list of the lists. */
export interface LotlResult {
  readonly lotl: ParsedTrustedList;
  readonly lists: readonly ParsedTrustedList[];
  /** Pointers whose list was missing or failed (code per location, and the territory the pointer names). */
  readonly failures: ReadonlyArray<{ readonly location: string; readonly territory?: string | undefined; readonly code: string }>;
}

/**
 * Verifies a list of the lists with the pinned (OJEU) certificates, then verifies each
 * national list supplied in `lists` (by pointer location) with ONLY the certificates its
 * pointer pins. The list's `SchemeTerritory` (and `TSLType`, when the pointer names one) must
 * be the pointer's: a list that claims another territory is a failure
 * (`ERR_TRUST_LIST_POINTER_MISMATCH`). Offline: nothing is fetched; missing lists are reported
 * as failures, with the territory their pointer names. Pointers to a non-XML rendering
 * (`MimeType` such as `application/pdf`) or to a list of the lists are not followed.
 *
 * @example
 * ```ts
 * const { lists, failures } = await loadListOfTheLists(lotlXml, ojeuCerts, { 'https://…/EE_T.xml': eeXml });
 * ```
 * @throws ComityError as {@link loadTrustedList} for the LOTL itself
 * @see ETSI TS 119 612 V2.3.1 §5.3.13 (pointers), Annex I
 */
export async function loadListOfTheLists(
  lotlInput: string | Uint8Array,
  ojeuCertificates: readonly Certificate[],
  lists: Readonly<Record<string, string | Uint8Array>>,
  options: SourceOptions = {},
): Promise<LotlResult> {
  const lotl = await loadTrustedList(lotlInput, ojeuCertificates, options);
  if (lotl.kind !== 'lotl') throw new ComityError('ERR_TRUST_LIST_MALFORMED', 'the list is not a list of the lists');
  const out: ParsedTrustedList[] = [];
  const failures: { location: string; territory?: string | undefined; code: string }[] = [];
  for (const p of lotl.pointers ?? []) {
    if (!isNationalXmlList(p)) continue;
    const bytes = Object.hasOwn(lists, p.location) ? lists[p.location] : undefined;
    if (bytes === undefined) {
      failures.push({ location: p.location, territory: p.territory, code: 'ERR_TRUST_LIST_MISSING' });
      continue;
    }
    try {
      const tl = await loadTrustedList(bytes, p.signerCertificates, { ...options, id: undefined, minSequence: undefined });
      // The LOTL (signed by the Commission) says whose list this is: a list operator signs only
      // its own territory's list, never another's (its anchors would take that jurisdiction,
      // and its id `tl:<territory>` would replace that territory's list).
      if (p.territory === undefined || tl.territory !== p.territory || (p.listType !== undefined && tl.listType !== p.listType)) {
        throw new ComityError('ERR_TRUST_LIST_POINTER_MISMATCH', 'the list does not match the territory or type its pointer names', {
          details: { location: p.location, expected: p.territory ?? '-', got: tl.territory ?? '-' },
        });
      }
      out.push(tl);
    } catch (e) {
      // The pointer's territory, never the list's own claim: a list claiming another country is
      // scoped to the country whose pointer it came through.
      failures.push({ location: p.location, territory: p.territory, code: e instanceof ComityError ? e.code : 'ERR_INTERNAL' });
    }
  }
  return { lotl, lists: out, failures };
}
