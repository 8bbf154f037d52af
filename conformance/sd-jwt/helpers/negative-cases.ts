/**
 * The negative (and control) cases of shared/notes/sd-jwt.md §5 items 1–21, one per rule,
 * as data: a builder of a really-signed token whose only defect is the rule under test,
 * the verifier policy, and the expected comity error code. Used by negative.test.ts and by
 * the differential test against @sd-jwt/core.
 */
import { base64urlEncode, type HashAlgorithm, localSigner, utf8Encode } from '@comity/core';
import { pinnedIssuerKeys, type SdJwtVcVerifyPolicy } from '@comity/sd-jwt-vc';
import {
  AUDIENCE,
  craft,
  ctx,
  digest,
  disclose,
  disclosure,
  ISSUER,
  keyBindingJwt,
  NONCE,
  NOW,
  sign,
  type TestKeys,
  testKeys,
  unsignedJws,
  VCT,
  vcClaims,
} from './craft.js';

/** How a case is checked: SD-JWT VC verification, plain RFC 9901 verification, or the holder's receiveSdJwt. */
export type CaseKind = 'vc' | 'plain' | 'holder';

export interface NegativeCase {
  /** Test name: the rule it enforces. */
  readonly id: string;
  /** Item of shared/notes/sd-jwt.md §5. */
  readonly item: number;
  /** Case id in the generated case list of the notes, when there is one. */
  readonly caseId?: string;
  readonly kind: CaseKind;
  readonly build: () => Promise<string>;
  /** Policy members over the default (pinned issuer key, key binding with NONCE/AUDIENCE). */
  readonly policy?: (k: TestKeys) => Partial<SdJwtVcVerifyPolicy>;
  /** Expected comity error code; `null` for a positive control. */
  readonly expect: string | null;
  /** The issuer key a peer library should verify with (default: the issuer's). */
  readonly peerIssuerKey?: (k: TestKeys) => TestKeys['issuer'];
}

/** The plain-SD-JWT profile used by `plain` cases. */
export const PLAIN_TYP = 'example+sd-jwt';

/** The default policy of the cases. */
export function basePolicy(k: TestKeys, kind: CaseKind): SdJwtVcVerifyPolicy {
  return {
    issuerKey: pinnedIssuerKeys([k.issuer.publicJwk]),
    keyBinding: { nonce: NONCE, audience: AUDIENCE },
    ...(kind === 'plain' ? { typ: PLAIN_TYP } : {}),
  };
}

const b64 = (text: string) => base64urlEncode(utf8Encode(text));

/** Signs an arbitrary `header.payload` ASCII string with the issuer key: a real signature over malformed segments. */
async function signRaw(headerSegment: string, payloadSegment: string): Promise<string> {
  const k = await testKeys();
  const signature = await localSigner(k.issuer.privateJwk, 'ES256', ctx.crypto).sign(utf8Encode(`${headerSegment}.${payloadSegment}`));
  return `${headerSegment}.${payloadSegment}.${base64urlEncode(signature)}`;
}

/** A valid VC with two disclosures (given_name, family_name); `mutate` bends payload/disclosures. */
async function vcWith(
  mutate: (p: Record<string, unknown>, d: { given: { d: string; h: string }; family: { d: string; h: string } }) => void | Promise<void> = () => {},
  extra: Parameters<typeof craft>[0] extends infer O ? Partial<O> : never = {},
): Promise<string> {
  const given = await disclose('given_name', 'Erika');
  const family = await disclose('family_name', 'Mustermann');
  const payload = await vcClaims({ _sd: [given.h, family.h] });
  await mutate(payload, { given, family });
  return craft({ payload, disclosures: [given.d, family.d], ...extra });
}

/** A VC whose claim `name` arrives in a disclosure. */
async function vcWithDisclosed(name: string, value: unknown): Promise<string> {
  const x = await disclose(name, value);
  const payload = await vcClaims();
  delete payload[name];
  payload._sd = [x.h];
  return craft({ payload, disclosures: [x.d] });
}

/** A plain SD-JWT with `exp` in a disclosure. */
async function plainWithSdExp(exp: number, present: boolean): Promise<string> {
  const e = await disclose('exp', exp);
  const g = await disclose('given_name', 'Erika');
  const payload = { ...(await vcClaims({ _sd: [e.h, g.h] })) };
  delete payload.exp;
  delete payload.vct;
  return craft({ header: { typ: PLAIN_TYP }, payload, disclosures: present ? [e.d, g.d] : [g.d] });
}

async function sdAlgCase(sdAlg: unknown): Promise<string> {
  return vcWith((p) => {
    p._sd_alg = sdAlg;
  });
}

