import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createContext } from '@comity/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { run, writePidFiles } from './fixtures.js';

const ctx = createContext();
const dir = mkdtempSync(join(tmpdir(), 'comity-cli-'));
const files: Record<string, string> = {};

beforeAll(async () => {
  await writePidFiles(dir);
  const other = await ctx.crypto.generateKeyPair('ES256');
  const put = (name: string, text: string) => {
    files[name] = join(dir, name);
    writeFileSync(files[name] as string, text);
  };
  for (const name of ['credential.txt', 'vp.txt', 'issuer.jwk']) files[name] = join(dir, name);
  put('other.jwk', JSON.stringify(other.publicJwk));
});

describe('comity verify', () => {
  it('accepts a valid presentation: JSON on stdout, exit 0', async () => {
    const r = await run([
      'verify',
      files['vp.txt'] as string,
      '--json',
      '--issuer-key',
      files['issuer.jwk'] as string,
      '--nonce',
      'n-42',
      '--aud',
      'https://rp.example',
    ]);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out);
    expect(json).toMatchObject({ valid: true, format: 'dc+sd-jwt', errors: [], claims: { age_over_18: true }, issuer: { keyMethod: 'jwk' } });
    expect(json.claims.given_name).toBeUndefined();
  });
  it('rejects with codes and exit 1: wrong key, wrong nonce, KB expected absent, KB present but not expected', async () => {
    const wrongKey = await run(['verify', files['vp.txt'] as string, '--json', '--issuer-key', files['other.jwk'] as string]);
    expect(wrongKey.code).toBe(1);
    expect(JSON.parse(wrongKey.out).errors.map((e: { code: string }) => e.code)).toEqual(['ERR_SDJWT_SIGNATURE_INVALID']);
    const nonce = JSON.parse((await run(['verify', files['vp.txt'] as string, '--json', '--issuer-key', files['issuer.jwk'] as string, '--nonce', 'x'])).out);
    expect(nonce.errors.map((e: { code: string }) => e.code)).toEqual(['ERR_SDJWT_KB_NONCE_MISMATCH']);
    const noKb = await run(['verify', files['credential.txt'] as string, '--json', '--issuer-key', files['issuer.jwk'] as string]);
    expect(JSON.parse(noKb.out).errors.map((e: { code: string }) => e.code)).toEqual(['ERR_SDJWT_KB_MISSING']);
    const ok = await run(['verify', files['credential.txt'] as string, '--json', '--issuer-key', files['issuer.jwk'] as string, '--no-key-binding']);
    expect(ok.code).toBe(0);
    const unexpected = await run(['verify', files['vp.txt'] as string, '--json', '--issuer-key', files['issuer.jwk'] as string, '--no-key-binding']);
    expect(JSON.parse(unexpected.out).errors.map((e: { code: string }) => e.code)).toEqual(['ERR_SDJWT_KB_UNEXPECTED']);
  });
  it('applies --now and --typ', async () => {
    const late = JSON.parse(
      (
        await run([
          'verify',
          files['credential.txt'] as string,
          '--json',
          '--issuer-key',
          files['issuer.jwk'] as string,
          '--no-key-binding',
          '--now',
          '2099-01-01T00:00:00Z',
        ])
      ).out,
    );
    expect(late.errors.map((e: { code: string }) => e.code)).toEqual(['ERR_SDJWT_EXPIRED']);
    const typ = JSON.parse(
      (
        await run([
          'verify',
          files['credential.txt'] as string,
          '--json',
          '--issuer-key',
          files['issuer.jwk'] as string,
          '--no-key-binding',
          '--typ',
          'vc+sd-jwt',
        ])
      ).out,
    );
    expect(typ.errors.map((e: { code: string }) => e.code)).toEqual(['ERR_SDJWT_TYP_MISMATCH']);
    const plain = JSON.parse(
      (
        await run([
          'verify',
          files['credential.txt'] as string,
          '--json',
          '--issuer-key',
          files['issuer.jwk'] as string,
          '--no-key-binding',
          '--format',
          'sd-jwt',
        ])
      ).out,
    );
    expect(plain.format).toBe('sd-jwt');
    expect(plain.valid).toBe(true);
  });
  it('--vct lists the accepted types: another vct is ERR_SDJWT_VC_VCT_NOT_ACCEPTED, exit 1', async () => {
    const base = ['verify', files['credential.txt'] as string, '--json', '--issuer-key', files['issuer.jwk'] as string, '--no-key-binding'];
    expect((await run([...base, '--vct', 'urn:eudi:pid:1'])).code).toBe(0);
    const other = await run([...base, '--vct', 'urn:eudi:mdl:1', '--vct', 'urn:eudi:pid:2']);
    expect(other.code).toBe(1);
    expect(JSON.parse(other.out).errors.map((e: { code: string }) => e.code)).toEqual(['ERR_SDJWT_VC_VCT_NOT_ACCEPTED']);
  });
  it('an empty --nonce or a --document-signer-eku that is not an OID is a usage error, exit 2', async () => {
    const base = ['verify', files['vp.txt'] as string, '--json', '--issuer-key', files['issuer.jwk'] as string];
    expect((await run([...base, '--nonce', ''])).code).toBe(2);
    expect((await run([...base, '--document-signer-eku', 'mdlDS'])).code).toBe(2);
  });
  it('exits 2 on usage and I/O errors', async () => {
    expect((await run(['verify', '--json', '--bogus'])).code).toBe(2);
    expect((await run(['verify', join(dir, 'missing.txt'), '--json'])).code).toBe(2);
    expect((await run(['verify', files['vp.txt'] as string, '--json', '--now', 'yesterday'])).code).toBe(2);
    expect((await run(['verify', files['vp.txt'] as string, '--json', '--issuer-key', files['vp.txt'] as string])).code).toBe(2);
    expect((await run(['frobnicate'])).code).toBe(2);
  });
  it('never leaks claim values of a rejected credential', async () => {
    const r = await run(['verify', files['vp.txt'] as string, '--json', '--issuer-key', files['other.jwk'] as string]);
    expect(r.out).not.toContain('Erika');
    expect(JSON.parse(r.out).claims).toEqual({});
  });
});

describe('comity inspect and the real command line', () => {
  it('inspect decodes disclosures with digests, without salts', async () => {
    const r = await run(['inspect', files['credential.txt'] as string]);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out);
    expect(json.verified).toBe(false);
    expect(json.disclosures).toHaveLength(2);
    expect(json.disclosures[0]).toHaveProperty('digest');
    expect(json.disclosures[0]).not.toHaveProperty('salt');
  });
  it('the bin runs under node with exit codes 0 and 1 and reads standard input', () => {
    const bin = fileURLToPath(new URL('../src/bin.ts', import.meta.url));
    const args = [
      '--conditions=source',
      '--import',
      'tsx',
      bin,
      'verify',
      '-',
      '--json',
      '--issuer-key',
      files['issuer.jwk'] as string,
      '--nonce',
      'n-42',
      '--aud',
      'https://rp.example',
    ];
    const ok = spawnSync(process.execPath, args, { input: `${readFileSync(files['vp.txt'] as string, 'utf8')}\n`, encoding: 'utf8' });
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.stdout).valid).toBe(true);
    const bad = spawnSync(process.execPath, args, { input: 'not-a-credential~', encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(JSON.parse(bad.stdout).errors[0].code).toBe('ERR_SDJWT_MALFORMED');
  });
});
