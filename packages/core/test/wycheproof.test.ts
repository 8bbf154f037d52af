/**
 * Project Wycheproof against both crypto providers (node:crypto and WebCrypto): every
 * ECDSA P-256/384/521 (P1363), Ed25519 and ECDH P-256 case. A "valid" case must verify (or
 * agree on the shared secret), an "invalid" one must not; "acceptable" may go either way.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { webCrypto } from '../src/crypto/webcrypto.js';
import { base64urlEncode, type CryptoProvider, defaultCrypto, fromHex, type Jwk, type SignatureAlgorithm, toHex } from '../src/index.js';

interface VerifyTest {
  readonly tcId: number;
  readonly comment: string;
  readonly flags: readonly string[];
  readonly msg: string;
  readonly sig: string;
  readonly result: 'valid' | 'invalid' | 'acceptable';
}
interface VerifyGroup {
  readonly publicKeyJwk?: Jwk;
  readonly publicKey: { readonly uncompressed?: string; readonly curve?: string };
  readonly tests: readonly VerifyTest[];
}
interface EcdhTest {
  readonly tcId: number;
  readonly comment: string;
  readonly public: Jwk;
  readonly private: Jwk;
  readonly shared: string;
  readonly result: 'valid' | 'invalid' | 'acceptable';
}

const load = <T>(name: string): { testGroups: T[] } =>
  JSON.parse(readFileSync(new URL(`./vectors/wycheproof/${name}`, import.meta.url), 'utf8')) as { testGroups: T[] };

const CURVES: Record<string, string> = { secp256r1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' };

// A few groups carry no JWK (the key only in SEC1 form): build it from the uncompressed point.
function keyOf(group: VerifyGroup): Jwk {
  if (group.publicKeyJwk !== undefined) return group.publicKeyJwk;
  const point = group.publicKey.uncompressed as string;
  const half = (point.length - 2) / 2;
  return {
    kty: 'EC',
    crv: CURVES[group.publicKey.curve as string] as string,
    x: base64urlEncode(fromHex(point.slice(2, 2 + half))),
    y: base64urlEncode(fromHex(point.slice(2 + half))),
  };
}

async function verifies(provider: CryptoProvider, alg: SignatureAlgorithm, key: Jwk, t: VerifyTest): Promise<boolean> {
  try {
    return await provider.verify(alg, key, fromHex(t.msg), fromHex(t.sig));
  } catch {
    return false; // a key the provider refuses verifies nothing
  }
}

const PROVIDERS: ReadonlyArray<readonly [string, CryptoProvider]> = [
  ['node:crypto', defaultCrypto],
  ['WebCrypto', webCrypto],
];

const SIGNATURE_FILES: ReadonlyArray<readonly [SignatureAlgorithm, string]> = [
  ['ES256', 'ecdsa_secp256r1_sha256_p1363_test.json'],
  ['ES384', 'ecdsa_secp384r1_sha384_p1363_test.json'],
  ['ES512', 'ecdsa_secp521r1_sha512_p1363_test.json'],
  ['EdDSA', 'ed25519_test.json'],
];

describe('Wycheproof signature verification', () => {
  for (const [providerName, provider] of PROVIDERS) {
    for (const [alg, file] of SIGNATURE_FILES) {
      it(`wycheproof-${alg}: ${providerName} accepts every valid and refuses every invalid case of ${file}`, async () => {
        const wrong: string[] = [];
        let checked = 0;
        for (const group of load<VerifyGroup>(file).testGroups) {
          const key = keyOf(group);
          for (const t of group.tests) {
            if (t.result === 'acceptable') continue;
            checked++;
            if ((await verifies(provider, alg, key, t)) !== (t.result === 'valid')) wrong.push(`tc${t.tcId} (${t.result}: ${t.comment})`);
          }
        }
        expect(wrong).toEqual([]);
        expect(checked).toBeGreaterThan(140);
      });
    }
  }
});

describe('Wycheproof ECDH P-256 (JWK keys)', () => {
  for (const [providerName, provider] of PROVIDERS) {
    it(`wycheproof-ecdh-p256: ${providerName} agrees on every valid shared secret and refuses every invalid public key`, async () => {
      const wrong: string[] = [];
      let checked = 0;
      for (const group of load<{ tests: EcdhTest[] }>('ecdh_secp256r1_webcrypto_test.json').testGroups) {
        for (const t of group.tests) {
          if (t.result === 'acceptable') continue;
          checked++;
          let shared: string | undefined;
          try {
            shared = toHex(await provider.ecdh(t.private, t.public));
          } catch {
            shared = undefined;
          }
          const ok = t.result === 'valid' ? shared === t.shared : shared === undefined;
          if (!ok) wrong.push(`tc${t.tcId} (${t.result}: ${t.comment})`);
        }
      }
      expect(wrong).toEqual([]);
      expect(checked).toBeGreaterThan(300);
    });
  }
});
