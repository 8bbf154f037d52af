/**
 * The trust decision: anchoring (per category), recognition (agreements, never transitive),
 * acceptance rules; every check recorded, only a failed list stops early (a top-level list:
 * rejected; a LOTL-pointed list, when the issuer is anchored nowhere else: indeterminate).
 *
 * @module
 */
import { type Certificate, type ClaimPath, ComityUsageError } from '@comity/core';
import { evaluateCertLogic, truthy } from './certlogic.js';
import { likeliestFailure, mayHold, NOT_FOUND_CODES, notConsulted, relevantFailures } from './internal/failures.js';
import { check } from './internal/messages.js';
import { statusAt } from './internal/source-common.js';
import { leafPaths, loaAtLeast } from './internal/util.js';
import { mapClaims, TECHNICAL_CLAIMS } from './mapping.js';
import type { AnchorResult, CompiledAgreement, SourceFailure, TrustRegistry } from './registry.js';
import { statusAtIndex } from './status.js';
import type {
  AcceptanceRule,
  RecognitionScope,
  TrustAnchor,
  TrustCategory,
  TrustCheck,
  TrustCredential,
  TrustDecision,
  TrustOutcome,
  TrustSource,
  VerifierProfile,
} from './types.js';
import { TRUST_CATEGORIES } from './types.js';

/** Options of {@link evaluateTrust}. */
export interface EvaluateTrustOptions {
  /** The verifier; defaults to the registry's. */
  readonly verifier?: VerifierProfile | undefined;
  /** Evaluation time (default: now). */
  readonly now?: Date | undefined;
}

const STATE_FR: Record<string, string> = { suspended: 'suspendu', terminated: 'résilié', active: 'actif' };

function outcomeOf(checks: readonly TrustCheck[]): TrustOutcome {
  let unknown = false;
  for (const c of checks) {
    if (c.result === 'fail') return 'rejected';
    if (c.result === 'unknown') unknown = true;
  }
  return unknown ? 'indeterminate' : 'accepted';
}

function text(reason: readonly { lang: string; value: string }[] | undefined, lang: string): string {
  return reason?.find((r) => r.lang === lang)?.value ?? reason?.[0]?.value ?? '-';
}

function sourceRef(s: TrustSource | undefined): TrustDecision['sources'][number][] {
  return s === undefined ? [] : [{ id: s.id, kind: s.kind, sequence: s.sequence, digest: s.digest }];
}

function ruleCode(id: string): string {
  return `TRUST_RULE_${id.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}`;
}

function candidateCategories(registry: TrustRegistry, verifier: VerifierProfile, format: string, type: string): TrustCategory[] {
  const out: TrustCategory[] = [];
  const k = `${format}|${type}`;
  for (const a of registry.allAgreements(verifier.jurisdiction)) for (const s of a.scopes.get(k) ?? []) if (!out.includes(s.category)) out.push(s.category);
  const configured = registry.classify(format, type);
  if (configured !== undefined && !out.includes(configured)) out.push(configured);
  return out;
}

function scopeFor(
  a: CompiledAgreement,
  format: string,
  type: string,
  category: TrustCategory | undefined,
  purpose: string | undefined,
): RecognitionScope | undefined {
  for (const s of a.scopes.get(`${format}|${type}`) ?? []) {
    if (category !== undefined && s.category !== category) continue;
    if (s.purposes !== undefined && (purpose === undefined || !s.purposes.includes(purpose))) continue;
    return s;
  }
  return undefined;
}

function agreementAdmitsSource(a: CompiledAgreement, source: TrustSource | undefined): boolean {
  if (a.sourceIds === undefined) return true;
  if (source === undefined || !a.sourceIds.has(source.id)) return false;
  const pins = a.sourceIds.get(source.id);
  return pins === undefined || (source.signerSha256 !== undefined && pins.includes(source.signerSha256));
}

