/**
 * The trust registry: a pinned snapshot of verified sources (anchor stores per category,
 * indexed by certificate thumbprint and SKI, looked up by the presented AKI), verified
 * agreement lists (precompiled by recogniser and recognised jurisdiction), status lists and
 * acceptance rules. Everything is checked when it is added; evaluation is offline.
 *
 * @module
 */
import {
  type Certificate,
  ComityError,
  ComityUsageError,
  type CryptoProvider,
  defaultCrypto,
  type Jwk,
  jwkThumbprint,
  parseCertificate,
  validateCertificateChain,
} from '@comity/core';
import type { VerifiedAgreementList } from './agreements.js';
import { checkCertLogic } from './certlogic.js';
import { certIndexInfo } from './internal/der.js';
import { parseDate, parseDurationMs } from './internal/util.js';
import type { VerifiedStatusList } from './status.js';
import type {
  AcceptanceRule,
  RecognitionAgreement,
  RecognitionScope,
  TrustAnchor,
  TrustCategory,
  TrustPolicy,
  TrustSource,
  TrustSourceKind,
  VerifierProfile,
} from './types.js';
import { TRUST_CATEGORIES } from './types.js';

interface AnchorIndex {
  readonly byThumbprint: Map<string, TrustAnchor[]>;
  readonly bySki: Map<string, TrustAnchor[]>;
  readonly bySubject: Map<string, TrustAnchor[]>;
  count: number;
}

/** An agreement with its list and precomputed times. */
export interface CompiledAgreement {
  readonly agreement: RecognitionAgreement;
  readonly list: { readonly issuer: string; readonly sequence: number; readonly digest: string };
  /** SHA-256 thumbprint of the agreement list's signer: the only signer whose status list counts for this agreement. */
  readonly listSigner: string;
  /** The list's NextUpdate (epoch ms), if it has one. */
  readonly listNextUpdate?: number | undefined;
  /** Start of force: max(notBefore, list issue + change lead time), epoch ms. */
  readonly effectiveFrom: number;
  readonly notAfter: number;
  /** Scopes by `format|type`. */
  readonly scopes: ReadonlyMap<string, readonly RecognitionScope[]>;
  readonly sourceIds?: ReadonlyMap<string, readonly string[] | undefined> | undefined;
}

/**
 * A source that failed to load (kept so decisions can report it). It never contributes anchors.
 * Without `territory` it is fatal to every decision of its category (all categories when it has
 * none). With `territory` (a list a list of the lists pointed to) it only makes a decision
 * whose issuer is anchored nowhere indeterminate.
 */
export interface SourceFailure {
  readonly id: string;
  readonly kind: TrustSourceKind | 'agreement-list';
  readonly category?: TrustCategory | undefined;
  /**
   * SchemeTerritory of the LOTL pointer to the failed list (the Commission-signed LOTL says
   * whose list it is, not the list itself). Set only for pointed lists.
   */
  readonly territory?: string | undefined;
  readonly code: string;
}

/** Result of anchoring a chain in one store. */
export type AnchorResult =
  | { readonly ok: true; readonly anchor: TrustAnchor; readonly path: readonly Certificate[]; readonly certificate?: Certificate | undefined }
  | { readonly ok: false; readonly code: string };

interface CachedAnchor {
  readonly result: AnchorResult;
  readonly from: number;
  readonly to: number;
}

const TIME_INDEPENDENT = new Set([
  'ERR_X509_CHAIN_UNANCHORED',
  'ERR_X509_SIGNATURE_INVALID',
  'ERR_X509_NOT_CA',
  'ERR_X509_KEY_USAGE',
  'ERR_X509_PATH_LENGTH',
  'ERR_X509_CHAIN_TOO_LONG',
]);

/** Options of a {@link TrustRegistry}. */
export interface TrustRegistryOptions {
  readonly verifier?: VerifierProfile | undefined;
  readonly policy?: TrustPolicy | undefined;
  readonly rules?: readonly AcceptanceRule[] | undefined;
  /** Extra type → category classifications (`format|type` or bare type). */
  readonly classifications?: Readonly<Record<string, TrustCategory>> | undefined;
  readonly crypto?: CryptoProvider | undefined;
  /**
   * `agreements` (default): recognition needs a signed agreement of the verifier.
   * `anchors-only`: a credential anchored in a list is accepted without a recognition layer
   * (the `--trust-list` mode: one ETSI list used directly as the source of anchors).
   */
  readonly mode?: 'agreements' | 'anchors-only' | undefined;
}

