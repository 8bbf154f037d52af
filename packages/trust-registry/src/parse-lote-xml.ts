/**
 * ETSI TS 119 602 Lists of Trusted Entities, XML binding (`ListOfTrustedEntities`, namespace
 * `http://uri.etsi.org/019602/v1#`) with an enveloped XML signature, verified with a pinned
 * signer through xml-crypto and read from the signed bytes only.
 *
 * @module
 */
import { type Certificate, ComityError } from '@comity/core';
import type { Element } from '@xmldom/xmldom';
import { checkSequence, cryptoOf, listedCertificateAnchor, type SourceOptions, statusEntry, textOf } from './internal/source-common.js';
import { parseDate, sha256Hex } from './internal/util.js';
import { child, childText, elementChildren, parseXml } from './internal/xml.js';
import { verifyEnvelopedXml } from './internal/xmldsig.js';
import { categoryOfLoteType, categoryOfServiceType } from './parse-lote.js';
import type { ServiceStatusEntry, TrustAnchor, TrustSource } from './types.js';

const LOTE_NS = 'http://uri.etsi.org/019602/v1#';

function bad(what: string): never {
  throw new ComityError('ERR_TRUST_LIST_MALFORMED', `LoTE XML ${what} is missing or malformed`, { details: { field: what } });
}

async function readLoteXml(root: Element, digest: string, signerSha256: string | undefined, options: SourceOptions): Promise<TrustSource> {
  if (root.localName !== 'ListOfTrustedEntities' || root.namespaceURI !== LOTE_NS) bad('root element');
  const crypto = cryptoOf(options);
  const info = child(root, 'ListAndSchemeInformation') ?? bad('ListAndSchemeInformation');
  const seqText = childText(info, 'LoTESequenceNumber');
  const sequence = seqText !== undefined && /^\d{1,9}$/.test(seqText) ? Number(seqText) : bad('LoTESequenceNumber');
  checkSequence(sequence, options.minSequence, 'LoTE');
  const listType = childText(info, 'LoTEType');
  const territory = childText(info, 'SchemeTerritory');
  const issued = parseDate(childText(info, 'ListIssueDateTime'), 'ListIssueDateTime', 'ERR_TRUST_LIST_MALFORMED');
  const nu = childText(info, 'NextUpdate', 'dateTime') ?? childText(info, 'NextUpdate');
  const nextUpdate = nu === undefined || nu === '' ? undefined : parseDate(nu, 'NextUpdate', 'ERR_TRUST_LIST_MALFORMED');
  const listCategory = categoryOfLoteType(listType);
  // The category the list is for: its EU LoTEType, else the configured one.
  const listScope = listCategory ?? options.category;
  const id = options.id ?? `lote:${territory ?? 'xx'}:${listType?.split('/').pop() ?? 'list'}`;
  const anchors: TrustAnchor[] = [];
  for (const te of elementChildren(child(root, 'TrustedEntitiesList') ?? root, 'TrustedEntity')) {
    const teInfo = child(te, 'TrustedEntityInformation') ?? bad('TrustedEntityInformation');
    const entityName = childText(teInfo, 'TEName', 'Name');
    let jurisdiction: string | undefined;
    for (const u of elementChildren(child(teInfo, 'TEInformationURI') ?? teInfo, 'URI')) {
      const m = /\/ListOfTrustedEntities\/[A-Za-z]+\/([A-Z]{2})$/.exec(u.textContent?.trim() ?? '');
      if (m !== null) jurisdiction = m[1];
    }
    jurisdiction ??= childText(teInfo, 'TEAddress', 'PostalAddresses', 'PostalAddress', 'CountryName')?.toUpperCase() ?? options.jurisdiction;
    for (const svc of elementChildren(child(te, 'TrustedEntityServices') ?? te, 'TrustedEntityService')) {
      const si = child(svc, 'ServiceInformation') ?? bad('ServiceInformation');
      const serviceType = childText(si, 'ServiceTypeIdentifier');
      const fromService = categoryOfServiceType(serviceType);
      if (fromService === null) continue;
      const category = fromService ?? listCategory ?? options.category;
      // A list anchors only the category it is for: a service typed for another category (a PID
      // issuance service in a WRPAC list, or in a list configured as `eaa`) anchors nothing.
      if (fromService !== undefined && listScope !== undefined && fromService !== listScope) continue;
      if (category === undefined) continue;
      const start = childText(si, 'StatusStartingTime');
      const statuses: ServiceStatusEntry[] = [
        statusEntry(childText(si, 'ServiceStatus'), start === undefined ? undefined : parseDate(start, 'StatusStartingTime', 'ERR_TRUST_LIST_MALFORMED')),
      ];
      for (const h of elementChildren(child(svc, 'ServiceHistory') ?? svc, 'ServiceHistoryInstance')) {
        statuses.push(
          statusEntry(
            childText(h, 'ServiceStatus') ?? bad('ServiceHistory'),
            parseDate(childText(h, 'StatusStartingTime'), 'StatusStartingTime', 'ERR_TRUST_LIST_MALFORMED'),
          ),
        );
      }
      for (const d of elementChildren(child(si, 'ServiceDigitalIdentity') ?? bad('ServiceDigitalIdentity'), 'DigitalId')) {
        const x = childText(d, 'X509Certificate');
        if (x === undefined) continue;
        anchors.push(
          await listedCertificateAnchor(x, 'LoTE X509Certificate', crypto, {
            category,
            jurisdiction,
            entityName,
            serviceType,
            loa: options.loa,
            statuses,
            sourceId: id,
          }),
        );
      }
    }
  }
  return { id, kind: 'lote', listType, territory, sequence, issued, nextUpdate, closed: nextUpdate === undefined, digest, signerSha256, anchors };
}

