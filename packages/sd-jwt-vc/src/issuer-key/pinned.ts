/**
 * Pinned issuer keys: public keys the verifier configured directly.
 *
 * @module
 */
import { type ComityContext, ComityError, ComityUsageError, type CryptoProvider, type Jwk, jwkThumbprint, parsePublicJwk, toPublicJwk } from '@comity/core';
import type { IssuerKeyCandidate, IssuerKeyInput, IssuerKeyResolver } from './index.js';

/** Options of {@link pinnedIssuerKeys}. */
export interface PinnedIssuerKeysOptions {
  /**
   * The issuer these keys belong to. A credential's `iss`, when present, must then equal it
   * (`ERR_SDJWT_ISS_MISMATCH`), and `IssuerInfo.id` is this value. Without it, `IssuerInfo.id`
   * is the credential's own `iss`: whatever the key holder wrote.
   */
  readonly issuer?: string;
}

/**
 * A resolver over keys the verifier pins. When the header carries a `kid` that equals a
 * configured key's `kid` (or its RFC 7638 thumbprint), only that key is returned;
 * otherwise every configured key is a candidate. `keyMethod` is `jwk`.
 *
 * @example
 * ```ts
 * const resolve = pinnedIssuerKeys([issuerPublicJwk], { issuer: 'https://pid.bund.example' });
 * const candidates = await resolve({ header, payload }, ctx);
 * ```
 * @throws ComityUsageError `ERR_USAGE_PINNED_KEYS` when no usable public key is configured, or `issuer` is not a non-empty string (a programming error)
 * @see draft-ietf-oauth-sd-jwt-vc §2.5 (key discovery "permitted for the Issuer according to policy")
 */
export function pinnedIssuerKeys(keys: readonly Jwk[], options: PinnedIssuerKeysOptions = {}): IssuerKeyResolver {
  return createPinnedKeys(keys, options.issuer).resolve;
}

/** Pinned keys with the `kid` lookup exposed, for {@link issuerKeyResolverFor}. @internal */
export interface PinnedKeys {
  readonly resolve: IssuerKeyResolver;
  /** The key the header `kid` names (by `kid` or thumbprint), if any. */
  readonly byKid: (input: IssuerKeyInput, ctx: ComityContext) => Promise<IssuerKeyCandidate | undefined>;
}

/** @internal */
export function createPinnedKeys(keys: readonly Jwk[], issuerId?: string): PinnedKeys {
  if (!Array.isArray(keys) || keys.length === 0) throw new ComityUsageError('ERR_USAGE_PINNED_KEYS', 'pinnedIssuerKeys needs at least one JWK');
  if (issuerId !== undefined && (typeof issuerId !== 'string' || issuerId === ''))
    throw new ComityUsageError('ERR_USAGE_PINNED_KEYS', 'the issuer of pinned keys is a non-empty string');
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
    issuer: { id: issuerId ?? (typeof input.payload.iss === 'string' ? input.payload.iss : undefined), keyMethod: 'jwk', jwk },
  });
  // Keys pinned for one issuer do not vouch for a credential that names another.
  const checkIss = (input: IssuerKeyInput): void => {
    if (issuerId !== undefined && input.payload.iss !== undefined && input.payload.iss !== issuerId)
      throw new ComityError('ERR_SDJWT_ISS_MISMATCH', 'iss is not the issuer the pinned keys belong to');
  };
  const byKid = async (input: IssuerKeyInput, ctx: ComityContext): Promise<IssuerKeyCandidate | undefined> => {
    checkIss(input);
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
    try {
      checkIss(input);
    } catch (e) {
      return Promise.reject(e);
    }
    // Without a kid there is nothing to look up: no async frames on the common path.
    if (typeof input.header.kid !== 'string') return Promise.resolve(all(input));
    return byKid(input, ctx).then((match) => (match === undefined ? all(input) : [match]));
  };
  return { resolve, byKid };
}
