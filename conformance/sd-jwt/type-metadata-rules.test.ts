/**
 * Evidence item 2, §5 items 22–23 (Type Metadata), end to end: really signed SD-JWT VC
 * presentations verified by verifySdJwtVc with a Type Metadata check built from the
 * type-metadata module's resolveTypeMetadata + validateClaimsWithTypeMetadata over a local
 * registry of document bytes. (The module's own unit tests live in packages/sd-jwt-vc/test/.)
 */
import { createHash } from 'node:crypto';
import { utf8Encode } from '@comity/core';
import {
  decodeSdJwt,
  resolveTypeMetadata,
  type TypeMetadataCheck,
  type TypeMetadataRegistry,
  validateClaimsWithTypeMetadata,
  verifySdJwtVc,
} from '@comity/sd-jwt-vc';
import { describe, expect, it } from 'vitest';
import { craft, ctx, disclose, testKeys, vcClaims } from './helpers/craft.js';
import { basePolicy } from './helpers/negative-cases.js';

const VCT = 'https://types.example.com/pid/1';
const BASE = 'https://types.example.com/base/1';
const sri = (bytes: Uint8Array, alg: 'sha256' | 'sha384' = 'sha256') => `${alg}-${createHash(alg).update(bytes).digest('base64')}`;
const doc = (value: unknown) => utf8Encode(JSON.stringify(value));

/** A TypeMetadataCheck over a registry of exact document bytes. */
const checkWith =
  (registry: TypeMetadataRegistry): TypeMetadataCheck =>
  async ({ vct, integrity, claims, disclosedPaths, undisclosedParents }) => {
    const meta = await resolveTypeMetadata(vct, { ctx, integrity, registry });
    return validateClaimsWithTypeMetadata(meta, { claims, disclosedPaths, undisclosedParents, stage: 'presentation' });
  };

const PID_DOC = doc({
  vct: VCT,
  name: 'PID',
  claims: [
    { path: ['given_name'], sd: 'always', mandatory: true },
    { path: ['family_name'], sd: 'always', mandatory: true },
    { path: ['issuing_country'], sd: 'never' },
  ],
});

/** A PID presentation: given_name and family_name selectively disclosable, both presented unless `hideFamily`. */
async function pid(options: { integrity?: string; vct?: string; hideFamily?: boolean; plainGiven?: boolean; sdCountry?: boolean; omitFamily?: boolean } = {}) {
  const given = await disclose('given_name', 'Erika');
  const family = await disclose('family_name', 'Mustermann');
  const country = await disclose('issuing_country', 'DE');
  const digests = [
    ...(options.plainGiven === true ? [] : [given.h]),
    ...(options.omitFamily === true ? [] : [family.h]),
    ...(options.sdCountry === true ? [country.h] : []),
  ];
  const payload = await vcClaims({
    vct: options.vct ?? VCT,
    _sd: digests,
    ...(options.plainGiven === true ? { given_name: 'Erika' } : {}),
    ...(options.sdCountry === true ? {} : { issuing_country: 'DE' }),
    ...(options.integrity === undefined ? {} : { 'vct#integrity': options.integrity }),
  });
  const disclosures = [
    ...(options.plainGiven === true ? [] : [given.d]),
    ...(options.hideFamily === true || options.omitFamily === true ? [] : [family.d]),
    ...(options.sdCountry === true ? [country.d] : []),
  ];
  return craft({ payload, disclosures });
}

async function codes(token: string, registry: TypeMetadataRegistry): Promise<string[]> {
  const k = await testKeys();
  const result = await verifySdJwtVc(token, { ...basePolicy(k, 'vc'), typeMetadata: checkWith(registry) }, ctx);
  return result.errors.map((e) => e.code);
}

