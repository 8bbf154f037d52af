/**
 * SD-JWT VC benchmark: a PID-like credential (15 selectively disclosable claims, 5 disclosed,
 * ES256, with key binding) verified by comity and by @sd-jwt/sd-jwt-vc 0.19.0 in the same run,
 * against the cryptographic limit (node:crypto ES256 verifications per second / 2). Each
 * contender runs in its own worker thread (see isolated.ts), set up from the same input.
 */
import { createPrivateKey, createPublicKey, hash, type KeyObject, sign as nodeSign, verify as nodeVerify } from 'node:crypto';
import { createContext, type Jwk, localSigner, utf8Encode } from '@comity/core';
import { issueSdJwtVc, pinnedIssuerKeys, presentSdJwt, verifySdJwtVc } from '@comity/sd-jwt-vc';
import { digest, ES256 } from '@sd-jwt/crypto-nodejs';
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc';
import { interleavedIsolated } from './isolated.js';

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
  /** A bare verifier that parses, hashes and checks both signatures and nothing else: what JavaScript can reach here. */
  sdJwtVerifyBare: { perSec: number };
  sdJwtIssue: { perSec: number; limitPerSec: number };
}

/** What every verifying contender gets: the same presentation and the same expectations. */
interface VerifyInput {
  readonly presentation: string;
  readonly issuerJwk: Jwk;
  readonly nonce: string;
  readonly audience: string;
}

/** What the issuing contenders get. */
interface IssueInput {
  readonly issuerPrivateJwk: Jwk;
  readonly holderJwk: Jwk;
  readonly expiresAt: number;
  /** The signing input of a real issuer-signed JWT, for the signing limit. */
  readonly signingInput: string;
}

const VCT = 'urn:eudi:pid:de:1';
const HERE = new URL(import.meta.url);

export async function benchSdJwt(opts: { seconds: number }): Promise<SdJwtBench> {
  const ctx = createContext();
  const issuer = await ctx.crypto.generateKeyPair('ES256');
  const holder = await ctx.crypto.generateKeyPair('ES256');
  const issueInput: IssueInput = {
    issuerPrivateJwk: issuer.privateJwk,
    holderJwk: holder.publicJwk,
    expiresAt: Math.floor(Date.now() / 1000) + 86400,
    signingInput: '',
  };
  const credential = await (await comityIssuer(issueInput))();
  const nonce = 'bench-nonce-1';
  const audience = 'https://verifier.example.fr';
  const presentation = await presentSdJwt(
    credential,
    { disclose: DISCLOSED, keyBinding: { signer: localSigner(holder.privateJwk, 'ES256', ctx.crypto), audience, nonce } },
    ctx,
  );
  const verifyInput: VerifyInput = { presentation, issuerJwk: issuer.publicJwk, nonce, audience };
  const signingInput = presentation.slice(0, presentation.lastIndexOf('.', presentation.indexOf('~')));

  // Interleaved slices, each contender in its own worker (own heap): see isolated.ts.
  const contender = (factory: string, input: unknown) => ({ module: HERE, factory, input });
  const [comityVerify = 0, peerVerify = 0, verifyLimit = 0, bareVerify = 0] = await interleavedIsolated(
    [
      contender('comityVerifier', verifyInput),
      contender('peerVerifier', verifyInput),
      contender('es256VerifyLimit', verifyInput),
      contender('bareVerifier', verifyInput),
    ],
    opts.seconds,
  );
  const [comityIssue = 0, signLimitRate = 0] = await interleavedIsolated(
    [contender('comityIssuer', issueInput), contender('es256SignLimit', { ...issueInput, signingInput })],
    opts.seconds,
  );
  return {
    sdJwtVerify: { perSec: Math.round(comityVerify), peerPerSec: Math.round(peerVerify), limitPerSec: Math.round(verifyLimit / 2) },
    sdJwtVerifyBare: { perSec: Math.round(bareVerify) },
    sdJwtIssue: { perSec: Math.round(comityIssue), limitPerSec: Math.round(signLimitRate) },
  };
}

/** comity's verifier with the policy a relying party would use: pinned key, nonce, audience, accepted type. */
export async function comityVerifier(input: VerifyInput): Promise<() => Promise<unknown>> {
  const ctx = createContext();
  const policy = {
    issuerKey: pinnedIssuerKeys([input.issuerJwk]),
    keyBinding: { nonce: input.nonce, audience: input.audience, maxAgeSeconds: 3600 },
    vctValues: [VCT],
  };
  const check = await verifySdJwtVc(input.presentation, policy, ctx);
  if (!check.valid) throw new Error(`bench credential does not verify: ${JSON.stringify(check.errors)}`);
  return () => verifySdJwtVc(input.presentation, policy, ctx);
}