const DEFAULT_CLASSIFICATIONS: Readonly<Record<string, TrustCategory>> = {
  'eu.europa.ec.eudi.pid.1': 'pid',
  'urn:eudi:pid:1': 'pid',
  'org.iso.18013.5.1.mDL': 'mdl',
};

/** One cached decision core and the inputs it was computed for. */
interface CachedDecision {
  readonly key: unknown;
  readonly value: unknown;
  readonly from: number;
  readonly to: number;
}

/**
 * A pinned, offline trust snapshot. Build it with {@link loadTrustConfig}, {@link trustListAsRegistry}
 * or by adding verified sources and agreement lists yourself.
 *
 * @example
 * ```ts
 * const registry = new TrustRegistry({ verifier: { jurisdiction: 'FR' } });
 * registry.addSource(await loadLoTE(jws, [signerCert]));
 * registry.addAgreementList(await verifyAgreementList(agreementsJws, [frRegistrarCert]));
 * const decision = await evaluateTrust(registry, credential, { now: new Date() });
 * ```
 * @throws ComityError `ERR_TRUST_SEQUENCE_REGRESSION` from the `add*` methods
 */
export class TrustRegistry {
  readonly verifier: VerifierProfile | undefined;
  readonly policy: TrustPolicy;
  readonly mode: 'agreements' | 'anchors-only';
  readonly crypto: CryptoProvider;
  readonly #stores = new Map<TrustCategory, AnchorIndex>();
  readonly #sources = new Map<string, TrustSource>();
  readonly #failures: SourceFailure[] = [];
  readonly #lists = new Map<string, VerifiedAgreementList>();
  /** recogniser jurisdiction → recognised jurisdiction → agreements (highest sequence first). */
  #agreements = new Map<string, Map<string, CompiledAgreement[]>>();
  /** status list URI → signer thumbprint → list. */
  readonly #statusLists = new Map<string, Map<string, VerifiedStatusList>>();
  readonly #rules: AcceptanceRule[] = [];
  readonly #classifications: Map<string, TrustCategory>;
  readonly #chainCache = new Map<string, CachedAnchor>();
  readonly #jwkCache = new Map<string, string>();
  /** leaf certificate → credential type → cached decision cores for that leaf and type. */
  #decisionCache = new WeakMap<Certificate, Map<string, CachedDecision[]>>();

  constructor(options: TrustRegistryOptions = {}) {
    this.verifier = options.verifier;
    this.policy = options.policy ?? {};
    // A misspelt value would silently keep the weaker default.
    const at = this.policy.serviceStatusAt;
    if (at !== undefined && at !== 'signing-time' && at !== 'evaluation-time')
      throw new ComityUsageError('ERR_USAGE_TRUST_POLICY', "policy.serviceStatusAt is 'signing-time' or 'evaluation-time'");
    this.mode = options.mode ?? 'agreements';
    this.crypto = options.crypto ?? defaultCrypto;
    for (const c of TRUST_CATEGORIES) this.#stores.set(c, { byThumbprint: new Map(), bySki: new Map(), bySubject: new Map(), count: 0 });
    this.#classifications = new Map(Object.entries({ ...DEFAULT_CLASSIFICATIONS, ...(options.classifications ?? {}) }));
    for (const r of options.rules ?? []) this.addRule(r);
  }

  /**
   * Adds a verified source; replaces an older snapshot of the same id. A lower sequence number
   * than the one held is refused.
   * @throws ComityError `ERR_TRUST_SEQUENCE_REGRESSION`
   */
  addSource(source: TrustSource): void {
    const held = this.#sources.get(source.id);
    if (held !== undefined) {
      if (held.sequence !== undefined && (source.sequence === undefined || source.sequence < held.sequence)) {
        throw new ComityError('ERR_TRUST_SEQUENCE_REGRESSION', 'trust list sequence number went back', {
          details: { source: source.id, held: held.sequence, got: source.sequence ?? -1 },
        });
      }
      this.#removeAnchors(held);
    }
    // The source loads now: an earlier failure of the same id no longer holds.
    this.#dropFailure(source.id);
    this.#sources.set(source.id, source);
    for (const a of source.anchors) this.#index(a);
    this.#chainCache.clear();
    this.#decisionCache = new WeakMap();
  }