/**
 * Evaluates trust in an already signature-verified credential, offline, against the registry
 * snapshot, for one verifier. The presented issuer chain is anchored here, in the store of the
 * category the verifier's agreements (or classifications) give the type. Returns
 * `accepted | rejected | indeterminate` with one record per check (stable code, result,
 * English and French message, evidence), the agreement and list versions used, the claims
 * mapped into the recogniser's schema and the dropped ones.
 *
 * A failed source without a territory (configured list, LOTL, agreement list) rejects every
 * decision of its category (`TRUST_LIST_SIGNATURE` fail). A failed list a LOTL pointed to is
 * scoped to the pointer's territory: an issuer anchored in another list is decided as usual
 * (`TRUST_LIST_SIGNATURE` pass, evidence `notConsulted`); an issuer anchored nowhere is
 * `indeterminate` with `TRUST_LIST_SIGNATURE` and `TRUST_ISSUER_ANCHORED` `unknown`, their
 * evidence `error` the failure's code (e.g. `ERR_TRUST_LIST_MISSING`).
 *
 * Check codes: `TRUST_LIST_SIGNATURE` (fatal), `TRUST_ISSUER_ANCHORED`, `TRUST_CATEGORY_MATCH`,
 * `TRUST_SERVICE_STATUS`, `TRUST_LIST_FRESH`, `TRUST_AGREEMENT_FOUND`, `TRUST_NOT_TRANSITIVE`,
 * `TRUST_AGREEMENT_VALID`, `TRUST_AGREEMENT_ACTIVE`, `TRUST_TYPE_IN_SCOPE`, `TRUST_LOA_SUFFICIENT`,
 * `TRUST_CLAIMS_MAPPED`, `TRUST_RULE_<id>`.
 *
 * @example
 * ```ts
 * const decision = await evaluateTrust(registry, {
 *   format: 'dc+sd-jwt', type: 'urn:eudi:pid:de:1', issuerCertificates: x5c, claims,
 * }, { verifier: { jurisdiction: 'FR' }, now: new Date() });
 * if (decision.outcome === 'accepted') use(decision.mappedClaims);
 * ```
 * @throws ComityUsageError `ERR_USAGE_VERIFIER` when no verifier jurisdiction is known
 * @see ARF v3.0.0 §6.6.3.6–6.6.3.7; eIDAS Art. 6 (LoA "at least"); ETSI EN 319 102-1 (three-valued outcome)
 */
export async function evaluateTrust(registry: TrustRegistry, credential: TrustCredential, options: EvaluateTrustOptions = {}): Promise<TrustDecision> {
  const anchorsOnly = registry.mode === 'anchors-only';
  const verifier = options.verifier ?? registry.verifier ?? (anchorsOnly ? { jurisdiction: 'EU' } : undefined);
  if (verifier === undefined || typeof verifier.jurisdiction !== 'string')
    throw new ComityUsageError('ERR_USAGE_VERIFIER', 'evaluateTrust needs a verifier jurisdiction');
  if (credential === null || typeof credential !== 'object' || typeof credential.type !== 'string' || typeof credential.format !== 'string') {
    throw new ComityUsageError('ERR_USAGE_CREDENTIAL', 'evaluateTrust needs { format, type, claims }');
  }
  const now = options.now ?? new Date();
  const nowMs = now.getTime();
  const chain = credential.issuerCertificates ?? [];
  // The anchoring and recognition part depends only on (verifier, type, chain, LoA) and the
  // snapshot; it is cached per chain for the time window in which none of its inputs changes.
  const leaf = chain[0];
  const cacheKey: DecisionKey | undefined = leaf === undefined || anchorsOnly ? undefined : { verifier, format: credential.format, loa: credential.loa, chain };
  if (leaf !== undefined && cacheKey !== undefined) {
    const hit = registry.cachedDecisionCore(leaf, credential.type, cacheKey, sameDecisionInputs, nowMs) as Core | undefined;
    if (hit !== undefined) return finish(hit, registry, credential, now);
  }
  const core = await computeCore(registry, credential, verifier, now, anchorsOnly);
  if (!('kind' in core)) return core;
  if (leaf !== undefined && cacheKey !== undefined && core.cacheable) {
    // The stored key copies what the caller could change later: the profile and the chain digests.
    const stored: DecisionKey = {
      verifier: { jurisdiction: verifier.jurisdiction, community: verifier.community, purpose: verifier.purpose },
      format: credential.format,
      loa: credential.loa,
      chain: chain.map((c) => ({ sha256: c.sha256 })),
    };
    registry.cacheDecisionCore(leaf, credential.type, stored, sameDecisionInputs, core, core.from, core.to);
  }
  return finish(core, registry, credential, now);
}

