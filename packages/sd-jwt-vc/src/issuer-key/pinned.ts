/**
 * Pinned issuer keys: public keys the verifier configured directly.
 *
 * @module
 */
import { type ComityContext, ComityUsageError, type CryptoProvider, type Jwk, jwkThumbprint, parsePublicJwk, toPublicJwk } from '@comity/core';
import type { IssuerKeyCandidate, IssuerKeyInput, IssuerKeyResolver } from './index.js';

/**
 * A resolver over keys the verifier pins. When the header carries a `kid` that equals a
 * configured key's `kid` (or its RFC 7638 thumbprint), only that key is returned;
 * otherwise every configured key is a candidate. `keyMethod` is `jwk`.
 *
 * @example
 * ```ts
 * const resolve = pinnedIssuerKeys([issuerPublicJwk]);
 * const candidates = await resolve({ header, payload }, ctx);
 * ```
 * @throws ComityUsageError `ERR_USAGE_PINNED_KEYS` when no usable public key is configured (a programming error)
 * @see draft-ietf-oauth-sd-jwt-vc §2.5 (key discovery "permitted for the Issuer according to policy")
 */
export function pinnedIssuerKeys(keys: readonly Jwk[]): IssuerKeyResolver {
  return createPinnedKeys(keys).resolve;
}

/** Pinned keys with the `kid` lookup exposed, for {@link issuerKeyResolverFor}. @internal */
export interface PinnedKeys {
  readonly resolve: IssuerKeyResolver;
  /** The key the header `kid` names (by `kid` or thumbprint), if any. */
  readonly byKid: (input: IssuerKeyInput, ctx: ComityContext) => Promise<IssuerKeyCandidate | undefined>;
}

/** @internal */
export function createPinnedKeys(keys: readonly Jwk[]): PinnedKeys {
  if (!Array.isArray(keys) || keys.length === 0) throw new ComityUsageError('ERR_USAGE_PINNED_KEYS', 'pinnedIssuerKeys needs at least one JWK');
  const publicKeys = keys.map((k, i) => {
    try {
      return parsePublicJwk(toPublicJwk(k), `pinned key ${i}`);
    } catch {
      throw new ComityUsageError('ERR_USAGE_PINNED_KEYS', `pinned key ${i} is not a supported public JWK`);
    }
  });
  const thumbprints = new WeakMap<CryptoProvider, Promise<string[]>>();
  const thumbprintsFor = (crypto: CryptoProvider): Promise<string[]> => {
    let t = thumbprints.get(crypto);
    if (t === undefined) {
      t = Promise.all(publicKeys.map((k) => jwkThumbprint(k, crypto)));
      thumbprints.set(crypto, t);
    }
    return t;
  };
  const candidate = (jwk: Jwk, input: IssuerKeyInput): IssuerKeyCandidate => ({
    jwk,
    issuer: { id: typeof input.payload.iss === 'string' ? input.payload.iss : undefined, keyMethod: 'jwk', jwk },
  });
  const byKid = async (input: IssuerKeyInput, ctx: ComityContext): Promise<IssuerKeyCandidate | undefined> => {
    const kid = input.header.kid;
    if (typeof kid !== 'string') return undefined;
    const named = publicKeys.find((k) => k.kid === kid);
    if (named !== undefined) return candidate(named, input);
    const index = (await thumbprintsFor(ctx.crypto)).indexOf(kid);
    const printed = index < 0 ? undefined : publicKeys[index];
    return printed === undefined ? undefined : candidate(printed, input);
  };
  const all = (input: IssuerKeyInput) => publicKeys.map((k) => candidate(k, input));
  const resolve = (input: IssuerKeyInput, ctx: ComityContext): Promise<readonly IssuerKeyCandidate[]> => {
    // Without a kid there is nothing to look up: no async frames on the common path.
    if (typeof input.header.kid !== 'string') return Promise.resolve(all(input));
    return byKid(input, ctx).then((match) => (match === undefined ? all(input) : [match]));
  };
  return { resolve, byKid };
}
