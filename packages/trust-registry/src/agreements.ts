/**
 * Recognition agreements and signed agreement lists (compact JWS, `typ`
 * `comity-agreements+jwt`, `x5c` header, signer pinned by certificate).
 *
 * @module
 */
import {
  base64Encode,
  base64urlEncode,
  type Certificate,
  ComityError,
  ComityUsageError,
  type CryptoProvider,
  decodeCompactJws,
  defaultCrypto,
  isPlainObject,
  type Signer,
  utf8Encode,
  verifyJwsSignature,
} from '@comity/core';
import { checkCertLogic } from './certlogic.js';
import { isCategory, isClaimPath, isJurisdiction, isLoa, parseDate, parseDurationMs, sha256Hex } from './internal/util.js';
import { jwsSigner, LIST_SIGNATURE_ALGORITHMS } from './parse-lote.js';
import type { AgreementList, MappingRule, RecognitionAgreement, RecognitionScope } from './types.js';

/**
 * JWS `typ` of a signed agreement list.
 *
 * @example
 * ```ts
 * decoded.header.typ === AGREEMENT_LIST_TYP;
 * ```
 */
export const AGREEMENT_LIST_TYP = 'comity-agreements+jwt';

const CODE = 'ERR_TRUST_AGREEMENT_INVALID';

function bad(path: string): never {
  throw new ComityError(CODE, `agreement field ${path} is missing or invalid`, { details: { field: path } });
}

type Obj = Record<string, unknown>;
const o = (v: unknown, p: string): Obj => (isPlainObject(v) ? (v as Obj) : bad(p));
const s = (v: unknown, p: string, max = 512): string => (typeof v === 'string' && v.length > 0 && v.length <= max ? v : bad(p));
const optS = (v: unknown, p: string): string | undefined => (v === undefined ? undefined : s(v, p));
const strings = (v: unknown, p: string): string[] => (Array.isArray(v) && v.length > 0 && v.length <= 1000 ? v.map((x, i) => s(x, `${p}[${i}]`)) : bad(p));
const langTexts = (v: unknown, p: string) =>
  v === undefined
    ? undefined
    : Array.isArray(v)
      ? v.map((x, i) => ({ lang: s(o(x, `${p}[${i}]`).lang, `${p}[${i}].lang`, 16), value: s(o(x, `${p}[${i}]`).value, `${p}[${i}].value`, 4096) }))
      : bad(p);

/** Most mapping rules per scope, and most paths in one rule's `or` or `concat`. */
const MAX_MAPPING_RULES = 1000;
const MAX_ALTERNATIVES = 16;

/** A claim path a mapping reads: keys and indices (a `null` wildcard never selects one value). */
const isSourcePath = (v: unknown): v is (string | number)[] => isClaimPath(v) && v.every((k) => k !== null);
const sourcePaths = (v: unknown, p: string): (string | number)[][] =>
  Array.isArray(v) && v.length > 0 && v.length <= MAX_ALTERNATIVES && v.every(isSourcePath) ? v : bad(p);

function transform(v: unknown, p: string, valueSets: Obj | undefined): MappingRule['transform'] {
  if (v === undefined) return undefined;
  if (v === 'identity' || v === 'date-iso' || v === 'uppercase' || v === 'lowercase') return v;
  const t = o(v, p);
  // A value set the agreement does not define would silently map every value to nothing.
  if (typeof t.valueSet === 'string') return valueSets !== undefined && Object.hasOwn(valueSets, t.valueSet) ? { valueSet: t.valueSet } : bad(`${p}.valueSet`);
  if (t.concat !== undefined) return { concat: sourcePaths(t.concat, `${p}.concat`), separator: optS(t.separator, `${p}.separator`) ?? ' ' };
  return bad(p);
}

/**
 * Mapping targets must be distinct and none may lie inside another (`["a"]` and `["a", "b"]`):
 * the later write would silently replace the earlier value. `__proto__` is never a target.
 */
function checkTargets(rules: readonly MappingRule[], p: string): void {
  const seen = new Set<string>();
  const prefixes = new Set<string>();
  rules.forEach((r, i) => {
    const key = (n: number): string => JSON.stringify(r.to.slice(0, n));
    if (r.to.includes('__proto__') || seen.has(key(r.to.length)) || prefixes.has(key(r.to.length))) bad(`${p}.mapping.rules[${i}].to`);
    for (let n = 1; n < r.to.length; n++) if (seen.has(key(n))) bad(`${p}.mapping.rules[${i}].to`);
    seen.add(key(r.to.length));
    for (let n = 1; n < r.to.length; n++) prefixes.add(key(n));
  });
}