/**
 * What a decision core depends on besides the leaf certificate and the credential type (the
 * two cache levels): the verifier profile, the format, the claimed LoA and the certificates
 * above the leaf (by digest).
 */
interface DecisionKey {
  readonly verifier: VerifierProfile;
  readonly format: string;
  readonly loa: string | undefined;
  readonly chain: readonly Pick<Certificate, 'sha256'>[];
}

// Field by field: no key string is built and hashed per decision.
function sameDecisionInputs(stored: DecisionKey, probe: DecisionKey): boolean {
  const a = stored.verifier;
  const b = probe.verifier;
  if (a.jurisdiction !== b.jurisdiction || (a.community ?? '') !== (b.community ?? '') || (a.purpose ?? '') !== (b.purpose ?? '')) return false;
  if (stored.format !== probe.format || (stored.loa ?? '') !== (probe.loa ?? '') || stored.chain.length !== probe.chain.length) return false;
  for (let i = 1; i < probe.chain.length; i++) if (stored.chain[i]?.sha256 !== probe.chain[i]?.sha256) return false;
  return true;
}

/** The anchoring + recognition part of a decision (everything but mapping and rules). */
interface Core {
  readonly kind: 'core';
  readonly checks: readonly TrustCheck[];
  readonly anchor: TrustAnchor | undefined;
  readonly anchorCert: Certificate | undefined;
  readonly source: TrustSource | undefined;
  readonly category: TrustCategory | undefined;
  readonly chosen: CompiledAgreement | undefined;
  readonly scope: RecognitionScope | undefined;
  readonly cacheable: boolean;
  readonly from: number;
  readonly to: number;
}

