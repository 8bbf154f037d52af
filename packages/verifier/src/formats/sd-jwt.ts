import type { ComityContext, SignatureAlgorithm } from '@comity/core';
import { type IssuerKeyResolver, type SdJwtVerificationResult, type TypeMetadataCheck, verifySdJwt, verifySdJwtVc } from '@comity/sd-jwt-vc';

/** The SD-JWT part of what the verifier asked for. */
export interface SdJwtExpectations {
  readonly nonce?: string;
  readonly audience?: string;
  readonly keyBinding?: boolean;
  readonly kbMaxAgeSeconds?: number;
  readonly typ?: string;
  readonly vctValues?: readonly string[];
}

/** Verifies an SD-JWT or SD-JWT VC presentation with the verifier's configuration. */
export function verifySdJwtPresentation(
  token: string,
  vc: boolean,
  config: { issuerKey: IssuerKeyResolver; algorithms?: readonly SignatureAlgorithm[]; typeMetadata?: TypeMetadataCheck; clockSkewSeconds?: number },
  expect: SdJwtExpectations,
  ctx: ComityContext,
): Promise<SdJwtVerificationResult> {
  const policy = {
    issuerKey: config.issuerKey,
    ...(config.algorithms === undefined ? {} : { algorithms: config.algorithms }),
    ...(config.clockSkewSeconds === undefined ? {} : { clockSkewSeconds: config.clockSkewSeconds }),
    ...(expect.typ === undefined ? {} : { typ: expect.typ }),
    keyBinding: {
      required: expect.keyBinding ?? true,
      // One allow-list for every signature the verifier checks, as for mdoc's issuer and device signatures.
      ...(config.algorithms === undefined ? {} : { algorithms: config.algorithms }),
      ...(expect.nonce === undefined ? {} : { nonce: expect.nonce }),
      ...(expect.audience === undefined ? {} : { audience: expect.audience }),
      ...(expect.kbMaxAgeSeconds === undefined ? {} : { maxAgeSeconds: expect.kbMaxAgeSeconds }),
    },
  };
  if (!vc) return verifySdJwt(token, policy, ctx);
  return verifySdJwtVc(
    token,
    {
      ...policy,
      ...(expect.vctValues === undefined ? {} : { vctValues: expect.vctValues }),
      ...(config.typeMetadata === undefined ? {} : { typeMetadata: config.typeMetadata }),
    },
    ctx,
  );
}