  /**
   * Records a source that failed to load (for example a tampered list): decisions that need its
   * category fail on `TRUST_LIST_SIGNATURE`; for a failure with a `territory`, only decisions
   * whose issuer is anchored nowhere, and they are indeterminate (see {@link SourceFailure}).
   * A failure replaces the one held for the same id (a refresh that keeps failing is one
   * failure, not a growing list); {@link addSource} of that id, or {@link clearFailure}, ends it.
   */
  addFailure(failure: SourceFailure): void {
    this.#dropFailure(failure.id);
    this.#failures.push(failure);
    this.#decisionCache = new WeakMap();
  }

  /**
   * Ends the failure recorded for `id` (for example once a refreshed list loads elsewhere under
   * another id). Returns whether one was held.
   */
  clearFailure(id: string): boolean {
    const dropped = this.#dropFailure(id);
    if (dropped) this.#decisionCache = new WeakMap();
    return dropped;
  }

  #dropFailure(id: string): boolean {
    const i = this.#failures.findIndex((f) => f.id === id);
    if (i < 0) return false;
    this.#failures.splice(i, 1);
    return true;
  }

  /**
   * Adds a verified agreement list. A list from the same issuer with a lower sequence is refused.
   * @throws ComityError `ERR_TRUST_SEQUENCE_REGRESSION`, `ERR_TRUST_AGREEMENT_INVALID`
   */
  addAgreementList(verified: VerifiedAgreementList): void {
    const held = this.#lists.get(verified.list.issuer);
    if (held !== undefined && verified.list.sequence < held.list.sequence) {
      throw new ComityError('ERR_TRUST_SEQUENCE_REGRESSION', 'agreement list sequence number went back', { details: { issuer: verified.list.issuer } });
    }
    this.#lists.set(verified.list.issuer, verified);
    this.#compileAgreements();
    this.#decisionCache = new WeakMap();
  }

  /**
   * Adds a verified status list (agreement suspension); replaces the one held for the same URI
   * and signer. A list issued before the one held (by `iat`) is refused: replaying an old token
   * must not lift a suspension. Lists of other signers for the same URI are kept apart: an
   * agreement only reads the list signed by its own agreement list's signer.
   * @throws ComityError `ERR_TRUST_SEQUENCE_REGRESSION`
   */
  addStatusList(list: VerifiedStatusList): void {
    const signer = list.signerSha256 ?? '';
    let bySigner = this.#statusLists.get(list.uri);
    const heldIat = bySigner?.get(signer)?.issuedAt?.getTime();
    if (heldIat !== undefined && !(list.issuedAt !== undefined && list.issuedAt.getTime() >= heldIat)) {
      throw new ComityError('ERR_TRUST_SEQUENCE_REGRESSION', 'status list is older than the one held', { details: { uri: list.uri } });
    }
    if (bySigner === undefined) {
      bySigner = new Map();
      this.#statusLists.set(list.uri, bySigner);
    }
    bySigner.delete(signer); // re-inserted last: `statusList(uri)` without a signer returns the newest
    bySigner.set(signer, list);
    this.#decisionCache = new WeakMap();
  }

  /** @internal Cached anchoring + recognition result of `evaluateTrust` for a leaf certificate, valid for `now` in its window. */
  cachedDecisionCore<K>(leaf: Certificate, type: string, key: K, matches: (stored: K, probe: K) => boolean, now: number): unknown {
    const entries = this.#decisionCache.get(leaf)?.get(type);
    if (entries === undefined) return undefined;
    for (const e of entries) if (matches(e.key as K, key)) return now >= e.from && now <= e.to ? e.value : undefined;
    return undefined;
  }

  /** @internal `key` must not change after this call: store a copy of anything the caller may mutate. */
  cacheDecisionCore<K>(leaf: Certificate, type: string, key: K, matches: (stored: K, probe: K) => boolean, value: unknown, from: number, to: number): void {
    let byType = this.#decisionCache.get(leaf);
    if (byType === undefined) {
      byType = new Map();
      this.#decisionCache.set(leaf, byType);
    }
    let entries = byType.get(type);
    if (entries === undefined) {
      if (byType.size > 256) byType.clear();
      entries = [];
      byType.set(type, entries);
    }
    const entry = { key, value, from, to };
    const i = entries.findIndex((e) => matches(e.key as K, key));
    if (i >= 0) entries[i] = entry;
    else {
      // Few verifier profiles ask about one leaf and type: keep the most recent ones.
      if (entries.length >= 16) entries.shift();
      entries.push(entry);
    }
  }

  /**
   * Adds a per-verifier acceptance rule. Its logic is checked now (supported operations and
   * operand counts, bounded size and depth), so a malformed rule is refused here rather than
   * making every later decision `unknown`.
   * @throws ComityError `ERR_TRUST_RULE_INVALID`
   */
  addRule(rule: AcceptanceRule): void {
    if (typeof rule?.id !== 'string' || !/^[A-Za-z0-9_.-]{1,64}$/.test(rule.id))
      throw new ComityError('ERR_TRUST_RULE_INVALID', 'acceptance rule id is missing or invalid');
    const { types } = rule;
    if (types !== undefined && !(Array.isArray(types) && types.length > 0 && types.length <= 1000 && types.every((t) => typeof t === 'string')))
      throw new ComityError('ERR_TRUST_RULE_INVALID', 'acceptance rule types must be a non-empty array of strings', { details: { rule: rule.id } });
    try {
      checkCertLogic(rule.logic);
    } catch (cause) {
      throw new ComityError('ERR_TRUST_RULE_INVALID', 'acceptance rule logic is invalid', { cause, details: { rule: rule.id } });
    }
    this.#rules.push(rule);
    this.#decisionCache = new WeakMap();
  }

  /** Verified sources, by id. */
  get sources(): ReadonlyMap<string, TrustSource> {
    return this.#sources;
  }

  get failures(): readonly SourceFailure[] {
    return this.#failures;
  }

  get agreementLists(): ReadonlyMap<string, VerifiedAgreementList> {
    return this.#lists;
  }

  get rules(): readonly AcceptanceRule[] {
    return this.#rules;
  }

  /** Number of anchors in one store, or in all. */
  anchorCount(category?: TrustCategory): number {
    if (category !== undefined) return this.#stores.get(category)?.count ?? 0;
    let n = 0;
    for (const s of this.#stores.values()) n += s.count;
    return n;
  }

  /** Anchors in a store with a certificate or JWK thumbprint. */
  anchorsByThumbprint(category: TrustCategory, thumbprint: string): readonly TrustAnchor[] {
    return this.#stores.get(category)?.byThumbprint.get(thumbprint) ?? [];
  }

  /** Anchors in a store with a subject key identifier (hex), e.g. the AKI of a presented certificate. */
  anchorsBySki(category: TrustCategory, ski: string): readonly TrustAnchor[] {
    return this.#stores.get(category)?.bySki.get(ski) ?? [];
  }

  /** Category configured for a credential type, if any. */
  classify(format: string, type: string): TrustCategory | undefined {
    return this.#classifications.get(`${format}|${type}`) ?? this.#classifications.get(type) ?? (type.startsWith('urn:eudi:pid:') ? 'pid' : undefined);
  }

  /** The status list held for a URI, signed by `signerSha256` (any signer's, most recently added, when omitted). */
  statusList(uri: string, signerSha256?: string): VerifiedStatusList | undefined {
    const bySigner = this.#statusLists.get(uri);
    if (bySigner === undefined) return undefined;
    if (signerSha256 !== undefined) return bySigner.get(signerSha256);
    let last: VerifiedStatusList | undefined;
    for (const l of bySigner.values()) last = l;
    return last;
  }

  /** Agreements of `recogniser` about `recognised`, highest sequence first. */
  agreementsFor(recogniser: string, recognised: string): readonly CompiledAgreement[] {
    return this.#agreements.get(recogniser)?.get(recognised) ?? [];
  }

  /** Jurisdictions `recogniser` has agreements with. */
  recognisedBy(recogniser: string): readonly string[] {
    return [...(this.#agreements.get(recogniser)?.keys() ?? [])];
  }

  /** Every compiled agreement (for scope lookups by type). */
  *allAgreements(recogniser: string): Iterable<CompiledAgreement> {
    for (const list of this.#agreements.get(recogniser)?.values() ?? []) yield* list;
  }

  /**
   * Anchors a presented chain (leaf first) in one category store. Results are cached per
   * chain and store; the certificate validity window is re-checked against `now`.
   */
  async anchorChain(category: TrustCategory, chain: readonly Certificate[], now: Date): Promise<AnchorResult> {
    const store = this.#stores.get(category);
    if (store === undefined || chain.length === 0) return { ok: false, code: 'ERR_X509_CHAIN_UNANCHORED' };
    let key = category;
    for (const c of chain) key += `|${c.sha256}`;
    const t = now.getTime();
    const cached = this.#chainCache.get(key);
    if (cached !== undefined && t >= cached.from && t <= cached.to) return cached.result;
    const found = new Map<string, TrustAnchor>();
    const add = (list: TrustAnchor[] | undefined): void => {
      for (const a of list ?? []) if (a.certificate !== undefined || a.certificateDer !== undefined) found.set(a.thumbprint, a);
    };
    for (const c of chain) {
      add(store.byThumbprint.get(c.sha256));
      if (c.authorityKeyId !== undefined) add(store.bySki.get(c.authorityKeyId));
      add(store.bySubject.get(issuerKeyOf(c)));
    }
    const candidates = new Map<string, Certificate>();
    for (const a of found.values()) {
      const cert = await anchorCertificate(a).catch(() => undefined);
      if (cert !== undefined) candidates.set(a.thumbprint, cert);
    }
    let result: AnchorResult;
    let from = Number.NEGATIVE_INFINITY;
    let to = Number.POSITIVE_INFINITY;
    if (candidates.size === 0) {
      result = { ok: false, code: 'ERR_X509_CHAIN_UNANCHORED' };
    } else {
      try {
        const v = await validateCertificateChain(chain, { now, anchors: [...candidates.values()], maxLength: this.policy.maxChainLength ?? 5 });
        const anchors = store.byThumbprint.get(v.anchor.sha256) ?? [];
        const anchor = anchors.find((a) => a.statuses[0]?.active === true) ?? anchors[0];
        if (anchor === undefined) throw new ComityError('ERR_X509_CHAIN_UNANCHORED', 'anchor vanished');
        result = { ok: true, anchor, path: v.path, certificate: v.anchor };
        for (const c of v.path) {
          from = Math.max(from, c.notBefore.getTime());
          to = Math.min(to, c.notAfter.getTime());
        }
      } catch (e) {
        const code = e instanceof ComityError ? e.code : 'ERR_INTERNAL';
        result = { ok: false, code };
        if (!TIME_INDEPENDENT.has(code)) return result;
      }
    }
    if (this.#chainCache.size > 100_000) this.#chainCache.clear();
    this.#chainCache.set(key, { result, from, to });
    return result;
  }

  /** Anchors a bare issuer key (JWKS / DID issuers) in one store by its RFC 7638 thumbprint. */
  async anchorKey(category: TrustCategory, jwk: Jwk, issuerId: string | undefined): Promise<AnchorResult> {
    const raw = JSON.stringify([jwk.kty, jwk.crv, jwk.x, jwk.y, jwk.n, jwk.e]);
    let thumb = this.#jwkCache.get(raw);
    if (thumb === undefined) {
      thumb = await jwkThumbprint(jwk, this.crypto);
      this.#jwkCache.set(raw, thumb);
    }
    const found = (this.#stores.get(category)?.byThumbprint.get(thumb) ?? []).filter(
      (a) => a.jwk !== undefined && (a.issuerId === undefined || a.issuerId === issuerId),
    );
    const anchor = found[0];
    return anchor === undefined ? { ok: false, code: 'ERR_TRUST_KEY_UNANCHORED' } : { ok: true, anchor, path: [] };
  }

  #index(a: TrustAnchor): void {
    const store = this.#stores.get(a.category);
    if (store === undefined) return;
    const push = (m: Map<string, TrustAnchor[]>, k: string | undefined): void => {
      if (k === undefined) return;
      const l = m.get(k);
      if (l === undefined) m.set(k, [a]);
      else l.push(a);
    };
    push(store.byThumbprint, a.thumbprint);
    push(store.bySki, a.subjectKeyId);
    push(store.bySubject, subjectKeyOf(a));
    store.count++;
  }

  #removeAnchors(source: TrustSource): void {
    for (const a of source.anchors) {
      const store = this.#stores.get(a.category);
      if (store === undefined) continue;
      for (const [m, k] of [
        [store.byThumbprint, a.thumbprint],
        [store.bySki, a.subjectKeyId],
        [store.bySubject, subjectKeyOf(a)],
      ] as const) {
        if (k === undefined) continue;
        const l = m.get(k)?.filter((x) => x !== a);
        if (l === undefined || l.length === 0) m.delete(k);
        else m.set(k, l);
      }
      store.count--;
    }
  }

  #compileAgreements(): void {
    const out = new Map<string, Map<string, CompiledAgreement[]>>();
    for (const v of this.#lists.values()) {
      const issued = parseDate(v.list.issued, 'issued', 'ERR_TRUST_AGREEMENT_INVALID').getTime();
      for (const a of v.list.agreements) {
        const lead = a.validity.changeLeadTime === undefined ? 0 : parseDurationMs(a.validity.changeLeadTime, 'changeLeadTime', 'ERR_TRUST_AGREEMENT_INVALID');
        const scopes = new Map<string, RecognitionScope[]>();
        for (const s of a.scopes) {
          for (const t of s.types) {
            const k = `${s.format}|${t}`;
            scopes.set(k, [...(scopes.get(k) ?? []), s]);
          }
        }
        const compiled: CompiledAgreement = {
          agreement: a,
          list: { issuer: v.list.issuer, sequence: v.list.sequence, digest: v.digest },
          listSigner: v.signerSha256,
          listNextUpdate: v.list.nextUpdate === undefined ? undefined : parseDate(v.list.nextUpdate, 'nextUpdate', 'ERR_TRUST_AGREEMENT_INVALID').getTime(),
          effectiveFrom: Math.max(parseDate(a.validity.notBefore, 'notBefore', 'ERR_TRUST_AGREEMENT_INVALID').getTime(), issued + lead),
          notAfter: parseDate(a.validity.notAfter, 'notAfter', 'ERR_TRUST_AGREEMENT_INVALID').getTime(),
          scopes,
          sourceIds: a.sources === undefined ? undefined : new Map(a.sources.map((s) => [s.id, s.signerSha256])),
        };
        const byRecognised = out.get(a.recogniser.jurisdiction) ?? new Map<string, CompiledAgreement[]>();
        out.set(a.recogniser.jurisdiction, byRecognised);
        const l = byRecognised.get(a.recognised.jurisdiction) ?? [];
        l.push(compiled);
        l.sort((x, y) => y.agreement.sequence - x.agreement.sequence);
        byRecognised.set(a.recognised.jurisdiction, l);
      }
    }
    this.#agreements = out;
  }
}

const issuerKeys = new WeakMap<Certificate, string>();

function issuerKeyOf(c: Certificate): string {
  let k = issuerKeys.get(c);
  if (k === undefined) {
    try {
      k = certIndexInfo(c.der).issuerKey;
    } catch {
      k = '';
    }
    issuerKeys.set(c, k);
  }
  return k;
}

function subjectKeyOf(a: TrustAnchor): string | undefined {
  if (a.subjectKey !== undefined) return a.subjectKey;
  if (a.certificate === undefined) return undefined;
  try {
    return certIndexInfo(a.certificate.der).subjectKey;
  } catch {
    return undefined;
  }
}

/**
 * The certificate of an anchor, parsing it on first use when the source kept only its DER.
 *
 * @example
 * ```ts
 * const cert = await anchorCertificate(source.anchors[0]);
 * ```
 * @throws ComityError `ERR_X509_PARSE`
 */
export async function anchorCertificate(anchor: TrustAnchor): Promise<Certificate | undefined> {
  if (anchor.certificate !== undefined) return anchor.certificate;
  return anchor.certificateDer === undefined ? undefined : parseCertificate(anchor.certificateDer);
}