async function computeCore(
  registry: TrustRegistry,
  credential: TrustCredential,
  verifier: VerifierProfile,
  now: Date,
  anchorsOnly: boolean,
): Promise<Core | TrustDecision> {
  const nowMs = now.getTime();
  const evaluatedAt = now.toISOString();
  const claims = credential.claims ?? {};
  const checks: TrustCheck[] = [];
  const { format, type } = credential;
  const categories = candidateCategories(registry, verifier, format, type);
  if (anchorsOnly && categories.length === 0) categories.push(...TRUST_CATEGORIES);
  const allLeaves = (): ClaimPath[] => leafPaths(claims, TECHNICAL_CLAIMS);
  const breakpoints: number[] = [];

  // 1. List signatures (checked at load): a failed top-level list of a relevant category is
  // fatal. A failed LOTL-pointed list is scoped to its territory: it contributed no anchors, so
  // it is only named as not consulted (and matters below if nothing anchors the issuer).
  const { fatal: failed, scoped } = relevantFailures(registry.failures, categories);
  if (failed !== undefined) {
    checks.push(check('TRUST_LIST_SIGNATURE', 'fail', { source: failed.id, error: failed.code }, { source: failed.id, error: failed.code }));
    return { outcome: 'rejected', evaluatedAt, sources: [], checks, mappedClaims: {}, droppedClaims: allLeaves() };
  }
  const skipped = notConsulted(scoped);
  checks.push(
    check(
      'TRUST_LIST_SIGNATURE',
      'pass',
      { sources: String(registry.sources.size), ...skipped },
      { sources: String(registry.sources.size), agreementLists: String(registry.agreementLists.size), ...skipped },
    ),
  );

  // 2. Anchoring in the category store, and the category check.
  const chain: readonly Certificate[] = credential.issuerCertificates ?? [];
  const anchorIn = (c: TrustCategory): Promise<AnchorResult> =>
    chain.length > 0
      ? registry.anchorChain(c, chain, now)
      : credential.issuerJwk !== undefined
        ? registry.anchorKey(c, credential.issuerJwk, credential.issuerId)
        : Promise.resolve({ ok: false, code: 'ERR_TRUST_NO_ISSUER_KEY' });
  let anchor: TrustAnchor | undefined;
  let anchorCert: Certificate | undefined;
  let category: TrustCategory | undefined;
  let firstError = 'ERR_X509_CHAIN_UNANCHORED';
  // Stores in which no anchor matched at all: a failed list of that category may have held one.
  const notFoundIn: TrustCategory[] = [];
  for (const c of categories) {
    const r = await anchorIn(c);
    if (r.ok && r.anchor.docTypes !== undefined && !r.anchor.docTypes.includes(type)) {
      // A VICAL entry anchors only the docTypes it lists.
      if (c === categories[0]) firstError = 'ERR_TRUST_DOCTYPE_NOT_LISTED';
      continue;
    }
    if (r.ok) {
      anchor = r.anchor;
      anchorCert = r.certificate;
      category = c;
      for (const pc of r.path) breakpoints.push(pc.notBefore.getTime(), pc.notAfter.getTime() + 1);
      break;
    }
    if (c === categories[0]) firstError = r.code;
    if (NOT_FOUND_CODES.has(r.code)) notFoundIn.push(c);
  }
  if (anchor === undefined && scoped.length > 0) {
    // Anchored nowhere while a list that could have listed the issuer failed: not evidence of
    // an untrusted issuer. Indeterminate with the failure's code, so the caller can retry once
    // the list loads; never cached (only a core with an anchor is).
    const hidden = scoped.filter((f) => notFoundIn.some((c) => mayHold(f, c)));
    const f = likeliestFailure(hidden, chain[0]?.subjectAttributes.C?.[0]?.toUpperCase());
    if (f !== undefined) return failedListDecision(f, skipped, categories[0], chain, firstError, evaluatedAt, allLeaves());
  }
  let foundElsewhere: TrustAnchor | undefined;
  if (anchor === undefined) {
    for (const c of TRUST_CATEGORIES) {
      if (categories.includes(c)) continue;
      const r = await anchorIn(c);
      if (r.ok) {
        foundElsewhere = r.anchor;
        break;
      }
    }
  }
  const wanted = category ?? categories[0];
  const source = anchor === undefined ? undefined : registry.sources.get(anchor.sourceId);
  if (anchor !== undefined) {
    checks.push(
      check(
        'TRUST_ISSUER_ANCHORED',
        'pass',
        { subject: anchor.entityName ?? anchorCert?.subject ?? anchor.thumbprint, source: anchor.sourceId, sequence: String(source?.sequence ?? '-') },
        {
          anchorThumbprint: anchor.thumbprint,
          leafThumbprint: chain[0]?.sha256 ?? '-',
          source: anchor.sourceId,
          listSequence: String(source?.sequence ?? '-'),
          listDigest: source?.digest ?? '-',
        },
      ),
    );
    checks.push(check('TRUST_CATEGORY_MATCH', 'pass', { category: category ?? '-' }, { category: category ?? '-' }));
  } else {
    const anchoredFail = check(
      'TRUST_ISSUER_ANCHORED',
      'fail',
      { category: wanted ?? 'any', error: firstError },
      { leafThumbprint: chain[0]?.sha256 ?? '-', category: wanted ?? '-', error: firstError },
    );
    if (foundElsewhere !== undefined && wanted !== undefined) {
      // The wrong-category anchor is the reason: report it first.
      checks.push(
        check(
          'TRUST_CATEGORY_MATCH',
          'fail',
          { category: wanted, found: foundElsewhere.category },
          { expected: wanted, found: foundElsewhere.category, anchorThumbprint: foundElsewhere.thumbprint },
        ),
        anchoredFail,
      );
    } else if (wanted === undefined) {
      checks.push(anchoredFail, check('TRUST_CATEGORY_MATCH', 'unknown', { type }, { type }));
    } else {
      checks.push(anchoredFail, check('TRUST_CATEGORY_MATCH', 'skip'));
    }
  }

  // 3. Service status at signing time (ServiceHistory), or now when the policy says so.
  if (anchor !== undefined) {
    const at = registry.policy.serviceStatusAt === 'evaluation-time' ? now : (credential.signedAt ?? now);
    const st = statusAt(anchor.statuses, at);
    const ok = st?.active === true;
    const label = st?.status.split('/').pop() ?? 'unlisted';
    checks.push(check('TRUST_SERVICE_STATUS', ok ? 'pass' : 'fail', { status: label }, { status: st?.status ?? '-', at: at.toISOString() }));
  } else checks.push(check('TRUST_SERVICE_STATUS', 'skip'));

  // 4. Recognition: agreements of the verifier with the issuer's jurisdiction only (never transitive).
  // An anchored issuer's jurisdiction is its anchor's (as listed, configured, or the anchor
  // certificate's C), never the C its own certificate claims. The leaf's C only names the
  // agreement to explain a refusal when nothing anchored.
  const jurisdiction = anchor !== undefined ? anchor.jurisdiction : (chain[0]?.subjectAttributes.C?.[0]?.toUpperCase() ?? foundElsewhere?.jurisdiction);
  const recogniser = verifier.jurisdiction;
  const all = jurisdiction === undefined ? [] : registry.agreementsFor(recogniser, jurisdiction);
  const candidates = all.filter((a) => a.agreement.recogniser.community === undefined || a.agreement.recogniser.community === verifier.community);
  if (anchorsOnly) return anchorsOnlyDecision(checks, claims, anchor, source, category, evaluatedAt, nowMs, registry);
  let chosen: CompiledAgreement | undefined;
  let scope: RecognitionScope | undefined;
  let scopedButSourceRefused: CompiledAgreement | undefined;
  for (const a of candidates) {
    const s = scopeFor(a, format, type, category ?? wanted, verifier.purpose);
    if (s === undefined) continue;
    if (anchor !== undefined && !agreementAdmitsSource(a, source)) {
      scopedButSourceRefused ??= a;
      continue;
    }
    chosen = a;
    scope = s;
    break;
  }
  chosen ??= scopedButSourceRefused ?? candidates[0];
  const p = { recogniser, recognised: jurisdiction ?? '?', agreement: chosen === undefined ? '-' : `${chosen.agreement.id} v${chosen.agreement.version}` };
  if (chosen !== undefined) {
    checks.push(
      check('TRUST_AGREEMENT_FOUND', 'pass', p, {
        agreement: chosen.agreement.id,
        version: chosen.agreement.version,
        sequence: String(chosen.agreement.sequence),
        listIssuer: chosen.list.issuer,
        listSequence: String(chosen.list.sequence),
        listDigest: chosen.list.digest,
      }),
    );
    checks.push(check('TRUST_NOT_TRANSITIVE', 'pass'));
  } else {
    let via: string | undefined;
    if (jurisdiction !== undefined) {
      for (const x of registry.recognisedBy(recogniser)) {
        if (x !== jurisdiction && registry.agreementsFor(x, jurisdiction).length > 0) {
          via = x;
          break;
        }
      }
    }
    const notFound = check('TRUST_AGREEMENT_FOUND', 'fail', p, { recogniser, recognised: jurisdiction ?? '-' });
    // When an indirect path exists, that is the reason worth stating first.
    if (via === undefined) checks.push(notFound, check('TRUST_NOT_TRANSITIVE', 'skip'));
    else checks.push(check('TRUST_NOT_TRANSITIVE', 'fail', { ...p, via }, { recogniser, via, recognised: jurisdiction ?? '-' }), notFound);
  }

  // 5. Freshness of the anchoring list (policy from the agreement, then the registry).
  if (anchor !== undefined) {
    checks.push(listFreshness(anchor, source, chosen?.agreement.evaluation?.onStaleSource ?? registry.policy.onStaleSource, nowMs));
  } else checks.push(check('TRUST_LIST_FRESH', 'skip'));

  // 6. Agreement list freshness, agreement validity window, status and scope.
  if (chosen !== undefined) {
    const a = chosen.agreement;
    if (chosen.listNextUpdate !== undefined) {
      const stale = nowMs > chosen.listNextUpdate;
      const onStale = a.evaluation?.onStaleSource ?? registry.policy.onStaleSource ?? 'indeterminate';
      const nu = new Date(chosen.listNextUpdate).toISOString();
      checks.push(
        check(
          'TRUST_LIST_FRESH',
          !stale ? 'pass' : onStale === 'reject' ? 'fail' : 'unknown',
          { source: `agreements:${chosen.list.issuer}`, nextUpdate: nu },
          { source: `agreements:${chosen.list.issuer}`, nextUpdate: nu, listSequence: String(chosen.list.sequence) },
        ),
      );
    }
    const inForce = nowMs >= chosen.effectiveFrom && nowMs <= chosen.notAfter;
    checks.push(
      check(
        'TRUST_AGREEMENT_VALID',
        inForce ? 'pass' : 'fail',
        { effectiveFrom: new Date(chosen.effectiveFrom).toISOString(), notAfter: a.validity.notAfter },
        { effectiveFrom: new Date(chosen.effectiveFrom).toISOString(), notAfter: a.validity.notAfter },
      ),
    );
    if (a.status.state !== 'active') {
      checks.push(
        check(
          'TRUST_AGREEMENT_ACTIVE',
          'fail',
          {
            state: a.status.state,
            stateFr: STATE_FR[a.status.state] ?? a.status.state,
            since: a.status.since ?? '-',
            reason: text(a.status.reason, 'en'),
            reasonFr: text(a.status.reason, 'fr'),
          },
          { state: a.status.state },
        ),
      );
    } else if (a.status.statusList !== undefined) {
      // Only the status list signed by this agreement list's signer can say the agreement is active.
      const sl = registry.statusList(a.status.statusList.uri, chosen.listSigner);
      const value = sl === undefined || (sl.expiresAt !== undefined && sl.expiresAt.getTime() < nowMs) ? undefined : statusAtIndex(sl, a.status.statusList.idx);
      const ev = { statusList: a.status.statusList.uri, index: String(a.status.statusList.idx), status: value === undefined ? '-' : String(value) };
      if (value === undefined) checks.push(check('TRUST_AGREEMENT_ACTIVE', 'unknown', { uri: a.status.statusList.uri }, ev));
      else if (value === 0) checks.push(check('TRUST_AGREEMENT_ACTIVE', 'pass', {}, ev));
      else {
        const state = value === 2 ? 'suspended' : 'terminated';
        checks.push(
          check(
            'TRUST_AGREEMENT_ACTIVE',
            'fail',
            {
              state,
              stateFr: STATE_FR[state] ?? state,
              since: a.status.statusList.uri,
              reason: `status list value ${value}`,
              reasonFr: `valeur de liste de statut ${value}`,
            },
            ev,
          ),
        );
      }
    } else checks.push(check('TRUST_AGREEMENT_ACTIVE', 'pass'));
    const inScope = check(
      'TRUST_TYPE_IN_SCOPE',
      scope !== undefined || scopedButSourceRefused === chosen ? 'pass' : 'fail',
      { format, type, recogniser, recognised: jurisdiction ?? '?' },
      { format, type, agreement: a.id },
    );
    checks.push(inScope);
    if (scope === undefined && scopedButSourceRefused === chosen) {
      checks.push(
        check('TRUST_SOURCE_RECOGNISED', 'fail', { source: anchor?.sourceId ?? '-', agreement: a.id }, { source: anchor?.sourceId ?? '-', agreement: a.id }),
      );
    }
  } else {
    checks.push(check('TRUST_AGREEMENT_VALID', 'skip'), check('TRUST_AGREEMENT_ACTIVE', 'skip'), check('TRUST_TYPE_IN_SCOPE', 'skip'));
  }

  // 7. Level of assurance, at least semantics.
  if (scope?.minLoA !== undefined) {
    const loa = credential.loa ?? anchor?.loa;
    if (loa === undefined) checks.push(check('TRUST_LOA_SUFFICIENT', 'unknown', { minimum: scope.minLoA }, { minimum: scope.minLoA }));
    else
      checks.push(
        check('TRUST_LOA_SUFFICIENT', loaAtLeast(loa, scope.minLoA) ? 'pass' : 'fail', { loa, minimum: scope.minLoA }, { loa, minimum: scope.minLoA }),
      );
  } else checks.push(check('TRUST_LOA_SUFFICIENT', 'skip'));

  if (source?.nextUpdate !== undefined) breakpoints.push(source.nextUpdate.getTime() + 1);
  if (chosen !== undefined) {
    breakpoints.push(chosen.effectiveFrom, chosen.notAfter + 1);
    if (chosen.listNextUpdate !== undefined) breakpoints.push(chosen.listNextUpdate + 1);
    const slUri = chosen.agreement.status.statusList?.uri;
    const sl = slUri === undefined ? undefined : registry.statusList(slUri, chosen.listSigner);
    if (sl?.expiresAt !== undefined) breakpoints.push(sl.expiresAt.getTime() + 1);
  }
  let from = Number.NEGATIVE_INFINITY;
  let to = Number.POSITIVE_INFINITY;
  for (const b of breakpoints) {
    if (b <= nowMs) from = Math.max(from, b);
    else to = Math.min(to, b - 1);
  }
  // Service status is judged at signing time: only a status without history is time-independent.
  // A chain that anchored nowhere is not cached: the reason may be time-bound (a certificate not
  // yet or no longer valid) and its window is unknown here (the chain cache keeps the
  // time-independent anchoring failures).
  const cacheable = anchor !== undefined && anchor.statuses.length === 1 && anchor.statuses[0]?.start === undefined;
  return { kind: 'core', checks, anchor, anchorCert, source, category: category ?? wanted, chosen, scope, cacheable, from, to };
}

