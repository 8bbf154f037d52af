/**
 * The trust-registry configuration file (used by `comity verify --trust FILE`) and the
 * single-list mode (`--trust-list FILE --trust-list-signer FILE`).
 *
 * @module
 */
import {
  type Certificate,
  ComityError,
  type CryptoProvider,
  defaultCrypto,
  isPlainObject,
  parseCertificate,
  parseJsonObject,
  pemToDerList,
  utf8Decode,
} from '@comity/core';
import { verifyAgreementList } from './agreements.js';
import { MAX_LIST_BYTES, textOf } from './internal/source-common.js';
import { isCategory, isJurisdiction, isLoa } from './internal/util.js';
import { loadLoTE } from './parse-lote.js';
import { loadLoTEXml } from './parse-lote-xml.js';
import { loadListOfTheLists, loadTrustedList } from './parse-trusted-list.js';
import { loadVical } from './parse-vical.js';
import { TrustRegistry } from './registry.js';
import { jwksAnchorSource, x509AnchorSource } from './sources.js';
import { verifyStatusListJwt } from './status.js';
import type { AcceptanceRule, TrustCategory, TrustPolicy, TrustSource, TrustSourceKind, VerifierProfile } from './types.js';

/** How `loadTrustConfig` reads files named in the configuration. */
export interface TrustConfigContext {
  /** Directory the configuration's relative paths are resolved against (the config file's folder). */
  readonly baseDir: string;
  /** File reader; defaults to node:fs. */
  readonly readFile?: ((path: string) => Promise<Uint8Array>) | undefined;
  readonly crypto?: CryptoProvider | undefined;
}

/** One source entry of the configuration file. */
export interface TrustConfigSource {
  readonly id: string;
  readonly kind: TrustSourceKind;
  /** The list or bundle, relative to the config file. */
  readonly file: string;
  /** PEM files pinning the list signer (required for signed kinds). */
  readonly signers?: readonly string[];
  readonly category?: TrustCategory;
  readonly jurisdiction?: string;
  readonly loa?: 'low' | 'substantial' | 'high';
  /** Refuse a list older than this sequence number (pinned from the last snapshot). */
  readonly minSequence?: number;
  /** `jwks`: the issuer identifier (iss URL or DID). */
  readonly issuerId?: string;
  /** `lotl`: national lists by pointer location → file. */
  readonly lists?: Readonly<Record<string, string>>;
}

/** The configuration file format (JSON). See docs/trust-registry.md. */
export interface TrustConfigFile {
  readonly verifier: VerifierProfile;
  readonly policy?: TrustPolicy;
  readonly sources: readonly TrustConfigSource[];
  readonly agreementLists?: ReadonlyArray<{ readonly file: string; readonly signers: readonly string[] }>;
  readonly statusLists?: ReadonlyArray<{ readonly file: string; readonly signers: readonly string[] }>;
  readonly rules?: readonly AcceptanceRule[];
  readonly classifications?: Readonly<Record<string, TrustCategory>>;
}

function bad(field: string): never {
  throw new ComityError('ERR_TRUST_CONFIG_INVALID', `trust configuration field ${field} is missing or invalid`, { details: { field } });
}

/** Largest file the default reader reads: above every list limit, and an endless file (`/dev/zero`) does not hang the load. */
const MAX_CONFIG_FILE_BYTES = 64 * 1024 * 1024;

/** Reads a file named by the configuration; one that cannot be read is a configuration error, not a raw I/O exception. */
async function readNamed(read: (p: string) => Promise<Uint8Array>, base: string, rel: string, field: string): Promise<Uint8Array> {
  try {
    return await read(resolvePath(base, rel));
  } catch (cause) {
    throw new ComityError('ERR_TRUST_CONFIG_INVALID', `trust configuration field ${field} names a file that cannot be read`, {
      cause,
      details: { field, reason: 'unreadable' },
    });
  }
}

/** A JWKS file: list-sized, and invalid JSON is a malformed source (a stable code), not `ERR_INTERNAL`. */
function parseJwksFile(bytes: Uint8Array): unknown {
  const text = textOf(bytes, 'JWKS');
  try {
    return parseJsonObject(text, 'JWKS', MAX_LIST_BYTES);
  } catch (cause) {
    throw new ComityError('ERR_TRUST_LIST_MALFORMED', 'JWKS is not a JSON object', { cause });
  }
}

function isXml(bytes: Uint8Array): boolean {
  for (const b of bytes) {
    if (b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09 || b === 0xef || b === 0xbb || b === 0xbf) continue;
    return b === 0x3c;
  }
  return false;
}

