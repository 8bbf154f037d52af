/**
 * The peer implementation, @sd-jwt/* 0.19.0 (openwallet-foundation/sd-jwt-js), wired with
 * its own Node crypto package (@sd-jwt/crypto-nodejs: ES256/ES384 verifiers, `digest`
 * hasher, `generateSalt`), as an application would configure it.
 */
import type { Jwk } from '@comity/core';
import { SDJwtInstance } from '@sd-jwt/core';
import { digest, ES256, ES384, generateSalt } from '@sd-jwt/crypto-nodejs';
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc';

type PeerConfig = ConstructorParameters<typeof SDJwtVcInstance>[0] & object;

const hasher = (data: string | ArrayBuffer, alg: string) => digest(data, alg);

// The KB verifier finds the holder key in the processed payload, as sd-jwt-js expects.
const kbVerifier = async (data: string, sig: string, payload: Record<string, unknown>) => {
  const cnf = payload.cnf as { jwk?: object } | undefined;
  if (cnf?.jwk === undefined) return false;
  return (await ES256.getVerifier(cnf.jwk))(data, sig);
};

async function config(options: { issuerPublic?: Jwk; issuerAlg?: 'ES256' | 'ES384'; issuerPrivate?: Jwk; holderPrivate?: Jwk }): Promise<PeerConfig> {
  const alg = options.issuerAlg === 'ES384' ? ES384 : ES256;
  return {
    hasher,
    hashAlg: 'sha-256',
    saltGenerator: generateSalt,
    kbVerifier,
    ...(options.issuerPublic === undefined ? {} : { verifier: await alg.getVerifier(options.issuerPublic) }),
    ...(options.issuerPrivate === undefined ? {} : { signer: await alg.getSigner(options.issuerPrivate), signAlg: alg.alg }),
    ...(options.holderPrivate === undefined ? {} : { kbSigner: await ES256.getSigner(options.holderPrivate), kbSignAlg: 'ES256' }),
  };
}

/** An SD-JWT VC instance of the peer (`typ: dc+sd-jwt`). */
export async function peerVc(options: Parameters<typeof config>[0]): Promise<SDJwtVcInstance> {
  return new SDJwtVcInstance(await config(options));
}

/** A plain SD-JWT instance of the peer. */
export async function peerPlain(options: Parameters<typeof config>[0]): Promise<SDJwtInstance<Record<string, unknown>>> {
  return new SDJwtInstance<Record<string, unknown>>(await config(options));
}
