/**
 * Holder side: authenticating a relying party's access certificate chain against the
 * access-CA store (TS 119 602 WRPAC providers LoTE). Only the `access-ca` store is consulted:
 * a PID or attestation anchor never authenticates a relying party.
 *
 * @module
 */
import type { Certificate } from '@comity/core';
import { likeliestFailure, NOT_FOUND_CODES, notConsulted, relevantFailures } from './internal/failures.js';
import { check } from './internal/messages.js';
import { statusAt } from './internal/source-common.js';
import type { TrustRegistry } from './registry.js';
import type { TrustCheck, TrustOutcome } from './types.js';

/** Result of {@link authenticateRelyingParty}. */
export interface RelyingPartyAuthentication {
  readonly outcome: TrustOutcome;
  readonly checks: readonly TrustCheck[];
  /** Access CA reached (thumbprint, subject, jurisdiction). */
  readonly accessCa?: { readonly thumbprint: string; readonly subject?: string | undefined; readonly jurisdiction?: string | undefined } | undefined;
  /** The relying party's subject and country from its access certificate. */
  readonly relyingParty?: { readonly subject: string; readonly country?: string | undefined } | undefined;
}

/**
 * Anchors a relying party's access certificate chain (leaf first, as carried in the signed
 * request's `x5c`) in the registry's access-CA store, checks that the access CA's listed
 * service is active now (`TRUST_SERVICE_STATUS`) and that list's freshness.
 * Registration certificates and requested-attribute checks belong to the presentation flow.
 *
 * @example
 * ```ts
 * const auth = await authenticateRelyingParty(registry, requestX5cChain, { now: new Date() });
 * if (auth.outcome !== 'accepted') refuseRequest();
 * ```
 * @see ARF v3.0.0 §6.6.3.2–6.6.3.5; ETSI TS 119 602 Annex F; ETSI TS 119 411-8
 */
export async function authenticateRelyingParty(
  registry: TrustRegistry,
  chain: readonly Certificate[],
  options: { now?: Date } = {},
): Promise<RelyingPartyAuthentication> {
  const now = options.now ?? new Date();
  const checks: TrustCheck[] = [];
  // Same rule as evaluateTrust: a failed top-level list is fatal, a failed LOTL-pointed list only
  // matters when the chain is anchored nowhere.
  const { fatal: failed, scoped } = relevantFailures(registry.failures, ['access-ca']);
  if (failed !== undefined) {
    checks.push(check('TRUST_LIST_SIGNATURE', 'fail', { source: failed.id, error: failed.code }, { source: failed.id, error: failed.code }));
    return { outcome: 'rejected', checks };
  }
  const skipped = notConsulted(scoped);
  checks.push(check('TRUST_LIST_SIGNATURE', 'pass', { sources: String(registry.sources.size), ...skipped }, scoped.length === 0 ? undefined : skipped));
  const r = await registry.anchorChain('access-ca', chain, now);
  const leaf = chain[0];
  const relyingParty = leaf === undefined ? undefined : { subject: leaf.subject, country: leaf.subjectAttributes.C?.[0] };
  const hidden = !r.ok && NOT_FOUND_CODES.has(r.code) ? likeliestFailure(scoped, leaf?.subjectAttributes.C?.[0]?.toUpperCase()) : undefined;
  if (hidden !== undefined) {
    const territory = hidden.territory ?? '-';
    checks[0] = check(
      'TRUST_LIST_SIGNATURE',
      'unknown',
      { source: hidden.id, territory, error: hidden.code },
      { source: hidden.id, territory, error: hidden.code, ...skipped },
    );
    checks.push(
      check(
        'TRUST_ISSUER_ANCHORED',
        'unknown',
        { category: 'access-ca', source: hidden.id, error: hidden.code },
        { leafThumbprint: leaf?.sha256 ?? '-', category: 'access-ca', error: hidden.code },
      ),
    );
    return { outcome: 'indeterminate', checks, relyingParty };
  }
  if (!r.ok) {
    checks.push(
      check(
        'TRUST_ISSUER_ANCHORED',
        'fail',
        { category: 'access-ca', error: r.code },
        { leafThumbprint: leaf?.sha256 ?? '-', category: 'access-ca', error: r.code },
      ),
    );
    return { outcome: 'rejected', checks, relyingParty };
  }
  const source = registry.sources.get(r.anchor.sourceId);
  checks.push(
    check(
      'TRUST_ISSUER_ANCHORED',
      'pass',
      { subject: r.anchor.entityName ?? r.certificate?.subject ?? r.anchor.thumbprint, source: r.anchor.sourceId, sequence: String(source?.sequence ?? '-') },
      { anchorThumbprint: r.anchor.thumbprint, source: r.anchor.sourceId, listDigest: source?.digest ?? '-' },
    ),
  );
  // The access CA's listed service must be active now (a withdrawn WRPAC provider authenticates no one).
  const st = statusAt(r.anchor.statuses, now);
  checks.push(
    check(
      'TRUST_SERVICE_STATUS',
      st?.active === true ? 'pass' : 'fail',
      { status: st?.status.split('/').pop() ?? 'unlisted' },
      { status: st?.status ?? '-', at: now.toISOString() },
    ),
  );
  const nu = source?.nextUpdate;
  // A closed ETSI list (empty NextUpdate) is never fresh.
  const fresh = source?.closed !== true && (nu === undefined || now.getTime() <= nu.getTime());
  const onStale = registry.policy.onStaleSource ?? 'indeterminate';
  checks.push(
    check(
      'TRUST_LIST_FRESH',
      fresh ? 'pass' : onStale === 'reject' ? 'fail' : 'unknown',
      { source: r.anchor.sourceId, nextUpdate: source?.closed === true ? 'closed' : (nu?.toISOString() ?? 'n/a') },
      { source: r.anchor.sourceId },
    ),
  );
  const outcome: TrustOutcome = checks.some((c) => c.result === 'fail')
    ? 'rejected'
    : checks.some((c) => c.result === 'unknown')
      ? 'indeterminate'
      : 'accepted';
  return { outcome, checks, accessCa: { thumbprint: r.anchor.thumbprint, subject: r.certificate?.subject, jurisdiction: r.anchor.jurisdiction }, relyingParty };
}
