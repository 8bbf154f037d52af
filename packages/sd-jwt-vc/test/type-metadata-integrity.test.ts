import { createHash } from 'node:crypto';
import { createContext, utf8Encode } from '@comity/core';
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc';
import { describe, expect, it } from 'vitest';
import { checkIntegrity } from '../src/type-metadata/index.js';
import { rejectionCode } from './fixtures/issuer-key/harness.js';

const crypto = createContext().crypto;
const doc = utf8Encode('{"vct":"https://credentials.example/identity_credential"}');
const digest = (alg: 'sha256' | 'sha384' | 'sha512', bytes: Uint8Array = doc): string => createHash(alg).update(bytes).digest('base64');

describe('checkIntegrity (draft-ietf-oauth-sd-jwt-vc §6, W3C SRI integrity metadata)', () => {
  it('w3c-sri-3.3.2-example: accepts the SRI specification example value (standard base64, not hex)', async () => {
    // W3C Subresource Integrity, §3.3.2 example: the script `alert('Hello, world.');`.
    const script = utf8Encode("alert('Hello, world.');");
    await expect(checkIntegrity(script, 'sha384-H8BRh8j48O9oYatfu5AZzq6A9RINhZO5H16dQZngK7T62em8MUt1FLm52t+eX6xO', crypto)).resolves.toBeUndefined();
  });

  it('sd-jwt-vc-6-hex-digest-rejected: the hex form some peers compare (@sd-jwt) is a mismatch', async () => {
    const hex = createHash('sha256').update(doc).digest('hex');
    expect(await rejectionCode(checkIntegrity(doc, `sha256-${hex}`, crypto))).toBe('ERR_SDJWT_VCT_INTEGRITY_MISMATCH');
  });

  it('differential: @sd-jwt/sd-jwt-vc 0.19.0 compares hex, so it rejects the SRI example comity accepts (and accepts the hex form)', async () => {
    const script = utf8Encode("alert('Hello, world.');");
    const sriValue = 'sha384-H8BRh8j48O9oYatfu5AZzq6A9RINhZO5H16dQZngK7T62em8MUt1FLm52t+eX6xO';
    const hexValue = `sha384-${createHash('sha384').update(script).digest('hex')}`;
    const peer = new SDJwtVcInstance({
      hasher: async (data: ArrayBuffer | string, alg: string) =>
        new Uint8Array(
          createHash(alg)
            .update(typeof data === 'string' ? data : new Uint8Array(data))
            .digest(),
        ),
    }) as unknown as { validateIntegrity(response: Response, url: string, integrity: string): Promise<void> };
    await expect(peer.validateIntegrity(new Response(script as Uint8Array<ArrayBuffer>), 'https://types.example/x', sriValue)).rejects.toThrow();
    await expect(peer.validateIntegrity(new Response(script as Uint8Array<ArrayBuffer>), 'https://types.example/x', hexValue)).resolves.toBeUndefined();
    await expect(checkIntegrity(script, sriValue, crypto)).resolves.toBeUndefined();
    expect(await rejectionCode(checkIntegrity(script, hexValue, crypto))).toBe('ERR_SDJWT_VCT_INTEGRITY_MISMATCH');
  });

  it('accepts sha256, sha384 and sha512 digests, with or without padding, and ignores SRI options', async () => {
    for (const alg of ['sha256', 'sha384', 'sha512'] as const) await checkIntegrity(doc, `${alg}-${digest(alg)}`, crypto);
    await checkIntegrity(doc, `sha256-${digest('sha256').replace(/=+$/, '')}`, crypto);
    await checkIntegrity(doc, `sha256-${digest('sha256')}?ct=application/json`, crypto);
  });

  it('sd-jwt-vc-6-strongest-algorithm: uses only the strongest supported algorithm; any of its values may match', async () => {
    const wrong256 = digest('sha256', utf8Encode('other'));
    const wrong512 = digest('sha512', utf8Encode('other'));
    await checkIntegrity(doc, `sha256-${wrong256} sha512-${digest('sha512')}`, crypto);
    await checkIntegrity(doc, `sha512-${wrong512}  sha512-${digest('sha512')}\tsha256-${wrong256}`, crypto);
    expect(await rejectionCode(checkIntegrity(doc, `sha256-${digest('sha256')} sha512-${wrong512}`, crypto))).toBe('ERR_SDJWT_VCT_INTEGRITY_MISMATCH');
    await checkIntegrity(doc, `md5-AAAA sha384-${digest('sha384')} sha3-256-foo`, crypto);
  });

  it('sd-jwt-vc-6-integrity-mismatch: rejects a document whose digest differs', async () => {
    const tampered = utf8Encode('{"vct":"https://credentials.example/identity_credential" }');
    expect(await rejectionCode(checkIntegrity(tampered, `sha256-${digest('sha256')}`, crypto))).toBe('ERR_SDJWT_VCT_INTEGRITY_MISMATCH');
    // A digest of the wrong length for its algorithm can never match.
    expect(await rejectionCode(checkIntegrity(doc, `sha512-${digest('sha256')}`, crypto))).toBe('ERR_SDJWT_VCT_INTEGRITY_MISMATCH');
  });

  it('sd-jwt-vc-6-no-supported-algorithm: rejects integrity metadata with only unsupported algorithms', async () => {
    const sha1 = createHash('sha1').update(doc).digest('base64');
    expect(await rejectionCode(checkIntegrity(doc, `sha1-${sha1}`, crypto))).toBe('ERR_SDJWT_VCT_INTEGRITY_UNSUPPORTED');
    expect(await rejectionCode(checkIntegrity(doc, `md5-AAAA SHA256-${digest('sha256')}`, crypto))).toBe('ERR_SDJWT_VCT_INTEGRITY_UNSUPPORTED');
  });

  it('rejects malformed integrity metadata', async () => {
    const good = digest('sha256');
    const cases: unknown[] = [
      '',
      '   ',
      'sha256',
      `sha256:${good}`,
      `sha256-${good.replace(/\+/g, '-').replace(/\//g, '_')}-`,
      'sha256-@@@@',
      'sha256-A',
      `sha256-${good}=`,
      42,
      'x'.repeat(5000),
    ];
    for (const c of cases) expect(await rejectionCode(checkIntegrity(doc, c as string, crypto))).toBe('ERR_SDJWT_VCT_INTEGRITY_MALFORMED');
  });
});
