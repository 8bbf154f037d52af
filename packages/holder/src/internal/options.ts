/**
 * The wallet's options, checked and captured once at createWallet: changing the options object,
 * the signer or its public key afterwards changes nothing the wallet does.
 */
import { type ComityContext, ComityUsageError, createContext, isComityContext, isSignatureAlgorithm, type Jwk, type Signer } from '@comity/core';
import type { IssuerKeyResolver } from '@comity/sd-jwt-vc';

export interface WalletOptions {
  readonly signer: Signer;
  readonly ctx: ComityContext;
  readonly issuerKey: IssuerKeyResolver | undefined;
}

/**
 * @throws ComityUsageError `ERR_USAGE_WALLET_OPTIONS` (no options object, a `ctx` that is no
 *   ComityContext, an `issuerKey` that is no function), `ERR_USAGE_SIGNER` (no `sign` function, an
 *   `alg` comity cannot name, a `publicJwk` that is not an object)
 */
export function checkWalletOptions(options: unknown): WalletOptions {
  if (options === null || typeof options !== 'object') throw new ComityUsageError('ERR_USAGE_WALLET_OPTIONS', 'createWallet needs an options object');
  const { keyBindingSigner, ctx, issuerKey } = options as Record<string, unknown>;
  if (keyBindingSigner === null || typeof keyBindingSigner !== 'object')
    throw new ComityUsageError('ERR_USAGE_SIGNER', 'createWallet needs a keyBindingSigner');
  const { alg, sign, publicJwk } = keyBindingSigner as Signer;
  if (typeof sign !== 'function') throw new ComityUsageError('ERR_USAGE_SIGNER', 'keyBindingSigner has no sign function');
  // The KB-JWT and COSE alg is the signer's: one comity cannot name (none, HS256) gives presentations no verifier accepts.
  if (!isSignatureAlgorithm(alg)) throw new ComityUsageError('ERR_USAGE_SIGNER', 'keyBindingSigner.alg is not a supported signature algorithm');
  if (publicJwk !== undefined && (publicJwk === null || typeof publicJwk !== 'object'))
    throw new ComityUsageError('ERR_USAGE_SIGNER', 'keyBindingSigner.publicJwk must be a JWK when given');
  let key: Jwk | undefined;
  try {
    key = publicJwk === undefined ? undefined : (deepFreeze(structuredClone(publicJwk)) as Jwk);
  } catch {
    throw new ComityUsageError('ERR_USAGE_SIGNER', 'keyBindingSigner.publicJwk must be a JWK when given');
  }
  if (ctx !== undefined && !isComityContext(ctx)) throw new ComityUsageError('ERR_USAGE_WALLET_OPTIONS', 'ctx must be a ComityContext');
  if (issuerKey !== undefined && typeof issuerKey !== 'function')
    throw new ComityUsageError('ERR_USAGE_WALLET_OPTIONS', 'issuerKey must be an IssuerKeyResolver');
  const signer: Signer = Object.freeze({
    alg,
    ...(key === undefined ? {} : { publicJwk: key }),
    // Bound to the signer as given: a signer class keeps its `this`.
    sign: (data: Uint8Array) => sign.call(keyBindingSigner, data),
  });
  return { signer, ctx: (ctx as ComityContext | undefined) ?? createContext(), issuerKey: issuerKey as IssuerKeyResolver | undefined };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
