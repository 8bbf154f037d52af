/** Adversarial review of the TS 119 612 / TS 119 602 XML path: signature wrapping, DTDs, algorithms, resource limits. */
import { createPrivateKey } from 'node:crypto';
import type { Certificate } from '@comity/core';
import { describe, expect, it } from 'vitest';
import { loadLoTEXml, loadTrustedList, parseLoTEXml, parseTrustedList } from '../src/index.js';
import { MAX_XML_ELEMENTS } from '../src/internal/xml.js';
import { comitySignedXml } from '../src/internal/xmldsig.js';
import { code, type KeyedCert, makeCa, makeSigner } from './helpers.js';
import { nationalTl, signXml } from './tl-xml.js';

const b64 = (d: Uint8Array) => Buffer.from(d).toString('base64');
const ENVELOPED = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';
const EXC_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#';
const ECDSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256';
const LOTE_OPEN = '<ListOfTrustedEntities xmlns="http://uri.etsi.org/019602/v1#">';

/** Signs with the given references (XPath selections), the signature appended to the root. */
function signRefs(xml: string, s: KeyedCert, refs: { xpath: string; transforms: string[] }[]): string {
  const privateKey = createPrivateKey({ key: s.privateJwk as never, format: 'jwk' }).export({ type: 'pkcs8', format: 'pem' });
  const sx = comitySignedXml({ privateKey, publicCert: undefined });
  sx.signatureAlgorithm = ECDSA_SHA256;
  sx.canonicalizationAlgorithm = EXC_C14N;
  for (const r of refs) sx.addReference({ ...r, digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha256' });
  sx.getKeyInfoContent = () => `<X509Data><X509Certificate>${b64(s.cert.der)}</X509Certificate></X509Data>`;
  sx.computeSignature(xml, { location: { reference: '/*', action: 'append' } });
  return sx.getSignedXml();
}

describe('review: XML trusted lists under attack', () => {
  it('xml-resource-limits: a list nested too deep or with too many elements is refused before any DOM or canonicalisation', async () => {
    const s = await makeSigner('C=DE, CN=DE TL signer');
    const ca = await makeCa('C=DE, CN=DE CA');
    const tl = nationalTl('DE', ca.cert);
    const signed = signXml(tl, s);
    const deep = `${'<a>'.repeat(10_000)}${'</a>'.repeat(10_000)}`;
    // Well within the 16 MiB byte limit; before the limits, 1M such elements cost ~60 s and 2.5 GB
    // of heap in xml-crypto before the signature failed, and 16 MiB of them killed the process.
    const flat = '<a/>'.repeat(MAX_XML_ELEMENTS + 1);
    const started = Date.now();
    expect(await code(loadTrustedList(signed.replace('</TrustServiceStatusList>', `${deep}</TrustServiceStatusList>`), [s.cert]))).toBe(
      'ERR_TRUST_LIST_TOO_LARGE',
    );
    expect(await code(loadTrustedList(signed.replace('</TrustServiceStatusList>', `${flat}</TrustServiceStatusList>`), [s.cert]))).toBe(
      'ERR_TRUST_LIST_TOO_LARGE',
    );
    expect(await code(parseTrustedList(tl.replace('<TSLVersionIdentifier>', `${flat}<TSLVersionIdentifier>`)))).toBe('ERR_TRUST_LIST_TOO_LARGE');
    expect(await code(loadLoTEXml(`${LOTE_OPEN}${deep}</ListOfTrustedEntities>`, [s.cert]))).toBe('ERR_TRUST_LIST_TOO_LARGE');
    expect(await code(parseLoTEXml(`${LOTE_OPEN}${flat}</ListOfTrustedEntities>`))).toBe('ERR_TRUST_LIST_TOO_LARGE');
    expect(Date.now() - started).toBeLessThan(4000);
    // Comments, CDATA, PIs and quoted '>' do not confuse the count; the genuine list still loads.
    const decorated = signXml(tl.replace('<TSLVersionIdentifier>', '<!-- <a><a> --><?pi <a>?><TSLVersionIdentifier>'), s);
    expect((await loadTrustedList(decorated, [s.cert])).sequence).toBe(5);
  });

  it('xml-dsig-wrapping-and-algorithms: what is read is what the pinned signer signed, every failure a stable code', async () => {
    const s = await makeSigner('C=DE, CN=DE TL signer');
    const other = await makeSigner('C=XX, CN=not pinned');
    const ca = await makeCa('C=DE, CN=DE CA');
    const evilCa = await makeCa('C=XX, CN=forged CA');
    const tl = nationalTl('DE', ca.cert);
    const good = signXml(tl, s);
    const sig = /<Signature[\s\S]*<\/Signature>/.exec(good)?.[0] ?? '';
    const signedBody = good.replace(/^<\?xml[^>]*\?>/, '').replace(sig, '');
    const forged = nationalTl('DE', evilCa.cert).replace(/^<\?xml[^>]*\?>/, '');
    const caB64 = b64(ca.cert.der);
    const cases: [string, string, string, Certificate[]?][] = [
      [
        'wrapped: forged root, signed list below it',
        forged.replace('</TrustServiceStatusList>', `<X>${signedBody}</X>${sig}</TrustServiceStatusList>`),
        'ERR_TRUST_LIST_SIGNATURE',
      ],
      [
        'wrapped: forged root without the Id',
        forged.replace(' Id="tsl"', '').replace('</TrustServiceStatusList>', `<X>${signedBody}</X>${sig}</TrustServiceStatusList>`),
        'ERR_TRUST_LIST_REFERENCE',
      ],
      ['forged list with a copied signature', forged.replace('</TrustServiceStatusList>', `${sig}</TrustServiceStatusList>`), 'ERR_TRUST_LIST_SIGNATURE'],
      ['a second Signature', good.replace('</TrustServiceStatusList>', `${sig}</TrustServiceStatusList>`), 'ERR_TRUST_LIST_REFERENCE'],
      [
        'a copy of the Signature in another namespace',
        good.replace('</TrustServiceStatusList>', `${sig.replace('xmlns="http://www.w3.org/2000/09/xmldsig#"', 'xmlns="urn:x"')}</TrustServiceStatusList>`),
        'ERR_TRUST_LIST_SIGNATURE',
      ],
      ['a second element with the same Id', good.replace('<SchemeInformation>', '<SchemeInformation Id="tsl">'), 'ERR_TRUST_LIST_SIGNATURE'],
      ['a second element with the same ID', good.replace('<SchemeInformation>', '<SchemeInformation ID="tsl">'), 'ERR_TRUST_LIST_SIGNATURE'],
      ['a processing instruction inside ServiceStatus', good.replace('Svcstatus/granted', 'Svcstatus/<?x y?>granted'), 'ERR_TRUST_LIST_SIGNATURE'],
      ['a comment inside SignatureValue', good.replace(/<SignatureValue>([^<]{5})/, '<SignatureValue>$1<!---->'), 'ERR_TRUST_LIST_SIGNATURE'],
      ['internal entity', good.replace('?>', '?><!DOCTYPE x [<!ENTITY a "b">]>'), 'ERR_TRUST_XML_DOCTYPE'],
      ['external DTD (never fetched)', good.replace('?>', '?><!DOCTYPE x SYSTEM "http://127.0.0.1:1/x.dtd">'), 'ERR_TRUST_XML_DOCTYPE'],
      ['signed by another key', signXml(tl, other), 'ERR_TRUST_SIGNER_NOT_PINNED'],
      ['KeyInfo names another certificate', good.replace(b64(s.cert.der), b64(other.cert.der)), 'ERR_TRUST_SIGNER_NOT_PINNED'],
      ['KeyInfo names another pinned certificate', good.replace(b64(s.cert.der), b64(other.cert.der)), 'ERR_TRUST_LIST_SIGNATURE', [s.cert, other.cert]],
      ['SHA-1 digest', good.replace('http://www.w3.org/2001/04/xmlenc#sha256', 'http://www.w3.org/2000/09/xmldsig#sha1'), 'ERR_TRUST_LIST_SIGNATURE'],
      ['RSA-SHA1', good.replace(ECDSA_SHA256, 'http://www.w3.org/2000/09/xmldsig#rsa-sha1'), 'ERR_TRUST_LIST_SIGNATURE'],
      ['HMAC-SHA1 keyed with the public certificate', good.replace(ECDSA_SHA256, 'http://www.w3.org/2000/09/xmldsig#hmac-sha1'), 'ERR_TRUST_LIST_SIGNATURE'],
      ['ECDSA-SHA1', good.replace(ECDSA_SHA256, 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha1'), 'ERR_TRUST_LIST_SIGNATURE'],
      [
        'XSLT transform',
        good.replace(`<Transform Algorithm="${EXC_C14N}"/>`, '<Transform Algorithm="http://www.w3.org/TR/1999/REC-xslt-19991116"/>'),
        'ERR_TRUST_LIST_SIGNATURE',
      ],
      [
        'XPath filter transform',
        good.replace(
          `<Transform Algorithm="${EXC_C14N}"/>`,
          '<Transform Algorithm="http://www.w3.org/TR/1999/REC-xpath-19991116"><XPath>1</XPath></Transform>',
        ),
        'ERR_TRUST_LIST_SIGNATURE',
      ],
      [
        'reference to SchemeInformation only',
        signRefs(tl, s, [{ xpath: "//*[local-name()='SchemeInformation']", transforms: [EXC_C14N] }]),
        'ERR_TRUST_LIST_REFERENCE',
      ],
      ['a second root element', `${good}<X/>`, 'ERR_TRUST_LIST_MALFORMED'],
    ];
    for (const [name, xml, expected, pins] of cases) {
      expect(`${name}: ${await code(loadTrustedList(xml, pins ?? [s.cert]))}`).toBe(`${name}: ${expected}`);
    }
    // Text that c14n drops (comments) or normalises (CDATA) is read as the signature covers it.
    const split = good.replace(caB64, `${caB64.slice(0, 10)}<!---->${caB64.slice(10)}`).replace('Svcstatus/granted', 'Svcstatus/<!---->gran<![CDATA[ted]]>');
    const read = await loadTrustedList(split, [s.cert]);
    expect(read.anchors.map((a) => [a.thumbprint, a.statuses[0]?.status])).toEqual([
      [ca.cert.sha256, 'http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/granted'],
    ]);
    // Extra references beside the one over the document element are allowed; the list read is the signed one.
    const twoRefs = signRefs(tl, s, [
      { xpath: '/*', transforms: [ENVELOPED, EXC_C14N] },
      { xpath: "//*[local-name()='SchemeInformation']", transforms: [EXC_C14N] },
    ]);
    expect((await loadTrustedList(twoRefs, [s.cert])).anchors[0]?.thumbprint).toBe(ca.cert.sha256);
  });
});