/**
 * Parses a TS 119 602 LoTE in the XML binding WITHOUT checking its signature (inspection).
 *
 * @example
 * ```ts
 * const src = await parseLoTEXml(xmlText);
 * ```
 * @throws ComityError `ERR_TRUST_LIST_MALFORMED`, `ERR_TRUST_XML_DOCTYPE`
 * @see ETSI TS 119 602 V1.1.1 Annex B (XML binding)
 */
export async function parseLoTEXml(input: string | Uint8Array, options: SourceOptions = {}): Promise<TrustSource> {
  const text = textOf(input, 'LoTE');
  const doc = parseXml(text, 'LoTE');
  return readLoteXml(doc.documentElement as Element, await sha256Hex(cryptoOf(options), new TextEncoder().encode(text)), undefined, options);
}

/**
 * Verifies and loads a TS 119 602 LoTE in the XML binding: exactly one enveloped signature by a
 * pinned certificate (RSA-SHA256/512, RSA-PSS, ECDSA-SHA256/384/512; no SHA-1), covering the
 * document element; the list is read from the signed bytes.
 *
 * @example
 * ```ts
 * const src = await loadLoTEXml(xmlText, [sealCert], { id: 'eu-pid' });
 * ```
 * @throws ComityError `ERR_TRUST_LIST_UNSIGNED`, `ERR_TRUST_LIST_SIGNATURE`, `ERR_TRUST_LIST_REFERENCE`, `ERR_TRUST_SIGNER_NOT_PINNED`,
 *   `ERR_TRUST_LIST_MALFORMED`, `ERR_TRUST_SEQUENCE_REGRESSION`, `ERR_TRUST_XML_DOCTYPE`
 * @see ETSI TS 119 602 V1.1.1 Annex B; W3C XML-DSig
 */
export async function loadLoTEXml(input: string | Uint8Array, signerCertificates: readonly Certificate[], options: SourceOptions = {}): Promise<TrustSource> {
  const text = textOf(input, 'LoTE');
  const { root, signerSha256, digest } = await verifyEnvelopedXml(text, signerCertificates, 'LoTE', cryptoOf(options));
  return readLoteXml(root, digest, signerSha256, options);
}
