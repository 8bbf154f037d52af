import { readFileSync } from 'node:fs';
import { type ClaimPath, createContext } from '@comity/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveTypeMetadata, type TypeMetadata, validateClaimsWithTypeMetadata } from '../src/type-metadata/index.js';

const ctx = createContext();
const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`./fixtures/type-metadata/${name}`, import.meta.url), 'utf8')) as Record<string, unknown>;

let a2: TypeMetadata;
let payload: Record<string, unknown>;

// Appendix A.2: name (always, mandatory), address (always), address.street_address (always),
// degrees (never), degrees[*] (always), degrees[*].field_of_study (never), degrees[*].date_awarded (always).
beforeAll(async () => {
  const doc = fixture('a2-type-metadata.json');
  const { extends: _parent, 'extends#integrity': _integrity, ...standalone } = doc;
  a2 = await resolveTypeMetadata(doc.vct as string, { ctx, registry: { [doc.vct as string]: standalone } });
  payload = fixture('a2-payload.json');
});

// Disclosures of an issuance that follows Figure 30 exactly.
const compliant: ClaimPath[] = [['name'], ['address'], ['address', 'street_address'], ['degrees', null], ['degrees', null, 'date_awarded']];
const codes = (issues: { code: string; path?: ClaimPath }[]) => issues.map((i) => [i.code, i.path]);