/** The indeterminate decision for an issuer anchored nowhere while a scoped list that may have listed it failed to load. */
function failedListDecision(
  f: SourceFailure,
  skipped: Record<string, string>,
  category: TrustCategory | undefined,
  chain: readonly Certificate[],
  anchoringError: string,
  evaluatedAt: string,
  droppedClaims: ClaimPath[],
): TrustDecision {
  const territory = f.territory ?? '-';
  const checks = [
    check('TRUST_LIST_SIGNATURE', 'unknown', { source: f.id, territory, error: f.code }, { source: f.id, territory, error: f.code, ...skipped }),
    check(
      'TRUST_ISSUER_ANCHORED',
      'unknown',
      { category: category ?? 'any', source: f.id, error: f.code },
      { leafThumbprint: chain[0]?.sha256 ?? '-', category: category ?? '-', error: f.code, anchoringError },
    ),
  ];
  return { outcome: 'indeterminate', evaluatedAt, category, sources: [], checks, mappedClaims: {}, droppedClaims };
}

// Decisions made within the same millisecond share their timestamp text: formatting it was a
// fifth of a cached decision's cost.
let lastStampMs = Number.NaN;
let lastStamp = '';
function isoStamp(now: Date): string {
  const ms = now.getTime();
  if (ms !== lastStampMs) {
    lastStamp = now.toISOString();
    lastStampMs = ms;
  }
  return lastStamp;
}

