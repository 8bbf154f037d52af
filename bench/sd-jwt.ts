/**
 * SD-JWT VC benchmark: a PID-like credential (15 selectively disclosable claims, 5 disclosed,
 * ES256, with key binding) verified by comity and by @sd-jwt/sd-jwt-vc 0.19.0 in the same run,
 * against the cryptographic limit (node:crypto ES256 verifications per second / 2).
 */
import { createPrivateKey, createPublicKey, sign as nodeSign, verify as nodeVerify } from 'node:crypto';
import { createContext, localSigner, utf8Encode } from '@comity/core';
import { issueSdJwtVc, pinnedIssuerKeys, presentSdJwt, verifySdJwtVc } from '@comity/sd-jwt-vc';
import { digest, ES256 } from '@sd-jwt/crypto-nodejs';
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc';
import { interleaved } from './measure.js';

const PID_CLAIMS = {
  given_name: 'Erika',
  family_name: 'Mustermann',
  birthdate: '1964-08-12',
  birth_place: 'Berlin',
  nationalities: ['DE'],
  address: { street_address: 'Heidestraße 17', locality: 'Köln', postal_code: '51147', country: 'DE' },
  age_over_18: true,
  age_over_21: true,
  age_in_years: 62,
  issuing_authority: 'DE',
  issuing_country: 'DE',
  document_number: 'T22000129',
  email: 'erika@example.de',
  phone_number: '+49 30 1234567',
  sex: 2,
};
const DISCLOSED = [['given_name'], ['family_name'], ['birthdate'], ['age_over_18'], ['nationalities']];

export interface SdJwtBench {
  sdJwtVerify: { perSec: number; peerPerSec: number; limitPerSec: number };
  sdJwtIssue: { perSec: number; limitPerSec: number };
}

export async function benchSdJwt(opts: { seconds: number }): Promise<SdJwtBench> {
  const ctx = createContext();
  const issuer = await ctx.crypto.generateKeyPair('ES256');
  const holder = await ctx.crypto.generateKeyPair('ES256');
  const now = Math.floor(Date.now() / 1000);
  const issuerSigner = localSigner(issuer.privateJwk, 'ES256', ctx.crypto);
  const issueInput = {
    vct: 'urn:eudi:pid:de:1',
    issuer: 'https://pid.bund.example',
    holderKey: holder.publicJwk,
    expiresAt: now + 86400,
    claims: PID_CLAIMS,
    disclosable: Object.keys(PID_CLAIMS).map((k) => [k]),
    signer: issuerSigner,
  };
  const credential = await issueSdJwtVc(issueInput, ctx);
  const audience = 'https://verifier.example.fr';
  const nonce = 'bench-nonce-1';
  const presentation = await presentSdJwt(
    credential,
    { disclose: DISCLOSED, keyBinding: { signer: localSigner(holder.privateJwk, 'ES256', ctx.crypto), audience, nonce } },
    ctx,
  );
  const policy = { issuerKey: pinnedIssuerKeys([issuer.publicJwk]), keyBinding: { nonce, audience, maxAgeSeconds: 3600 }, vctValues: ['urn:eudi:pid:de:1'] };
  const check = await verifySdJwtVc(presentation, policy, ctx);
  if (!check.valid) throw new Error(`bench credential does not verify: ${JSON.stringify(check.errors)}`);

  // Peer: @sd-jwt/sd-jwt-vc with its own node crypto package, KB checked with the cnf key.
  const peer = new SDJwtVcInstance({
    hasher: digest,
    hashAlg: 'sha-256',
    verifier: await ES256.getVerifier(issuer.publicJwk),
    kbVerifier: async (data, sig, payload) => {
      const jwk = (payload.cnf as { jwk: object }).jwk;
      return (await ES256.getVerifier(jwk))(data, sig);
    },
  });
  await peer.verify(presentation, { keyBindingNonce: nonce });

  // The limit: the two ES256 verifications a verifier cannot avoid, with cached keys, over the same data.
  const [h, p, s] = presentation.split('~')[0]!.split('.') as [string, string, string];
  const data = utf8Encode(`${h}.${p}`);
  const sig = Buffer.from(s, 'base64url');
  const key = createPublicKey({ key: issuer.publicJwk as import('node:crypto').JsonWebKey, format: 'jwk' });
  const limit = () => {
    if (!nodeVerify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, sig)) throw new Error('limit setup failed');
  };
  const privateKey = createPrivateKey({ key: issuer.privateJwk as import('node:crypto').JsonWebKey, format: 'jwk' });
  const signLimit = () => nodeSign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' });

  // Interleaved slices: a busy machine slows every contender alike.
  const [comityVerify = 0, peerVerify = 0, verifyLimit = 0] = await interleaved(
    [() => verifySdJwtVc(presentation, policy, ctx), () => peer.verify(presentation, { keyBindingNonce: nonce }), limit],
    opts.seconds,
  );
  const [comityIssue = 0, signLimitRate = 0] = await interleaved([() => issueSdJwtVc(issueInput, ctx), signLimit], opts.seconds);
  return {
    sdJwtVerify: { perSec: Math.round(comityVerify), peerPerSec: Math.round(peerVerify), limitPerSec: Math.round(verifyLimit / 2) },
    sdJwtIssue: { perSec: Math.round(comityIssue), limitPerSec: Math.round(signLimitRate) },
  };
}
