/**
 * Evidence item 1 (RFC 9901 §5 main example): every printed disclosure digest (108, from the
 * RFC 9901 draft-22 text and the SD-JWT VC editor's copy), the `sd_hash`, both ES256
 * signatures and the processed payload, reproduced by comity.
 */

import type { Jwk } from '@comity/core';
import { base64urlEncode, utf8Encode } from '@comity/core';
import { decodeSdJwt, sdHash, splitSdJwt, verifySdJwt, verifySdJwtVc } from '@comity/sd-jwt-vc';
import { describe, expect, it } from 'vitest';
import { contextAt, pinned, readVectorJson } from './helpers/common.js';

interface MainExample {
  readonly issuer_public_jwk: Jwk;
  readonly input_claims: Record<string, unknown>;
  readonly sd_jwt_payload: Record<string, unknown>;
  readonly disclosures: ReadonlyArray<{ disclosure: string; digest_sha256: string; contents: unknown }>;
  readonly issuer_signed_jwt: string;
  readonly sd_jwt_issuance: string;
  readonly sd_jwt_presentation_with_kb: string;
  readonly kb_jwt_payload: { nonce: string; aud: string; iat: number; sd_hash: string };
  readonly sd_hash_input: string;
  readonly processed_payload: Record<string, unknown>;
}

interface DigestVector {
  readonly source: string;
  readonly disclosure: string;
  readonly sha256_digest: string;
  readonly decoded: readonly unknown[];
}

const ex = readVectorJson<MainExample>('sd-jwt/rfc9901-main-example/main_example.json');
const digestVectors = readVectorJson<DigestVector[]>('sd-jwt/rfc9901-main-example/disclosure_digest_vectors.json');
// A header and signature segment for decode-only tokens (decodeSdJwt checks no signature).
const UNSIGNED_HEADER = base64urlEncode(utf8Encode(JSON.stringify({ alg: 'ES256' })));
const unsigned = (payload: Record<string, unknown>) => `${UNSIGNED_HEADER}.${base64urlEncode(utf8Encode(JSON.stringify(payload)))}.AA`;

describe('RFC 9901 disclosure digests', () => {
  it('has all 108 vectors', () => expect(digestVectors).toHaveLength(108));

  it.each(digestVectors.map((v, i) => [i, v.source, v] as const))('digest vector %i (%s) reproduces through decodeSdJwt', async (_i, _source, v) => {
    const ctx = contextAt(1_700_000_000);
    // Reference the expected digest from a payload: decodeSdJwt computes the disclosure's digest
    // over its ASCII string and must find it there, else it reports an unreferenced disclosure.
    const payload = v.decoded.length === 3 ? { _sd: [v.sha256_digest] } : { list: [{ '...': v.sha256_digest }] };
    const decoded = await decodeSdJwt(`${unsigned(payload)}~${v.disclosure}~`, ctx);
    expect(decoded.disclosures).toHaveLength(1);
    const d = decoded.disclosures[0];
    expect(d?.digest).toBe(v.sha256_digest);
    expect(d?.value).toEqual(v.decoded[v.decoded.length - 1]);
    if (v.decoded.length === 3) expect(d?.name).toBe(v.decoded[1]);
    else expect(d?.name).toBeUndefined();
  });
});

