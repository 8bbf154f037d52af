import { createContext, fromHex, jwkThumbprintBytes, toHex } from '@comity/core';
import { describe, expect, it } from 'vitest';
import { buildSessionTranscript, sessionTranscriptBytes } from '../src/index.js';
import { vectorHex, vectorText } from './helpers.js';

const B = 'openid4vp-1.0-appendix-B/';
const inputs = JSON.parse(vectorText(`${B}inputs.json`));
const ctx = createContext();

describe('OpenID4VP 1.0 Appendix B.2.6 SessionTranscripts', () => {
  it('the JWK thumbprint input matches the example', async () => {
    expect(toHex(await jwkThumbprintBytes(inputs.jwk_input, ctx.crypto))).toBe(inputs.jwk_thumbprint_sha256_hex);
  });

  it('B.2.6.1 redirect: reproduces the SessionTranscript byte for byte', async () => {
    const st = await buildSessionTranscript(
      {
        type: 'openid4vp',
        clientId: inputs.client_id,
        nonce: inputs.nonce,
        responseUri: inputs.response_uri,
        jwkThumbprint: fromHex(inputs.jwk_thumbprint_sha256_hex),
      },
      ctx,
    );
    expect(toHex(st)).toBe(toHex(vectorHex(`${B}redirect_SessionTranscript.hex`)));
  });

  it('B.2.6.2 DC API: reproduces the SessionTranscript byte for byte', async () => {
    const st = await buildSessionTranscript(
      { type: 'openid4vp-dcapi', origin: inputs.origin, nonce: inputs.nonce, jwkThumbprint: fromHex(inputs.jwk_thumbprint_sha256_hex) },
      ctx,
    );
    expect(toHex(st)).toBe(toHex(vectorHex(`${B}dcapi_SessionTranscript.hex`)));
  });

  it('null thumbprint variants (unencrypted responses)', async () => {
    const redirect = await buildSessionTranscript(
      { type: 'openid4vp', clientId: inputs.client_id, nonce: inputs.nonce, responseUri: inputs.response_uri },
      ctx,
    );
    expect(toHex(redirect)).toBe(toHex(vectorHex(`${B}DERIVED_redirect_SessionTranscript_unencrypted_null_thumbprint.hex`)));
    const dcapi = await buildSessionTranscript({ type: 'openid4vp-dcapi', origin: inputs.origin, nonce: inputs.nonce, jwkThumbprint: null }, ctx);
    expect(toHex(dcapi)).toBe(toHex(vectorHex(`${B}DERIVED_dcapi_SessionTranscript_dc_api_null_thumbprint.hex`)));
  });

  it('openid4vp-B.2.6.1-client-id-prefix: the client_id prefix changes the transcript', async () => {
    const withPrefix = await buildSessionTranscript(
      { type: 'openid4vp', clientId: inputs.client_id, nonce: inputs.nonce, responseUri: inputs.response_uri },
      ctx,
    );
    const without = await buildSessionTranscript({ type: 'openid4vp', clientId: 'example.com', nonce: inputs.nonce, responseUri: inputs.response_uri }, ctx);
    expect(toHex(withPrefix)).not.toBe(toHex(without));
  });

  it('ISO 18013-7 Annex B and C shapes', async () => {
    const b = await buildSessionTranscript(
      { type: 'iso18013-7-annex-b', clientId: 'example.com', responseUri: 'https://example.com/r', nonce: 'n', mdocGeneratedNonce: 'm' },
      ctx,
    );
    expect(toHex(b.subarray(0, 4))).toBe('83f6f683'); // [null, null, [h, h, nonce]]
    const c = await buildSessionTranscript({ type: 'iso18013-7-annex-c', origin: 'https://example.com', encryptionInfo: 'gmVkY2FwaaA' }, ctx);
    expect(toHex(c.subarray(0, 10))).toBe('83f6f6826564636170695820'.slice(0, 20));
    const { publicJwk } = await ctx.crypto.generateKeyPair('ES256');
    const c2 = await buildSessionTranscript(
      { type: 'iso18013-7-annex-c', origin: 'https://example.com', nonce: new Uint8Array(16), recipientPublicKey: publicJwk },
      ctx,
    );
    expect(c2.length).toBe(c.length);
  });

  it('raw transcripts pass through; SessionTranscriptBytes wraps them in tag 24', async () => {
    const annexD = vectorHex('iso18013-5-annexD/session_transcript_bytes.hex');
    const bare = await buildSessionTranscript({ type: 'raw', sessionTranscript: annexD }, ctx);
    expect(toHex(sessionTranscriptBytes(bare))).toBe(toHex(annexD));
  });
});
