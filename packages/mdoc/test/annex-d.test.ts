import { createContext, fromHex, type Jwk } from '@comity/core';
import { describe, expect, it } from 'vitest';
import { inspectMdoc, verifyDeviceResponse, verifyDeviceResponseOrThrow } from '../src/index.js';
import { b64u, vectorCert, vectorHex } from './helpers.js';

const D = 'iso18013-5-annexD/';
const clock = (iso: string) => createContext({ now: () => new Date(iso) });

async function setup() {
  const iaca = await vectorCert(`${D}iaca_cert.hex`);
  const readerPrivateKey: Jwk = {
    kty: 'EC',
    crv: 'P-256',
    x: b64u(vectorHex(`${D}ephemeral_reader_key_x.hex`)),
    y: b64u(vectorHex(`${D}ephemeral_reader_key_y.hex`)),
    d: b64u(vectorHex(`${D}ephemeral_reader_key_d.hex`)),
  };
  return { trustAnchors: [iaca], readerPrivateKey, sessionTranscript: vectorHex(`${D}session_transcript_bytes.hex`) };
}

describe('ISO 18013-5 Annex D DeviceResponse', () => {
  it('verifies at 2021-01-01: issuer signature, chain to the IACA, 6 digests, deviceMac', async () => {
    const opts = await setup();
    const [doc, ...rest] = await verifyDeviceResponse(vectorHex(`${D}device_response.hex`), { ...opts, ctx: clock('2021-01-01T00:00:00Z') });
    expect(rest).toHaveLength(0);
    expect(doc?.errors).toEqual([]);
    expect(doc?.valid).toBe(true);
    expect(doc?.format).toBe('mso_mdoc');
    expect(doc?.docType).toBe('org.iso.18013.5.1.mDL');
    const claims = doc?.claims['org.iso.18013.5.1'] ?? {};
    expect(Object.keys(claims).sort()).toEqual(['document_number', 'driving_privileges', 'expiry_date', 'family_name', 'issue_date', 'portrait']);
    expect(claims.family_name).toBe('Doe');
    expect(claims.issue_date).toBe('2019-10-20');
    expect(claims.portrait).toBe(b64u(vectorHex(`${D}device_response_portrait_data.hex`)));
    expect(doc?.issuer?.keyMethod).toBe('x5chain');
    expect(doc?.issuer?.country).toBe('US');
    expect(doc?.issuer?.anchor?.sha256).toBe(opts.trustAnchors[0]?.sha256);
    expect(doc?.issuer?.certificateChain).toHaveLength(2);
    expect(doc?.validityInfo?.validUntil).toBe('2021-10-01T13:30:02Z');
  });

  it("18013-5-9.3.3-ds-certificate-expired: fails at today's date", async () => {
    const opts = await setup();
    const [doc] = await verifyDeviceResponse(vectorHex(`${D}device_response.hex`), { ...opts, ctx: createContext() });
    expect(doc?.valid).toBe(false);
    expect(doc?.errors.map((e) => e.code)).toContain('ERR_X509_EXPIRED');
    expect(doc?.errors.map((e) => e.code)).toContain('ERR_MDOC_EXPIRED');
    expect(doc?.claims).toEqual({});
  });

  it.each([
    ['18013-5-9.3.1-digest-mismatch', 'negative/device_response_family_name_Foe.hex', 'ERR_MDOC_DIGEST_MISMATCH'],
    ['18013-5-9.3.1-issuer-signature-invalid', 'negative/device_response_issuer_sig_poisoned.hex', 'ERR_MDOC_ISSUER_SIGNATURE_INVALID'],
    ['18013-5-9.1.3.5-device-mac-invalid', 'negative/device_response_device_mac_poisoned.hex', 'ERR_MDOC_DEVICE_MAC_INVALID'],
  ])('%s', async (_rule, file, code) => {
    const opts = await setup();
    const [doc] = await verifyDeviceResponse(vectorHex(D + file), { ...opts, ctx: clock('2021-01-01T00:00:00Z') });
    expect(doc?.valid).toBe(false);
    expect(doc?.errors.map((e) => e.code)).toEqual([code]);
    await expect(verifyDeviceResponseOrThrow(vectorHex(D + file), { ...opts, ctx: clock('2021-01-01T00:00:00Z') })).rejects.toMatchObject({ code });
  });

  it('18013-5-9.1.3.5-device-mac-needs-reader-key', async () => {
    const { readerPrivateKey: _unused, ...opts } = await setup();
    const [doc] = await verifyDeviceResponse(vectorHex(`${D}device_response.hex`), { ...opts, ctx: clock('2021-01-01T00:00:00Z') });
    expect(doc?.errors.map((e) => e.code)).toEqual(['ERR_MDOC_DEVICE_MAC_NO_READER_KEY']);
  });

  it('18013-5-9.1.3.5-transcript-bound: another SessionTranscript fails the MAC', async () => {
    const opts = await setup();
    const other = fromHex(`83f6f682714f70656e494434565048616e646f7665725820${'00'.repeat(32)}`);
    const [doc] = await verifyDeviceResponse(vectorHex(`${D}device_response.hex`), { ...opts, sessionTranscript: other, ctx: clock('2021-01-01T00:00:00Z') });
    expect(doc?.errors.map((e) => e.code)).toEqual(['ERR_MDOC_DEVICE_MAC_INVALID']);
  });

  it('18013-5-9.3.3-untrusted-iaca: the reader root is no anchor for the issuer', async () => {
    const opts = await setup();
    const readerRoot = await vectorCert(`${D}reader_root_cert.hex`);
    const [doc] = await verifyDeviceResponse(vectorHex(`${D}device_response.hex`), { ...opts, trustAnchors: [readerRoot], ctx: clock('2021-01-01T00:00:00Z') });
    expect(doc?.errors.map((e) => e.code)).toEqual(['ERR_X509_CHAIN_UNANCHORED']);
  });

  it('a pinned document-signer certificate anchors the chain', async () => {
    const opts = await setup();
    const ds = await vectorCert(`${D}ds_cert.hex`);
    const [doc] = await verifyDeviceResponse(vectorHex(`${D}device_response.hex`), { ...opts, trustAnchors: [ds], ctx: clock('2021-01-01T00:00:00Z') });
    expect(doc?.errors).toEqual([]);
    expect(doc?.issuer?.anchor?.sha256).toBe(ds.sha256);
  });

  it('18013-5-9.3.1-doctype: an unexpected docType is refused', async () => {
    const opts = await setup();
    const [doc] = await verifyDeviceResponse(vectorHex(`${D}device_response.hex`), {
      ...opts,
      docType: 'eu.europa.ec.eudi.pid.1',
      ctx: clock('2021-01-01T00:00:00Z'),
    });
    expect(doc?.errors.map((e) => e.code)).toEqual(['ERR_MDOC_DOCTYPE_MISMATCH']);
  });

  it('inspectMdoc gives a JSON view', () => {
    const view = inspectMdoc(vectorHex(`${D}device_response.hex`));
    expect(view.kind).toBe('DeviceResponse');
    expect(JSON.parse(JSON.stringify(view)).documents[0].docType).toBe('org.iso.18013.5.1.mDL');
  });
});
