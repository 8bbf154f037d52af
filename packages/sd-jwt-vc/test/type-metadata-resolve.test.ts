import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createContext, utf8Encode } from '@comity/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { resolveTypeMetadata } from '../src/type-metadata/index.js';
import { type LoopbackServer, rejectionCode, startLoopbackServer } from './fixtures/issuer-key/harness.js';

const ctx = createContext({ fetch: globalThis.fetch });
const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`./fixtures/type-metadata/${name}`, import.meta.url), 'utf8')) as Record<string, unknown>;
const bytes = (doc: unknown): Uint8Array => utf8Encode(JSON.stringify(doc));
const sri = (b: Uint8Array): string => `sha256-${createHash('sha256').update(b).digest('base64')}`;

describe('resolveTypeMetadata from a registry', () => {
  it('sd-jwt-vc-5.6.5.2-extends-example: Figures 20 and 21 merge to the effective claims of Figure 22', async () => {
    const base = fixture('extends-base.json');
    const child = fixture('extends-child.json');
    const registry = new Map<string, Uint8Array | object>([
      [base.vct as string, bytes(base)],
      [child.vct as string, bytes(child)],
    ]);
    const meta = await resolveTypeMetadata(child.vct as string, { ctx, registry });
    const effective = fixture('extends-effective.json').claims as { path: unknown; display: unknown }[];
    expect(meta.claims).toEqual(effective.map((c) => ({ ...c, sd: 'allowed', mandatory: false })));
    expect(meta.chain).toEqual(['https://example.com/custom-type-metadata', 'https://example.com/base-type-metadata']);
  });

  it('sd-jwt-vc-A.2-type-metadata: parses the Appendix A.2 document and checks extends#integrity over the parent bytes', async () => {
    const a2 = fixture('a2-type-metadata.json');
    const parent = {
      vct: a2.extends,
      name: 'Galactic Education Credential',
      claims: [{ path: ['name'], mandatory: true }],
      display: [{ locale: 'en', name: 'GEC' }],
    };
    const parentBytes = bytes(parent);
    // The draft's extends#integrity value is illustrative: it cannot match our parent document.
    const asPublished = { [a2.vct as string]: a2, [a2.extends as string]: parentBytes };
    expect(await rejectionCode(resolveTypeMetadata(a2.vct as string, { ctx, registry: asPublished }))).toBe('ERR_SDJWT_VCT_INTEGRITY_MISMATCH');
    const pinned = { [a2.vct as string]: { ...a2, 'extends#integrity': sri(parentBytes) }, [a2.extends as string]: parentBytes };
    const meta = await resolveTypeMetadata(a2.vct as string, { ctx, registry: pinned });
    expect(meta.name).toBe('Betelgeuse Education Credential - First Version');
    expect(meta.display?.map((d) => d.locale)).toEqual(['en-US', 'de-DE']);
    expect(meta.claims.map((c) => [c.path, c.sd, c.mandatory])).toEqual([
      [['name'], 'always', true],
      [['address'], 'always', false],
      [['address', 'street_address'], 'always', false],
      [['degrees'], 'never', false],
      [['degrees', null], 'always', false],
      [['degrees', null, 'field_of_study'], 'never', false],
      [['degrees', null, 'date_awarded'], 'always', false],
    ]);
    expect(meta.claims.find((c) => c.svg_id !== undefined)?.svg_id).toBe('address_street_address');
  });

  it('inherits the parent display when the child has none; the child display replaces it otherwise', async () => {
    const registry = {
      'urn:base': { vct: 'urn:base', display: [{ locale: 'en', name: 'Base' }] },
      'urn:child': { vct: 'urn:child', extends: 'urn:base' },
      'urn:own': { vct: 'urn:own', extends: 'urn:base', display: [{ locale: 'de', name: 'Eigen' }] },
    };
    expect((await resolveTypeMetadata('urn:child', { ctx, registry })).display).toEqual([{ locale: 'en', name: 'Base' }]);
    expect((await resolveTypeMetadata('urn:own', { ctx, registry })).display).toEqual([{ locale: 'de', name: 'Eigen' }]);
  });

  it('sd-jwt-vc-5.6.5.1-tighten: a child may make allowed claims always/never and optional claims mandatory', async () => {
    const registry = {
      'urn:base': { vct: 'urn:base', claims: [{ path: ['a'] }, { path: ['b'], sd: 'allowed', mandatory: false }] },
      'urn:child': {
        vct: 'urn:child',
        extends: 'urn:base',
        claims: [
          { path: ['a'], sd: 'never' },
          { path: ['b'], sd: 'always', mandatory: true },
        ],
      },
    };
    const meta = await resolveTypeMetadata('urn:child', { ctx, registry });
    expect(meta.claims.map((c) => [c.path, c.sd, c.mandatory])).toEqual([
      [['a'], 'never', false],
      [['b'], 'always', true],
    ]);
  });

  it('sd-jwt-vc-5.6.5.1-extends-loosens: rejects a child that relaxes sd or mandatory', async () => {
    const cases: [unknown, unknown][] = [
      [
        { path: ['a'], sd: 'always' },
        { path: ['a'], sd: 'allowed' },
      ],
      [
        { path: ['a'], sd: 'never' },
        { path: ['a'], sd: 'always' },
      ],
      [
        { path: ['a'], sd: 'always' },
        { path: ['a'], sd: 'never' },
      ],
      [
        { path: ['a'], mandatory: true },
        { path: ['a'], mandatory: false },
      ],
    ];
    for (const [parent, child] of cases) {
      const registry = { 'urn:base': { vct: 'urn:base', claims: [parent] }, 'urn:child': { vct: 'urn:child', extends: 'urn:base', claims: [child] } };
      expect(await rejectionCode(resolveTypeMetadata('urn:child', { ctx, registry }))).toBe('ERR_SDJWT_VCT_EXTENDS_LOOSENS');
    }
  });

  it('sd-jwt-vc-7.4-extends-cycle: rejects circular extends chains, also through a grandparent', async () => {
    const self = { 'urn:a': { vct: 'urn:a', extends: 'urn:a' } };
    expect(await rejectionCode(resolveTypeMetadata('urn:a', { ctx, registry: self }))).toBe('ERR_SDJWT_VCT_EXTENDS_CYCLE');
    const loop = { 'urn:a': { vct: 'urn:a', extends: 'urn:b' }, 'urn:b': { vct: 'urn:b', extends: 'urn:c' }, 'urn:c': { vct: 'urn:c', extends: 'urn:a' } };
    expect(await rejectionCode(resolveTypeMetadata('urn:a', { ctx, registry: loop }))).toBe('ERR_SDJWT_VCT_EXTENDS_CYCLE');
  });

  it('bounds the extends chain by maxDepth (default 5)', async () => {
    const registry: Record<string, unknown> = {};
    for (let i = 0; i < 7; i++) registry[`urn:t${i}`] = i < 6 ? { vct: `urn:t${i}`, extends: `urn:t${i + 1}` } : { vct: `urn:t${i}` };
    expect(await rejectionCode(resolveTypeMetadata('urn:t0', { ctx, registry }))).toBe('ERR_SDJWT_VCT_EXTENDS_TOO_DEEP');
    expect((await resolveTypeMetadata('urn:t0', { ctx, registry, maxDepth: 6 })).chain).toHaveLength(7);
    expect((await resolveTypeMetadata('urn:t1', { ctx, registry })).chain).toHaveLength(6);
  });

  it('sd-jwt-vc-5.3-vct-mismatch: rejects a document describing another type', async () => {
    expect(await rejectionCode(resolveTypeMetadata('urn:a', { ctx, registry: { 'urn:a': { vct: 'urn:b' } } }))).toBe('ERR_SDJWT_VCT_METADATA_MISMATCH');
    const viaExtends = { 'urn:a': { vct: 'urn:a', extends: 'urn:b' }, 'urn:b': { vct: 'urn:B' } };
    expect(await rejectionCode(resolveTypeMetadata('urn:a', { ctx, registry: viaExtends }))).toBe('ERR_SDJWT_VCT_METADATA_MISMATCH');
  });

  it('sd-jwt-vc-5.2-strict-parsing: rejects members of the wrong type and ignores unknown ones', async () => {
    const bad: unknown[] = [
      {},
      { vct: 42 },
      { vct: 'urn:a', name: 1 },
      { vct: 'urn:a', extends: ['urn:b'] },
      { vct: 'urn:a', 'extends#integrity': 'sha256-AAAA' },
      { vct: 'urn:a', display: {} },
      { vct: 'urn:a', display: [{ locale: 'en' }] },
      { vct: 'urn:a', display: [{ locale: 'en', name: 'x', rendering: 'simple' }] },
      { vct: 'urn:a', claims: {} },
      { vct: 'urn:a', claims: [{}] },
      { vct: 'urn:a', claims: [{ path: [] }] },
      { vct: 'urn:a', claims: [{ path: ['a', -1] }] },
      { vct: 'urn:a', claims: [{ path: ['a', 1.5] }] },
      { vct: 'urn:a', claims: [{ path: ['a', true] }] },
      { vct: 'urn:a', claims: [{ path: ['a'], sd: 'sometimes' }] },
      { vct: 'urn:a', claims: [{ path: ['a'], mandatory: 'yes' }] },
      { vct: 'urn:a', claims: [{ path: ['a'], display: [{ locale: 'en' }] }] },
      { vct: 'urn:a', claims: [{ path: ['a'], svg_id: '1abc' }] },
      {
        vct: 'urn:a',
        claims: [
          { path: ['a'], svg_id: 'x' },
          { path: ['b'], svg_id: 'x' },
        ],
      },
      { vct: 'urn:a', claims: [{ path: ['a'] }, { path: ['a'], sd: 'always' }] },
    ];
    for (const doc of bad) {
      expect(await rejectionCode(resolveTypeMetadata('urn:a', { ctx, registry: { 'urn:a': bytes(doc) } }))).toBe('ERR_SDJWT_VCT_METADATA_INVALID');
    }
    expect(await rejectionCode(resolveTypeMetadata('urn:a', { ctx, registry: { 'urn:a': utf8Encode('{"vct":"urn:a",') } }))).toBe(
      'ERR_SDJWT_VCT_METADATA_INVALID',
    );
    expect(await rejectionCode(resolveTypeMetadata('urn:a', { ctx, registry: { 'urn:a': new Uint8Array([0xff, 0xfe]) } }))).toBe(
      'ERR_SDJWT_VCT_METADATA_INVALID',
    );
    const lenient = await resolveTypeMetadata('urn:a', {
      ctx,
      registry: {
        'urn:a': bytes({ vct: 'urn:a', schema_uri: 'x', claims: [{ path: ['a'], future: 1, display: [{ locale: 'en', label: 'A', extra: true }] }] }),
      },
    });
    expect(lenient.claims).toEqual([{ path: ['a'], sd: 'allowed', mandatory: false, display: [{ locale: 'en', label: 'A' }] }]);
  });

  it('checks the vct#integrity over registry bytes and JSON text', async () => {
    const doc = bytes({ vct: 'urn:a' });
    await resolveTypeMetadata('urn:a', { ctx, registry: { 'urn:a': doc }, integrity: sri(doc) });
    await resolveTypeMetadata('urn:a', { ctx, registry: new Map([['urn:a', '{"vct":"urn:a"}']]), integrity: sri(doc) });
    expect(await rejectionCode(resolveTypeMetadata('urn:a', { ctx, registry: { 'urn:a': doc }, integrity: sri(bytes({ vct: 'urn:b' })) }))).toBe(
      'ERR_SDJWT_VCT_INTEGRITY_MISMATCH',
    );
  });

  it('reports unavailable metadata when the type is not in the registry and fetching is off or impossible', async () => {
    expect(await rejectionCode(resolveTypeMetadata('https://types.example/pid', { ctx }))).toBe('ERR_SDJWT_VCT_METADATA_UNAVAILABLE');
    expect(await rejectionCode(resolveTypeMetadata('urn:eudi:pid:1', { ctx, fetch: true }))).toBe('ERR_SDJWT_VCT_METADATA_UNAVAILABLE');
    expect(await rejectionCode(resolveTypeMetadata('', { ctx }))).toBe('ERR_SDJWT_VCT_METADATA_UNAVAILABLE');
    expect(await rejectionCode(resolveTypeMetadata('urn:a', { ctx, registry: { 'urn:a': 42 } }))).toBe('ERR_SDJWT_VCT_METADATA_INVALID');
  });
});

