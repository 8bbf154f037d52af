/**
 * Issuer side: the Status List Token in JWT format (§5.1).
 *
 * @module
 */
import { ComityUsageError, type Signer, signCompactJws } from '@comity/core';
import { type EncodedStatusList, encodeStatusList } from './encode.js';
import { StatusList } from './status-list.js';

/** The JWT `typ` of a Status List Token. */
export const STATUS_LIST_JWT_TYP = 'statuslist+jwt';
/** Media type of a Status List Token in JWT format (§8.1). */
export const STATUS_LIST_JWT_MEDIA_TYPE = 'application/statuslist+jwt';

/** Options of {@link signStatusListJwt}. */
export interface SignStatusListJwtOptions {
  /** The list, or its already encoded JSON form. */
  readonly list: StatusList | EncodedStatusList;
  /** URI the token is served at; becomes `sub` and must equal the credentials' `status_list.uri`. */
  readonly uri: string;
  /** Issued-at, seconds since the epoch. */
  readonly iat: number;
  /** Expiry, seconds since the epoch (RECOMMENDED). */
  readonly exp?: number;
  /** Time to live in seconds: how long a consumer may cache the token (RECOMMENDED). */
  readonly ttl?: number;
  /** `iss`, when the ecosystem wants one. */
  readonly iss?: string;
  readonly signer: Signer;
  /** Key reference for verifiers: `kid` and/or `x5c` (base64 DER, leaf first). */
  readonly header?: { readonly kid?: string; readonly x5c?: readonly string[] };
  /** `aggregation_uri` inside `status_list` (§9). */
  readonly aggregationUri?: string;
}

function positiveInteger(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new ComityUsageError('ERR_USAGE_STATUS_TOKEN', `${name} must be a non-negative integer number of seconds`);
  }
  return value;
}

/**
 * Signs a Status List Token as a compact JWS with `typ: statuslist+jwt`.
 *
 * @example
 * ```ts
 * const token = await signStatusListJwt({
 *   list: builder.toStatusList(),
 *   uri: 'https://issuer.example/statuslists/1',
 *   iat: 1_800_000_000, exp: 1_800_086_400, ttl: 3600,
 *   signer: localSigner(privateJwk, 'ES256', defaultCrypto),
 *   header: { kid: 'status-key-1' },
 * });
 * ```
 * @throws ComityUsageError `ERR_USAGE_STATUS_TOKEN` on bad arguments
 * @see draft-ietf-oauth-status-list-20 §5.1
 */
export async function signStatusListJwt(options: SignStatusListJwtOptions): Promise<string> {
  const { uri, signer } = options;
  if (typeof uri !== 'string' || uri.length === 0) throw new ComityUsageError('ERR_USAGE_STATUS_TOKEN', 'uri must be a non-empty string');
  if (signer === undefined || typeof signer.sign !== 'function') throw new ComityUsageError('ERR_USAGE_STATUS_TOKEN', 'a signer is required');
  const iat = positiveInteger(options.iat, 'iat');
  const payload: Record<string, unknown> = { sub: uri, iat };
  if (options.exp !== undefined) {
    payload.exp = positiveInteger(options.exp, 'exp');
    if ((payload.exp as number) <= iat) throw new ComityUsageError('ERR_USAGE_STATUS_TOKEN', 'exp must be after iat');
  }
  if (options.ttl !== undefined) {
    payload.ttl = positiveInteger(options.ttl, 'ttl');
    if (payload.ttl === 0) throw new ComityUsageError('ERR_USAGE_STATUS_TOKEN', 'ttl must be positive');
  }
  if (options.iss !== undefined) payload.iss = options.iss;
  let statusList: EncodedStatusList;
  if (options.list instanceof StatusList) {
    statusList = encodeStatusList(options.list, options.aggregationUri === undefined ? {} : { aggregationUri: options.aggregationUri });
  } else {
    const { bits, lst, aggregation_uri } = options.list;
    statusList = aggregation_uri === undefined ? { bits, lst } : { bits, lst, aggregation_uri };
  }
  payload.status_list = statusList;
  const header: Record<string, unknown> = { typ: STATUS_LIST_JWT_TYP };
  if (options.header?.kid !== undefined) header.kid = options.header.kid;
  if (options.header?.x5c !== undefined) header.x5c = [...options.header.x5c];
  return signCompactJws(header, payload, signer);
}
