import { readFileSync } from 'node:fs';
import { type Certificate, ComityError, defaultCrypto, localSigner, parseCertificate } from '@comity/core';
import { describe, expect, it } from 'vitest';
import {
  anchorCertificate,
  evaluateCertLogic,
  loadListOfTheLists,
  loadLoTE,
  loadTrustedList,
  parseLoTE,
  parseTrustedList,
  signLoTE,
  type TrustAnchor,
} from '../src/index.js';
import { code, makeSigner } from './helpers.js';

const vec = (name: string): string => readFileSync(new URL(`./vectors/${name}`, import.meta.url), 'utf8');
const LOTL = vec('EE-test-LOTL.xml');
const NATIONAL = vec('EE_T-national-TL-excerpt.xml');
const PID_LOTE = vec('EU-PID-Providers-LoTE-nonprod-excerpt.json');

async function lotlSigner(): Promise<Certificate> {
  const b64 = /<ds:X509Certificate>([^<]+)<\/ds:X509Certificate>/.exec(LOTL)?.[1] ?? '';
  return parseCertificate(new Uint8Array(Buffer.from(b64.replace(/&#13;|\s/g, ''), 'base64')));
}

describe('ETSI TS 119 612 vectors', () => {
  it('119612-5.7-signed-test-lotl-verifies', async () => {
    const signer = await lotlSigner();
    const lotl = await loadTrustedList(LOTL, [signer]);
    expect(lotl.kind).toBe('lotl');
    expect(lotl.sequence).toBe(4);
    expect(lotl.territory).toBe('EE');
    expect(lotl.signerSha256).toBe(signer.sha256);
    expect(lotl.nextUpdate?.toISOString()).toBe('2027-08-21T23:00:00.000Z');
    expect(lotl.pointers).toHaveLength(1);
    expect(lotl.pointers?.[0]?.location).toBe('https://open-eid.github.io/test-TL/EE_T.xml');
    expect(lotl.pointers?.[0]?.territory).toBe('EE_T');
    expect(lotl.pointers?.[0]?.signerCertificates[0]?.sha256).toBe(signer.sha256);
  });

  it('119612-5.7-lotl-signer-not-pinned', async () => {
    const other = await makeSigner('C=EE, CN=Other');
    expect(await code(loadTrustedList(LOTL, [other.cert]))).toBe('ERR_TRUST_SIGNER_NOT_PINNED');
  });

  it('119612-5.7-lotl-tampered-content', async () => {
    const signer = await lotlSigner();
    expect(await code(loadTrustedList(LOTL.replace('<TSLSequenceNumber>4<', '<TSLSequenceNumber>5<'), [signer]))).toBe('ERR_TRUST_LIST_SIGNATURE');
  });

  it('119612-5.7-lotl-extra-unsigned-content', async () => {
    const signer = await lotlSigner();
    const extra = LOTL.replace('</SchemeInformation>', '</SchemeInformation><TrustServiceProviderList/>');
    expect(await code(loadTrustedList(extra, [signer]))).toBe('ERR_TRUST_LIST_SIGNATURE');
  });

  it('119612-5.7-signature-wrapping-refused', async () => {
    const signer = await lotlSigner();
    const body = LOTL.replace(/^<\?xml[^>]*\?>/, '');
    const wrapped = `<?xml version="1.0" encoding="UTF-8"?><TrustServiceStatusList xmlns="http://uri.etsi.org/02231/v2#" Id="EVIL"><SchemeInformation><TSLSequenceNumber>99</TSLSequenceNumber></SchemeInformation><Wrapper>${body}</Wrapper></TrustServiceStatusList>`;
    const c = await code(loadTrustedList(wrapped, [signer]));
    expect(['ERR_TRUST_LIST_REFERENCE', 'ERR_TRUST_LIST_SIGNATURE']).toContain(c);
  });

  it('119612-doctype-refused', async () => {
    const signer = await lotlSigner();
    expect(await code(loadTrustedList(LOTL.replace('?>', '?><!DOCTYPE x [<!ENTITY a "b">]>'), [signer]))).toBe('ERR_TRUST_XML_DOCTYPE');
  });

  it('119612-5.7-unsigned-national-excerpt-refused', async () => {
    const signer = await lotlSigner();
    expect(await code(loadTrustedList(NATIONAL, [signer]))).toBe('ERR_TRUST_LIST_UNSIGNED');
  });

  it('119612-lotl-pointer-followed-only-with-pinned-certificates', async () => {
    const signer = await lotlSigner();
    const r = await loadListOfTheLists(LOTL, [signer], { 'https://open-eid.github.io/test-TL/EE_T.xml': NATIONAL });
    expect(r.lists).toHaveLength(0);
    expect(r.failures).toEqual([{ location: 'https://open-eid.github.io/test-TL/EE_T.xml', territory: 'EE_T', code: 'ERR_TRUST_LIST_UNSIGNED' }]);
  });

  it('119612-5.5-national-excerpt-parses-with-history', async () => {
    const tl = await parseTrustedList(NATIONAL);
    expect(tl.kind).toBe('trusted-list');
    expect(tl.services.length).toBeGreaterThan(0);
    const s = tl.services[0];
    expect(s?.serviceType).toBe('http://uri.etsi.org/TrstSvc/Svctype/CA/QC');
    expect(s?.statuses[0]?.status.endsWith('/granted')).toBe(true);
    expect(s?.statuses.some((h) => h.status.endsWith('/undersupervision'))).toBe(true);
    expect(tl.anchors).toHaveLength(0); // CA/QC anchors no EUDI attestation category
  });
});

describe('ETSI TS 119 602 vectors', () => {
  it('119602-D-pid-lote-excerpt-yields-pid-anchor', async () => {
    const lote = await parseLoTE(PID_LOTE);
    expect(lote.sequence).toBe(9);
    expect(lote.listType).toBe('http://uri.etsi.org/19602/LoTEType/EUPIDProvidersList');
    expect(lote.anchors).toHaveLength(1);
    const a = lote.anchors[0];
    expect(a?.category).toBe('pid');
    expect(a?.jurisdiction).toBe('NO');
    expect(a?.statuses[0]?.status).toBe('notified');
    expect((await anchorCertificate(a as TrustAnchor))?.subject).toContain('PID-utsteder');
    expect(a?.thumbprint).toMatch(/^[0-9a-f]{64}$/);
  });

  it('119602-A-unsigned-lote-refused', async () => {
    const s = await makeSigner('C=BE, CN=EC seal');
    expect(await code(loadLoTE(PID_LOTE, [s.cert]))).toBe('ERR_TRUST_LIST_UNSIGNED');
  });

  it('119602-A-sealed-lote-loads-and-pins-signer', async () => {
    const seal = await makeSigner('C=BE, CN=EC seal');
    const jws = await signLoTE({ LoTE: JSON.parse(PID_LOTE) }, seal.signer, [seal.cert]);
    const src = await loadLoTE(jws, [seal.cert]);
    expect(src.signerSha256).toBe(seal.cert.sha256);
    expect(src.anchors[0]?.category).toBe('pid');
    const other = await makeSigner('C=BE, CN=Other');
    expect(await code(loadLoTE(jws, [other.cert]))).toBe('ERR_TRUST_SIGNER_NOT_PINNED');
    const forged = await signLoTE({ LoTE: JSON.parse(PID_LOTE) }, localSigner(other.privateJwk, 'ES256', defaultCrypto), [seal.cert]);
    expect(await code(loadLoTE(forged, [seal.cert]))).toBe('ERR_TRUST_LIST_SIGNATURE');
    expect(await code(loadLoTE(jws, [seal.cert], { minSequence: 10 }))).toBe('ERR_TRUST_SEQUENCE_REGRESSION');
  });

  it('119602-junk-input', async () => {
    for (const junk of ['', '{}', '{"LoTE":{}}', '[]', 'a.b.c', '{"ListAndSchemeInformation":{"LoTESequenceNumber":"9"}}']) {
      const c = await code(parseLoTE(junk));
      expect(c.startsWith('ERR_')).toBe(true);
    }
  });
});

describe('DCC CertLogic rules', () => {
  const rule = (n: string) => JSON.parse(vec(`${n}.rule.json`)) as { Logic: unknown };
  it('dcc-AT-VR-AT-0004-test001', () => {
    const t = JSON.parse(vec('AT-VR-AT-0004.test001.json')) as { payload: unknown; external: unknown; expected: boolean };
    expect(evaluateCertLogic(rule('AT-VR-AT-0004').Logic, { payload: t.payload, external: t.external })).toBe(t.expected);
    // the same payload 30 days later is inside the 22..90 day window
    const later = { ...(t.external as object), validationClock: '2022-02-01T00:00:00Z' };
    expect(evaluateCertLogic(rule('AT-VR-AT-0004').Logic, { payload: t.payload, external: later })).toBe(true);
  });
  it('dcc-DE-VR-DE-0001-complete-series', () => {
    expect(evaluateCertLogic(rule('DE-VR-DE-0001').Logic, { payload: { v: [{ dn: 2, sd: 2 }] } })).toBe(true);
    expect(evaluateCertLogic(rule('DE-VR-DE-0001').Logic, { payload: { v: [{ dn: 1, sd: 2 }] } })).toBe(false);
  });
  it('dcc-EU-GR-EU-0000-exactly-one-event', () => {
    expect(evaluateCertLogic(rule('EU-GR-EU-0000').Logic, { payload: { v: [{ dn: 1 }] } })).toBe(true);
    expect(evaluateCertLogic(rule('EU-GR-EU-0000').Logic, { payload: { v: [{ dn: 1 }], t: [{ tt: 'x' }] } })).toBe(false);
  });
  it('dcc-AT-TR-AT-0002-value-set', () => {
    const ext = { valueSets: { 'covid-19-lab-test-manufacturer-and-name': ['1232'] } };
    expect(evaluateCertLogic(rule('AT-TR-AT-0002').Logic, { payload: { t: [{ tt: 'LP217198-3', ma: '1232' }] }, external: ext })).toBe(true);
    expect(evaluateCertLogic(rule('AT-TR-AT-0002').Logic, { payload: { t: [{ tt: 'LP217198-3', ma: '9999' }] }, external: ext })).toBe(false);
  });
  it('certlogic-unsupported-operation-refused', () => {
    expect(() => evaluateCertLogic({ method: ['x', 'constructor'] }, {})).toThrow(ComityError);
    expect(() => evaluateCertLogic({ var: 'constructor.name' }, {})).not.toThrow();
    expect(evaluateCertLogic({ var: '__proto__' }, {})).toBe(null);
  });
});