/** The peer: @sd-jwt/sd-jwt-vc with its own node crypto package, KB checked with the cnf key. */
export async function peerVerifier(input: VerifyInput): Promise<() => Promise<unknown>> {
  const peer = new SDJwtVcInstance({
    hasher: digest,
    hashAlg: 'sha-256',
    verifier: await ES256.getVerifier(input.issuerJwk),
    kbVerifier: async (data, sig, payload) => {
      const jwk = (payload.cnf as { jwk: object }).jwk;
      return (await ES256.getVerifier(jwk))(data, sig);
    },
  });
  return () => peer.verify(input.presentation, { keyBindingNonce: input.nonce });
}

/** The limit: one of the two ES256 verifications a verifier cannot avoid, with a cached key, over the same data. */
export async function es256VerifyLimit(input: VerifyInput): Promise<() => void> {
  const jwt = input.presentation.slice(0, input.presentation.indexOf('~'));
  const dot = jwt.lastIndexOf('.');
  const data = utf8Encode(jwt.slice(0, dot));
  const sig = Buffer.from(jwt.slice(dot + 1), 'base64url');
  const key = createPublicKey({ key: input.issuerJwk as import('node:crypto').JsonWebKey, format: 'jwk' });
  return () => {
    if (!nodeVerify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, sig)) throw new Error('limit setup failed');
  };
}

/**
 * Not a verifier anyone should use: the least work any SD-JWT+KB verifier must do, written
 * out by hand to show where the JavaScript floor lies on this machine. Strict base64url,
 * JSON parsing, the five disclosure digests looked up in `_sd`, `sd_hash`, and both ES256
 * signatures with cached keys; none of the rules (typ, alg policy, exp, nonce, aud, iat,
 * structure, duplicates, never-disclosable claims) that comity enforces.
 */
export async function bareVerifier(input: VerifyInput): Promise<() => void> {
  const issuerKey = createPublicKey({ key: input.issuerJwk as import('node:crypto').JsonWebKey, format: 'jwk' });
  const holderKeys = new Map<string, KeyObject>();
  const segment = (text: string): Buffer => {
    const bytes = Buffer.from(text, 'base64url');
    if (bytes.toString('base64url') !== text) throw new Error('not base64url');
    return bytes;
  };
  const json = (text: string) => JSON.parse(segment(text).toString('utf8'));
  const signed = (jwt: string, key: KeyObject): boolean => {
    const dot = jwt.lastIndexOf('.');
    return nodeVerify('sha256', Buffer.from(jwt.slice(0, dot), 'latin1'), { key, dsaEncoding: 'ieee-p1363' }, segment(jwt.slice(dot + 1)));
  };
  const verify = (presentation: string): Record<string, unknown> => {
    const parts = presentation.split('~');
    const jwt = parts[0] as string;
    const kb = parts[parts.length - 1] as string;
    const [, body = ''] = jwt.split('.');
    const payload = json(body);
    if (!signed(jwt, issuerKey)) throw new Error('issuer signature');
    const digests = new Set(payload._sd);
    const claims: Record<string, unknown> = { ...payload };
    for (let i = 1; i < parts.length - 1; i++) {
      const d = parts[i] as string;
      if (!digests.has(hash('sha256', d, 'base64url'))) throw new Error('unknown disclosure');
      const [, name, value] = json(d);
      claims[name] = value;
    }
    const jwk = payload.cnf.jwk;
    let holderKey = holderKeys.get(jwk.x);
    if (holderKey === undefined) {
      holderKey = createPublicKey({ key: jwk, format: 'jwk' });
      holderKeys.set(jwk.x, holderKey);
    }
    const kbPayload = json(kb.split('.')[1] as string);
    if (!signed(kb, holderKey)) throw new Error('key binding signature');
    if (kbPayload.sd_hash !== hash('sha256', presentation.slice(0, presentation.length - kb.length), 'base64url')) throw new Error('sd_hash');
    return claims;
  };
  if (verify(input.presentation).given_name !== 'Erika') throw new Error('bare verifier setup failed');
  return () => {
    verify(input.presentation);
  };
}

/** comity's issuer: the PID with every claim selectively disclosable. */
export async function comityIssuer(input: IssueInput): Promise<() => Promise<string>> {
  const ctx = createContext();
  const issue = {
    vct: VCT,
    issuer: 'https://pid.bund.example',
    holderKey: input.holderJwk,
    expiresAt: input.expiresAt,
    claims: PID_CLAIMS,
    disclosable: Object.keys(PID_CLAIMS).map((k) => [k]),
    signer: localSigner(input.issuerPrivateJwk, 'ES256', ctx.crypto),
  };
  return () => issueSdJwtVc(issue, ctx);
}

/** The signing limit: ES256 signatures per second over a real issuer-signed JWT's signing input. */
export async function es256SignLimit(input: IssueInput): Promise<() => void> {
  const data = utf8Encode(input.signingInput);
  const privateKey = createPrivateKey({ key: input.issuerPrivateJwk as import('node:crypto').JsonWebKey, format: 'jwk' });
  return () => {
    nodeSign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' });
  };
}