describe('validateClaimsWithTypeMetadata (draft-ietf-oauth-sd-jwt-vc §5.6, Appendix A.2)', () => {
  it('sd-jwt-vc-A.2-compliant: the Figure 29 payload issued as Figure 30 requires has no issues', () => {
    expect(validateClaimsWithTypeMetadata(a2, { claims: payload, disclosedPaths: compliant, undisclosedParents: [], stage: 'issuance' })).toEqual([]);
  });

  it('sd-jwt-vc-5.6.4-sd-never-violated: a never-SD claim that arrived via a Disclosure', () => {
    const issues = validateClaimsWithTypeMetadata(a2, {
      claims: payload,
      disclosedPaths: [...compliant, ['degrees'], ['degrees', 1, 'field_of_study']],
      undisclosedParents: [],
      stage: 'presentation',
    });
    expect(codes(issues)).toEqual([
      ['ERR_SDJWT_VCT_SD_NEVER_VIOLATED', ['degrees']],
      ['ERR_SDJWT_VCT_SD_NEVER_VIOLATED', ['degrees', 1, 'field_of_study']],
    ]);
  });

  it('sd-jwt-vc-5.6.4-sd-always-violated: an always-SD claim in plain text, also inside a disclosed parent', () => {
    const issues = validateClaimsWithTypeMetadata(a2, {
      claims: payload,
      disclosedPaths: [['address'], ['degrees', 0], ['degrees', 1], ['degrees', null, 'date_awarded']],
      undisclosedParents: [],
      stage: 'issuance',
    });
    expect(codes(issues)).toEqual([
      ['ERR_SDJWT_VCT_SD_ALWAYS_VIOLATED', ['name']],
      ['ERR_SDJWT_VCT_SD_ALWAYS_VIOLATED', ['address', 'street_address']],
      ['ERR_SDJWT_VCT_SD_ALWAYS_VIOLATED', ['degrees', 2]],
    ]);
  });

  it('sd-jwt-vc-5.6.3-mandatory-missing: an issued credential without a mandatory claim', () => {
    const { name: _omitted, ...withoutName } = payload;
    const issues = validateClaimsWithTypeMetadata(a2, { claims: withoutName, disclosedPaths: compliant, undisclosedParents: [], stage: 'issuance' });
    expect(codes(issues)).toEqual([['ERR_SDJWT_VCT_MANDATORY_MISSING', ['name']]]);
  });

  it('sd-jwt-vc-5.6-undisclosed-mandatory-not-missing: at presentation an undisclosed SD mandatory claim does not fail', () => {
    const { name: _n, address: _a, ...presented } = payload;
    const issues = validateClaimsWithTypeMetadata(a2, { claims: presented, disclosedPaths: compliant, undisclosedParents: [[]], stage: 'presentation' });
    expect(issues).toEqual([]);
  });

  it('at presentation a mandatory claim is missing when its parent holds no undisclosed digests', () => {
    const { name: _n, ...presented } = payload;
    const issues = validateClaimsWithTypeMetadata(a2, {
      claims: presented,
      disclosedPaths: compliant,
      undisclosedParents: [['address']],
      stage: 'presentation',
    });
    expect(codes(issues)).toEqual([['ERR_SDJWT_VCT_MANDATORY_MISSING', ['name']]]);
  });

  it('an undisclosed array element is not a missing claim; deeper paths select nothing in it', () => {
    const degrees = payload.degrees as Record<string, unknown>[];
    const meta: TypeMetadata = {
      ...a2,
      claims: a2.claims.map((c) => (JSON.stringify(c.path) === '["degrees",null,"field_of_study"]' ? { ...c, mandatory: true } : c)),
    };
    const presented = { ...payload, degrees: [degrees[0], degrees[2]] };
    const input = { claims: presented, disclosedPaths: compliant, undisclosedParents: [['degrees']], stage: 'presentation' as const };
    expect(validateClaimsWithTypeMetadata(meta, input)).toEqual([]);
    // A presented degree without its never-SD mandatory field_of_study is a violation.
    const { field_of_study: _f, ...bare } = degrees[2] as Record<string, unknown>;
    const broken = { ...input, claims: { ...payload, degrees: [degrees[0], bare] } };
    expect(codes(validateClaimsWithTypeMetadata(meta, broken))).toEqual([['ERR_SDJWT_VCT_MANDATORY_MISSING', ['degrees', 1, 'field_of_study']]]);
  });

  it('a mandatory sd=never claim cannot hide among undisclosed digests', async () => {
    const meta = await resolveTypeMetadata('urn:t', {
      ctx,
      registry: {
        'urn:t': {
          vct: 'urn:t',
          claims: [
            { path: ['issuing_country'], sd: 'never', mandatory: true },
            { path: ['address', 'country'], sd: 'never', mandatory: true },
          ],
        },
      },
    });
    const issues = validateClaimsWithTypeMetadata(meta, { claims: { vct: 'urn:t' }, disclosedPaths: [], undisclosedParents: [[]], stage: 'presentation' });
    // issuing_country would be in plain text; address may itself be an undisclosed SD claim.
    expect(codes(issues)).toEqual([['ERR_SDJWT_VCT_MANDATORY_MISSING', ['issuing_country']]]);
    const atIssuance = validateClaimsWithTypeMetadata(meta, { claims: { vct: 'urn:t' }, disclosedPaths: [], undisclosedParents: [], stage: 'issuance' });
    expect(codes(atIssuance)).toEqual([
      ['ERR_SDJWT_VCT_MANDATORY_MISSING', ['issuing_country']],
      ['ERR_SDJWT_VCT_MANDATORY_MISSING', ['address']],
    ]);
  });

  it('integer path components: a missing index is a missing mandatory claim; an array hiding elements is not judged', async () => {
    const meta = await resolveTypeMetadata('urn:t', {
      ctx,
      registry: { 'urn:t': { vct: 'urn:t', claims: [{ path: ['nationalities', 1], mandatory: true, sd: 'never' }] } },
    });
    const input = { claims: { nationalities: ['DE'] }, disclosedPaths: [], undisclosedParents: [], stage: 'issuance' as const };
    expect(codes(validateClaimsWithTypeMetadata(meta, input))).toEqual([['ERR_SDJWT_VCT_MANDATORY_MISSING', ['nationalities', 1]]]);
    expect(validateClaimsWithTypeMetadata(meta, { ...input, undisclosedParents: [['nationalities']], stage: 'presentation' })).toEqual([]);
    expect(validateClaimsWithTypeMetadata(meta, { ...input, claims: { nationalities: ['DE', 'FR'] } })).toEqual([]);
  });

  it('sd-jwt-vc-5.6.1.2-path-processing-error: a path that does not fit the credential structure', async () => {
    const meta = await resolveTypeMetadata('urn:t', {
      ctx,
      registry: { 'urn:t': { vct: 'urn:t', claims: [{ path: ['nationalities', null, 'code'] }, { path: ['name', 0] }] } },
    });
    const issues = validateClaimsWithTypeMetadata(meta, {
      claims: { nationalities: ['DE'], name: 'Erika' },
      disclosedPaths: [],
      undisclosedParents: [],
      stage: 'issuance',
    });
    expect(codes(issues)).toEqual([
      ['ERR_SDJWT_VCT_CLAIM_PATH_INVALID', ['nationalities', 0]],
      ['ERR_SDJWT_VCT_CLAIM_PATH_INVALID', ['name']],
    ]);
  });
});
