/**
 * Review of the `comity` command (exit codes, option parsing, input limits) and of the trust
 * configuration loader, with real credentials, keys, signed lists and files in a temp dir.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ComityError, createContext, derToPem } from '@comity/core';
import { loadTrustConfig } from '@comity/trust-registry';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildWorld, trustConfig, type World } from '../../../examples/cross-border/src/world.js';
import { run, writePidFiles } from './fixtures.js';

const _ctx = createContext();
const dir = mkdtempSync(join(tmpdir(), 'comity-cli-review-'));
const f = (name: string) => join(dir, name);
const bin = fileURLToPath(new URL('../src/bin.ts', import.meta.url));
let world: World;

/** The real bin under node, killed after 20 s (a hang is a failure, not a stuck test run). */
function runBin(args: string[], stdin?: number) {
  return spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', bin, ...args], {
    encoding: 'utf8',
    timeout: 20_000,
    ...(stdin === undefined ? {} : { stdio: [stdin, 'pipe', 'pipe'] }),
  });
}

beforeAll(async () => {
  const { holder } = await writePidFiles(dir);
  writeFileSync(f('holder.jwk'), JSON.stringify(holder.privateJwk));
  // A private JWK whose coordinates are not on the curve: it parses as JSON but cannot be imported.
  writeFileSync(f('broken-holder.jwk'), JSON.stringify({ ...holder.privateJwk, x: holder.privateJwk.y }));

  world = await buildWorld();
  for (const [path, bytes] of world.files) writeFileSync(f(basename(path)), bytes);
  writeFileSync(
    f('credential.json'),
    JSON.stringify({
      format: 'dc+sd-jwt',
      type: 'urn:eudi:pid:de:1',
      issuerCertificates: [derToPem(world.dePidIssuer.cert.der)],
      claims: { given_name: 'ERIKA', family_name: 'MUSTERMANN', birthdate: '1964-08-12' },
    }),
  );
}, 60_000);

const verifyVp = () => ['verify', f('vp.txt'), '--json', '--issuer-key', f('issuer.jwk'), '--aud', 'https://rp.example'];

describe('review: comity verify options', () => {
  it('cli-now-iso8601-only: a --now that is neither ISO 8601 nor epoch seconds is a usage error, not a date Date() guesses', async () => {
    for (const now of ['March 7, 2001', '1 2 3', 'yesterday 5', '2026-02-31', '2026-02-30T00:00:00Z']) {
      const r = await run([...verifyVp(), '--nonce', 'n-42', '--now', now]);
      expect({ now, code: r.code, out: r.out }).toEqual({ now, code: 2, out: '' });
    }
    // The documented forms still work (the presentation was made now: far past dates refuse its iat, not the option).
    const iso = new Date(Date.now() + 60_000).toISOString();
    for (const now of [iso, `${iso.slice(0, 19)}+00:00`, String(Math.floor(Date.now() / 1000) + 60)]) {
      const r = await run([...verifyVp(), '--nonce', 'n-42', '--now', now]);
      expect({ now, code: r.code }).toEqual({ now, code: 0 });
    }
    expect(
      (
        await run([
          'trust',
          'evaluate',
          f('credential.json'),
          '--trust-list',
          f('eu-pid-providers.jws'),
          '--trust-list-signer',
          f('ec-seal.pem'),
          '--now',
          'March 7',
        ])
      ).code,
    ).toBe(2);
  });

  it('cli-kb-max-age-whole-seconds: an empty, hex, exponent, fractional or negative --kb-max-age is a usage error', async () => {
    for (const age of ['', ' ', '0x10', '1e3', '1.5', '-1', '10s']) {
      const r = await run([...verifyVp(), '--nonce', 'n-42', '--kb-max-age', age]);
      expect({ age, code: r.code, out: r.out }).toEqual({ age, code: 2, out: '' });
    }
    expect((await run([...verifyVp(), '--nonce', 'n-42', '--kb-max-age', '300'])).code).toBe(0);
  });

  it('cli-repeated-option: a value option given twice is a usage error, not "the last one wins"', async () => {
    const twice = await run([...verifyVp(), '--nonce', 'attacker-chosen', '--nonce', 'n-42']);
    expect(twice.code).toBe(2);
    expect(twice.out).toBe('');
    expect((await run([...verifyVp(), '--nonce', 'n-42', '--now', 'junk', '--now', new Date().toISOString()])).code).toBe(2);
    expect((await run(['present', f('credential.txt'), '--all', '--holder-key', f('holder.jwk'), '--nonce', 'a', '--nonce', 'b', '--aud', 'x'])).code).toBe(2);
    // Repeatable options stay repeatable.
    expect((await run([...verifyVp(), '--nonce', 'n-42', '--vct', 'urn:other', '--vct', 'urn:eudi:pid:1'])).code).toBe(0);
  });

  it('cli-input-bounded: an endless input file or standard input ends in exit 2, not a hang or a crash', () => {
    const file = runBin(['verify', '/dev/zero', '--json', '--issuer-key', f('issuer.jwk')]);
    expect(file.status).toBe(2);
    expect(file.stdout).toBe('');
    const stdin = runBin(['verify', '-', '--json', '--issuer-key', f('issuer.jwk')], openSync('/dev/zero', 'r'));
    expect(stdin.status).toBe(2);
    expect(stdin.stdout).toBe('');
    const inspect = runBin(['inspect', '-'], openSync('/dev/zero', 'r'));
    expect(inspect.status).toBe(2);
  }, 60_000);
});

