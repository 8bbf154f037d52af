/**
 * Round trip of one `specification.yml` case through comity: issue with the case's
 * claims and `!sd` paths, present what `holder_disclosed_claims` selects, verify.
 */
import type { ClaimPath, ComityContext, Jwk } from '@comity/core';
import {
  addJsonSignature,
  compactOfSdJwtJson,
  createKeyBindingJwt,
  decodeSdJwt,
  issueSdJwt,
  issueSdJwtVc,
  presentSdJwt,
  receiveSdJwt,
  type SdJwtJson,
  type SdJwtJsonGeneral,
  type SdJwtVerificationResult,
  splitSdJwt,
  toJsonSerialization,
  verifySdJwt,
  verifySdJwtVc,
} from '@comity/sd-jwt-vc';
import { contextAt, es256, pinned, publicOf, type Settings } from './common.js';
import { claimsWith, containerPaths, holderSelection, type SpecCase } from './spec-yaml.js';

/** Which generator the case follows: it decides the default claims and header `typ`. */
export type CaseKind = 'example' | 'testcase' | 'vc';

/** The clock the round trips run at: inside every case's iat..exp window. */
export const ROUNDTRIP_NOW = 1_700_000_000;

export interface RoundTripOutcome {
  readonly result: SdJwtVerificationResult;
  readonly expected: Record<string, unknown>;
  /** Concrete paths the holder disclosed (sd-jwt-python semantics). */
  readonly selection: ClaimPath[];
  /** Paths (as issued) of the disclosures actually presented. */
  readonly presentedPaths: ClaimPath[];
  /**
   * `present`: built with comity's presentSdJwt. `manual`: the python selection discloses an
   * object without its own selectively disclosable members, which presentSdJwt's
   * "a requested claim brings its subtree" rule cannot express, so the presentation was
   * assembled from the decoded disclosures with comity's createKeyBindingJwt.
   */
  readonly mode: 'present' | 'manual';
  readonly header: Record<string, unknown>;
  /** The presentation that was verified. */
  readonly presentation: string;
  /** JSON cases: the serialized presentation that was verified, and its form. */
  readonly json?: { readonly form: 'flattened' | 'general'; readonly presentation: SdJwtJson };
}

const key = (p: ClaimPath) => JSON.stringify(p);
const sameStrings = (a: readonly string[], b: readonly string[]) => {
  const sa = new Set(a);
  return sa.size === a.length && sa.size === new Set(b).size && b.every((d) => sa.has(d));
};