describe('Type Metadata rules (items 22-23)', () => {
  const registry = new Map<string, Uint8Array>([[VCT, PID_DOC]]);

  it('sd-jwt-vc-7.4-integrity-sri-base64 (control)', async () => {
    expect(await codes(await pid({ integrity: sri(PID_DOC) }), registry)).toEqual([]);
    // Several hashes: the strongest supported one decides.
    expect(await codes(await pid({ integrity: `${sri(PID_DOC)} ${sri(PID_DOC, 'sha384')}` }), registry)).toEqual([]);
  });

  it('sd-jwt-vc-7.4-integrity-mismatch', async () => {
    expect(await codes(await pid({ integrity: sri(utf8Encode('{"vct":"other"}')) }), registry)).toEqual(['ERR_SDJWT_VCT_INTEGRITY_MISMATCH']);
  });

  it('sd-jwt-vc-7.4-integrity-hex-digest-is-not-sri', async () => {
    const hex = `sha256-${createHash('sha256').update(PID_DOC).digest('hex')}`;
    // 64 hex characters read as base64 are 48 bytes, never the 32-byte SHA-256 of the document.
    expect(await codes(await pid({ integrity: hex }), registry)).toEqual(['ERR_SDJWT_VCT_INTEGRITY_MISMATCH']);
  });

  it('sd-jwt-vc-7.4-integrity-only-unsupported-algorithms', async () => {
    const md5 = `md5-${createHash('md5').update(PID_DOC).digest('base64')}`;
    expect(await codes(await pid({ integrity: md5 }), registry)).toEqual(['ERR_SDJWT_VCT_INTEGRITY_UNSUPPORTED']);
  });

  it('sd-jwt-vc-6.3-metadata-vct-differs-from-credential-vct', async () => {
    const other = 'https://types.example.com/pid/2';
    expect(await codes(await pid({ vct: other }), new Map([[other, PID_DOC]]))).toEqual(['ERR_SDJWT_VCT_METADATA_MISMATCH']);
  });

  it('sd-jwt-vc-6.4-extends-cycle', async () => {
    const cyclic = new Map([
      [VCT, doc({ vct: VCT, extends: BASE })],
      [BASE, doc({ vct: BASE, extends: VCT })],
    ]);
    expect(await codes(await pid(), cyclic)).toEqual(['ERR_SDJWT_VCT_EXTENDS_CYCLE']);
  });

  it('sd-jwt-vc-6.4-child-loosens-sd', async () => {
    const loosening = new Map([
      [VCT, doc({ vct: VCT, extends: BASE, claims: [{ path: ['given_name'], sd: 'allowed' }] })],
      [BASE, doc({ vct: BASE, claims: [{ path: ['given_name'], sd: 'always' }] })],
    ]);
    expect(await codes(await pid(), loosening)).toEqual(['ERR_SDJWT_VCT_EXTENDS_LOOSENS']);
  });

  it('sd-jwt-vc-6.4-child-loosens-mandatory', async () => {
    const loosening = new Map([
      [VCT, doc({ vct: VCT, extends: BASE, claims: [{ path: ['family_name'], mandatory: false }] })],
      [BASE, doc({ vct: BASE, claims: [{ path: ['family_name'], mandatory: true }] })],
    ]);
    expect(await codes(await pid(), loosening)).toEqual(['ERR_SDJWT_VCT_EXTENDS_LOOSENS']);
  });

  it('sd-jwt-vc-5.6.4-claim-violates-sd-never', async () => {
    expect(await codes(await pid({ sdCountry: true }), registry)).toEqual(['ERR_SDJWT_VCT_SD_NEVER_VIOLATED']);
  });

  it('sd-jwt-vc-5.6.4-claim-violates-sd-always', async () => {
    expect(await codes(await pid({ plainGiven: true }), registry)).toEqual(['ERR_SDJWT_VCT_SD_ALWAYS_VIOLATED']);
  });

  it('sd-jwt-vc-5.6.3-mandatory-claim-missing-from-issued-credential', async () => {
    const credential = await pid({ omitFamily: true });
    // At presentation the payload holds no undisclosed digest that could hide it.
    expect(await codes(credential, registry)).toEqual(['ERR_SDJWT_VCT_MANDATORY_MISSING']);
    // The wallet's check at issuance finds it too.
    const decoded = await decodeSdJwt(credential, ctx);
    const meta = await resolveTypeMetadata(VCT, { ctx, registry });
    const issues = validateClaimsWithTypeMetadata(meta, {
      claims: decoded.claims,
      disclosedPaths: decoded.disclosures.map((d) => d.path),
      undisclosedParents: [],
      stage: 'issuance',
    });
    expect(issues.map((i) => i.code)).toEqual(['ERR_SDJWT_VCT_MANDATORY_MISSING']);
  });

  it('sd-jwt-vc-5.6.3-undisclosed-sd-mandatory-claim-is-not-missing (control)', async () => {
    expect(await codes(await pid({ hideFamily: true }), registry)).toEqual([]);
  });
});