async function defaultReadFile(path: string): Promise<Uint8Array> {
  const fs = await import('node:fs/promises');
  const file = await fs.open(path, 'r');
  try {
    const chunks: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const { bytesRead, buffer } = await file.read({ buffer: new Uint8Array(1 << 16) });
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > MAX_CONFIG_FILE_BYTES) throw new RangeError(`${path} is larger than ${MAX_CONFIG_FILE_BYTES} bytes`);
      chunks.push(buffer.subarray(0, bytesRead));
    }
    const out = new Uint8Array(total);
    let at = 0;
    for (const c of chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  } finally {
    await file.close();
  }
}

function resolvePath(base: string, rel: string): string {
  if (rel.startsWith('/')) return rel;
  return `${base.replace(/\/+$/, '')}/${rel}`;
}

/** Reads PEM certificates (one or more per file). */
async function readCerts(files: readonly string[] | undefined, read: (p: string) => Promise<Uint8Array>, base: string, field: string): Promise<Certificate[]> {
  if (!Array.isArray(files) || files.length === 0) bad(field);
  const out: Certificate[] = [];
  for (const f of files) {
    if (typeof f !== 'string') bad(field);
    const bytes = await readNamed(read, base, f, field);
    try {
      for (const der of pemToDerList(utf8Decode(bytes, 'PEM'))) out.push(await parseCertificate(der));
    } catch (cause) {
      // A pinned signer the configuration names is the operator's input: an unusable one is a configuration error, not a list failure.
      throw new ComityError('ERR_TRUST_CONFIG_INVALID', `trust configuration field ${field} names a file without usable PEM certificates`, {
        cause,
        details: { field, reason: 'certificate' },
      });
    }
  }
  return out;
}

/**
 * Loads a trust-registry configuration: verifies every source with its pinned signers
 * (a source that fails is recorded, and decisions needing its category then fail on
 * `TRUST_LIST_SIGNATURE`; a national list a `lotl` source points to that is missing or fails
 * is scoped to its pointer's territory and only makes decisions about issuers anchored nowhere
 * indeterminate), verifies agreement lists and status lists, and returns the registry snapshot.
 *
 * @example
 * ```ts
 * const registry = await loadTrustConfig(JSON.parse(text), { baseDir: dirname(configPath) });
 * ```
 * @throws ComityError `ERR_TRUST_CONFIG_INVALID` (malformed configuration, or a file it names that cannot be read:
 *   `details.field` names the entry, `details.reason` is `unreadable`), `ERR_X509_PARSE` (pinned PEM)
 * @see docs/trust-registry.md "Configuration file"
 */