/** Runs a case; returns the verification result and what was expected. */
export async function roundTrip(spec: SpecCase, settings: Settings, kind: CaseKind): Promise<RoundTripOutcome> {
  const ctx: ComityContext = contextAt(ROUNDTRIP_NOW);
  const issuerSigner = es256(settings.issuerKey, ctx);
  const holderPublic: Jwk = publicOf(settings.holderKey);
  const decoys = spec.addDecoys ? containerPaths(spec.tree).map((path) => ({ path, count: 2 })) : undefined;

  let defaults: Record<string, unknown> = {};
  if (kind === 'testcase') defaults = { iss: settings.issuer };
  else if (kind === 'example' && spec.includeDefaultClaims) defaults = { iss: settings.issuer, iat: settings.iat, exp: settings.exp };

  let credential: string;
  let header: Record<string, unknown>;
  if (kind === 'vc') {
    const { vct, iss, ...rest } = spec.claims;
    header = { ...spec.extraHeader };
    credential = await issueSdJwtVc(
      {
        vct: vct as string,
        issuer: (iss as string | undefined) ?? settings.issuer,
        claims: rest,
        disclosable: spec.disclosable,
        ...(decoys === undefined ? {} : { decoys }),
        ...(spec.keyBinding ? { holderKey: holderPublic } : {}),
        issuedAt: settings.iat,
        expiresAt: settings.exp,
        header,
        signer: issuerSigner,
      },
      ctx,
    );
    defaults = { iss: (iss as string | undefined) ?? settings.issuer, iat: settings.iat, exp: settings.exp, vct };
  } else {
    header = { typ: kind === 'testcase' ? 'testcase+sd-jwt' : 'example+sd-jwt', ...spec.extraHeader };
    const claims = { ...defaults, ...spec.claims, ...(spec.keyBinding ? { cnf: { jwk: holderPublic } } : {}) };
    credential = await issueSdJwt({ claims, disclosable: spec.disclosable, ...(decoys === undefined ? {} : { decoys }), header, signer: issuerSigner }, ctx);
  }
  // JSON cases (RFC 9901 §8): sd-jwt-python signs with every issuer key of the settings,
  // in the General form when there are several (kids in the unprotected headers).
  let issued: SdJwtJson | undefined;
  const form = settings.issuerKeys.length > 1 ? 'general' : 'flattened';
  const kidHeader = (i: number) => {
    const kid = settings.issuerKeys[i]?.kid;
    return kid === undefined ? {} : { kid };
  };
  if (spec.serialization === 'json') {
    issued = toJsonSerialization(credential, { form, header: kidHeader(0) });
    for (let i = 1; i < settings.issuerKeys.length; i++) {
      issued = await addJsonSignature(issued as SdJwtJsonGeneral, {
        signer: es256((settings.issuerKeys[i] as { jwk: Jwk }).jwk, ctx),
        protectedHeader: { ...header },
        header: kidHeader(i),
      });
    }
    // The holder works on the compact form of the first signature (the one sd_hash covers).
    credential = compactOfSdJwtJson(JSON.parse(JSON.stringify(issued)));
  }
  await receiveSdJwt(credential, ctx);

  const selection = holderSelection(spec.tree, spec.holderDisclosed);
  const keyBinding = spec.keyBinding ? { signer: es256(settings.holderKey, ctx), audience: settings.verifier, nonce: settings.nonce } : undefined;
  // Which disclosure strings the selection means (paths from the full credential are the issued ones).
  const full = await decodeSdJwt(credential, ctx);
  const wanted = new Set(selection.map(key));
  const selectedDisclosures = full.disclosures.filter((d) => wanted.has(key(d.path))).map((d) => d.disclosure);
  // presentSdJwt brings the parents of a requested claim itself: ask for the deepest selected paths only.
  const isStrictPrefix = (a: ClaimPath, b: ClaimPath) => a.length < b.length && a.every((c, i) => c === b[i]);
  const disclose = selection.filter((p) => !selection.some((q) => isStrictPrefix(p, q)));
  let presentation = await presentSdJwt(credential, { disclose, ...(keyBinding === undefined ? {} : { keyBinding }) }, ctx);
  let mode: RoundTripOutcome['mode'] = 'present';
  if (!sameStrings(splitSdJwt(presentation).disclosures, selectedDisclosures)) {
    mode = 'manual';
    const sdJwtWithoutKb = `${credential.slice(0, credential.indexOf('~'))}~${selectedDisclosures.map((d) => `${d}~`).join('')}`;
    presentation =
      keyBinding === undefined
        ? sdJwtWithoutKb
        : `${sdJwtWithoutKb}${await createKeyBindingJwt({ sdJwtWithoutKb, hashAlg: full.hashAlg, signer: keyBinding.signer, audience: keyBinding.audience, nonce: keyBinding.nonce }, ctx)}`;
  }
  const presented = new Set(splitSdJwt(presentation).disclosures);
  const presentedPaths = full.disclosures.filter((d) => presented.has(d.disclosure)).map((d) => d.path);

  const policy = {
    issuerKey: pinned(publicOf(settings.issuerKey)),
    keyBinding: spec.keyBinding ? { nonce: settings.nonce, audience: settings.verifier } : { required: false },
    ...(kind === 'vc' ? {} : { typ: header.typ as string }),
  };
  let json: RoundTripOutcome['json'];
  if (issued !== undefined) {
    const others = 'signatures' in issued ? issued.signatures.slice(1) : [];
    json = { form, presentation: toJsonSerialization(presentation, { form, header: kidHeader(0), otherSignatures: others }) };
  }
  const token = json === undefined ? presentation : JSON.stringify(json.presentation);
  const result = kind === 'vc' ? await verifySdJwtVc(token, policy, ctx) : await verifySdJwt(token, policy, ctx);

  const userClaims = (spec.expectVerified ?? claimsWith(spec.tree, selection)) as Record<string, unknown>;
  const expected = { ...defaults, ...userClaims, ...(spec.keyBinding ? { cnf: { jwk: holderPublic } } : {}) };
  return { result, expected, selection, presentedPaths, mode, header, presentation, ...(json === undefined ? {} : { json }) };
}