function scope(v: unknown, p: string, valueSets: Obj | undefined): RecognitionScope {
  const x = o(v, p);
  const category = isCategory(x.category) ? x.category : bad(`${p}.category`);
  const minLoA = x.minLoA === undefined ? undefined : isLoa(x.minLoA) ? x.minLoA : bad(`${p}.minLoA`);
  const acceptedClaims =
    x.acceptedClaims === undefined
      ? undefined
      : Array.isArray(x.acceptedClaims) && x.acceptedClaims.length <= MAX_MAPPING_RULES && x.acceptedClaims.every(isClaimPath)
        ? x.acceptedClaims
        : bad(`${p}.acceptedClaims`);
  let mapping: RecognitionScope['mapping'];
  if (x.mapping !== undefined) {
    const m = o(x.mapping, `${p}.mapping`);
    const rules = Array.isArray(m.rules) && m.rules.length <= MAX_MAPPING_RULES ? m.rules : bad(`${p}.mapping.rules`);
    mapping = {
      targetSchema: s(m.targetSchema, `${p}.mapping.targetSchema`),
      rules: rules.map((r, i) => {
        const rp = `${p}.mapping.rules[${i}]`;
        const ro = o(r, rp);
        const or = ro.or === undefined ? undefined : sourcePaths(ro.or, `${rp}.or`);
        return {
          from: isSourcePath(ro.from) ? ro.from : bad(`${rp}.from`),
          or,
          to: isClaimPath(ro.to) && ro.to.every((k) => typeof k === 'string') ? ro.to : bad(`${rp}.to`),
          required: ro.required === undefined ? undefined : typeof ro.required === 'boolean' ? ro.required : bad(`${rp}.required`),
          transform: transform(ro.transform, `${rp}.transform`, valueSets),
        };
      }),
    };
    checkTargets(mapping.rules, p);
  }
  let condition: RecognitionScope['condition'];
  if (x.condition !== undefined) {
    const c = o(x.condition, `${p}.condition`);
    try {
      checkCertLogic(c.logic);
    } catch {
      bad(`${p}.condition.logic`);
    }
    condition = { id: s(c.id, `${p}.condition.id`, 64), logic: c.logic, description: langTexts(c.description, `${p}.condition.description`) };
  }
  return {
    format: s(x.format, `${p}.format`, 64),
    types: strings(x.types, `${p}.types`),
    category,
    minLoA,
    purposes: x.purposes === undefined ? undefined : strings(x.purposes, `${p}.purposes`),
    acceptedClaims,
    mapping,
    condition,
  };
}

/**
 * Validates one recognition agreement (strict: every field typed, dates and durations parsed).
 *
 * @example
 * ```ts
 * const agreement = parseAgreement(JSON.parse(text));
 * ```
 * @throws ComityError `ERR_TRUST_AGREEMENT_INVALID`
 * @see docs/trust-registry.md "Agreement format"
 */