describe('RFC 9901 §5 main example', () => {
  const issuedAt = ex.sd_jwt_payload.iat as number;
  const kbAt = ex.kb_jwt_payload.iat;

  it('decodes the issued SD-JWT: payload and every disclosure digest as printed', async () => {
    const ctx = contextAt(issuedAt);
    const decoded = await decodeSdJwt(ex.sd_jwt_issuance, ctx);
    expect(splitSdJwt(ex.sd_jwt_issuance).jwt).toBe(ex.issuer_signed_jwt);
    expect(decoded.payload).toEqual(ex.sd_jwt_payload);
    expect(decoded.hashAlg).toBe('sha-256');
    expect(decoded.disclosures.map((d) => [d.disclosure, d.digest])).toEqual(ex.disclosures.map((d) => [d.disclosure, d.digest_sha256]));
    expect(decoded.claims).toEqual({ ...ex.input_claims, iss: 'https://issuer.example.com', iat: 1683000000, exp: 1883000000, cnf: ex.sd_jwt_payload.cnf });
  });

  it('reproduces sd_hash over "<JWT>~<D1>~…~<Dn>~" exactly', async () => {
    const ctx = contextAt(kbAt);
    const parts = splitSdJwt(ex.sd_jwt_presentation_with_kb);
    expect(parts.sdJwtWithoutKb).toBe(ex.sd_hash_input);
    expect(await sdHash(ex.sd_hash_input, 'sha-256', ctx)).toBe(ex.kb_jwt_payload.sd_hash);
    // Without the trailing "~" the hash differs (RFC 9901 §4.3.1).
    expect(await sdHash(ex.sd_hash_input.slice(0, -1), 'sha-256', ctx)).not.toBe(ex.kb_jwt_payload.sd_hash);
  });

  it('verifies the issuer signature of the issued SD-JWT (Appendix A.5 key)', async () => {
    const result = await verifySdJwt(
      ex.sd_jwt_issuance,
      { issuerKey: pinned(ex.issuer_public_jwk), typ: 'example+sd-jwt', keyBinding: { required: false } },
      contextAt(issuedAt + 1),
    );
    expect(result.errors).toEqual([]);
    expect(result.valid).toBe(true);
    expect(result.header).toEqual({ alg: 'ES256', typ: 'example+sd-jwt' });
  });

  it('verifies the presentation: issuer signature, KB-JWT by cnf.jwk, nonce, aud, iat, sd_hash; processed payload as printed', async () => {
    const result = await verifySdJwt(
      ex.sd_jwt_presentation_with_kb,
      { issuerKey: pinned(ex.issuer_public_jwk), typ: 'example+sd-jwt', keyBinding: { nonce: ex.kb_jwt_payload.nonce, audience: ex.kb_jwt_payload.aud } },
      contextAt(kbAt + 5),
    );
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(result.valid).toBe(true);
    expect(result.claims).toEqual(ex.processed_payload);
    expect(result.keyBinding).toEqual({
      iat: kbAt,
      aud: ex.kb_jwt_payload.aud,
      nonce: ex.kb_jwt_payload.nonce,
      jwk: (ex.sd_jwt_payload.cnf as { jwk: Jwk }).jwk,
    });
  });

  it('rejects the same presentation under the wrong issuer key, nonce or audience, or outside the KB window', async () => {
    const ctx = contextAt(kbAt + 5);
    const holderKey = (ex.sd_jwt_payload.cnf as { jwk: Jwk }).jwk;
    const codes = async (policy: Parameters<typeof verifySdJwt>[1], at = ctx) =>
      (await verifySdJwt(ex.sd_jwt_presentation_with_kb, policy, at)).errors.map((e) => e.code);
    const kb = { nonce: ex.kb_jwt_payload.nonce, audience: ex.kb_jwt_payload.aud };
    expect(await codes({ issuerKey: pinned(holderKey), typ: 'example+sd-jwt', keyBinding: kb })).toEqual(['ERR_SDJWT_SIGNATURE_INVALID']);
    expect(await codes({ issuerKey: pinned(ex.issuer_public_jwk), typ: 'example+sd-jwt', keyBinding: { ...kb, nonce: '0987654321' } })).toEqual([
      'ERR_SDJWT_KB_NONCE_MISMATCH',
    ]);
    expect(await codes({ issuerKey: pinned(ex.issuer_public_jwk), typ: 'example+sd-jwt', keyBinding: { ...kb, audience: 'https://other.example' } })).toEqual([
      'ERR_SDJWT_KB_AUD_MISMATCH',
    ]);
    expect(await codes({ issuerKey: pinned(ex.issuer_public_jwk), typ: 'example+sd-jwt', keyBinding: kb }, contextAt(kbAt + 3600))).toEqual([
      'ERR_SDJWT_KB_IAT_TOO_OLD',
    ]);
  });

  it('is not an SD-JWT VC: verifySdJwtVc refuses typ "example+sd-jwt"', async () => {
    const result = await verifySdJwtVc(
      ex.sd_jwt_presentation_with_kb,
      { issuerKey: pinned(ex.issuer_public_jwk), keyBinding: { nonce: ex.kb_jwt_payload.nonce, audience: ex.kb_jwt_payload.aud } },
      contextAt(kbAt + 5),
    );
    expect(result.errors.map((e) => e.code)).toEqual(['ERR_SDJWT_TYP_MISMATCH']);
  });
});