export async function loadTrustConfig(json: unknown, ctx: TrustConfigContext): Promise<TrustRegistry> {
  if (!isPlainObject(json)) bad('(root)');
  const cfg = json as Record<string, unknown>;
  const read = ctx.readFile ?? defaultReadFile;
  const base = ctx.baseDir;
  const crypto = ctx.crypto ?? defaultCrypto;
  const v = isPlainObject(cfg.verifier) ? (cfg.verifier as Record<string, unknown>) : bad('verifier');
  // The verifier's jurisdiction is matched against agreements' recognisers: the same form (`FR`, `EU`, `XX_REGION`).
  if (!isJurisdiction(v.jurisdiction)) bad('verifier.jurisdiction');
  // A purpose or community of the wrong type is an error, not "none": scopes and recognisers match on them.
  if (v.purpose !== undefined && typeof v.purpose !== 'string') bad('verifier.purpose');
  if (v.community !== undefined && typeof v.community !== 'string') bad('verifier.community');
  const verifier: VerifierProfile = {
    jurisdiction: v.jurisdiction,
    purpose: v.purpose as string | undefined,
    community: v.community as string | undefined,
  };
  const pol = cfg.policy === undefined ? {} : isPlainObject(cfg.policy) ? (cfg.policy as Record<string, unknown>) : bad('policy');
  if (pol.onStaleSource !== undefined && pol.onStaleSource !== 'reject' && pol.onStaleSource !== 'indeterminate') bad('policy.onStaleSource');
  if (pol.serviceStatusAt !== undefined && pol.serviceStatusAt !== 'signing-time' && pol.serviceStatusAt !== 'evaluation-time') bad('policy.serviceStatusAt');
  if (
    pol.maxChainLength !== undefined &&
    !(Number.isInteger(pol.maxChainLength) && (pol.maxChainLength as number) >= 1 && (pol.maxChainLength as number) <= 10)
  )
    bad('policy.maxChainLength');
  const classifications: Record<string, TrustCategory> = {};
  if (cfg.classifications !== undefined) {
    if (!isPlainObject(cfg.classifications)) bad('classifications');
    for (const [k, c] of Object.entries(cfg.classifications as Record<string, unknown>)) classifications[k] = isCategory(c) ? c : bad(`classifications.${k}`);
  }
  const rules: AcceptanceRule[] = [];
  if (cfg.rules !== undefined) {
    if (!Array.isArray(cfg.rules)) bad('rules');
    for (const [i, r] of cfg.rules.entries()) {
      if (!isPlainObject(r) || typeof r.id !== 'string' || r.logic === undefined) bad(`rules[${i}]`);
      if (r.types !== undefined && !(Array.isArray(r.types) && r.types.every((t) => typeof t === 'string'))) bad(`rules[${i}].types`);
      rules.push({
        id: r.id,
        logic: r.logic,
        description: r.description as AcceptanceRule['description'],
        types: Array.isArray(r.types) ? (r.types as string[]) : undefined,
      });
    }
  }
  const registry = new TrustRegistry({
    verifier,
    policy: {
      onStaleSource: pol.onStaleSource as TrustPolicy['onStaleSource'],
      maxChainLength: pol.maxChainLength as number | undefined,
      serviceStatusAt: pol.serviceStatusAt as TrustPolicy['serviceStatusAt'],
    },
    rules,
    classifications,
    crypto,
  });

  const sources = Array.isArray(cfg.sources) ? cfg.sources : bad('sources');
  const ids = new Set<string>();
  for (const [i, raw] of sources.entries()) {
    if (!isPlainObject(raw)) bad(`sources[${i}]`);
    const s = raw as unknown as TrustConfigSource;
    if (typeof s.id !== 'string' || typeof s.file !== 'string') bad(`sources[${i}]`);
    // Agreements name sources by id: a second source of the same id would silently replace the first one's anchors.
    if (ids.has(s.id)) bad(`sources[${i}].id`);
    ids.add(s.id);
    if (s.category !== undefined && !isCategory(s.category)) bad(`sources[${i}].category`);
    if (s.loa !== undefined && !isLoa(s.loa)) bad(`sources[${i}].loa`);
    if (!(['lote', 'trusted-list', 'lotl', 'vical', 'x509', 'jwks'] as unknown[]).includes(s.kind)) bad(`sources[${i}].kind`);
    // A sequence that is not a whole number would switch the regression check off (`n < "abc"` is never true).
    if (s.minSequence !== undefined && !(Number.isSafeInteger(s.minSequence) && s.minSequence >= 0)) bad(`sources[${i}].minSequence`);
    // Anchors carry it as the issuer's jurisdiction, matched against agreements: same form as theirs (`DE`, not `de` or 49).
    if (s.jurisdiction !== undefined && !isJurisdiction(s.jurisdiction)) bad(`sources[${i}].jurisdiction`);
    if (s.issuerId !== undefined && typeof s.issuerId !== 'string') bad(`sources[${i}].issuerId`);
    if (s.lists !== undefined && !(isPlainObject(s.lists) && Object.values(s.lists).every((f) => typeof f === 'string'))) bad(`sources[${i}].lists`);
    const opts = { id: s.id, category: s.category, jurisdiction: s.jurisdiction, loa: s.loa, minSequence: s.minSequence, crypto };
    const bytes = await readNamed(read, base, s.file, `sources[${i}].file`);
    const signed = s.kind !== 'x509' && s.kind !== 'jwks';
    const signers = signed ? await readCerts(s.signers, read, base, `sources[${i}].signers`) : [];
    try {
      const loaded: TrustSource[] = [];
      switch (s.kind) {
        case 'lote':
          loaded.push(isXml(bytes) ? await loadLoTEXml(bytes, signers, opts) : await loadLoTE(bytes, signers, opts));
          break;
        case 'trusted-list':
          loaded.push(await loadTrustedList(bytes, signers, opts));
          break;
        case 'lotl': {
          const lists: Record<string, Uint8Array> = {};
          for (const [loc, f] of Object.entries(s.lists ?? {})) lists[loc] = await readNamed(read, base, f, `sources[${i}].lists`);
          const r = await loadListOfTheLists(bytes, signers, lists, opts);
          loaded.push(r.lotl, ...r.lists);
          // Scoped to the pointer's territory: one missing national list does not stop the others.
          for (const f of r.failures)
            registry.addFailure({ id: `${s.id}:${f.location}`, kind: 'trusted-list', category: s.category, territory: f.territory, code: f.code });
          break;
        }
        case 'vical':
          loaded.push(await loadVical(bytes, signers, opts));
          break;
        case 'x509':
          if (s.category === undefined) bad(`sources[${i}].category`);
          loaded.push(await x509AnchorSource(utf8Decode(bytes, 'PEM'), { ...opts, category: s.category }));
          break;
        case 'jwks':
          if (s.category === undefined) bad(`sources[${i}].category`);
          if (typeof s.issuerId !== 'string') bad(`sources[${i}].issuerId`);
          loaded.push(await jwksAnchorSource(parseJwksFile(bytes), { ...opts, category: s.category, issuerId: s.issuerId }));
          break;
        default:
          bad(`sources[${i}].kind`);
      }
      for (const l of loaded) registry.addSource(l);
    } catch (e) {
      if (e instanceof ComityError && e.code === 'ERR_TRUST_CONFIG_INVALID') throw e;
      registry.addFailure({ id: s.id, kind: s.kind, category: s.category, code: e instanceof ComityError ? e.code : 'ERR_INTERNAL' });
    }
  }
  for (const [i, l] of (Array.isArray(cfg.agreementLists) ? cfg.agreementLists : cfg.agreementLists === undefined ? [] : bad('agreementLists')).entries()) {
    if (!isPlainObject(l) || typeof l.file !== 'string') bad(`agreementLists[${i}]`);
    const signers = await readCerts(l.signers as string[], read, base, `agreementLists[${i}].signers`);
    const bytes = await readNamed(read, base, l.file, `agreementLists[${i}].file`);
    try {
      registry.addAgreementList(await verifyAgreementList(utf8Decode(bytes, 'agreement list'), signers, { crypto }));
    } catch (e) {
      registry.addFailure({ id: l.file, kind: 'agreement-list', code: e instanceof ComityError ? e.code : 'ERR_INTERNAL' });
    }
  }
  for (const [i, l] of (Array.isArray(cfg.statusLists) ? cfg.statusLists : cfg.statusLists === undefined ? [] : bad('statusLists')).entries()) {
    if (!isPlainObject(l) || typeof l.file !== 'string') bad(`statusLists[${i}]`);
    const signers = await readCerts(l.signers as string[], read, base, `statusLists[${i}].signers`);
    const bytes = await readNamed(read, base, l.file, `statusLists[${i}].file`);
    try {
      registry.addStatusList(await verifyStatusListJwt(utf8Decode(bytes, 'status list'), signers, { crypto }));
    } catch (e) {
      registry.addFailure({ id: l.file, kind: 'agreement-list', code: e instanceof ComityError ? e.code : 'ERR_INTERNAL' });
    }
  }
  return registry;
}

