import { createPrivateKey } from 'node:crypto';
import type { Certificate } from '@comity/core';
import { describe, expect, it } from 'vitest';
import { inspectTrustFile, loadLoTEXml, trustListAsRegistry } from '../src/index.js';
import { comitySignedXml } from '../src/internal/xmldsig.js';
import { code, type KeyedCert, makeCa, makeSigner } from './helpers.js';

const b64 = (c: Certificate) => Buffer.from(c.der).toString('base64');

function loteXml(ca: Certificate, seq = 7): string {
  return `<?xml version="1.0" encoding="UTF-8"?><ListOfTrustedEntities xmlns="http://uri.etsi.org/019602/v1#" Id="lote"><ListAndSchemeInformation><LoTEVersionIdentifier>1</LoTEVersionIdentifier><LoTESequenceNumber>${seq}</LoTESequenceNumber><LoTEType>http://uri.etsi.org/19602/LoTEType/EUPIDProvidersList</LoTEType><SchemeOperatorName><Name xml:lang="en">EC</Name></SchemeOperatorName><SchemeTerritory>EU</SchemeTerritory><ListIssueDateTime>2026-11-01T00:00:00Z</ListIssueDateTime><NextUpdate><dateTime>2027-03-01T00:00:00Z</dateTime></NextUpdate></ListAndSchemeInformation><TrustedEntitiesList><TrustedEntity><TrustedEntityInformation><TEName><Name xml:lang="en">Bundesdruckerei</Name></TEName><TEInformationURI><URI xml:lang="en">http://uri.etsi.org/19602/ListOfTrustedEntities/PIDProvider/DE</URI></TEInformationURI></TrustedEntityInformation><TrustedEntityServices><TrustedEntityService><ServiceInformation><ServiceTypeIdentifier>http://uri.etsi.org/19602/SvcType/PID/Issuance</ServiceTypeIdentifier><ServiceName><Name xml:lang="en">PID</Name></ServiceName><ServiceDigitalIdentity><DigitalId><X509Certificate>${b64(ca)}</X509Certificate></DigitalId></ServiceDigitalIdentity></ServiceInformation></TrustedEntityService></TrustedEntityServices></TrustedEntity></TrustedEntitiesList></ListOfTrustedEntities>`;
}

function sign(xml: string, signer: KeyedCert): string {
  const privateKey = createPrivateKey({ key: signer.privateJwk as never, format: 'jwk' }).export({ type: 'pkcs8', format: 'pem' });
  const sx = comitySignedXml({ privateKey, publicCert: undefined });
  sx.signatureAlgorithm = 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256';
  sx.canonicalizationAlgorithm = 'http://www.w3.org/2001/10/xml-exc-c14n#';
  sx.addReference({
    xpath: "/*[local-name()='ListOfTrustedEntities']",
    digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha256',
    transforms: ['http://www.w3.org/2000/09/xmldsig#enveloped-signature', 'http://www.w3.org/2001/10/xml-exc-c14n#'],
  });
  sx.getKeyInfoContent = () => `<X509Data><X509Certificate>${b64(signer.cert)}</X509Certificate></X509Data>`;
  sx.computeSignature(xml, { location: { reference: "/*[local-name()='ListOfTrustedEntities']", action: 'append' } });
  return sx.getSignedXml();
}

describe('TS 119 602 XML binding', () => {
  it('119602-B-ecdsa-signed-xml-lote-loads', async () => {
    const seal = await makeSigner('C=BE, CN=EC seal');
    const ca = await makeCa('C=DE, CN=DE PID CA');
    const signed = sign(loteXml(ca.cert), seal);
    const src = await loadLoTEXml(signed, [seal.cert]);
    expect(src.sequence).toBe(7);
    expect(src.signerSha256).toBe(seal.cert.sha256);
    expect(src.anchors).toHaveLength(1);
    expect(src.anchors[0]).toMatchObject({ category: 'pid', jurisdiction: 'DE', thumbprint: ca.cert.sha256 });
    expect(src.nextUpdate?.toISOString()).toBe('2027-03-01T00:00:00.000Z');
    expect((await trustListAsRegistry(signed, [seal.cert])).anchorCount('pid')).toBe(1);
    expect(await inspectTrustFile(signed)).toMatchObject({ kind: 'lote', signed: true, sequence: 7 });
  });

  it('119602-B-xml-lote-tampered-unsigned-unpinned', async () => {
    const seal = await makeSigner('C=BE, CN=EC seal');
    const other = await makeSigner('C=BE, CN=other');
    const ca = await makeCa('C=DE, CN=DE PID CA');
    const signed = sign(loteXml(ca.cert), seal);
    expect(await code(loadLoTEXml(signed.replace('>7<', '>8<'), [seal.cert]))).toBe('ERR_TRUST_LIST_SIGNATURE');
    expect(await code(loadLoTEXml(loteXml(ca.cert), [seal.cert]))).toBe('ERR_TRUST_LIST_UNSIGNED');
    expect(await code(loadLoTEXml(signed, [other.cert]))).toBe('ERR_TRUST_SIGNER_NOT_PINNED');
    expect(await code(loadLoTEXml(signed, [seal.cert], { minSequence: 8 }))).toBe('ERR_TRUST_SEQUENCE_REGRESSION');
    // extra unsigned entity appended after signing
    const extra = signed.replace(
      '</TrustedEntitiesList>',
      `<TrustedEntity><TrustedEntityInformation><TEName><Name xml:lang="en">X</Name></TEName></TrustedEntityInformation></TrustedEntity></TrustedEntitiesList>`,
    );
    expect(await code(loadLoTEXml(extra, [seal.cert]))).toBe('ERR_TRUST_LIST_SIGNATURE');
  });
});
