/**
 * ETSI TS 119 612 trusted lists for tests and demos: a national list with one qualified EAA
 * service, a list of the lists, and an enveloped XML-DSig ECDSA signature that
 * {@link loadTrustedList} and {@link loadListOfTheLists} verify. Not a trusted-list editor: real
 * lists are produced by their scheme operators' tools and carry XAdES properties these omit.
 *
 * @module
 */
import { createPrivateKey, type JsonWebKey } from 'node:crypto';
import type { Certificate, Jwk } from '@comity/core';
import { comitySignedXml } from './internal/xmldsig.js';

const DAY = 86_400_000;
const TSL = 'http://uri.etsi.org/02231/v2#';
const EUGENERIC = 'http://uri.etsi.org/TrstSvc/TrustedList/TSLType/EUgeneric';
const LOTL_TYPE = 'http://uri.etsi.org/TrstSvc/TrustedList/TSLType/EUlistofthelists';
const QEAA = 'http://uri.etsi.org/TrstSvc/Svctype/EAA/Q';
const GRANTED = 'http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/granted';

const b64 = (c: Certificate): string => Buffer.from(c.der).toString('base64');
const at = (now: Date, ms: number): string => new Date(now.getTime() + ms).toISOString();

function schemeInfo(now: Date, seq: number, type: string, territory: string, pointers: string, closed: boolean): string {
  const next = closed ? '<NextUpdate/>' : `<NextUpdate><dateTime>${at(now, 100 * DAY)}</dateTime></NextUpdate>`;
  return `<SchemeInformation><TSLVersionIdentifier>6</TSLVersionIdentifier><TSLSequenceNumber>${seq}</TSLSequenceNumber><TSLType>${type}</TSLType><SchemeTerritory>${territory}</SchemeTerritory>${pointers}<ListIssueDateTime>${at(now, -DAY)}</ListIssueDateTime>${next}</SchemeInformation>`;
}

/** Options of {@link createTestTrustedList}. */
export interface TestTrustedListOptions {
  /** SchemeTerritory (`DE`, `IT`, ...). */
  readonly territory: string;
  /** The CA certificate of the one granted qualified EAA service (`EAA/Q`), granted 300 days before `now`. */
  readonly ca: Certificate;
  /** Issued a day before, next update 100 days after. */
  readonly now: Date;
  /** TSLSequenceNumber (default 5). */
  readonly sequence?: number;
  /** A closed list (an empty NextUpdate). */
  readonly closed?: boolean;
}

/**
 * An unsigned national trusted list (TS 119 612 XML) with one qualified EAA service.
 *
 * @example
 * ```ts
 * const xml = signTestTrustedList(createTestTrustedList({ territory: 'IT', ca: itCa, now }), itSigner);
 * const source = await loadTrustedList(xml, [itSigner.certificate]);
 * ```
 */
export function createTestTrustedList(options: TestTrustedListOptions): string {
  const { territory, ca, now } = options;
  const info = schemeInfo(now, options.sequence ?? 5, EUGENERIC, territory, '', options.closed === true);
  return `<?xml version="1.0" encoding="UTF-8"?><TrustServiceStatusList xmlns="${TSL}" Id="tsl">${info}<TrustServiceProviderList><TrustServiceProvider><TSPInformation><TSPName><Name xml:lang="en">QTSP</Name></TSPName></TSPInformation><TSPServices><TSPService><ServiceInformation><ServiceTypeIdentifier>${QEAA}</ServiceTypeIdentifier><ServiceName><Name xml:lang="en">QEAA</Name></ServiceName><ServiceDigitalIdentity><DigitalId><X509Certificate>${b64(ca)}</X509Certificate></DigitalId></ServiceDigitalIdentity><ServiceStatus>${GRANTED}</ServiceStatus><StatusStartingTime>${at(now, -300 * DAY)}</StatusStartingTime></ServiceInformation></TSPService></TSPServices></TrustServiceProvider></TrustServiceProviderList></TrustServiceStatusList>`;
}

/** One pointer of {@link createTestListOfTheLists}. */
export interface TestListPointer {
  readonly location: string;
  /** SchemeTerritory of the pointed list; left out when undefined. */
  readonly territory?: string | undefined;
  /** The certificate that signs the pointed list. */
  readonly signer: Certificate;
  /** MimeType; left out when undefined. */
  readonly mimeType?: string | undefined;
  /** A pointer to a list of the lists (as the EU LOTL points to itself) instead of an EUgeneric list. */
  readonly lotlType?: boolean | undefined;
}

/**
 * An unsigned list of the lists (TS 119 612 XML, territory EU, sequence 3 by default), one
 * pointer per entry.
 *
 * @example
 * ```ts
 * const lotl = createTestListOfTheLists([{ location: 'https://it.example/tl.xml', territory: 'IT', signer: itSigner.certificate }], { now });
 * ```
 */
export function createTestListOfTheLists(pointers: readonly TestListPointer[], options: { readonly now: Date; readonly sequence?: number }): string {
  const info = (name: string, value: string | undefined) => (value === undefined ? '' : `<OtherInformation><${name}>${value}</${name}></OtherInformation>`);
  const ptrs = pointers
    .map(
      (p) =>
        `<OtherTSLPointer><ServiceDigitalIdentities><ServiceDigitalIdentity><DigitalId><X509Certificate>${b64(p.signer)}</X509Certificate></DigitalId></ServiceDigitalIdentity></ServiceDigitalIdentities><TSLLocation>${p.location}</TSLLocation><AdditionalInformation>${info('TSLType', p.lotlType === true ? LOTL_TYPE : EUGENERIC)}${info('SchemeTerritory', p.territory)}${info('MimeType', p.mimeType)}</AdditionalInformation></OtherTSLPointer>`,
    )
    .join('');
  const scheme = schemeInfo(options.now, options.sequence ?? 3, LOTL_TYPE, 'EU', `<PointersToOtherTSL>${ptrs}</PointersToOtherTSL>`, false);
  return `<?xml version="1.0" encoding="UTF-8"?><TrustServiceStatusList xmlns="${TSL}" Id="lotl">${scheme}</TrustServiceStatusList>`;
}

/**
 * Signs a list from {@link createTestTrustedList} or {@link createTestListOfTheLists} with an
 * enveloped ECDSA-SHA256 XML-DSig signature over the document element (exclusive c14n), the
 * signer's certificate in KeyInfo.
 *
 * @example
 * ```ts
 * const signed = signTestTrustedList(xml, { privateJwk, certificate });
 * ```
 */
export function signTestTrustedList(xml: string, signer: { readonly privateJwk: Jwk; readonly certificate: Certificate }): string {
  const privateKey = createPrivateKey({ key: signer.privateJwk as JsonWebKey, format: 'jwk' }).export({ type: 'pkcs8', format: 'pem' });
  const sx = comitySignedXml({ privateKey, publicCert: undefined });
  sx.signatureAlgorithm = 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256';
  sx.canonicalizationAlgorithm = 'http://www.w3.org/2001/10/xml-exc-c14n#';
  const root = "/*[local-name()='TrustServiceStatusList']";
  sx.addReference({
    xpath: root,
    digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha256',
    transforms: ['http://www.w3.org/2000/09/xmldsig#enveloped-signature', 'http://www.w3.org/2001/10/xml-exc-c14n#'],
  });
  sx.getKeyInfoContent = () => `<X509Data><X509Certificate>${b64(signer.certificate)}</X509Certificate></X509Data>`;
  sx.computeSignature(xml, { location: { reference: root, action: 'append' } });
  return sx.getSignedXml();
}