/** A presentation of two disclosures where the KB-JWT's `sd_hash` covers `hashOver(jwt, d1, d2)`. */
async function sdHashCase(present: (d1: string, d2: string) => string[], hashOver: (jwt: string, d1: string, d2: string) => string, alg?: HashAlgorithm) {
  const hashAlg = alg ?? 'sha-256';
  const a = await disclose('given_name', 'Erika', hashAlg);
  const b = await disclose('family_name', 'Mustermann', hashAlg);
  const k = await testKeys();
  const jwt = await sign({ typ: 'dc+sd-jwt' }, await vcClaims({ _sd: [a.h, b.h], _sd_alg: hashAlg }), k.issuer);
  const shown = present(a.d, b.d);
  const sdJwtWithoutKb = `${jwt}~${shown.map((d) => `${d}~`).join('')}`;
  return `${sdJwtWithoutKb}${await keyBindingJwt(sdJwtWithoutKb, { sdHashInput: hashOver(jwt, a.d, b.d), sdHashAlg: 'sha-256' })}`;
}

const NEVER_DISCLOSABLE: ReadonlyArray<[string, unknown]> = [
  ['iss', ISSUER],
  ['nbf', NOW - 60],
  ['exp', NOW + 86_400],
  ['cnf', null], // replaced by the holder key below
  ['vct', VCT],
  ['vct#integrity', 'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='],
  ['status', { status_list: { idx: 0, uri: 'https://status.example.com/lists/1' } }],
  ['aka_vcts', ['urn:eudi:pid:de:1']],
];

/** Controls: the unmodified baselines the negative cases bend verify. */
export const CONTROL_CASES: readonly NegativeCase[] = [
  { id: 'baseline SD-JWT VC with key binding (control)', item: 0, kind: 'vc', expect: null, build: () => vcWith() },
  {
    id: 'baseline plain SD-JWT with key binding (control)',
    item: 0,
    kind: 'plain',
    expect: null,
    build: () => vcWith(undefined, { header: { typ: PLAIN_TYP } }),
  },
  {
    id: 'rfc7515-4.1.9-typ-with-application-prefix (control)',
    item: 0,
    kind: 'vc',
    expect: null,
    build: () => vcWith(undefined, { header: { typ: 'application/dc+sd-jwt' }, kb: { header: { typ: 'application/kb+jwt' } } }),
  },
  {
    id: 'rfc7515-4.1.9-typ-case-insensitive (control)',
    item: 0,
    kind: 'vc',
    expect: null,
    build: () => vcWith(undefined, { header: { typ: 'DC+SD-JWT' }, kb: { header: { typ: 'KB+JWT' } } }),
  },
  {
    id: 'baseline SD-JWT VC without key binding, not required (control)',
    item: 0,
    kind: 'vc',
    expect: null,
    policy: () => ({ keyBinding: { required: false } }),
    build: () => vcWith(undefined, { kb: false }),
  },
];

