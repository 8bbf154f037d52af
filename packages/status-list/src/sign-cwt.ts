/**
 * Issuer side: the Status List Token in CWT format (§5.2), a COSE_Sign1_Tagged.
 *
 * @module
 */
import { COSE_ALGORITHM_IDS, COSE_HEADER, COSE_SIGN1_TAG, ComityUsageError, coseToBeSigned, type Signer, utf8Encode } from '@comity/core';
import { statusListCborValue } from './encode.js';
import { cborEncode, cborEncodeTagged } from './internal/cbor.js';
import { CWT_CLAIM } from './internal/cwt.js';
import { StatusList } from './status-list.js';

/** The CWT `typ` (COSE header 16) of a Status List Token, also its media type (§8.1). */
export const STATUS_LIST_CWT_TYP = 'application/statuslist+cwt';

/** Options of {@link signStatusListCwt}. */
export interface SignStatusListCwtOptions {
  readonly list: StatusList;
  /** URI the token is served at; becomes claim 2 (`sub`). */
  readonly uri: string;
  /** Issued-at (claim 6), seconds since the epoch. */
  readonly iat: number;
  /** Expiry (claim 4), seconds since the epoch. */
  readonly exp?: number;
  /** Time to live (claim 65534), seconds. */
  readonly ttl?: number;
  readonly signer: Signer;
  /** Unprotected key reference: `kid` (text is written as its UTF-8 bytes) and/or `x5chain` (DER, leaf first). */
  readonly header?: { readonly kid?: string | Uint8Array; readonly x5chain?: readonly Uint8Array[] };
  /** `aggregation_uri` inside the status list (§9). */
  readonly aggregationUri?: string;
}

function seconds(value: unknown, name: string, positive = false): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < (positive ? 1 : 0)) {
    throw new ComityUsageError('ERR_USAGE_STATUS_TOKEN', `${name} must be a ${positive ? 'positive' : 'non-negative'} integer number of seconds`);
  }
  return value;
}

/**
 * Signs a Status List Token as a CWT: COSE_Sign1_Tagged (18), protected header
 * `{1: alg, 16: "application/statuslist+cwt"}`, claims 2 (sub), 6 (iat), 4 (exp),
 * 65534 (ttl) and 65533 (the CBOR StatusList). Not tagged with the CWT tag 61.
 *
 * @example
 * ```ts
 * const cwt = await signStatusListCwt({ list, uri: 'https://example.com/statuslists/1', iat, exp, ttl: 43200, signer, header: { kid: '12' } });
 * ```
 * @throws ComityUsageError `ERR_USAGE_STATUS_TOKEN` on bad arguments
 * @see draft-ietf-oauth-status-list-20 §5.2
 */
export async function signStatusListCwt(options: SignStatusListCwtOptions): Promise<Uint8Array> {
  const { uri, signer } = options;
  if (!(options.list instanceof StatusList)) throw new ComityUsageError('ERR_USAGE_STATUS_TOKEN', 'list must be a StatusList');
  if (typeof uri !== 'string' || uri.length === 0) throw new ComityUsageError('ERR_USAGE_STATUS_TOKEN', 'uri must be a non-empty string');
  if (signer === undefined || typeof signer.sign !== 'function') throw new ComityUsageError('ERR_USAGE_STATUS_TOKEN', 'a signer is required');
  const alg = COSE_ALGORITHM_IDS[signer.alg];
  if (alg === undefined) throw new ComityUsageError('ERR_USAGE_STATUS_TOKEN', 'the signer algorithm has no COSE identifier');
  const iat = seconds(options.iat, 'iat');
  const claims = new Map<number, unknown>([
    [CWT_CLAIM.sub, uri],
    [CWT_CLAIM.iat, iat],
  ]);
  if (options.exp !== undefined) {
    const exp = seconds(options.exp, 'exp');
    if (exp <= iat) throw new ComityUsageError('ERR_USAGE_STATUS_TOKEN', 'exp must be after iat');
    claims.set(CWT_CLAIM.exp, exp);
  }
  if (options.ttl !== undefined) claims.set(CWT_CLAIM.ttl, seconds(options.ttl, 'ttl', true));
  claims.set(CWT_CLAIM.statusList, statusListCborValue(options.list, options.aggregationUri === undefined ? {} : { aggregationUri: options.aggregationUri }));

  const protectedBytes = cborEncode(
    new Map<number, unknown>([
      [COSE_HEADER.alg, alg],
      [COSE_HEADER.typ, STATUS_LIST_CWT_TYP],
    ]),
  );
  const unprotected = new Map<number, unknown>();
  const kid = options.header?.kid;
  if (kid !== undefined) unprotected.set(COSE_HEADER.kid, typeof kid === 'string' ? utf8Encode(kid) : kid);
  const chain = options.header?.x5chain;
  if (chain !== undefined && chain.length > 0) unprotected.set(COSE_HEADER.x5chain, chain.length === 1 ? chain[0] : [...chain]);
  const payload = cborEncode(claims);
  const signature = await signer.sign(coseToBeSigned('Signature1', protectedBytes, payload));
  return cborEncodeTagged(COSE_SIGN1_TAG, [protectedBytes, unprotected, payload, signature]);
}