describe('review: comity issue and present inputs', () => {
  it('cli-issue-claims-object: --claims that is not a JSON object, or a junk --expires-in, is a usage error', async () => {
    for (const claims of ['[1,2]', 'null', '"x"', '5']) {
      const r = await run(['issue', '--claims', claims]);
      expect({ claims, code: r.code, out: r.out }).toEqual({ claims, code: 2, out: '' });
    }
    for (const e of ['', '-5', '1e9', 'soon']) expect((await run(['issue', '--expires-in', e])).code).toBe(2);
    expect((await run(['issue', '--expires-in', '60'])).code).toBe(0);
  });

  it('cli-private-key-import: a private JWK that cannot be imported is a usage error (2), not a rejected credential (1)', async () => {
    const present = await run(['present', f('credential.txt'), '--all', '--holder-key', f('broken-holder.jwk'), '--nonce', 'n', '--aud', 'a']);
    expect(present.code).toBe(2);
    expect(present.out).toBe('');
    expect((await run(['issue', '--issuer-key', f('broken-holder.jwk')])).code).toBe(2);
    expect((await run(['present', f('credential.txt'), '--all', '--holder-key', f('holder.jwk'), '--nonce', 'n', '--aud', 'a'])).code).toBe(0);
  });
});

function writeConfig(name: string, mutate: (c: Record<string, unknown> & { sources: Array<Record<string, unknown>> }) => void): string {
  const c = JSON.parse(JSON.stringify(trustConfig({ jurisdiction: 'FR', purpose: 'account-opening' })));
  mutate(c);
  writeFileSync(f(name), JSON.stringify(c));
  return f(name);
}

async function configError(config: unknown): Promise<ComityError> {
  try {
    await loadTrustConfig(config, { baseDir: dir });
  } catch (e) {
    return e as ComityError;
  }
  throw new Error('the configuration was accepted');
}

const evaluate = (config: string) => run(['trust', 'evaluate', f('credential.json'), '--trust', config]);

