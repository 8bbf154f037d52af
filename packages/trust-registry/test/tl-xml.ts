/** TS 119 612 XML builders for tests: national lists and a LOTL, signed with a real enveloped ECDSA XAdES-style signature. */
import { createPrivateKey } from 'node:crypto';
import type { Certificate } from '@comity/core';
import { comitySignedXml } from '../src/internal/xmldsig.js';
import { type KeyedCert, NOW } from './helpers.js';

const DAY = 86_400_000;
const iso = (ms: number) => new Date(NOW.getTime() + ms).toISOString();
const b64 = (c: Certificate) => Buffer.from(c.der).toString('base64');

const TSL = 'http://uri.etsi.org/02231/v2#';
const EUGENERIC = 'http://uri.etsi.org/TrstSvc/TrustedList/TSLType/EUgeneric';
const LOTL_TYPE = 'http://uri.etsi.org/TrstSvc/TrustedList/TSLType/EUlistofthelists';
const QEAA = 'http://uri.etsi.org/TrstSvc/Svctype/EAA/Q';
const GRANTED = 'http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/granted';

function schemeInfo(seq: number, type: string, territory: string, pointers = '', closed = false): string {
  const next = closed ? '<NextUpdate/>' : `<NextUpdate><dateTime>${iso(100 * DAY)}</dateTime></NextUpdate>`;
  return `<SchemeInformation><TSLVersionIdentifier>6</TSLVersionIdentifier><TSLSequenceNumber>${seq}</TSLSequenceNumber><TSLType>${type}</TSLType><SchemeTerritory>${territory}</SchemeTerritory>${pointers}<ListIssueDateTime>${iso(-DAY)}</ListIssueDateTime>${next}</SchemeInformation>`;
}

/** A national TL (sequence 5) listing `ca` as a granted QEAA service. */
export function nationalTl(territory: string, ca: Certificate, closed = false): string {
  return `<?xml version="1.0" encoding="UTF-8"?><TrustServiceStatusList xmlns="${TSL}" Id="tsl">${schemeInfo(5, EUGENERIC, territory, '', closed)}<TrustServiceProviderList><TrustServiceProvider><TSPInformation><TSPName><Name xml:lang="en">QTSP</Name></TSPName></TSPInformation><TSPServices><TSPService><ServiceInformation><ServiceTypeIdentifier>${QEAA}</ServiceTypeIdentifier><ServiceName><Name xml:lang="en">QEAA</Name></ServiceName><ServiceDigitalIdentity><DigitalId><X509Certificate>${b64(ca)}</X509Certificate></DigitalId></ServiceDigitalIdentity><ServiceStatus>${GRANTED}</ServiceStatus><StatusStartingTime>${iso(-300 * DAY)}</StatusStartingTime></ServiceInformation></TSPService></TSPServices></TrustServiceProvider></TrustServiceProviderList></TrustServiceStatusList>`;
}

/**
 * A LOTL (sequence 3) with one pointer per entry: EUgeneric unless `lotlType` (the LOTL pointing
 * to itself, as the EU LOTL does); `territory` undefined leaves SchemeTerritory out, `mimeType`
 * undefined leaves MimeType out.
 */
export function lotl(pointers: { location: string; territory?: string; signer: Certificate; mimeType?: string; lotlType?: boolean }[]): string {
  const info = (name: string, value: string | undefined) => (value === undefined ? '' : `<OtherInformation><${name}>${value}</${name}></OtherInformation>`);
  const ptrs = pointers
    .map(
      (p) =>
        `<OtherTSLPointer><ServiceDigitalIdentities><ServiceDigitalIdentity><DigitalId><X509Certificate>${b64(p.signer)}</X509Certificate></DigitalId></ServiceDigitalIdentity></ServiceDigitalIdentities><TSLLocation>${p.location}</TSLLocation><AdditionalInformation>${info('TSLType', p.lotlType === true ? LOTL_TYPE : EUGENERIC)}${info('SchemeTerritory', p.territory)}${info('MimeType', p.mimeType)}</AdditionalInformation></OtherTSLPointer>`,
    )
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?><TrustServiceStatusList xmlns="${TSL}" Id="lotl">${schemeInfo(3, LOTL_TYPE, 'EU', `<PointersToOtherTSL>${ptrs}</PointersToOtherTSL>`)}</TrustServiceStatusList>`;
}

/** Signs a TS 119 612 list with an enveloped ECDSA-SHA256 signature over the document element, as xml-crypto produces it. */
export function signXml(xml: string, signer: KeyedCert): string {
  const privateKey = createPrivateKey({ key: signer.privateJwk as never, format: 'jwk' }).export({ type: 'pkcs8', format: 'pem' });
  const sx = comitySignedXml({ privateKey, publicCert: undefined });
  sx.signatureAlgorithm = 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256';
  sx.canonicalizationAlgorithm = 'http://www.w3.org/2001/10/xml-exc-c14n#';
  const root = "/*[local-name()='TrustServiceStatusList']";
  sx.addReference({
    xpath: root,
    digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha256',
    transforms: ['http://www.w3.org/2000/09/xmldsig#enveloped-signature', 'http://www.w3.org/2001/10/xml-exc-c14n#'],
  });
  sx.getKeyInfoContent = () => `<X509Data><X509Certificate>${b64(signer.cert)}</X509Certificate></X509Data>`;
  sx.computeSignature(xml, { location: { reference: root, action: 'append' } });
  return sx.getSignedXml();
}