export const NEGATIVE_CASES: readonly NegativeCase[] = [
  // 1. Parsing
  {
    id: 'rfc9901-4-issuer-jwt-bad-base64url',
    item: 1,
    kind: 'vc',
    expect: 'ERR_SDJWT_MALFORMED',
    policy: () => ({ keyBinding: { required: false } }),
    build: async () => `${await signRaw(b64('{"alg":"ES256","typ":"dc+sd-jwt"}'), `${b64(JSON.stringify(await vcClaims()))}*`)}~`,
  },
  {
    id: 'rfc9901-4-issuer-jwt-bad-json',
    item: 1,
    kind: 'vc',
    expect: 'ERR_SDJWT_MALFORMED',
    policy: () => ({ keyBinding: { required: false } }),
    build: async () => `${await signRaw(b64('{"alg":"ES256","typ":"dc+sd-jwt"}'), b64('{"iss":"https://issuer.example.com",'))}~`,
  },
  {
    id: 'rfc9901-4-issuer-jwt-bad-utf8',
    item: 1,
    kind: 'vc',
    expect: 'ERR_SDJWT_MALFORMED',
    policy: () => ({ keyBinding: { required: false } }),
    build: async () =>
      `${await signRaw(b64('{"alg":"ES256","typ":"dc+sd-jwt"}'), base64urlEncode(new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d])))}~`,
  },
  {
    id: 'rfc9901-4.2.1-disclosure-bad-base64url',
    item: 1,
    kind: 'vc',
    expect: 'ERR_SDJWT_DISCLOSURE_MALFORMED',
    build: async () => craft({ payload: await vcClaims({ _sd: [await digest('WyJz+IiwiYSIsMV0')] }), disclosures: ['WyJz+IiwiYSIsMV0'] }),
  },
  {
    id: 'rfc9901-4.2.1-disclosure-bad-utf8',
    item: 1,
    kind: 'vc',
    expect: 'ERR_SDJWT_DISCLOSURE_MALFORMED',
    build: async () => {
      const d = base64urlEncode(new Uint8Array([0x5b, 0x22, 0x73, 0x22, 0x2c, 0x22, 0xc3, 0x28, 0x22, 0x2c, 0x31, 0x5d]));
      return craft({ payload: await vcClaims({ _sd: [await digest(d)] }), disclosures: [d] });
    },
  },
  {
    id: 'rfc9901-4.2.1-disclosure-bad-json',
    item: 1,
    kind: 'vc',
    expect: 'ERR_SDJWT_DISCLOSURE_MALFORMED',
    build: async () => {
      const d = b64('["salt", "given_name", "Erika"');
      return craft({ payload: await vcClaims({ _sd: [await digest(d)] }), disclosures: [d] });
    },
  },
  {
    id: 'rfc9901-4-no-trailing-tilde-when-kb-not-expected',
    item: 1,
    kind: 'vc',
    expect: 'ERR_SDJWT_KB_UNEXPECTED',
    policy: () => ({ keyBinding: { required: false } }),
    build: async () => (await vcWith(undefined, { kb: false })).slice(0, -1),
  },
  {
    id: 'rfc9901-4-no-separator-at-all',
    item: 1,
    kind: 'vc',
    expect: 'ERR_SDJWT_MALFORMED',
    policy: () => ({ keyBinding: { required: false } }),
    build: async () => {
      const k = await testKeys();
      return sign({ typ: 'dc+sd-jwt' }, await vcClaims(), k.issuer);
    },
  },
  {
    id: 'rfc9901-4.3-kb-jwt-malformed',
    item: 1,
    kind: 'vc',
    expect: 'ERR_SDJWT_KB_MALFORMED',
    build: async () => `${await vcWith(undefined, { kb: false })}${b64('{"typ":"kb+jwt","alg":"ES256"}')}.${b64('{"iat":')}.AAAA`,
  },

  // 2. Unexpected key binding
  {
    id: 'rfc9901-7.1-kb-present-but-not-expected',
    item: 2,
    caseId: 'neg_kb_present_but_not_expected',
    kind: 'vc',
    expect: 'ERR_SDJWT_KB_UNEXPECTED',
    policy: () => ({ keyBinding: { required: false } }),
    build: () => vcWith(),
  },
  {
    id: 'rfc9901-7.2-holder-receives-sd-jwt-with-kb',
    item: 2,
    kind: 'holder',
    expect: 'ERR_SDJWT_KB_AT_ISSUANCE',
    build: () => vcWith(),
  },

  // 3. Issuer algorithm
  {
    id: 'rfc9901-7.1-issuer-alg-none',
    item: 3,
    caseId: 'neg_issuer_alg_none',
    kind: 'vc',
    expect: 'ERR_SDJWT_ALG_NOT_ALLOWED',
    build: async () => {
      const g = await disclose('given_name', 'Erika');
      const jwt = unsignedJws({ alg: 'none', typ: 'dc+sd-jwt' }, await vcClaims({ _sd: [g.h] }));
      const sd = `${jwt}~${g.d}~`;
      return `${sd}${await keyBindingJwt(sd)}`;
    },
  },
  {
    id: 'rfc8725-3.1-issuer-alg-hs256',
    item: 3,
    kind: 'vc',
    expect: 'ERR_SDJWT_ALG_NOT_ALLOWED',
    build: async () => {
      const g = await disclose('given_name', 'Erika');
      const h = b64(JSON.stringify({ alg: 'HS256', typ: 'dc+sd-jwt' }));
      const p = b64(JSON.stringify(await vcClaims({ _sd: [g.h] })));
      // A real HMAC: a verifier that took `alg` from the header and the public key as secret would accept it.
      const k = await testKeys();
      const mac = await ctx.crypto.hmac('sha-256', utf8Encode(JSON.stringify(k.issuer.publicJwk)), utf8Encode(`${h}.${p}`));
      const sd = `${h}.${p}.${base64urlEncode(mac)}~${g.d}~`;
      return `${sd}${await keyBindingJwt(sd)}`;
    },
  },
  {
    id: 'rfc8725-3.1-issuer-alg-not-allow-listed',
    item: 3,
    kind: 'vc',
    expect: 'ERR_SDJWT_ALG_NOT_ALLOWED',
    policy: (k) => ({ issuerKey: pinnedIssuerKeys([k.issuerEs384.publicJwk]), algorithms: ['ES256'] }),
    peerIssuerKey: (k) => k.issuerEs384,
    build: async () => vcWith(undefined, { key: (await testKeys()).issuerEs384, alg: 'ES384' }),
  },

  // 4. Issuer signature and key
  {
    id: 'rfc9901-7.1-issuer-bad-signature',
    item: 4,
    caseId: 'neg_issuer_bad_signature',
    kind: 'vc',
    expect: 'ERR_SDJWT_SIGNATURE_INVALID',
    build: async () => {
      const token = await vcWith(undefined, { kb: false });
      const jwt = token.slice(0, token.indexOf('~'));
      const sig = jwt.slice(jwt.lastIndexOf('.') + 1);
      const flipped = `${sig.slice(0, 10)}${sig[10] === 'A' ? 'B' : 'A'}${sig.slice(11)}`;
      const sd = `${jwt.slice(0, jwt.lastIndexOf('.') + 1)}${flipped}${token.slice(token.indexOf('~'))}`;
      return `${sd}${await keyBindingJwt(sd)}`;
    },
  },
  {
    id: 'rfc9901-7.1-issuer-wrong-key',
    item: 4,
    caseId: 'neg_issuer_wrong_key',
    kind: 'vc',
    expect: 'ERR_SDJWT_SIGNATURE_INVALID',
    build: async () => vcWith(undefined, { key: (await testKeys()).other }),
  },

  // 5. typ
  {
    id: 'sd-jwt-vc-3.2.1-typ-mismatch',
    item: 5,
    caseId: 'neg_issuer_typ_mismatch',
    kind: 'vc',
    expect: 'ERR_SDJWT_TYP_MISMATCH',
    build: () => vcWith(undefined, { header: { typ: 'JWT' } }),
  },
  {
    id: 'sd-jwt-vc-3.2.1-typ-missing',
    item: 5,
    kind: 'vc',
    expect: 'ERR_SDJWT_TYP_MISMATCH',
    build: () => vcWith(undefined, { header: {} }),
  },
  {
    id: 'sd-jwt-vc-3.2.1-typ-vc+sd-jwt-without-opt-in',
    item: 5,
    kind: 'vc',
    expect: 'ERR_SDJWT_TYP_MISMATCH',
    build: () => vcWith(undefined, { header: { typ: 'vc+sd-jwt' } }),
  },
  {
    id: 'sd-jwt-vc-3.2.1-typ-vc+sd-jwt-with-explicit-opt-in (control)',
    item: 5,
    kind: 'vc',
    expect: null,
    policy: () => ({ typ: ['dc+sd-jwt', 'vc+sd-jwt'] }),
    build: () => vcWith(undefined, { header: { typ: 'vc+sd-jwt' } }),
  },
  {
    id: 'sd-jwt-vc-3.2.1-typ-other-media-type',
    item: 5,
    kind: 'vc',
    expect: 'ERR_SDJWT_TYP_MISMATCH',
    build: () => vcWith(undefined, { header: { typ: 'text/dc+sd-jwt' } }),
  },
  {
    id: 'rfc9901-9.11-typ-not-the-profile',
    item: 5,
    kind: 'plain',
    expect: 'ERR_SDJWT_TYP_MISMATCH',
    build: () => vcWith(undefined, { header: { typ: 'other+sd-jwt' } }),
  },

  // 6. Hash algorithm
  {
    id: 'rfc9901-4.1.1-sd-alg-wrong-case',
    item: 6,
    caseId: 'neg_sd_alg_unknown_case',
    kind: 'vc',
    expect: 'ERR_SDJWT_SD_ALG_UNSUPPORTED',
    build: () => sdAlgCase('SHA-256'),
  },
  {
    id: 'rfc9901-4.1.1-sd-alg-truncated',
    item: 6,
    caseId: 'neg_sd_alg_truncated',
    kind: 'vc',
    expect: 'ERR_SDJWT_SD_ALG_UNSUPPORTED',
    build: () => sdAlgCase('sha-256-32'),
  },
  { id: 'rfc9901-4.1.1-sd-alg-unknown', item: 6, kind: 'vc', expect: 'ERR_SDJWT_SD_ALG_UNSUPPORTED', build: () => sdAlgCase('md5') },
  { id: 'rfc9901-4.1.1-sd-alg-not-a-string', item: 6, kind: 'vc', expect: 'ERR_SDJWT_SD_ALG_UNSUPPORTED', build: () => sdAlgCase(256) },

  // 7. Nested _sd_alg (strict profile)
  {
    id: 'rfc9901-4.1.1-sd-alg-nested',
    item: 7,
    caseId: 'neg_nested_sd_alg',
    kind: 'vc',
    expect: 'ERR_SDJWT_SD_ALG_NESTED',
    build: () =>
      vcWith((p) => {
        p.address = { _sd_alg: 'sha-256', locality: 'Berlin' };
      }),
  },

  // 8. Duplicate digests
  {
    id: 'rfc9901-7.1-duplicate-digest-in-sd',
    item: 8,
    caseId: 'neg_duplicate_digest_in_sd',
    kind: 'vc',
    expect: 'ERR_SDJWT_DIGEST_DUPLICATE',
    build: () =>
      vcWith((p, d) => {
        p._sd = [d.given.h, d.family.h, d.given.h];
      }),
  },
  {
    id: 'rfc9901-7.1-duplicate-digest-across-sd-and-array',
    item: 8,
    caseId: 'neg_duplicate_digest_across_sd_and_array',
    kind: 'vc',
    expect: 'ERR_SDJWT_DIGEST_DUPLICATE',
    build: async () => {
      const undisclosed = await digest(disclosure(['salt-x', 'DE']));
      return vcWith((p, d) => {
        p._sd = [d.given.h, d.family.h, undisclosed];
        p.nationalities = [{ '...': undisclosed }];
      });
    },
  },
  {
    id: 'rfc9901-7.1-duplicate-digest-nested-undisclosed',
    item: 8,
    caseId: 'neg_duplicate_digest_nested_undisclosed',
    kind: 'vc',
    expect: 'ERR_SDJWT_DIGEST_DUPLICATE',
    build: async () => {
      const undisclosed = await digest(disclosure(['salt-y', 'locality', 'Berlin']));
      return vcWith((p, d) => {
        p._sd = [d.given.h, d.family.h, undisclosed];
        p.address = { _sd: [undisclosed] };
      });
    },
  },
  {
    id: 'rfc9901-7.1-duplicate-digest-via-recursive-disclosure',
    item: 8,
    kind: 'vc',
    expect: 'ERR_SDJWT_DIGEST_DUPLICATE',
    build: async () => {
      const street = await disclose('street_address', 'Heidestraße 17');
      const address = await disclose('address', { _sd: [street.h] });
      return craft({ payload: await vcClaims({ _sd: [address.h, street.h] }), disclosures: [address.d, street.d] });
    },
  },

  // 9. Malformed digest containers (strict profile)
  {
    id: 'rfc9901-4.2.4.1-sd-not-an-array',
    item: 9,
    caseId: 'neg_sd_not_array',
    kind: 'vc',
    expect: 'ERR_SDJWT_SD_INVALID',
    build: async () => {
      const g = await disclose('given_name', 'Erika');
      return craft({ payload: await vcClaims({ _sd: g.h }), disclosures: [] });
    },
  },
  {
    id: 'rfc9901-4.2.4.1-sd-digest-not-a-string',
    item: 9,
    kind: 'vc',
    expect: 'ERR_SDJWT_SD_INVALID',
    build: () =>
      vcWith((p, d) => {
        p._sd = [d.given.h, d.family.h, 42];
      }),
  },
  {
    id: 'rfc9901-4.2.4.2-array-placeholder-extra-key',
    item: 9,
    caseId: 'neg_array_placeholder_extra_key',
    kind: 'vc',
    expect: 'ERR_SDJWT_ARRAY_ELEMENT_INVALID',
    build: async () => {
      const de = await disclose(undefined, 'DE');
      return craft({ payload: await vcClaims({ nationalities: [{ '...': de.h, extra: true }] }), disclosures: [de.d] });
    },
  },
  {
    id: 'rfc9901-4.2.4.2-array-digest-not-a-string',
    item: 9,
    kind: 'vc',
    expect: 'ERR_SDJWT_ARRAY_ELEMENT_INVALID',
    build: async () => craft({ payload: await vcClaims({ nationalities: [{ '...': 42 }] }), disclosures: [] }),
  },

  // 10. Reserved claim names in disclosures
  {
    id: 'rfc9901-7.1-disclosure-claim-name-_sd',
    item: 10,
    caseId: 'neg_disclosure_claim_name__sd',
    kind: 'vc',
    expect: 'ERR_SDJWT_DISCLOSURE_RESERVED_NAME',
    build: async () => {
      const x = await disclose('_sd', ['abc']);
      return craft({ payload: await vcClaims({ _sd: [x.h] }), disclosures: [x.d] });
    },
  },
  {
    id: 'rfc9901-7.1-disclosure-claim-name-ellipsis',
    item: 10,
    caseId: 'neg_disclosure_claim_name_ellipsis',
    kind: 'vc',
    expect: 'ERR_SDJWT_DISCLOSURE_RESERVED_NAME',
    build: async () => {
      const x = await disclose('...', 'abc');
      return craft({ payload: await vcClaims({ _sd: [x.h] }), disclosures: [x.d] });
    },
  },

  // 11. Name collisions
  {
    id: 'rfc9901-7.1-claim-name-collision-with-plaintext',
    item: 11,
    caseId: 'neg_claim_name_collision_with_plaintext',
    kind: 'vc',
    expect: 'ERR_SDJWT_CLAIM_NAME_COLLISION',
    build: () =>
      vcWith((p) => {
        p.given_name = 'Max';
      }),
  },
  {
    id: 'rfc9901-7.1-two-disclosures-same-name',
    item: 11,
    kind: 'vc',
    expect: 'ERR_SDJWT_CLAIM_NAME_COLLISION',
    build: async () => {
      const a = await disclose('given_name', 'Erika');
      const b = await disclose('given_name', 'Max');
      return craft({ payload: await vcClaims({ _sd: [a.h, b.h] }), disclosures: [a.d, b.d] });
    },
  },

  // 12. Disclosure shape
  {
    id: 'rfc9901-7.1-object-digest-to-2-element-disclosure',
    item: 12,
    caseId: 'neg_object_digest_points_to_2_element_disclosure',
    kind: 'vc',
    expect: 'ERR_SDJWT_DISCLOSURE_SHAPE',
    build: async () => {
      const x = await disclose(undefined, 'Erika');
      return craft({ payload: await vcClaims({ _sd: [x.h] }), disclosures: [x.d] });
    },
  },
  {
    id: 'rfc9901-7.1-array-digest-to-3-element-disclosure',
    item: 12,
    caseId: 'neg_array_digest_points_to_3_element_disclosure',
    kind: 'vc',
    expect: 'ERR_SDJWT_DISCLOSURE_SHAPE',
    build: async () => {
      const x = await disclose('nationality', 'DE');
      return craft({ payload: await vcClaims({ nationalities: [{ '...': x.h }] }), disclosures: [x.d] });
    },
  },
  ...(
    [
      ['rfc9901-4.2.1-disclosure-not-an-array', { salt: 'c2FsdA', name: 'given_name', value: 'Erika' }],
      ['rfc9901-4.2.1-disclosure-four-elements', ['c2FsdA', 'given_name', 'Erika', 'extra']],
      ['rfc9901-4.2.1-disclosure-one-element', ['c2FsdA']],
      ['rfc9901-4.2.1-disclosure-salt-not-a-string', [42, 'given_name', 'Erika']],
      ['rfc9901-4.2.1-disclosure-name-not-a-string', ['c2FsdA', 42, 'Erika']],
    ] as const
  ).map(
    ([id, content]): NegativeCase => ({
      id,
      item: 12,
      kind: 'vc',
      expect: 'ERR_SDJWT_DISCLOSURE_MALFORMED',
      build: async () => {
        const d = disclosure(content);
        return craft({ payload: await vcClaims({ _sd: [await digest(d)] }), disclosures: [d] });
      },
    }),
  ),

  // 13. Unreferenced, tampered, repeated disclosures
  {
    id: 'rfc9901-7.1-unreferenced-disclosure',
    item: 13,
    caseId: 'neg_unreferenced_disclosure',
    kind: 'vc',
    expect: 'ERR_SDJWT_DISCLOSURE_UNREFERENCED',
    build: async () => {
      const stray = await disclose('age_over_18', true);
      const g = await disclose('given_name', 'Erika');
      return craft({ payload: await vcClaims({ _sd: [g.h] }), disclosures: [g.d, stray.d] });
    },
  },
  {
    id: 'rfc9901-7.1-tampered-disclosure',
    item: 13,
    caseId: 'neg_tampered_disclosure',
    kind: 'vc',
    expect: 'ERR_SDJWT_DISCLOSURE_UNREFERENCED',
    build: async () => {
      const original = disclosure(['c2FsdC1zYWx0LXNhbHQ', 'given_name', 'Erika']);
      const tampered = disclosure(['c2FsdC1zYWx0LXNhbHQ', 'given_name', 'Mallory']);
      return craft({ payload: await vcClaims({ _sd: [await digest(original)] }), disclosures: [tampered] });
    },
  },
  {
    id: 'rfc9901-7.1-same-disclosure-twice',
    item: 13,
    caseId: 'neg_same_disclosure_twice',
    kind: 'vc',
    expect: 'ERR_SDJWT_DISCLOSURE_DUPLICATE',
    build: async () => {
      const g = await disclose('given_name', 'Erika');
      return craft({ payload: await vcClaims({ _sd: [g.h] }), disclosures: [g.d, g.d] });
    },
  },
  {
    id: 'rfc9901-7.1-child-disclosure-without-parent',
    item: 13,
    kind: 'vc',
    expect: 'ERR_SDJWT_DISCLOSURE_UNREFERENCED',
    build: async () => {
      const street = await disclose('street_address', 'Heidestraße 17');
      const address = await disclose('address', { _sd: [street.h] });
      return craft({ payload: await vcClaims({ _sd: [address.h] }), disclosures: [street.d] });
    },
  },

  // 14. Validity, checked after processing
  {
    id: 'rfc9901-7.1-expired-after-processing',
    item: 14,
    caseId: 'neg_expired_after_processing',
    kind: 'vc',
    expect: 'ERR_SDJWT_EXPIRED',
    build: () =>
      vcWith((p) => {
        p.exp = NOW - 3600;
      }),
  },
  {
    id: 'rfc9901-7.1-exp-in-disclosure-expired',
    item: 14,
    caseId: 'neg_exp_in_disclosure_expired',
    kind: 'plain',
    expect: 'ERR_SDJWT_EXPIRED',
    build: () => plainWithSdExp(NOW - 3600, true),
  },
  {
    id: 'rfc9901-9.7-required-exp-selectively-disclosed-not-presented',
    item: 14,
    caseId: 'neg_required_exp_selectively_disclosed_not_presented',
    kind: 'plain',
    expect: 'ERR_SDJWT_EXP_MISSING',
    policy: () => ({ requireExp: true }),
    build: () => plainWithSdExp(NOW + 3600, false),
  },
  {
    id: 'pos_exp_selectively_disclosed_and_presented (control)',
    item: 14,
    caseId: 'pos_exp_selectively_disclosed_and_presented',
    kind: 'plain',
    expect: null,
    policy: () => ({ requireExp: true }),
    build: () => plainWithSdExp(NOW + 3600, true),
  },
  {
    id: 'rfc9901-7.1-nbf-in-the-future',
    item: 14,
    kind: 'vc',
    expect: 'ERR_SDJWT_NOT_YET_VALID',
    build: () =>
      vcWith((p) => {
        p.nbf = NOW + 3600;
      }),
  },
  {
    id: 'rfc7519-4.1.4-exp-not-a-numeric-date',
    item: 14,
    kind: 'vc',
    expect: 'ERR_SDJWT_CLAIM_TYPE',
    build: () =>
      vcWith((p) => {
        p.exp = '2099-01-01T00:00:00Z';
      }),
  },

  // 15. Key binding presence and key
  {
    id: 'rfc9901-7.3-kb-missing-when-required',
    item: 15,
    caseId: 'neg_kb_missing_when_required',
    kind: 'vc',
    expect: 'ERR_SDJWT_KB_MISSING',
    build: () => vcWith(undefined, { kb: false }),
  },
  {
    id: 'rfc9901-7.3-kb-alg-none',
    item: 15,
    caseId: 'neg_kb_alg_none',
    kind: 'vc',
    expect: 'ERR_SDJWT_KB_ALG_NOT_ALLOWED',
    build: () => vcWith(undefined, { kb: { none: true } }),
  },
  {
    id: 'rfc9901-7.3-kb-wrong-key',
    item: 15,
    caseId: 'neg_kb_wrong_key',
    kind: 'vc',
    expect: 'ERR_SDJWT_KB_SIGNATURE_INVALID',
    build: async () => vcWith(undefined, { kb: { key: (await testKeys()).other } }),
  },
  {
    id: 'rfc9901-7.3-kb-cnf-missing',
    item: 15,
    kind: 'vc',
    expect: 'ERR_SDJWT_CNF_MISSING',
    build: () =>
      vcWith((p) => {
        delete p.cnf;
      }),
  },

  // 16. KB-JWT typ
  {
    id: 'rfc9901-4.3-kb-typ-jwt',
    item: 16,
    caseId: 'neg_kb_typ_jwt',
    kind: 'vc',
    expect: 'ERR_SDJWT_KB_TYP',
    build: () => vcWith(undefined, { kb: { header: { typ: 'JWT' } } }),
  },
  {
    id: 'rfc9901-4.3-kb-typ-application-jwt',
    item: 16,
    kind: 'vc',
    expect: 'ERR_SDJWT_KB_TYP',
    build: () => vcWith(undefined, { kb: { header: { typ: 'application/jwt' } } }),
  },
  {
    id: 'rfc9901-4.3-kb-no-typ',
    item: 16,
    caseId: 'neg_kb_no_typ',
    kind: 'vc',
    expect: 'ERR_SDJWT_KB_TYP',
    build: () => vcWith(undefined, { kb: { header: {} } }),
  },

  // 17. nonce and aud
  {
    id: 'rfc9901-7.3-kb-wrong-nonce',
    item: 17,
    caseId: 'neg_kb_wrong_nonce',
    kind: 'vc',
    expect: 'ERR_SDJWT_KB_NONCE_MISMATCH',
    build: () => vcWith(undefined, { kb: { set: { nonce: 'another-nonce' } } }),
  },
  {
    id: 'rfc9901-4.3-kb-missing-nonce',
    item: 17,
    kind: 'vc',
    expect: 'ERR_SDJWT_KB_NONCE_MISSING',
    build: () => vcWith(undefined, { kb: { omit: ['nonce'] } }),
  },
  {
    id: 'rfc9901-7.3-kb-wrong-aud',
    item: 17,
    caseId: 'neg_kb_wrong_aud',
    kind: 'vc',
    expect: 'ERR_SDJWT_KB_AUD_MISMATCH',
    build: () => vcWith(undefined, { kb: { set: { aud: 'x509_san_dns:attacker.example' } } }),
  },
  {
    id: 'rfc9901-4.3-kb-aud-array',
    item: 17,
    caseId: 'neg_kb_aud_array',
    kind: 'vc',
    expect: 'ERR_SDJWT_KB_AUD_INVALID',
    build: () => vcWith(undefined, { kb: { set: { aud: [AUDIENCE] } } }),
  },
  {
    id: 'openid4vp-1.0-a.2-dc-api-aud-not-origin',
    item: 17,
    kind: 'vc',
    expect: 'ERR_SDJWT_KB_AUD_MISMATCH',
    policy: () => ({ keyBinding: { nonce: NONCE, audience: 'origin:https://verifier.example.org' } }),
    build: () => vcWith(undefined, { kb: { set: { aud: 'https://verifier.example.org' } } }),
  },

  // 18. iat and sd_hash presence
  {
    id: 'rfc9901-7.3-kb-iat-too-old',
    item: 18,
    caseId: 'neg_kb_iat_too_old',
    kind: 'vc',
    expect: 'ERR_SDJWT_KB_IAT_TOO_OLD',
    build: () => vcWith(undefined, { kb: { set: { iat: NOW - 3600 } } }),
  },
  {
    id: 'rfc9901-7.3-kb-iat-in-the-future',
    item: 18,
    caseId: 'neg_kb_iat_future',
    kind: 'vc',
    expect: 'ERR_SDJWT_KB_IAT_FUTURE',
    build: () => vcWith(undefined, { kb: { set: { iat: NOW + 3600 } } }),
  },
  {
    id: 'rfc9901-4.3-kb-missing-iat',
    item: 18,
    caseId: 'neg_kb_missing_iat',
    kind: 'vc',
    expect: 'ERR_SDJWT_KB_IAT_MISSING',
    build: () => vcWith(undefined, { kb: { omit: ['iat'] } }),
  },
  {
    id: 'rfc9901-4.3-kb-missing-sd-hash',
    item: 18,
    caseId: 'neg_kb_missing_sd_hash',
    kind: 'vc',
    expect: 'ERR_SDJWT_KB_SD_HASH_MISSING',
    build: () => vcWith(undefined, { kb: { omit: ['sd_hash'] } }),
  },

  // 19. sd_hash binding
  {
    id: 'rfc9901-4.3.1-kb-sd-hash-over-other-disclosure-set',
    item: 19,
    caseId: 'neg_kb_sd_hash_other_disclosure_set',
    kind: 'vc',
    expect: 'ERR_SDJWT_KB_SD_HASH_MISMATCH',
    build: () =>
      sdHashCase(
        (d1) => [d1],
        (jwt, _d1, d2) => `${jwt}~${d2}~`,
      ),
  },
  {
    id: 'rfc9901-4.3.1-kb-disclosure-stripped-after-signing',
    item: 19,
    caseId: 'neg_kb_disclosure_stripped',
    kind: 'vc',
    expect: 'ERR_SDJWT_KB_SD_HASH_MISMATCH',
    build: () =>
      sdHashCase(
        (d1) => [d1],
        (jwt, d1, d2) => `${jwt}~${d1}~${d2}~`,
      ),
  },
  {
    id: 'rfc9901-4.3.1-kb-sd-hash-without-trailing-tilde',
    item: 19,
    caseId: 'neg_kb_sd_hash_without_trailing_tilde',
    kind: 'vc',
    expect: 'ERR_SDJWT_KB_SD_HASH_MISMATCH',
    build: () =>
      sdHashCase(
        (d1, d2) => [d1, d2],
        (jwt, d1, d2) => `${jwt}~${d1}~${d2}`,
      ),
  },
  {
    id: 'rfc9901-4.3.1-kb-sd-hash-not-with-sd-alg',
    item: 19,
    kind: 'vc',
    expect: 'ERR_SDJWT_KB_SD_HASH_MISMATCH',
    build: () =>
      sdHashCase(
        (d1, d2) => [d1, d2],
        (jwt, d1, d2) => `${jwt}~${d1}~${d2}~`,
        'sha-384',
      ),
  },

  // 20. SD-JWT VC claims
  {
    id: 'sd-jwt-vc-3.2.2-vct-missing',
    item: 20,
    kind: 'vc',
    expect: 'ERR_SDJWT_VC_VCT_MISSING',
    build: () =>
      vcWith((p) => {
        delete p.vct;
      }),
  },
  {
    id: 'sd-jwt-vc-3.2.2-vct-not-a-string',
    item: 20,
    kind: 'vc',
    expect: 'ERR_SDJWT_VC_VCT_MISSING',
    build: () =>
      vcWith((p) => {
        p.vct = { id: VCT };
      }),
  },
  ...NEVER_DISCLOSABLE.map(
    ([name, value]): NegativeCase => ({
      id: `sd-jwt-vc-3.2.2-${name}-selectively-disclosed`,
      item: 20,
      kind: 'vc',
      expect: 'ERR_SDJWT_VC_CLAIM_NOT_DISCLOSABLE',
      build: async () => vcWithDisclosed(name, name === 'cnf' ? { jwk: (await testKeys()).holder.publicJwk } : value),
    }),
  ),
  {
    id: 'sd-jwt-vc-3.2.2-status-sub-claim-selectively-disclosed',
    item: 20,
    kind: 'vc',
    expect: 'ERR_SDJWT_VC_CLAIM_NOT_DISCLOSABLE',
    build: async () => {
      const list = await disclose('status_list', { idx: 0, uri: 'https://status.example.com/lists/1' });
      return craft({ payload: await vcClaims({ status: { _sd: [list.h] } }), disclosures: [list.d] });
    },
  },
  {
    id: 'sd-jwt-vc-3.2.2-cnf-sub-claim-selectively-disclosed',
    item: 20,
    kind: 'vc',
    expect: 'ERR_SDJWT_VC_CLAIM_NOT_DISCLOSABLE',
    build: async () => {
      const jwk = await disclose('jwk', (await testKeys()).holder.publicJwk);
      return craft({ payload: await vcClaims({ cnf: { _sd: [jwk.h] } }), disclosures: [jwk.d] });
    },
  },
  ...(
    [
      ['jku', { jku: 'https://holder.example.com/jwks.json' }],
      ['x5u', { x5u: 'https://holder.example.com/cert.pem' }],
      ['kid-url', { kid: 'https://holder.example.com/keys/1' }],
    ] as const
  ).map(
    ([name, cnf]): NegativeCase => ({
      id: `sd-jwt-vc-3.5-cnf-remote-key-${name}`,
      item: 20,
      kind: 'vc',
      expect: 'ERR_SDJWT_CNF_UNSUPPORTED',
      build: () =>
        vcWith((p) => {
          p.cnf = cnf;
        }),
    }),
  ),

  // 21. Accepted types
  {
    id: 'sd-jwt-vc-3.2.2-vct-not-in-requested-vct-values',
    item: 21,
    kind: 'vc',
    expect: 'ERR_SDJWT_VC_VCT_NOT_ACCEPTED',
    policy: () => ({ vctValues: ['urn:eudi:mdl:1'] }),
    build: () => vcWith(),
  },
  {
    id: 'sd-jwt-vc-3.2.2-vct-accepted-through-aka-vcts (control)',
    item: 21,
    kind: 'vc',
    expect: null,
    policy: () => ({ vctValues: ['urn:eudi:pid:de:1'] }),
    build: () =>
      vcWith((p) => {
        p.aka_vcts = ['urn:eudi:pid:de:1'];
      }),
  },
];