export function parseAgreement(value: unknown, p = 'agreement'): RecognitionAgreement {
  const a = o(value, p);
  const rec = o(a.recogniser, `${p}.recogniser`);
  const red = o(a.recognised, `${p}.recognised`);
  const validity = o(a.validity, `${p}.validity`);
  parseDate(validity.notBefore, `${p}.validity.notBefore`, CODE);
  parseDate(validity.notAfter, `${p}.validity.notAfter`, CODE);
  if (validity.changeLeadTime !== undefined) parseDurationMs(validity.changeLeadTime, `${p}.validity.changeLeadTime`, CODE);
  const st = o(a.status, `${p}.status`);
  const state = st.state === 'active' || st.state === 'suspended' || st.state === 'terminated' ? st.state : bad(`${p}.status.state`);
  let statusList: { uri: string; idx: number } | undefined;
  if (st.statusList !== undefined) {
    const sl = o(st.statusList, `${p}.status.statusList`);
    statusList = {
      uri: s(sl.uri, `${p}.status.statusList.uri`, 2048),
      idx: Number.isInteger(sl.idx) && (sl.idx as number) >= 0 ? (sl.idx as number) : bad(`${p}.status.statusList.idx`),
    };
  }
  if (st.since !== undefined) parseDate(st.since, `${p}.status.since`, CODE);
  const sequence = Number.isInteger(a.sequence) && (a.sequence as number) >= 0 ? (a.sequence as number) : bad(`${p}.sequence`);
  const rawValueSets = a.valueSets === undefined ? undefined : o(a.valueSets, `${p}.valueSets`);
  const scopes = Array.isArray(a.scopes) && a.scopes.length > 0 ? a.scopes.map((x, i) => scope(x, `${p}.scopes[${i}]`, rawValueSets)) : bad(`${p}.scopes`);
  let sources: RecognitionAgreement['sources'];
  if (a.sources !== undefined) {
    if (!Array.isArray(a.sources)) bad(`${p}.sources`);
    sources = a.sources.map((x, i) => {
      const so = o(x, `${p}.sources[${i}]`);
      return {
        id: s(so.id, `${p}.sources[${i}].id`),
        signerSha256: so.signerSha256 === undefined ? undefined : strings(so.signerSha256, `${p}.sources[${i}].signerSha256`),
      };
    });
  }
  let valueSets: RecognitionAgreement['valueSets'];
  if (a.valueSets !== undefined) {
    const vs = o(a.valueSets, `${p}.valueSets`);
    const out: Record<string, Record<string, string>> = {};
    for (const [name, set] of Object.entries(vs)) {
      const m: Record<string, string> = {};
      for (const [k, v] of Object.entries(o(set, `${p}.valueSets.${name}`)))
        Object.defineProperty(m, k, { value: s(v, `${p}.valueSets.${name}.${k}`), enumerable: true });
      Object.defineProperty(out, name, { value: m, enumerable: true });
    }
    valueSets = out;
  }
  const onStale = a.evaluation === undefined ? undefined : o(a.evaluation, `${p}.evaluation`).onStaleSource;
  if (onStale !== undefined && onStale !== 'reject' && onStale !== 'indeterminate') bad(`${p}.evaluation.onStaleSource`);
  return {
    id: s(a.id, `${p}.id`, 256),
    version: s(a.version, `${p}.version`, 64),
    sequence,
    recogniser: {
      jurisdiction: isJurisdiction(rec.jurisdiction) ? rec.jurisdiction : bad(`${p}.recogniser.jurisdiction`),
      community: optS(rec.community, `${p}.recogniser.community`),
      name: langTexts(rec.name, `${p}.recogniser.name`),
    },
    recognised: {
      jurisdiction: isJurisdiction(red.jurisdiction) ? red.jurisdiction : bad(`${p}.recognised.jurisdiction`),
      name: langTexts(red.name, `${p}.recognised.name`),
    },
    sources,
    scopes,
    validity: { notBefore: validity.notBefore as string, notAfter: validity.notAfter as string, changeLeadTime: validity.changeLeadTime as string | undefined },
    status: { state, since: st.since as string | undefined, reason: langTexts(st.reason, `${p}.status.reason`), statusList },
    evaluation: onStale === undefined ? undefined : { onStaleSource: onStale },
    valueSets,
    legalBasis:
      a.legalBasis === undefined
        ? undefined
        : {
            uri: s(o(a.legalBasis, `${p}.legalBasis`).uri, `${p}.legalBasis.uri`),
            title: langTexts(o(a.legalBasis, `${p}.legalBasis`).title, `${p}.legalBasis.title`),
          },
  };
}

/**
 * Validates an agreement list: every agreement must be made by the list's issuer (a party
 * signs only its own recognitions) and agreement ids must be unique.
 *
 * @example
 * ```ts
 * const list = parseAgreementList(payload);
 * ```
 * @throws ComityError `ERR_TRUST_AGREEMENT_INVALID`
 */
export function parseAgreementList(value: unknown): AgreementList {
  const l = o(value, 'list');
  if (l.type !== 'comity-agreement-list') bad('type');
  const issuer = s(l.issuer, 'issuer', 64);
  const sequence = Number.isInteger(l.sequence) && (l.sequence as number) >= 1 ? (l.sequence as number) : bad('sequence');
  parseDate(l.issued, 'issued', CODE);
  if (l.nextUpdate !== undefined) parseDate(l.nextUpdate, 'nextUpdate', CODE);
  const agreements = Array.isArray(l.agreements) ? l.agreements.map((a, i) => parseAgreement(a, `agreements[${i}]`)) : bad('agreements');
  const ids = new Set<string>();
  for (const a of agreements) {
    if (a.recogniser.jurisdiction !== issuer && a.recogniser.community !== issuer) bad(`agreements(${a.id}).recogniser`);
    if (ids.has(a.id)) bad(`agreements(${a.id}).id`);
    ids.add(a.id);
  }
  return { type: 'comity-agreement-list', issuer, sequence, issued: l.issued as string, nextUpdate: l.nextUpdate as string | undefined, agreements };
}

/**
 * Signs an agreement list as a compact JWS (`typ` `comity-agreements+jwt`, `x5c` = the
 * certificate chain, leaf first, when given).
 *
 * @example
 * ```ts
 * const jws = await signAgreementList(list, localSigner(privateJwk, 'ES256', defaultCrypto), [signerCert]);
 * ```
 * @throws ComityError `ERR_TRUST_AGREEMENT_INVALID` when the list does not validate
 * @see RFC 7515
 */
