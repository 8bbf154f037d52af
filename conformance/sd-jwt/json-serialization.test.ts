/**
 * RFC 9901 §8, the JWS JSON Serialization: the RFC's own Flattened and General SD-JWT+KB
 * examples verify as published (the General one with either issuer key), `sd_hash` covers
 * the compact form of the FIRST signature (§8.1), and malformed JSON forms are refused.
 * The specification.yml JSON cases round-trip in spec-vectors.test.ts.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '@comity/cli';
import type { Jwk } from '@comity/core';
import {
  addJsonSignature,
  compactOfSdJwtJson,
  type SdJwtJsonFlattened,
  type SdJwtJsonGeneral,
  splitSdJwt,
  toJsonSerialization,
  verifySdJwt,
} from '@comity/sd-jwt-vc';
import { describe, expect, it } from 'vitest';
import { contextAt, loadSettings, pinned, publicOf, readVectorJson, VECTORS } from './helpers/common.js';
import { readSpec } from './helpers/spec-yaml.js';

const GENERAL_SPEC = readSpec(join(VECTORS, 'sd-jwt/ietf-spec-examples/json_serialization_general/specification.yml'));
const settings = loadSettings('sd-jwt/ietf-spec-examples/settings.yml', GENERAL_SPEC.settingsOverride);
const [key1, key2] = settings.issuerKeys.map((k) => publicOf(k.jwk)) as [Jwk, Jwk];
const flattened = readVectorJson<SdJwtJsonFlattened>('sd-jwt/rfc9901-json/flattened-sd-jwt-kb.json');
const general = readVectorJson<SdJwtJsonGeneral>('sd-jwt/rfc9901-json/general-sd-jwt-kb.json');

// The examples' KB-JWT: nonce, audience and iat as published.
const ctx = contextAt(1_748_537_243);
const policy = (issuerKey: Jwk) => ({
  issuerKey: pinned(issuerKey),
  typ: 'example+sd-jwt',
  keyBinding: { nonce: '1234567890', audience: 'https://verifier.example.org' },
});
const codes = (r: { errors: readonly { code: string }[] }) => r.errors.map((e) => e.code);
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

describe('RFC 9901 §8 JSON Serialization examples', () => {
  it('§8.2: the Flattened SD-JWT+KB verifies and discloses given_name and family_name', async () => {
    const result = await verifySdJwt(flattened, policy(key1), ctx);
    expect(codes(result)).toEqual([]);
    expect(result.claims).toMatchObject({ given_name: 'John', family_name: 'Doe', iss: 'https://issuer.example.com' });
    expect(result.keyBinding?.nonce).toBe('1234567890');
    // The same as JSON text.
    expect((await verifySdJwt(JSON.stringify(flattened), policy(key1), ctx)).valid).toBe(true);
  });

  it('§8.3: the General SD-JWT+KB verifies with issuer key 1 (first signature) and with issuer key 2 (second)', async () => {
    for (const key of [key1, key2]) {
      const result = await verifySdJwt(general, policy(key), ctx);
      expect(codes(result)).toEqual([]);
      expect(result.claims).toMatchObject({ given_name: 'John', family_name: 'Doe' });
    }
  });

  it('§8.1: sd_hash covers the compact form built with the first signature', async () => {
    const swapped = clone(general) as { payload: string; signatures: { protected: string; header?: Record<string, unknown>; signature: string }[] };
    const [first, second] = swapped.signatures as [(typeof swapped.signatures)[0], (typeof swapped.signatures)[0]];
    // Same signatures, other order: the Disclosures and KB-JWT move along with the first header's role.
    const { disclosures, kb_jwt, ...firstRest } = first.header ?? {};
    swapped.signatures = [
      { ...second, header: { ...second.header, disclosures, kb_jwt } },
      { ...first, header: firstRest },
    ];
    expect(codes(await verifySdJwt(swapped as SdJwtJsonGeneral, policy(key2), ctx))).toEqual(['ERR_SDJWT_KB_SD_HASH_MISMATCH']);
    const compact = compactOfSdJwtJson(general);
    expect(splitSdJwt(compact).jwt).toBe(`${general.signatures[0]?.protected}.${general.payload}.${general.signatures[0]?.signature}`);
    expect((await verifySdJwt(compact, policy(key1), ctx)).valid).toBe(true);
  });

  it('accepts a General form whose other signature is broken, refuses one where no signature verifies', async () => {
    const broken = clone(general) as unknown as { signatures: { signature: string }[] };
    const sig = broken.signatures[1] as { signature: string };
    sig.signature = `${sig.signature.slice(0, 10)}${sig.signature[10] === 'A' ? 'B' : 'A'}${sig.signature.slice(11)}`;
    expect((await verifySdJwt(broken as unknown as SdJwtJsonGeneral, policy(key1), ctx)).valid).toBe(true);
    expect(codes(await verifySdJwt(broken as unknown as SdJwtJsonGeneral, policy(key2), ctx))).toEqual(['ERR_SDJWT_SIGNATURE_INVALID']);
  });

  it('converts compact to JSON and back without changing a byte', async () => {
    const compact = compactOfSdJwtJson(flattened);
    expect(compactOfSdJwtJson(toJsonSerialization(compact))).toBe(compact);
    expect(compactOfSdJwtJson(toJsonSerialization(compact, { form: 'general', header: { kid: 'k' } }))).toBe(compact);
    expect(toJsonSerialization(compact)).toEqual(flattened);
  });
});

describe('building JSON Serializations refuses what a verifier would refuse', () => {
  it('reserved or protected names in the unprotected header, and extra signatures in the Flattened form, are usage errors', async () => {
    const compact = compactOfSdJwtJson(flattened);
    const usage = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        return (e as { code?: string }).code;
      }
      return 'no error';
    };
    expect(usage(() => toJsonSerialization(compact, { header: { disclosures: [] } }))).toBe('ERR_USAGE_JSON_SERIALIZATION');
    expect(usage(() => toJsonSerialization(compact, { header: { typ: 'x' } }))).toBe('ERR_USAGE_JSON_SERIALIZATION');
    expect(usage(() => toJsonSerialization(compact, { otherSignatures: [general.signatures[1] as SdJwtJsonGeneral['signatures'][number]] }))).toBe(
      'ERR_USAGE_JSON_SERIALIZATION',
    );
    const signer = { alg: 'ES256' as const, sign: async () => new Uint8Array(64) };
    const asGeneral = toJsonSerialization(compact, { form: 'general' }) as SdJwtJsonGeneral;
    await expect(addJsonSignature(asGeneral, { signer, protectedHeader: { kid: 'a' }, header: { kid: 'b' } })).rejects.toMatchObject({
      code: 'ERR_USAGE_JSON_SERIALIZATION',
    });
    await expect(addJsonSignature(asGeneral, { signer, protectedHeader: {}, header: { kb_jwt: 'x' } })).rejects.toMatchObject({
      code: 'ERR_USAGE_JSON_SERIALIZATION',
    });
  });
});

describe('the CLI verifies a JSON Serialization file', () => {
  it('comity verify takes the §8.3 General example as it is, and refuses it at the wrong audience', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'comity-json-'));
    const file = join(dir, 'general.json');
    const key = join(dir, 'issuer-key-2.jwk');
    writeFileSync(file, JSON.stringify(general, null, 2));
    writeFileSync(key, JSON.stringify(key2));
    const verify = async (aud: string) => {
      const out: string[] = [];
      const args = ['verify', file, '--json', '--issuer-key', key, '--typ', 'example+sd-jwt', '--now', '1748537243', '--nonce', '1234567890', '--aud', aud];
      const code = await main(
        args,
        (l) => out.push(l),
        () => {},
      );
      return { code, result: JSON.parse(out.join('\n')) as { valid: boolean; format: string; errors: { code: string }[]; claims: Record<string, unknown> } };
    };
    const ok = await verify('https://verifier.example.org');
    expect(ok.code).toBe(0);
    expect(ok.result).toMatchObject({ valid: true, format: 'sd-jwt', claims: { given_name: 'John', family_name: 'Doe' } });
    const wrong = await verify('https://other.example');
    expect(wrong.code).toBe(1);
    expect(codes(wrong.result)).toEqual(['ERR_SDJWT_KB_AUD_MISMATCH']);
    const shown: string[] = [];
    expect(
      await main(
        ['inspect', file],
        (l) => shown.push(l),
        () => {},
      ),
    ).toBe(0);
    const inspected = JSON.parse(shown.join('\n')) as { verified: boolean; disclosures: { name?: string }[]; keyBindingJwt?: unknown };
    expect(inspected.verified).toBe(false);
    expect(inspected.disclosures.map((d) => d.name).sort()).toEqual(['family_name', 'given_name']);
    expect(inspected.keyBindingJwt).toMatchObject({ payload: { nonce: '1234567890', aud: 'https://verifier.example.org' } });
  });
});

describe('malformed JSON Serializations are refused with ERR_SDJWT_MALFORMED', () => {
  const g = () => clone(general) as unknown as { payload: unknown; signatures: Record<string, unknown>[]; [k: string]: unknown };
  const f = () => clone(flattened) as unknown as Record<string, unknown> & { header: Record<string, unknown> };
  const cases: [string, () => unknown][] = [
    ['not JSON', () => '{"payload":'],
    ['an array', () => [flattened]],
    ['no payload', () => ({ ...f(), payload: undefined })],
    ['an unknown member', () => ({ ...f(), extra: 1 })],
    ['signatures and a flattened member together', () => ({ ...g(), protected: flattened.protected })],
    ['an empty signatures array', () => ({ ...g(), signatures: [] })],
    ['nine signatures', () => ({ ...g(), signatures: Array.from({ length: 9 }, () => g().signatures[1]) })],
    [
      'Disclosures in the second signature',
      () => {
        const v = g();
        (v.signatures[1] as { header: Record<string, unknown> }).header.disclosures = [];
        return v;
      },
    ],
    [
      'a KB-JWT in the second signature',
      () => {
        const v = g();
        (v.signatures[1] as { header: Record<string, unknown> }).header.kb_jwt = 'a.b.c';
        return v;
      },
    ],
    ['a Disclosure that is not a string', () => ({ ...f(), header: { ...f().header, disclosures: [1] } })],
    ['a Disclosure holding "~"', () => ({ ...f(), header: { ...f().header, disclosures: ['a~b'] } })],
    ['an empty kb_jwt', () => ({ ...f(), header: { ...f().header, kb_jwt: '' } })],
    ['a header parameter both protected and unprotected', () => ({ ...f(), header: { ...f().header, typ: 'example+sd-jwt' } })],
    ['a non-string signature', () => ({ ...f(), signature: 5 })],
    [
      'a "__proto__" header member (an object from JSON.parse)',
      () => JSON.parse(JSON.stringify(flattened).replace('"header":{', '"header":{"__proto__":{"kid":"x"},')),
    ],
    ['a "__proto__" header member (JSON text)', () => JSON.stringify(flattened).replace('"header":{', '"header":{"__proto__":{"kid":"x"},')],
    ['a payload that is not base64url', () => ({ ...f(), payload: `${flattened.payload}=` })],
    [
      'a second signature whose protected header is not base64url',
      () => {
        const v = g();
        (v.signatures[1] as { protected: string }).protected = 'eyJ+';
        return v;
      },
    ],
  ];
  for (const [name, make] of cases) {
    it(name, async () => {
      expect(codes(await verifySdJwt(make() as SdJwtJsonFlattened, policy(key1), ctx))).toEqual(['ERR_SDJWT_MALFORMED']);
    });
  }
});