describe('resolveTypeMetadata over real HTTP on loopback (draft-ietf-oauth-sd-jwt-vc §5.3.1, §3)', () => {
  let server: LoopbackServer;
  beforeAll(async () => {
    server = await startLoopbackServer();
  });
  afterAll(() => server.close());
  beforeEach(() => {
    server.routes.clear();
    server.requests.length = 0;
  });
  const fetch = { allowLoopbackHttp: true };

  it('fetches the vct URL and its extends chain, checking vct#integrity and extends#integrity over the exact bytes', async () => {
    const baseUrl = `${server.origin}/types/base`;
    const childUrl = `${server.origin}/types/child/v1`;
    const baseBytes = utf8Encode(`{ "vct": "${baseUrl}",\n  "claims": [ { "path": ["family_name"], "mandatory": true, "sd": "allowed" } ] }\n`);
    const childBytes = bytes({ vct: childUrl, extends: baseUrl, 'extends#integrity': sri(baseBytes), claims: [{ path: ['family_name'], sd: 'always' }] });
    server.routes.set('/types/base', { body: baseBytes });
    server.routes.set('/types/child/v1', { body: childBytes });
    const meta = await resolveTypeMetadata(childUrl, { ctx, fetch, integrity: sri(childBytes) });
    expect(meta.claims).toEqual([{ path: ['family_name'], sd: 'always', mandatory: true }]);
    expect(server.requests).toEqual(['/types/child/v1', '/types/base']);
  });

  it('sd-jwt-vc-6-integrity-mismatch: rejects a served document that differs from vct#integrity', async () => {
    const url = `${server.origin}/types/pid`;
    const original = bytes({ vct: url, name: 'PID' });
    server.routes.set('/types/pid', { body: bytes({ vct: url, name: 'PID (tampered)' }) });
    expect(await rejectionCode(resolveTypeMetadata(url, { ctx, fetch, integrity: sri(original) }))).toBe('ERR_SDJWT_VCT_INTEGRITY_MISMATCH');
  });

  it('prefers the registry over the network', async () => {
    const url = `${server.origin}/types/local`;
    const meta = await resolveTypeMetadata(url, { ctx, fetch, registry: { [url]: { vct: url, name: 'local' } } });
    expect(meta.name).toBe('local');
    expect(server.requests).toEqual([]);
  });

  it('sd-jwt-vc-3-bounded-retrieval: rejects oversized documents, error statuses and non-https URLs', async () => {
    const url = `${server.origin}/types/big`;
    server.routes.set('/types/big', { body: bytes({ vct: url, padding: 'x'.repeat(300 * 1024) }) });
    expect(await rejectionCode(resolveTypeMetadata(url, { ctx, fetch }))).toBe('ERR_FETCH_TOO_LARGE');
    server.routes.set('/types/big', { status: 404, body: bytes({ vct: url }) });
    expect(await rejectionCode(resolveTypeMetadata(url, { ctx, fetch }))).toBe('ERR_FETCH_STATUS');
    expect(await rejectionCode(resolveTypeMetadata(url, { ctx, fetch: true }))).toBe('ERR_FETCH_URL_NOT_ALLOWED');
    expect(await rejectionCode(resolveTypeMetadata('https://10.0.0.8/types/pid', { ctx, fetch: true }))).toBe('ERR_FETCH_URL_NOT_ALLOWED');
    expect(server.requests).toEqual(['/types/big', '/types/big']);
  });
});