export async function signAgreementList(list: AgreementList, signer: Signer, certificateChain?: readonly Certificate[]): Promise<string> {
  if (signer === null || typeof signer !== 'object' || typeof signer.sign !== 'function')
    throw new ComityUsageError('ERR_USAGE_SIGNER', 'signAgreementList needs a Signer');
  const clean = parseAgreementList(JSON.parse(JSON.stringify(list)));
  const header: Record<string, unknown> = { typ: AGREEMENT_LIST_TYP };
  if (certificateChain !== undefined && certificateChain.length > 0) header.x5c = certificateChain.map((c) => base64Encode(c.der));
  const h = base64urlEncode(utf8Encode(JSON.stringify({ alg: signer.alg, ...header })));
  const p = base64urlEncode(utf8Encode(JSON.stringify(clean)));
  const signature = await signer.sign(utf8Encode(`${h}.${p}`));
  return `${h}.${p}.${base64urlEncode(signature)}`;
}

/** A verified agreement list. */
export interface VerifiedAgreementList {
  readonly list: AgreementList;
  readonly signerSha256: string;
  /** SHA-256 (hex) of the JWS text. */
  readonly digest: string;
}

/**
 * Verifies a signed agreement list against pinned signer certificates and validates it.
 * The signer certificate's country (`C`) must be the list's issuer jurisdiction and every
 * agreement's recogniser jurisdiction (`EU` excepted): a party signs only its own recognitions.
 *
 * @example
 * ```ts
 * const { list } = await verifyAgreementList(jws, [frRegistrarCert]);
 * ```
 * @throws ComityError `ERR_TRUST_AGREEMENT_LIST_MALFORMED`, `ERR_TRUST_AGREEMENT_LIST_SIGNATURE`, `ERR_TRUST_SIGNER_NOT_PINNED`,
 *   `ERR_TRUST_AGREEMENT_INVALID`, `ERR_TRUST_AGREEMENT_LIST_ISSUER`
 * @see RFC 7515; docs/trust-registry.md
 */
export async function verifyAgreementList(
  jws: string,
  signerCertificates: readonly Certificate[],
  options: { crypto?: CryptoProvider } = {},
): Promise<VerifiedAgreementList> {
  const crypto = options.crypto ?? defaultCrypto;
  const text = typeof jws === 'string' ? jws.trim() : jws;
  const decoded = decodeCompactJws(text, 'agreement list', 'ERR_TRUST_AGREEMENT_LIST');
  if (decoded.header.typ !== AGREEMENT_LIST_TYP) throw new ComityError('ERR_TRUST_AGREEMENT_LIST_MALFORMED', 'agreement list has the wrong typ');
  let signer: Certificate;
  try {
    signer = await jwsSigner(decoded.header, signerCertificates, 'agreement list');
  } catch (cause) {
    if (cause instanceof ComityError && cause.code === 'ERR_TRUST_LIST_MALFORMED')
      throw new ComityError('ERR_TRUST_AGREEMENT_LIST_MALFORMED', 'agreement list x5c is malformed', { cause });
    throw cause;
  }
  try {
    await verifyJwsSignature(decoded, signer.publicJwk, {
      algorithms: LIST_SIGNATURE_ALGORITHMS,
      crypto,
      what: 'agreement list',
      codePrefix: 'ERR_TRUST_AGREEMENT_LIST',
    });
  } catch (cause) {
    if (cause instanceof ComityError && cause.code === 'ERR_TRUST_AGREEMENT_LIST_SIGNATURE_INVALID')
      throw new ComityError('ERR_TRUST_AGREEMENT_LIST_SIGNATURE', 'agreement list signature is invalid', { cause });
    throw cause;
  }
  const list = parseAgreementList(decoded.payload);
  checkSignerCountry(list, signer);
  return { list, signerSha256: signer.sha256, digest: await sha256Hex(crypto, utf8Encode(text)) };
}

/**
 * A party signs only its own recognitions: the list's `issuer` (when it is a jurisdiction) and
 * every agreement's `recogniser.jurisdiction` must be the country (`C`) of the certificate that
 * signed the list. Without this, a foreign registrar pinned for its own list could publish a
 * list "issued by" the verifier's jurisdiction and be used to accept. `EU` is not a country
 * and is not bound this way.
 */
function checkSignerCountry(list: AgreementList, signer: Certificate): void {
  const country = signer.subjectAttributes.C?.[0]?.toUpperCase();
  const bound = (j: string): boolean => j === 'EU' || j.slice(0, 2) === country;
  const refuse = (field: string): never => {
    throw new ComityError('ERR_TRUST_AGREEMENT_LIST_ISSUER', 'agreement list names a recogniser other than the country of its signer', {
      details: { field, signerCountry: country ?? '-' },
    });
  };
  if (isJurisdiction(list.issuer) && !bound(list.issuer)) refuse('issuer');
  for (const a of list.agreements) if (!bound(a.recogniser.jurisdiction)) refuse(`agreements(${a.id}).recogniser.jurisdiction`);
}
