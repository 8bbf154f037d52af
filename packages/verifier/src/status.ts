/**
 * Revocation and suspension in the verifier role: a credential that carries a Token Status
 * List reference is accepted only when its status is VALID (draft-ietf-oauth-status-list §8).
 * Fails closed: when the status cannot be established, the presentation is refused.
 *
 * @module
 */
import { type ComityContext, ComityUsageError, type Issue, type Jwk, toIssue } from '@comity/core';
import { checkStatus, parseStatusReference, type StatusKeyResolver, type StatusListCache } from '@comity/status-list';

/** How the verifier checks credential status. */
export interface StatusPolicy {
  /** Keys of the status list issuers, or a resolver (such as `x5cStatusKeyResolver({ ctx, anchors })`). */
  readonly keys: readonly Jwk[] | StatusKeyResolver;
  /** `if-present` (default): check credentials that carry a reference. `required`: also refuse those that carry none. */
  readonly mode?: 'if-present' | 'required';
  /** Reuse Status List Tokens while their `ttl` allows. */
  readonly cache?: StatusListCache;
  /** Refuse Status List Tokens issued longer ago than this many seconds. */
  readonly maxAgeSeconds?: number;
  /** Allow `http:` to loopback addresses (tests, local services). Default false: HTTPS only. */
  readonly allowLoopbackHttp?: boolean;
  /**
   * Status List Token formats to accept: `any` (default: JWT or CWT, whichever the server sends;
   * the list's form does not follow the credential's), `jwt` or `cwt`.
   */
  readonly format?: 'jwt' | 'cwt' | 'any';
}

/**
 * Refuses a status policy that could never establish a status, when the verifier is created:
 * otherwise every presentation would be refused later for a setup mistake.
 *
 * @throws ComityUsageError `ERR_USAGE_STATUS_POLICY`
 */
export function checkStatusPolicy(policy: StatusPolicy): void {
  if (policy === null || typeof policy !== 'object') throw new ComityUsageError('ERR_USAGE_STATUS_POLICY', 'status must be a StatusPolicy object');
  const { keys, mode, format } = policy;
  if (typeof keys !== 'function' && (!Array.isArray(keys) || keys.length === 0)) {
    throw new ComityUsageError('ERR_USAGE_STATUS_POLICY', 'status.keys must be a non-empty array of JWKs or a key resolver');
  }
  if (mode !== undefined && mode !== 'if-present' && mode !== 'required')
    throw new ComityUsageError('ERR_USAGE_STATUS_POLICY', 'status.mode must be "if-present" or "required"');
  if (format !== undefined && format !== 'jwt' && format !== 'cwt' && format !== 'any') {
    throw new ComityUsageError('ERR_USAGE_STATUS_POLICY', 'status.format must be "jwt", "cwt" or "any"');
  }
  // A string or NaN here would reach the status check and refuse every credential later.
  const { maxAgeSeconds, allowLoopbackHttp } = policy;
  if (maxAgeSeconds !== undefined && (typeof maxAgeSeconds !== 'number' || !Number.isFinite(maxAgeSeconds) || maxAgeSeconds < 0))
    throw new ComityUsageError('ERR_USAGE_STATUS_POLICY', 'status.maxAgeSeconds must be a number of seconds >= 0');
  if (allowLoopbackHttp !== undefined && typeof allowLoopbackHttp !== 'boolean')
    throw new ComityUsageError('ERR_USAGE_STATUS_POLICY', 'status.allowLoopbackHttp must be a boolean');
}

/** What one credential's status adds to its result. */
export interface StatusOutcome {
  readonly errors: Issue[];
  readonly warnings: Issue[];
}

/** The error for a status other than VALID, or undefined for VALID. */
function notValid(label: string): Issue | undefined {
  switch (label) {
    case 'VALID':
      return undefined;
    case 'INVALID':
      return { code: 'ERR_CREDENTIAL_REVOKED', message: 'the issuer revoked the credential' };
    case 'SUSPENDED':
      return { code: 'ERR_CREDENTIAL_SUSPENDED', message: 'the issuer suspended the credential' };
    default:
      return { code: 'ERR_CREDENTIAL_STATUS_NOT_VALID', message: 'the credential status is not VALID' };
  }
}

/**
 * Checks the status reference of one verified credential (`status` claim of an SD-JWT VC,
 * MSO `status` of an mdoc). Without a policy, a reference only earns a warning: nothing is
 * fetched unless the verifier asked for status checking.
 *
 * Error codes: `ERR_CREDENTIAL_REVOKED`, `ERR_CREDENTIAL_SUSPENDED`, `ERR_CREDENTIAL_STATUS_NOT_VALID`,
 * `ERR_CREDENTIAL_STATUS_MISSING`, and every `ERR_STATUS_*` code of `checkStatus` when the status
 * cannot be established.
 */
export async function credentialStatus(status: unknown, policy: StatusPolicy | undefined, ctx: ComityContext): Promise<StatusOutcome> {
  if (status === undefined || status === null) {
    if (policy?.mode !== 'required') return { errors: [], warnings: [] };
    return {
      errors: [{ code: 'ERR_CREDENTIAL_STATUS_MISSING', message: 'the verifier requires a status reference and the credential has none' }],
      warnings: [],
    };
  }
  if (policy === undefined) {
    return {
      errors: [],
      warnings: [{ code: 'WARN_CREDENTIAL_STATUS_UNCHECKED', message: 'the credential carries a status reference, but status checking is not configured' }],
    };
  }
  try {
    const reference = parseStatusReference(status);
    const { label } = await checkStatus(reference, {
      ctx,
      keys: policy.keys,
      format: policy.format ?? 'any',
      ...(policy.cache === undefined ? {} : { cache: policy.cache }),
      ...(policy.maxAgeSeconds === undefined ? {} : { maxAgeSeconds: policy.maxAgeSeconds }),
      ...(policy.allowLoopbackHttp === undefined ? {} : { allowLoopbackHttp: policy.allowLoopbackHttp }),
    });
    const issue = notValid(label);
    return { errors: issue === undefined ? [] : [issue], warnings: [] };
  } catch (e) {
    // The status could not be established: fail closed, with the status-list code.
    return { errors: [toIssue(e)], warnings: [] };
  }
}

/**
 * Applies status to a verified result: errors make it invalid and withhold the claims;
 * warnings are added. A result that already failed is returned as it is.
 */
export async function withStatus<R extends { valid: boolean; claims: object; errors: readonly Issue[]; warnings: readonly Issue[] }>(
  result: R,
  references: readonly unknown[],
  policy: StatusPolicy | undefined,
  ctx: ComityContext,
): Promise<R> {
  if (!result.valid) return result;
  const errors: Issue[] = [];
  const warnings: Issue[] = [];
  for (const reference of references) {
    const outcome = await credentialStatus(reference, policy, ctx);
    errors.push(...outcome.errors);
    warnings.push(...outcome.warnings);
  }
  if (errors.length === 0 && warnings.length === 0) return result;
  const merged = { ...result, errors: [...result.errors, ...errors], warnings: [...result.warnings, ...warnings] };
  return errors.length === 0 ? merged : { ...merged, valid: false, claims: {} };
}