/**
 * Uses ONE ETSI list directly as the source of trust anchors (TS 119 602 LoTE as JWS, or
 * TS 119 612 TL XML), its signer pinned by a certificate (parsed, or PEM text). The registry
 * is in `anchors-only` mode: no recognition agreements; a credential anchored in the list (in
 * the category its type classifies to, or any) and fresh is accepted.
 *
 * @example
 * ```ts
 * const registry = await trustListAsRegistry(listBytes, pemText);
 * const decision = await evaluateTrust(registry, credential);
 * ```
 * @throws ComityError `ERR_TRUST_LIST_UNSIGNED`, `ERR_TRUST_LIST_SIGNATURE`, `ERR_TRUST_SIGNER_NOT_PINNED`, `ERR_TRUST_LIST_MALFORMED`
 * @see ETSI TS 119 602; ETSI TS 119 612
 */
export async function trustListAsRegistry(
  bytes: Uint8Array | string,
  signerCertificate: Certificate | readonly Certificate[] | string,
  ctx: { readonly crypto?: CryptoProvider; readonly id?: string; readonly verifier?: VerifierProfile; readonly policy?: TrustPolicy } = {},
): Promise<TrustRegistry> {
  const signers: Certificate[] =
    typeof signerCertificate === 'string'
      ? await Promise.all(pemToDerList(signerCertificate).map((d) => parseCertificate(d)))
      : Array.isArray(signerCertificate)
        ? [...(signerCertificate as readonly Certificate[])]
        : [signerCertificate as Certificate];
  const text = typeof bytes === 'string' ? bytes : utf8Decode(bytes, 'trust list');
  const trimmed = text.trimStart();
  const opts = { id: ctx.id ?? 'trust-list', crypto: ctx.crypto };
  const source = !trimmed.startsWith('<')
    ? await loadLoTE(text, signers, opts)
    : /<(?:\w+:)?ListOfTrustedEntities[\s>]/.test(text)
      ? await loadLoTEXml(text, signers, opts)
      : await loadTrustedList(text, signers, opts);
  const registry = new TrustRegistry({ mode: 'anchors-only', verifier: ctx.verifier, policy: ctx.policy, crypto: ctx.crypto });
  registry.addSource(source);
  return registry;
}