/** One acceptance rule over the mapped claims: skipped without a recognition scope, unknown when it cannot be evaluated. */
function ruleCheck(
  rule: Pick<AcceptanceRule, 'id' | 'logic'>,
  scope: RecognitionScope | undefined,
  mappedClaims: Record<string, unknown>,
  evaluatedAt: string,
): TrustCheck {
  const code = ruleCode(rule.id);
  if (scope === undefined) return check(code, 'skip', { rule: rule.id });
  try {
    const data = { payload: mappedClaims, external: { validationClock: evaluatedAt } };
    return check(code, truthy(evaluateCertLogic(rule.logic, data)) ? 'pass' : 'fail', { rule: rule.id }, { rule: rule.id });
  } catch {
    return check(code, 'unknown', { rule: rule.id }, { rule: rule.id });
  }
}

function finish(core: Core, registry: TrustRegistry, credential: TrustCredential, now: Date): TrustDecision {
  const evaluatedAt = isoStamp(now);
  const claims = credential.claims ?? {};
  const { type } = credential;
  const { anchor, anchorCert, source, chosen, scope } = core;
  const checks: TrustCheck[] = core.checks.slice();
  // 8. Claim mapping and acceptance rules.
  let mappedClaims: Record<string, unknown> = {};
  let droppedClaims: ClaimPath[];
  let targetSchema: string | undefined;
  if (scope !== undefined && chosen !== undefined) {
    const m = mapClaims(claims, scope, chosen.agreement.valueSets ?? {});
    mappedClaims = m.mapped;
    droppedClaims = m.dropped;
    targetSchema = m.targetSchema;
    const mappedCount = String(m.count);
    if (m.missing.length > 0)
      checks.push(check('TRUST_CLAIMS_MAPPED', 'fail', { path: JSON.stringify(m.missing[0]) }, { missing: m.missing.map((x) => JSON.stringify(x)).join(' ') }));
    else
      checks.push(
        check(
          'TRUST_CLAIMS_MAPPED',
          'pass',
          { mapped: mappedCount, dropped: String(m.dropped.length), schema: targetSchema ?? type },
          { targetSchema: targetSchema ?? type, mapped: mappedCount, dropped: String(m.dropped.length) },
        ),
      );
  } else {
    droppedClaims = leafPaths(claims, TECHNICAL_CLAIMS);
    checks.push(check('TRUST_CLAIMS_MAPPED', 'skip'));
  }
  // The scope's condition first, then the registry's rules for this type; most decisions have none.
  if (scope?.condition !== undefined) checks.push(ruleCheck(scope.condition, scope, mappedClaims, evaluatedAt));
  for (const r of registry.rules) if (r.types === undefined || r.types.includes(type)) checks.push(ruleCheck(r, scope, mappedClaims, evaluatedAt));

  const outcome = outcomeOf(checks);
  return {
    outcome,
    evaluatedAt,
    category: core.category,
    agreement: chosen === undefined ? undefined : { id: chosen.agreement.id, version: chosen.agreement.version, sequence: chosen.agreement.sequence },
    agreementList: chosen === undefined ? undefined : chosen.list,
    sources: sourceRef(source),
    anchor:
      anchor === undefined ? undefined : { thumbprint: anchor.thumbprint, subject: anchorCert?.subject ?? anchor.issuerId, jurisdiction: anchor.jurisdiction },
    checks,
    mappedClaims: outcome === 'rejected' ? {} : mappedClaims,
    droppedClaims,
    targetSchema,
  };
}

