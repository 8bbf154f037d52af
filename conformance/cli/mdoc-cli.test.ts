/**
 * `comity verify --format mso_mdoc` end to end: the ISO 18013-5 Annex D DeviceResponse (deviceMac with the
 * reader key, IACA anchor, fixed clock), its tampered variants, and a comity-issued mDL presented over an
 * OpenID4VP 1.0 handover given as --handover JSON.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '@comity/cli';
import { base64urlEncode, createContext, derToPem, fromHex, localSigner, toHex } from '@comity/core';
import { buildSessionTranscript, createTestDocumentSigner, createTestIaca, type HandoverInput, issueMdoc, presentMdoc } from '@comity/mdoc';
import { describe, expect, it } from 'vitest';

const annexD = fileURLToPath(new URL('../../packages/mdoc/test/vectors/iso18013-5-annexD/', import.meta.url));
const hex = (name: string) => readFileSync(join(annexD, name), 'utf8').trim();
const dir = mkdtempSync(join(tmpdir(), 'comity-mdoc-cli-'));

async function verify(args: string[]): Promise<{
  code: number;
  json: { valid: boolean; format: string; errors: Array<{ code: string }>; claims: Record<string, Record<string, unknown>>; issuer: Record<string, unknown> };
}> {
  const out: string[] = [];
  const code = await main(
    ['verify', ...args, '--json'],
    (l) => out.push(l),
    () => {},
  );
  return { code, json: JSON.parse(out.join('\n')) };
}

describe('comity verify --format mso_mdoc', () => {
  const readerKey = join(dir, 'reader.jwk');
  writeFileSync(
    readerKey,
    JSON.stringify({
      kty: 'EC',
      crv: 'P-256',
      x: base64urlEncode(fromHex(hex('ephemeral_reader_key_x.hex'))),
      y: base64urlEncode(fromHex(hex('ephemeral_reader_key_y.hex'))),
      d: base64urlEncode(fromHex(hex('ephemeral_reader_key_d.hex'))),
    }),
  );
  const common = ['--trust-anchor', join(annexD, 'iaca_cert.pem'), '--session-transcript-hex', hex('session_transcript_bytes.hex'), '--reader-key', readerKey];

  it('18013-5-annexD: verifies at 2021-01-01 with deviceMac, the IACA chain and all digests', async () => {
    const { code, json } = await verify([join(annexD, 'device_response.hex'), '--format', 'mso_mdoc', ...common, '--now', '2021-01-01T00:00:00Z']);
    expect(json.errors).toEqual([]);
    expect(code).toBe(0);
    expect(json.format).toBe('mso_mdoc');
    expect(json.claims['org.iso.18013.5.1']).toMatchObject({ family_name: 'Doe', document_number: '123456789' });
    expect(json.issuer).toMatchObject({ keyMethod: 'x5chain' });
  });
  it('18013-5-annexD: fails today because the certificates expired (format auto-detected from hex)', async () => {
    const { code, json } = await verify([join(annexD, 'device_response.hex'), ...common]);
    expect(code).toBe(1);
    expect(json.errors.map((e) => e.code)).toContain('ERR_X509_EXPIRED');
    expect(json.claims).toEqual({});
  });
  it.each([
    ['device_response_device_mac_poisoned.hex', 'ERR_MDOC_DEVICE_MAC_INVALID'],
    ['device_response_family_name_Foe.hex', 'ERR_MDOC_DIGEST_MISMATCH'],
    ['device_response_issuer_sig_poisoned.hex', 'ERR_MDOC_ISSUER_SIGNATURE_INVALID'],
  ])('18013-5-annexD tampered %s fails with %s', async (file, expected) => {
    const { code, json } = await verify([join(annexD, 'negative', file), ...common, '--now', '2021-01-01T00:00:00Z']);
    expect(code).toBe(1);
    expect(json.errors.map((e) => e.code)).toEqual([expected]);
  });
  it('a comity mDL over an OpenID4VP handover (--handover JSON), and a wrong nonce', async () => {
    const ctx = createContext();
    const iaca = await createTestIaca({ ctx, country: 'GR' });
    const ds = await createTestDocumentSigner({ ctx, iaca });
    const device = await ctx.crypto.generateKeyPair('ES256');
    const now = ctx.now();
    const issuerSigned = await issueMdoc({
      docType: 'org.iso.18013.5.1.mDL',
      nameSpaces: { 'org.iso.18013.5.1': { family_name: 'Papadopoulou', given_name: 'Eleni', age_over_18: true, document_number: 'GR-991' } },
      deviceKey: device.publicJwk,
      signer: ds.signer,
      certificateChain: [ds.certificate],
      validity: { signed: now, validFrom: now, validUntil: new Date(now.getTime() + 86_400_000) },
      ctx,
    });
    const handover = {
      type: 'openid4vp',
      clientId: 'x509_san_dns:shop.example.de',
      nonce: 'n-77',
      responseUri: 'https://shop.example.de/response',
      jwkThumbprint: null,
    } as const;
    /** The age_over_18 element presented over `over`, written to `name` in hex. */
    const presentOver = async (over: HandoverInput, name: string): Promise<string> => {
      const response = await presentMdoc({
        issuerSigned,
        disclose: [['org.iso.18013.5.1', 'age_over_18']],
        deviceSigner: localSigner(device.privateJwk, 'ES256', ctx.crypto),
        sessionTranscript: await buildSessionTranscript(over, ctx),
        ctx,
      });
      const path = join(dir, name);
      writeFileSync(path, toHex(response));
      return path;
    };
    const file = await presentOver(handover, 'mdl.hex');
    const anchor = join(dir, 'iaca.pem');
    writeFileSync(anchor, derToPem(iaca.certificate.der));
    const ok = await verify([file, '--trust-anchor', anchor, '--handover', JSON.stringify(handover)]);
    expect(ok.json.errors).toEqual([]);
    expect(ok.json.claims).toEqual({ 'org.iso.18013.5.1': { age_over_18: true } });
    const replay = await verify([file, '--trust-anchor', anchor, '--handover', JSON.stringify({ ...handover, nonce: 'other' })]);
    expect(replay.code).toBe(1);
    expect(replay.json.errors.map((e) => e.code)).toEqual(['ERR_MDOC_DEVICE_SIGNATURE_INVALID']);
    const usage = await main(
      ['verify', file, '--json', '--handover', '{"type":"nope"}'],
      () => {},
      () => {},
    );
    expect(usage).toBe(2);

    // ISO 18013-7 Annex C (DC API): the same mDL presented to a web origin.
    const reader = await ctx.crypto.generateKeyPair('ES256');
    const nonce = ctx.crypto.randomBytes(16);
    const annexC = { type: 'iso18013-7-annex-c', origin: 'https://shop.example.de', nonce, recipientPublicKey: reader.publicJwk } as const;
    const annexCFile = await presentOver(annexC, 'mdl-annex-c.hex');
    const annexCJson = { ...annexC, nonce: base64urlEncode(nonce) };
    const viaAnnexC = await verify([annexCFile, '--trust-anchor', anchor, '--handover', JSON.stringify(annexCJson)]);
    expect(viaAnnexC.json.errors).toEqual([]);
    expect(viaAnnexC.code).toBe(0);
    const otherOrigin = await verify([annexCFile, '--trust-anchor', anchor, '--handover', JSON.stringify({ ...annexCJson, origin: 'https://evil.example' })]);
    expect(otherOrigin.json.errors.map((e) => e.code)).toEqual(['ERR_MDOC_DEVICE_SIGNATURE_INVALID']);
  });
});