describe('review: trust configuration loader', () => {
  it('trust-config-baseline: the unmodified configuration accepts the German PID at the French service', async () => {
    expect((await evaluate(writeConfig('fr.json', () => {}))).code).toBe(0);
  });

  it('trust-config-min-sequence-type: a minSequence that is not a whole number is ERR_TRUST_CONFIG_INVALID, not a disabled rollback check', async () => {
    for (const [i, minSequence] of ['abc', null, '12', -1, 1.5, true, {}].entries()) {
      const config = writeConfig(`min-seq-${i}.json`, (c) => {
        (c.sources[0] as Record<string, unknown>).minSequence = minSequence;
      });
      const e = await configError(JSON.parse(readFileSync(config, 'utf8')));
      expect({ minSequence, code: e.code, details: e.details }).toEqual({
        minSequence,
        code: 'ERR_TRUST_CONFIG_INVALID',
        details: { field: 'sources[0].minSequence' },
      });
      const r = await evaluate(config);
      expect({ minSequence, code: r.code, out: r.out }).toEqual({ minSequence, code: 2, out: '' });
    }
    // A numeric minSequence above the list's sequence still refuses the list (the check is on).
    const pinned = writeConfig('min-seq-high.json', (c) => {
      (c.sources[0] as Record<string, unknown>).minSequence = 1_000_000;
    });
    const r = await evaluate(pinned);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out).checks.some((c: { code: string; result: string }) => c.code === 'TRUST_LIST_SIGNATURE' && c.result === 'fail')).toBe(true);
  });

  it('trust-config-jurisdiction-type: source and verifier jurisdictions, purpose and community are checked, not ignored or kept as junk', async () => {
    const cases: Array<[string, (c: Record<string, unknown> & { sources: Array<Record<string, unknown>> }) => void]> = [
      ['sources[3].jurisdiction', (c) => Object.assign(c.sources[3] as object, { jurisdiction: 41 })],
      ['sources[3].jurisdiction', (c) => Object.assign(c.sources[3] as object, { jurisdiction: 'ch' })],
      ['sources[3].jurisdiction', (c) => Object.assign(c.sources[3] as object, { jurisdiction: '' })],
      ['sources[3].jurisdiction', (c) => Object.assign(c.sources[3] as object, { jurisdiction: ['CH'] })],
      ['verifier.jurisdiction', (c) => Object.assign(c.verifier as object, { jurisdiction: 'fr' })],
      ['verifier.purpose', (c) => Object.assign(c.verifier as object, { purpose: 7 })],
      ['verifier.community', (c) => Object.assign(c.verifier as object, { community: ['fr-banks'] })],
      ['sources[0].lists', (c) => Object.assign(c.sources[0] as object, { lists: { 'https://x.example/tl.xml': 5 } })],
      ['rules[0].types', (c) => Object.assign(c, { rules: [{ id: 'R', types: 'urn:eudi:pid:de:1', logic: true }] })],
      ['policy.serviceStatusAt', (c) => Object.assign(c, { policy: { serviceStatusAt: 'now' } })],
    ];
    for (const [i, [field, mutate]] of cases.entries()) {
      const config = writeConfig(`juris-${i}.json`, mutate);
      const e = await configError(JSON.parse(readFileSync(config, 'utf8')));
      expect({ i, code: e.code, details: e.details }).toEqual({ i, code: 'ERR_TRUST_CONFIG_INVALID', details: { field } });
      expect((await evaluate(config)).code).toBe(2);
    }
  });

  it('trust-config-missing-file: a file the configuration names that cannot be read is ERR_TRUST_CONFIG_INVALID (unreadable), not a raw fs error', async () => {
    const cases: Array<[string, (c: Record<string, unknown> & { sources: Array<Record<string, unknown>> }) => void]> = [
      ['sources[0].file', (c) => Object.assign(c.sources[0] as object, { file: 'missing.jws' })],
      ['sources[0].signers', (c) => Object.assign(c.sources[0] as object, { signers: ['missing.pem'] })],
      ['sources[3].file', (c) => Object.assign(c.sources[3] as object, { file: dir })],
      ['agreementLists[0].file', (c) => Object.assign((c.agreementLists as object[])[0] as object, { file: 'missing-agreements.jws' })],
      ['statusLists[0].file', (c) => Object.assign((c.statusLists as object[])[0] as object, { file: 'missing-status.jwt' })],
    ];
    for (const [i, [field, mutate]] of cases.entries()) {
      const config = writeConfig(`missing-${i}.json`, mutate);
      const e = await configError(JSON.parse(readFileSync(config, 'utf8')));
      expect({ i, code: e.code, details: e.details }).toEqual({ i, code: 'ERR_TRUST_CONFIG_INVALID', details: { field, reason: 'unreadable' } });
      const r = await evaluate(config);
      expect({ i, code: r.code, out: r.out }).toEqual({ i, code: 2, out: '' });
    }
  });

  it('trust-config-bad-signer-pem: a pinned signer file without a usable certificate is ERR_TRUST_CONFIG_INVALID (exit 2), not a list failure (exit 1)', async () => {
    writeFileSync(join(dir, 'not-a-cert.pem'), 'this is not PEM\n');
    writeFileSync(join(dir, 'bad-cert.pem'), '-----BEGIN CERTIFICATE-----\nMIIBAA==\n-----END CERTIFICATE-----\n');
    const cases: Array<[string, (c: Record<string, unknown> & { sources: Array<Record<string, unknown>> }) => void]> = [
      ['sources[0].signers', (c) => Object.assign(c.sources[0] as object, { signers: ['not-a-cert.pem'] })],
      ['sources[0].signers', (c) => Object.assign(c.sources[0] as object, { signers: ['bad-cert.pem'] })],
      ['agreementLists[0].signers', (c) => Object.assign((c.agreementLists as object[])[0] as object, { signers: ['bad-cert.pem'] })],
    ];
    for (const [i, [field, mutate]] of cases.entries()) {
      const config = writeConfig(`bad-pem-${i}.json`, mutate);
      const e = await configError(JSON.parse(readFileSync(config, 'utf8')));
      expect({ i, code: e.code, details: e.details }).toEqual({ i, code: 'ERR_TRUST_CONFIG_INVALID', details: { field, reason: 'certificate' } });
      const r = await evaluate(config);
      expect({ i, code: r.code, out: r.out }).toEqual({ i, code: 2, out: '' });
    }
  });

  it('trust-config-endless-file: a configuration naming /dev/zero ends in exit 2, not a hang', () => {
    const config = writeConfig('dev-zero.json', (c) => Object.assign(c.sources[3] as object, { file: '/dev/zero' }));
    const r = runBin(['trust', 'evaluate', f('credential.json'), '--trust', config]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
  }, 60_000);
});