/** TRUST_LIST_FRESH for the list that anchored the credential: past its NextUpdate it fails or is unknown, as the policy says. */
function listFreshness(anchor: TrustAnchor, source: TrustSource | undefined, onStaleSource: 'reject' | 'indeterminate' | undefined, nowMs: number): TrustCheck {
  const nu = source?.nextUpdate;
  // A closed ETSI list (empty NextUpdate) is never fresh; local bundles have no NextUpdate at all.
  const fresh = source?.closed !== true && (nu === undefined || nowMs <= nu.getTime());
  const shown = source?.closed === true ? 'closed' : nu?.toISOString();
  return check(
    'TRUST_LIST_FRESH',
    fresh ? 'pass' : (onStaleSource ?? 'indeterminate') === 'reject' ? 'fail' : 'unknown',
    { source: anchor.sourceId, nextUpdate: shown ?? 'n/a' },
    { source: anchor.sourceId, nextUpdate: shown ?? '-', listSequence: String(source?.sequence ?? '-') },
  );
}

/** The `anchors-only` mode: no recognition layer; freshness and anchoring decide, all claims pass. */
function anchorsOnlyDecision(
  checks: TrustCheck[],
  claims: Record<string, unknown>,
  anchor: TrustAnchor | undefined,
  source: TrustSource | undefined,
  category: TrustCategory | undefined,
  evaluatedAt: string,
  nowMs: number,
  registry: TrustRegistry,
): TrustDecision {
  if (anchor !== undefined) checks.push(listFreshness(anchor, source, registry.policy.onStaleSource, nowMs));
  const outcome = outcomeOf(checks);
  return {
    outcome,
    evaluatedAt,
    category,
    sources: sourceRef(source),
    anchor:
      anchor === undefined
        ? undefined
        : { thumbprint: anchor.thumbprint, subject: anchor.certificate?.subject ?? anchor.issuerId, jurisdiction: anchor.jurisdiction },
    checks,
    mappedClaims: outcome === 'rejected' ? {} : { ...claims },
    droppedClaims: [],
  };
}

/**
 * The compact JSON form of a decision for command-line and API results:
 * `{ outcome, checks: [{ code, result }], mappedClaims }`.
 *
 * @example
 * ```ts
 * const json = { valid: result.valid, trust: summariseDecision(decision) };
 * ```
 */
export function summariseDecision(decision: TrustDecision): {
  outcome: TrustOutcome;
  checks: { code: string; result: string }[];
  mappedClaims: Record<string, unknown>;
} {
  return { outcome: decision.outcome, checks: decision.checks.map((c) => ({ code: c.code, result: c.result })), mappedClaims: decision.mappedClaims };
}
